import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debounced } from './debounce.ts';

describe('debounced', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs once, the given time after the last of a burst of requests', () => {
    let runs = 0;
    const save = debounced(() => runs++, 300);
    for (let i = 0; i < 5; i++) {
      save();
      vi.advanceTimersByTime(100);
    }
    expect(runs).toBe(0);
    vi.advanceTimersByTime(199);
    expect(runs).toBe(0);
    vi.advanceTimersByTime(1);
    expect(runs).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(runs).toBe(1);
  });

  it('flush runs a pending request at once, and nothing when none is pending', () => {
    let runs = 0;
    const save = debounced(() => runs++, 300);
    save.flush();
    expect(runs).toBe(0);
    save();
    save.flush();
    expect(runs).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(runs).toBe(1);
  });
});
