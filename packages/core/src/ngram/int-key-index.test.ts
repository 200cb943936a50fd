import { describe, expect, it } from 'vitest';
import { Rng } from '../random/index.ts';
import { IntKeyIndex } from './int-key-index.ts';

describe('IntKeyIndex', () => {
  it('stores and finds keys up to 2^53 through many resizes, like a Map', () => {
    const index = new IntKeyIndex();
    const reference = new Map<number, number>();
    const rng = new Rng(9);
    for (let i = 0; i < 50000; i++) {
      // mix small keys, keys past 2^32 and keys near 2^53
      const key = i % 3 === 0 ? rng.int(1000) : i % 3 === 1 ? Math.floor(rng.next() * 2 ** 40) : Number.MAX_SAFE_INTEGER - rng.int(1e6);
      index.set(key, i);
      reference.set(key, i);
    }
    expect(index.size).toBe(reference.size);
    for (const [key, value] of reference) expect(index.get(key)).toBe(value);
    expect(index.get(1001)).toBe(-1);
    expect(index.get(2 ** 41 + 0.5)).toBe(-1);
  });
});
