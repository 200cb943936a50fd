import { describe, expect, it } from 'vitest';
import { activationColor, pearson, rankUnits, TOKEN_FEATURES, unitActivations } from './unit-features.ts';

const feature = (id: string) => TOKEN_FEATURES.find((f) => f.id === id)!;
const tokens = Array.from('the "old" sea');

describe('token features', () => {
  it('mark word ends, spaces, positions in a word, vowels and quoted text', () => {
    expect(Array.from(feature('word-end').values(tokens)!)).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(feature('space').values(tokens)!)).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    expect(Array.from(feature('word-position').values(tokens)!)).toEqual([1, 2, 3, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3]);
    expect(Array.from(feature('vowel').values(tokens)!)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1]);
    expect(Array.from(feature('quotes').values(tokens)!)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(feature('quotes').values(Array.from('no quotes'))).toBeNull();
  });
});

describe('pearson and rankUnits', () => {
  it('gives ±1 for linear relations, NaN for a constant, and ranks units by |r|', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
    // [T = 4, H = 3]: unit 0 follows f, unit 1 is its negative with noise, unit 2 is constant.
    const f = [0, 1, 0, 1];
    const hidden = { steps: 4, size: 3, data: Float32Array.from([0.1, 0.5, 0.2, 0.9, -0.5, 0.2, 0.1, 0.4, 0.2, 0.9, -0.4, 0.2]) };
    expect(Array.from(unitActivations(hidden, 1))).toEqual([0.5, -0.5, 0.4, -0.4].map((v) => Math.fround(v)));
    const ranked = rankUnits(hidden, f, 5);
    expect(ranked.map((u) => u.unit)).toEqual([0, 1]);
    expect(ranked[0]!.r).toBeCloseTo(1, 6);
    expect(ranked[1]!.r).toBeLessThan(-0.99);
  });

  it('colours negative activations blue and positive red, darker with magnitude', () => {
    expect(activationColor(-1)).toBe('hsl(212 85% 60%)');
    expect(activationColor(0)).toBe('hsl(8 85% 96%)');
    expect(activationColor(0.5)).toBe('hsl(8 85% 78%)');
    expect(activationColor(3)).toBe('hsl(8 85% 60%)');
  });
});
