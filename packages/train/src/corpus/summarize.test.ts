import { describe, expect, it } from 'vitest';
import { summarizeCorpus } from './summarize.ts';

describe('summarizeCorpus', () => {
  it('counts char tokens, vocabulary (with <unk>) and n-grams of a tiny text', () => {
    // a b a b: unigrams a×2 b×2, bigrams ab×2 ba×1, trigrams aba×1 bab×1.
    const s = summarizeCorpus('abab', { tokenizer: 'char', normalization: 'raw' });
    expect(s.tokens).toBe(4);
    expect(s.vocabSize).toBe(3);
    expect(s.orders.map((o) => [o.order, o.total, o.distinct])).toEqual([
      [1, 4, 2],
      [2, 3, 2],
      [3, 2, 2],
    ]);
    expect(s.orders[1]?.top[0]).toEqual({ gram: ['a', 'b'], count: 2 });
    // Bigram counts 2, 1: log 1 - log 2 = -s (log 2 - log 1), so s = 1 and the two points fit exactly.
    expect(s.orders[1]?.zipf?.exponent).toBeCloseTo(1, 12);
    expect(s.orders[1]?.zipf?.r2).toBeCloseTo(1, 12);
  });

  it("applies D2L's normalisation before tokenizing", () => {
    const s = summarizeCorpus('The cat,\nthe CAT; the end.', { tokenizer: 'word', normalization: 'd2l', top: 1 });
    // "the cat the cat the end": the×3 cat×2 end×1.
    expect(s.tokens).toBe(6);
    expect(s.vocabSize).toBe(4);
    expect(s.orders[0]?.top).toEqual([{ gram: ['the'], count: 3 }]);
  });
});
