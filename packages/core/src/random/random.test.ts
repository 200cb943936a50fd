import { describe, expect, it } from 'vitest';
import { Rng } from './index.ts';

describe('Rng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });

  it('continues the same stream from a saved state', () => {
    const a = new Rng(7);
    a.next();
    a.next();
    const resumed = Rng.fromState(a.state);
    expect(resumed.next()).toBe(a.next());
  });

  it('draws uniform values in [0, 1) with the expected mean and integers in range', () => {
    const rng = new Rng(1);
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    // sd of the mean is sqrt(1/12/n) ≈ 0.002; 5 sd margin
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.01);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 6000; i++) counts[rng.int(6)]! += 1;
    for (const c of counts) expect(c).toBeGreaterThan(850);
  });

  it('draws normals with the requested mean and sd', () => {
    const rng = new Rng(3);
    const n = 20000;
    const xs = Array.from({ length: n }, () => rng.normal(1, 0.2));
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
    expect(Math.abs(mean - 1)).toBeLessThan(0.01); // sd of mean 0.0014
    expect(Math.abs(sd - 0.2)).toBeLessThan(0.01);
  });

  it('refuses a seed or state it cannot use with SeqlmError INVALID_ARGUMENT', () => {
    const bad = [() => new Rng(Number.NaN), () => new Rng(Number.POSITIVE_INFINITY), () => new Rng('7' as unknown as number)];
    bad.push(() => Rng.fromState('x' as unknown as number), () => Rng.fromState(-1), () => Rng.fromState(2 ** 32), () => Rng.fromState(1.5));
    for (const make of bad) expect(make).toThrow(expect.objectContaining({ name: 'SeqlmError', code: 'INVALID_ARGUMENT' }));
    expect(() => new Rng(Number.NaN)).toThrow(expect.objectContaining({ message: 'seed must be a finite number, got NaN' }));
    expect(() => Rng.fromState('x' as unknown as number)).toThrow(expect.objectContaining({ message: 'an Rng state is an integer in [0, 2^32), got "x"' }));
    // The largest valid state is accepted.
    expect(Rng.fromState(2 ** 32 - 1).state).toBe(2 ** 32 - 1);
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new Rng(5).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
  });
});
