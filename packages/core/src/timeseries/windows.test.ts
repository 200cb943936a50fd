import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { windowFeatures } from './windows.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof SeqlmError ? e.code : 'not a SeqlmError';
  }
  return undefined;
}

describe('windowFeatures', () => {
  it('builds T - tau rows of x_{t-tau..t-1} with label x_t', () => {
    const { features, labels, n, tau } = windowFeatures([1, 2, 3, 4, 5, 6], 2);
    expect(n).toBe(4);
    expect(tau).toBe(2);
    expect(Array.from(features)).toEqual([1, 2, 2, 3, 3, 4, 4, 5]);
    expect(Array.from(labels)).toEqual([3, 4, 5, 6]);
  });

  it('handles tau = 1 and a Float32Array series', () => {
    const { features, labels } = windowFeatures(Float32Array.of(0.5, -1, 2), 1);
    expect(features).toBeInstanceOf(Float32Array);
    expect(Array.from(features)).toEqual([0.5, -1]);
    expect(Array.from(labels)).toEqual([-1, 2]);
  });

  it('gives one row when the series is exactly tau + 1 long', () => {
    const { features, labels, n } = windowFeatures([7, 8, 9, 10], 3);
    expect(n).toBe(1);
    expect(Array.from(features)).toEqual([7, 8, 9]);
    expect(Array.from(labels)).toEqual([10]);
  });

  it('rejects short series, bad tau and non-finite values with stable codes', () => {
    expect(codeOf(() => windowFeatures([1, 2, 3], 3))).toBe('CORPUS_TOO_SHORT');
    expect(codeOf(() => windowFeatures([], 1))).toBe('CORPUS_TOO_SHORT');
    expect(codeOf(() => windowFeatures([1, 2, 3], 0))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => windowFeatures([1, 2, 3], 1.5))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => windowFeatures([1, Number.NaN, 3], 1))).toBe('NON_FINITE');
    expect(codeOf(() => windowFeatures(null as unknown as number[], 1))).toBe('INVALID_ARGUMENT');
  });
});
