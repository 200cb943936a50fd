import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { corpusStats } from './corpus-stats.ts';

describe('corpusStats', () => {
  // "a b a b a c": unigrams a×3 b×2 c×1; bigrams (a,b)×2 (b,a)×2 (a,c)×1; trigrams (a,b,a)×2 (b,a,b)×1 (b,a,c)×1
  const tokens = 'a b a b a c'.split(' ');

  it('reports counts, distinct, top-k, a Zipf fit and plot points for orders 1..3', () => {
    const stats = corpusStats(tokens, { topK: 2 });
    expect(stats.tokens).toBe(6);
    expect(stats.orders.map((o) => [o.order, o.total, o.distinct])).toEqual([
      [1, 6, 3],
      [2, 5, 3],
      [3, 4, 3],
    ]);
    expect(stats.orders[0]?.top).toEqual([
      { gram: ['a'], count: 3 },
      { gram: ['b'], count: 2 },
    ]);
    expect(stats.orders[2]?.top).toEqual([
      { gram: ['a', 'b', 'a'], count: 2 },
      { gram: ['b', 'a', 'b'], count: 1 },
    ]);
    // Unigram counts 3, 2, 1 at ranks 1, 2, 3: slope of ln n on ln r by the least-squares formula.
    const x = [0, Math.log(2), Math.log(3)];
    const y = [Math.log(3), Math.log(2), 0];
    const mx = (x[0]! + x[1]! + x[2]!) / 3;
    const my = (y[0]! + y[1]! + y[2]!) / 3;
    const slope = x.reduce((s, xi, i) => s + (xi - mx) * (y[i]! - my), 0) / x.reduce((s, xi) => s + (xi - mx) ** 2, 0);
    expect(stats.orders[0]?.zipf?.exponent).toBeCloseTo(-slope, 12);
    expect(stats.orders[0]?.points).toEqual([
      { rank: 1, freq: 3 },
      { rank: 2, freq: 2 },
      { rank: 3, freq: 1 },
    ]);
  });

  it('works over ids and leaves zipf null with fewer than two distinct n-grams', () => {
    const stats = corpusStats(Int32Array.of(7, 7, 7), { maxOrder: 4 });
    expect(stats.orders.map((o) => o.zipf)).toEqual([null, null, null, null]);
    expect(stats.orders[0]?.top).toEqual([{ gram: [7], count: 3 }]);
    expect(stats.orders[3]).toMatchObject({ total: 0, distinct: 0, top: [], points: [] });
  });

  it('rejects bad options', () => {
    expect(() => corpusStats(tokens, { maxOrder: 0 })).toThrow(SeqlmError);
    expect(() => corpusStats(tokens, { topK: -1 })).toThrow(SeqlmError);
    expect(() => corpusStats(tokens, { plotPoints: 1 })).toThrow(SeqlmError);
  });
});
