import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { Rng } from '../random/index.ts';
import { logLogPoints, zipfFit } from './zipf.ts';

/** Draws `samples` ranks from a Zipf distribution on 1..V (P(r) ∝ r^-s) by inverse CDF, and counts them. */
function sampleZipfCounts(s: number, V: number, samples: number, seed: number): number[] {
  const cdf = new Float64Array(V);
  let z = 0;
  for (let r = 1; r <= V; r++) {
    z += r ** -s;
    cdf[r - 1] = z;
  }
  const rng = new Rng(seed);
  const counts = new Array<number>(V).fill(0);
  for (let i = 0; i < samples; i++) {
    const u = rng.next() * z;
    let lo = 0;
    let hi = V - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) > u) hi = mid;
      else lo = mid + 1;
    }
    counts[lo] = (counts[lo] as number) + 1;
  }
  return counts.filter((c) => c > 0);
}

describe('zipfFit', () => {
  it('recovers the exponent of counts exactly proportional to rank^-s', () => {
    for (const s of [0.7, 1, 1.3]) {
      const counts = Array.from({ length: 500 }, (_, i) => 1e6 * (i + 1) ** -s);
      const fit = zipfFit(counts);
      expect(fit.exponent).toBeCloseTo(s, 9);
      expect(fit.logIntercept).toBeCloseTo(Math.log(1e6), 9);
      expect(fit.r2).toBeCloseTo(1, 12);
      expect(fit.points).toBe(500);
    }
  });

  it('recovers the exponent within 0.05 from integer counts rounded from rank^-s', () => {
    // Smallest count is 1e6·500^-1.07 ≈ 1300, so rounding moves log counts by < 4e-4.
    const counts = Array.from({ length: 500 }, (_, i) => Math.round(1e6 * (i + 1) ** -1.07));
    expect(Math.abs(zipfFit(counts).exponent - 1.07)).toBeLessThan(0.05);
  });

  it('recovers the exponent within 0.05 from a seeded Zipf sample (200k draws over 1000 ranks)', () => {
    // Sampled, not exact: the rarest rank still expects about 11 draws at s = 1.2
    // (200k · 1000^-1.2 / Σ r^-1.2), so the empirical curve stays close to the true one over all ranks.
    for (const s of [0.8, 1, 1.2]) {
      for (const seed of [1, 2]) {
        const fit = zipfFit(sampleZipfCounts(s, 1000, 200_000, seed));
        expect(Math.abs(fit.exponent - s)).toBeLessThan(0.05);
        expect(fit.r2).toBeGreaterThan(0.98);
      }
    }
  });

  it('ranks counts given in any order', () => {
    const counts = [2, 8, 1, 4];
    expect(zipfFit(counts)).toEqual(zipfFit([8, 4, 2, 1]));
  });

  it('fits two points by hand: 8 then 2 gives s = log(8/2)/log 2 = 2', () => {
    const fit = zipfFit([2, 8]);
    expect(fit.exponent).toBeCloseTo(2, 12);
    expect(fit.logIntercept).toBeCloseTo(Math.log(8), 12);
    expect(fit.r2).toBe(1);
  });

  it('gives r2 below 1 for a curve that is not a power law', () => {
    const fit = zipfFit(Array.from({ length: 50 }, (_, i) => 2 ** -i));
    expect(fit.r2).toBeGreaterThan(0);
    expect(fit.r2).toBeLessThan(0.9);
  });

  it('treats equal counts as a flat perfect fit, not NaN', () => {
    expect(zipfFit([5, 5, 5])).toMatchObject({ exponent: 0, r2: 1 });
  });

  it('fits a rank window: a head that bends away is skipped with minRank', () => {
    const counts = Array.from({ length: 100 }, (_, i) => 1000 * (i + 1) ** -1.5);
    counts[0] = 5000;
    expect(zipfFit(counts).exponent).not.toBeCloseTo(1.5, 2);
    expect(zipfFit(counts, { minRank: 2 }).exponent).toBeCloseTo(1.5, 9);
    expect(zipfFit(counts, { minRank: 2, maxRank: 10 }).points).toBe(9);
  });

  it('rejects bad input with INVALID_ARGUMENT', () => {
    const bad: [ArrayLike<number>, object?][] = [[[]], [[3]], [[3, 0]], [[3, -1]], [[3, Number.NaN]], [[3, Infinity]], [[3, 2], { minRank: 0 }], [[3, 2], { maxRank: 3 }], [[3, 2, 1], { minRank: 3 }]];
    for (const [counts, options] of bad) {
      try {
        zipfFit(counts, options);
        expect.unreachable(`accepted ${JSON.stringify([counts, options])}`);
      } catch (e) {
        expect(e).toBeInstanceOf(SeqlmError);
        expect((e as SeqlmError).code).toBe('INVALID_ARGUMENT');
      }
    }
  });
});

describe('logLogPoints', () => {
  it('returns every rank of a short curve', () => {
    expect(logLogPoints([1, 5, 3])).toEqual([
      { rank: 1, freq: 5 },
      { rank: 2, freq: 3 },
      { rank: 3, freq: 1 },
    ]);
  });

  it('thins a long curve to log-spaced ranks, keeping the first and last', () => {
    const counts = Array.from({ length: 100_000 }, (_, i) => 100_000 - i);
    const points = logLogPoints(counts, 200);
    expect(points.length).toBeLessThanOrEqual(200);
    expect(points.length).toBeGreaterThan(100);
    expect(points[0]).toEqual({ rank: 1, freq: 100_000 });
    expect(points.at(-1)).toEqual({ rank: 100_000, freq: 1 });
    for (let k = 1; k < points.length; k++) {
      const p = points[k] as { rank: number; freq: number };
      expect(p.rank).toBeGreaterThan((points[k - 1] as { rank: number }).rank);
      expect(p.freq).toBe(100_001 - p.rank);
    }
    // Log spacing: a decade near the tail holds about as many points as one near the head.
    const inDecade = (lo: number) => points.filter((p) => p.rank > lo && p.rank <= lo * 10).length;
    expect(Math.abs(inDecade(10_000) - inDecade(100))).toBeLessThanOrEqual(2);
  });

  it('returns nothing for no counts and rejects maxPoints < 2', () => {
    expect(logLogPoints([])).toEqual([]);
    expect(() => logLogPoints([1, 2], 1)).toThrow(SeqlmError);
  });
});
