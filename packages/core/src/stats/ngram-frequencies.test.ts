import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { ngramFrequencies, ngramFrequencyTables } from './ngram-frequencies.ts';

describe('ngramFrequencies', () => {
  // "the cat sat on the mat the cat" — counted by hand:
  // unigrams: the×3, cat×2, mat×1, on×1, sat×1 (8 positions)
  // bigrams: (the,cat)×2, (cat,sat), (mat,the), (on,the), (sat,on), (the,mat) ×1 each (7 positions)
  const words = 'the cat sat on the mat the cat'.split(' ');

  it('counts unigrams with ties in code-unit order', () => {
    const t = ngramFrequencies(words, 1);
    expect(t.order).toBe(1);
    expect(t.total).toBe(8);
    expect(t.distinct).toBe(5);
    expect(t.entries).toEqual([
      { gram: ['the'], count: 3 },
      { gram: ['cat'], count: 2 },
      { gram: ['mat'], count: 1 },
      { gram: ['on'], count: 1 },
      { gram: ['sat'], count: 1 },
    ]);
  });

  it('counts bigrams, ties compared token by token', () => {
    const t = ngramFrequencies(words, 2);
    expect(t.total).toBe(7);
    expect(t.distinct).toBe(6);
    expect(t.entries).toEqual([
      { gram: ['the', 'cat'], count: 2 },
      { gram: ['cat', 'sat'], count: 1 },
      { gram: ['mat', 'the'], count: 1 },
      { gram: ['on', 'the'], count: 1 },
      { gram: ['sat', 'on'], count: 1 },
      { gram: ['the', 'mat'], count: 1 },
    ]);
  });

  it('counts character trigrams of a tiny text', () => {
    // "abababc": positions aba, bab, aba, bab, abc → aba×2, bab×2, abc×1
    const t = ngramFrequencies(Array.from('abababc'), 3);
    expect(t.total).toBe(5);
    expect(t.entries).toEqual([
      { gram: ['a', 'b', 'a'], count: 2 },
      { gram: ['b', 'a', 'b'], count: 2 },
      { gram: ['a', 'b', 'c'], count: 1 },
    ]);
  });

  it('works over Int32Array ids with numeric tie order', () => {
    // 10 2 10 2 -1: (10,2)×2, (-1 never starts a bigram), (2,10)×1, (2,-1)×1
    const t = ngramFrequencies(Int32Array.of(10, 2, 10, 2, -1), 2);
    expect(t.entries).toEqual([
      { gram: [10, 2], count: 2 },
      { gram: [2, -1], count: 1 },
      { gram: [2, 10], count: 1 },
    ]);
    const u = ngramFrequencies(Int32Array.of(10, 2, 10, 2, -1), 1);
    expect(u.entries.map((e) => e.gram[0])).toEqual([2, 10, -1]);
  });

  it('agrees between strings and their ids', () => {
    const ids = Int32Array.from(words, (w) => ['cat', 'mat', 'on', 'sat', 'the'].indexOf(w));
    const byId = ngramFrequencies(ids, 2);
    const byWord = ngramFrequencies(words, 2);
    expect(byId.entries.map((e) => e.count)).toEqual(byWord.entries.map((e) => e.count));
    // The id mapping preserves order, so the tie order is the same too.
    expect(byId.entries.map((e) => e.gram.map((i) => ['cat', 'mat', 'on', 'sat', 'the'][i]))).toEqual(byWord.entries.map((e) => e.gram));
  });

  it('counts sum to the number of positions for a high order with many distinct tokens (string keys)', () => {
    // 4000 distinct ids at order 5 exceed 2^53 as packed numbers, forcing the string-key path.
    const ids = Int32Array.from({ length: 20000 }, (_, i) => (i * 7919) % 4000);
    const t = ngramFrequencies(ids, 5);
    expect(t.total).toBe(20000 - 4);
    expect(t.entries.reduce((s, e) => s + e.count, 0)).toBe(t.total);
    // The sequence has period 4000, so each 5-gram starting at i recurs at i+4000: 4000 distinct grams.
    expect(t.distinct).toBe(4000);
  });

  it('gives an empty table when the order exceeds the length', () => {
    expect(ngramFrequencies(['a', 'b'], 3)).toEqual({ order: 3, total: 0, distinct: 0, entries: [] });
    expect(ngramFrequencies([], 1).total).toBe(0);
  });

  it('computes several orders at once', () => {
    const [u, b] = ngramFrequencyTables(words, [1, 2]);
    expect(u?.total).toBe(8);
    expect(b?.total).toBe(7);
  });

  it('rejects bad orders and tokens with INVALID_ARGUMENT', () => {
    for (const order of [0, -1, 1.5, Number.NaN]) {
      expect(() => ngramFrequencies(words, order)).toThrow(SeqlmError);
      try {
        ngramFrequencies(words, order);
      } catch (e) {
        expect((e as SeqlmError).code).toBe('INVALID_ARGUMENT');
      }
    }
    expect(() => ngramFrequencies(['a', 3 as unknown as string], 1)).toThrow(/token 1 is not a string/);
    expect(() => ngramFrequencies('abc' as unknown as string[], 1)).toThrow(SeqlmError);
  });
});
