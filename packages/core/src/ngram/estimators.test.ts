import { describe, expect, it } from 'vitest';
import { Vocab } from '../vocab/index.ts';
import { countNgrams, contextTotals } from './count.ts';
import { adjustedCounts, estimateDiscounts } from './kneser-ney.ts';
import { scoreTokens } from './score.ts';
import { trainNgram } from './train.ts';
import { sum } from './ngram.test-util.ts';

const id = (m: { vocab: Vocab }, t: string): number => m.vocab.idOf(t);
const p = (m: { vocab: Vocab; logProb(w: number, c: ArrayLike<number>): number }, w: string, ctx: string[]): number =>
  Math.exp(m.logProb(m.vocab.idOf(w), ctx.map((t) => m.vocab.idOf(t))));

// Toy corpus 1: one sequence "a b a c a b", no sentence boundaries.
// Vocab by frequency: <unk>=0, a=1 (3×), b=2 (2×), c=3 (1×); V = 4.
// Bigrams: ab ×2, ba ×1, ac ×1, ca ×1. As contexts: n(a) = 3, n(b) = 1, n(c) = 1.
const toy = [['a', 'b', 'a', 'c', 'a', 'b']];

describe('counting', () => {
  it('counts n-grams of every order up to N, and contexts by their successors', () => {
    const vocab = Vocab.build(toy);
    const c = countNgrams([vocab.encode(toy[0] as string[])], { order: 3, vocabSize: vocab.size });
    const count = (...ws: string[]): number => {
      const found = c.trie.find(ws.map((w) => vocab.idOf(w)), 0, ws.length);
      return found < 0 ? 0 : (c.counts[found] as number);
    };
    expect([count('a'), count('b'), count('c')]).toEqual([3, 2, 1]);
    expect([count('a', 'b'), count('b', 'a'), count('a', 'c'), count('c', 'a'), count('b', 'b')]).toEqual([2, 1, 1, 1, 0]);
    expect([count('a', 'b', 'a'), count('b', 'a', 'c'), count('a', 'c', 'a'), count('c', 'a', 'b')]).toEqual([1, 1, 1, 1]);
    const totals = contextTotals(c);
    // "b" occurs twice but is followed by a token once (the last b ends the text)
    expect(totals[c.trie.find([vocab.idOf('b')], 0, 1)]).toBe(1);
    expect(totals[c.trie.find([vocab.idOf('a')], 0, 1)]).toBe(3);
    expect(c.tokens).toBe(6);
  });

  it('wraps sequences in <s> </s> and never counts across them', () => {
    const vocab = Vocab.build([['x', 'y'], ['y']], { reserved: ['<s>', '</s>'] });
    const c = countNgrams([vocab.encode(['x', 'y']), vocab.encode(['y']), vocab.encode([])], {
      order: 2,
      vocabSize: vocab.size,
      bos: vocab.idOf('<s>'),
      eos: vocab.idOf('</s>'),
    });
    const ids = (...ws: string[]): number[] => ws.map((w) => vocab.idOf(w));
    const count = (...ws: string[]): number => c.counts[c.trie.find(ids(...ws), 0, ws.length)] ?? 0;
    expect(count('<s>', 'x')).toBe(1);
    expect(count('<s>', 'y')).toBe(1);
    expect(count('y', '</s>')).toBe(2);
    expect(c.trie.find(ids('</s>', '<s>'), 0, 2)).toBe(-1);
    expect(c.sequences).toBe(2); // the empty sequence adds nothing, boundaries included
    expect(c.tokens).toBe(5); // x y </s> y </s>
  });

  it('refuses ids outside the vocabulary', () => {
    expect(() => countNgrams([[0, 7]], { order: 2, vocabSize: 4 })).toThrow(expect.objectContaining({ code: 'NGRAM_INVALID' }));
  });
});

describe('maximum likelihood (D2L 9.3: p(x′ | x) = n(x, x′) / n(x))', () => {
  const m = trainNgram(toy, { order: 2, estimator: { kind: 'mle' } });

  it('matches counts divided by context counts', () => {
    expect(p(m, 'b', ['a'])).toBeCloseTo(2 / 3, 12);
    expect(p(m, 'c', ['a'])).toBeCloseTo(1 / 3, 12);
    expect(p(m, 'a', ['b'])).toBeCloseTo(1, 12);
    expect(p(m, 'a', ['c'])).toBeCloseTo(1, 12);
    // empty context: unigram n(x) / n = 3/6, 2/6, 1/6
    expect(p(m, 'a', [])).toBeCloseTo(1 / 2, 12);
    expect(p(m, 'b', [])).toBeCloseTo(1 / 3, 12);
    expect(p(m, 'c', [])).toBeCloseTo(1 / 6, 12);
  });

  it('gives an unseen n-gram after a seen context probability exactly 0', () => {
    expect(p(m, 'a', ['a'])).toBe(0);
    expect(m.logProb(id(m, 'a'), [id(m, 'a')])).toBe(Number.NEGATIVE_INFINITY);
    expect(p(m, '<unk>', [])).toBe(0);
  });

  it('uses the longest seen suffix for a context never seen (here <unk>: the unigrams)', () => {
    expect(p(m, 'a', ['<unk>'])).toBeCloseTo(1 / 2, 12);
  });
});

describe('add-k (Laplace when k = 1): (n(h, w) + k) / (n(h) + k V)', () => {
  it('k = 1 over V = 4 tokens (<unk> included)', () => {
    const m = trainNgram(toy, { order: 2, estimator: { kind: 'add-k' } });
    expect(m.estimator).toEqual({ kind: 'add-k', k: 1 });
    expect(p(m, 'b', ['a'])).toBeCloseTo(3 / 7, 12); // (2 + 1) / (3 + 4)
    expect(p(m, 'c', ['a'])).toBeCloseTo(2 / 7, 12);
    expect(p(m, 'a', ['a'])).toBeCloseTo(1 / 7, 12);
    expect(p(m, '<unk>', ['a'])).toBeCloseTo(1 / 7, 12);
    expect(p(m, 'a', ['b'])).toBeCloseTo(2 / 5, 12); // (1 + 1) / (1 + 4)
    expect(p(m, 'a', ['<unk>'])).toBeCloseTo(1 / 4, 12); // unseen context: n(h) = 0
    expect(p(m, 'a', [])).toBeCloseTo(4 / 10, 12); // unigram (3 + 1) / (6 + 4)
  });

  it('k = 0.5', () => {
    const m = trainNgram(toy, { order: 2, estimator: { kind: 'add-k', k: 0.5 } });
    expect(p(m, 'b', ['a'])).toBeCloseTo(2.5 / 5, 12); // (2 + 0.5) / (3 + 0.5·4)
    expect(p(m, 'a', ['c'])).toBeCloseTo(1.5 / 3, 12); // (1 + 0.5) / (1 + 2)
  });

  it('tends to the uniform 1/V with a huge k instead of overflowing k·V', () => {
    // k·V = 4e308 overflows a double; (n(h, w) + k) / (n(h) + k V) → k / (k V) = 1/4 for every w and h.
    const m = trainNgram(toy, { order: 2, estimator: { kind: 'add-k', k: 1e308 } });
    for (const ctx of [['a'], ['b'], ['<unk>'], []]) {
      for (const w of ['<unk>', 'a', 'b', 'c']) expect(p(m, w, ctx)).toBeCloseTo(1 / 4, 12);
      expect([...m.distribution(ctx.map((t) => m.vocab.idOf(t)))]).toEqual([0.25, 0.25, 0.25, 0.25]);
    }
    // Perplexity of any text is then V.
    expect(scoreTokens(m, toy).perplexity).toBeCloseTo(4, 10);
  });

  it('never gives probability 0, even with a subnormal k such as 1e-320', () => {
    const m = trainNgram(toy, { order: 2, estimator: { kind: 'add-k', k: 1e-320 } });
    // ln(k / (n(h) + kV)) with n(h) = 3: the quotient underflows, the difference of logs does not
    const lp = m.logProb(m.vocab.idOf('a'), [m.vocab.idOf('a')]);
    expect(lp).toBeCloseTo(Math.log(1e-320) - Math.log(3), 6);
    const s = scoreTokens(m, [['a', 'a', 'c', 'c', 'b', 'b']]);
    expect(Number.isFinite(s.perplexity)).toBe(true);
  });

  it('refuses k ≤ 0', () => {
    expect(() => trainNgram(toy, { order: 2, estimator: { kind: 'add-k', k: 0 } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('interpolated modified Kneser-Ney', () => {
  it('estimates D1, D2, D3+ from counts-of-counts (Chen & Goodman)', () => {
    // t1..t4 = 10, 5, 3, 2: Y = 10/20 = 0.5; D1 = 1 − 2·0.5·5/10 = 0.5;
    // D2 = 2 − 3·0.5·3/5 = 1.1; D3+ = 3 − 4·0.5·2/3 = 5/3
    const d = estimateDiscounts(10, 5, 3, 2);
    expect(d?.[0]).toBeCloseTo(0.5, 12);
    expect(d?.[1]).toBeCloseTo(1.1, 12);
    expect(d?.[2]).toBeCloseTo(5 / 3, 12);
    expect(estimateDiscounts(3, 0, 0, 0)).toBeUndefined();
  });

  it('order 2 without boundaries: continuation counts and the unigram/uniform mix', () => {
    // Adjusted unigram counts N1+(• w): a ← {b, c} plus the text start = 3; b ← {a} = 1; c ← {a} = 1; total 5.
    // Order 1, D = (0.5, 1, 1.5): γ(ε) = (0.5·2 + 1.5·1) / 5 = 0.5, spread over V = 4 → 0.125 each.
    //   p1(a) = (3 − 1.5)/5 + 0.125 = 0.425;  p1(b) = p1(c) = (1 − 0.5)/5 + 0.125 = 0.225;  p1(<unk>) = 0.125.
    // Order 2 (raw counts), D = (0.25, 0.75, 1.25): context a has ab ×2, ac ×1, n(a) = 3,
    //   γ(a) = (0.25·1 + 0.75·1) / 3 = 1/3;
    //   p(b|a) = (2 − 0.75)/3 + p1(b)/3 = 1.475/3;  p(c|a) = (1 − 0.25)/3 + 0.225/3 = 0.975/3;
    //   p(a|a) = 0.425/3;  p(<unk>|a) = 0.125/3.
    //   Context b has ba ×1: γ(b) = 0.25; p(a|b) = 0.75 + 0.25·0.425 = 0.85625; p(b|b) = 0.25·0.225 = 0.05625.
    const m = trainNgram(toy, { order: 2, estimator: { kind: 'kneser-ney', discounts: [[0.5, 1, 1.5], [0.25, 0.75, 1.25]] } });
    expect(p(m, 'a', [])).toBeCloseTo(0.425, 12);
    expect(p(m, 'b', [])).toBeCloseTo(0.225, 12);
    expect(p(m, 'c', [])).toBeCloseTo(0.225, 12);
    expect(p(m, '<unk>', [])).toBeCloseTo(0.125, 12);
    expect(p(m, 'b', ['a'])).toBeCloseTo(1.475 / 3, 12);
    expect(p(m, 'c', ['a'])).toBeCloseTo(0.975 / 3, 12);
    expect(p(m, 'a', ['a'])).toBeCloseTo(0.425 / 3, 12);
    expect(p(m, '<unk>', ['a'])).toBeCloseTo(0.125 / 3, 12);
    expect(p(m, 'a', ['b'])).toBeCloseTo(0.85625, 12);
    expect(p(m, 'b', ['b'])).toBeCloseTo(0.05625, 12);
    expect(p(m, 'c', ['<unk>'])).toBeCloseTo(0.225, 12); // unseen context: the lower order alone
  });

  it('order 3 with <s> </s>: raw counts for n-grams starting with <s>', () => {
    // Sentences "a b" and "a": <s> a b </s>, <s> a </s>. Vocab <unk>, <s>, </s>, a, b; <s> is never predicted, V′ = 4.
    // Trigrams (raw): <s>ab, ab</s>, <s>a</s>, 1 each.
    // Bigrams: <s>a starts with <s> → raw count 2; ab ← {<s>} = 1; b</s> ← {a} = 1; a</s> ← {<s>} = 1.
    // Unigrams: a ← {<s>} = 1; b ← {a} = 1; </s> ← {b, a} = 2; total 4.
    // Order 1, D = (0.5, 1, 1.5): γ(ε) = (0.5·2 + 1·1)/4 = 0.5 → 0.125 each;
    //   p1(a) = 0.5/4 + 0.125 = 0.25; p1(b) = 0.25; p1(</s>) = (2 − 1)/4 + 0.125 = 0.375; p1(<unk>) = 0.125.
    // Order 2, D = (0.25, 0.75, 1.25):
    //   context <s>: c = 2 (<s>a), γ = 0.75/2 = 0.375; p2(a|<s>) = 1.25/2 + 0.375·0.25 = 0.71875;
    //     p2(b|<s>) = 0.375·0.25 = 0.09375; p2(</s>|<s>) = 0.375·0.375 = 0.140625.
    //   context a: ab 1, a</s> 1, c = 2, γ = 0.25·2/2 = 0.25; p2(b|a) = 0.75/2 + 0.25·0.25 = 0.4375;
    //     p2(</s>|a) = 0.375 + 0.25·0.375 = 0.46875; p2(a|a) = 0.0625.
    //   context b: b</s> 1, γ = 0.25; p2(</s>|b) = 0.75 + 0.25·0.375 = 0.84375.
    // Order 3, D = (0.1, 0.2, 0.3):
    //   context <s> a: <s>ab 1, <s>a</s> 1, c = 2, γ = 0.1; p3(b|<s> a) = 0.9/2 + 0.1·0.4375 = 0.49375;
    //     p3(</s>|<s> a) = 0.45 + 0.1·0.46875 = 0.496875; p3(a|<s> a) = 0.1·0.0625 = 0.00625.
    //   context a b: ab</s> 1, γ = 0.1; p3(</s>|a b) = 0.9 + 0.1·0.84375 = 0.984375.
    const m = trainNgram([['a', 'b'], ['a']], {
      order: 3,
      boundaries: true,
      estimator: { kind: 'kneser-ney', discounts: [[0.5, 1, 1.5], [0.25, 0.75, 1.25], [0.1, 0.2, 0.3]] },
    });
    expect(m.vocab.tokens).toEqual(['<unk>', '<s>', '</s>', 'a', 'b']);
    expect(p(m, '<s>', [])).toBe(0);
    expect(p(m, 'a', [])).toBeCloseTo(0.25, 12);
    expect(p(m, '</s>', [])).toBeCloseTo(0.375, 12);
    expect(p(m, 'a', ['<s>'])).toBeCloseTo(0.71875, 12);
    expect(p(m, 'b', ['<s>'])).toBeCloseTo(0.09375, 12);
    expect(p(m, '</s>', ['<s>'])).toBeCloseTo(0.140625, 12);
    expect(p(m, 'b', ['a'])).toBeCloseTo(0.4375, 12);
    expect(p(m, 'b', ['<s>', 'a'])).toBeCloseTo(0.49375, 12);
    expect(p(m, '</s>', ['<s>', 'a'])).toBeCloseTo(0.496875, 12);
    expect(p(m, 'a', ['<s>', 'a'])).toBeCloseTo(0.00625, 12);
    expect(p(m, '</s>', ['a', 'b'])).toBeCloseTo(0.984375, 12);
    // a context with an unseen oldest token backs off to its seen suffix "b"
    expect(p(m, '</s>', ['<unk>', 'b'])).toBeCloseTo(0.84375, 12);
  });

  it('adjusted counts follow the rules above', () => {
    const vocab = Vocab.build([['a', 'b'], ['a']], { reserved: ['<s>', '</s>'] });
    const c = countNgrams([vocab.encode(['a', 'b']), vocab.encode(['a'])], { order: 3, vocabSize: vocab.size, bos: 1, eos: 2 });
    const adj = adjustedCounts(c);
    const of = (...ws: string[]): number => adj[c.trie.find(ws.map((w) => vocab.idOf(w)), 0, ws.length)] as number;
    expect([of('<s>', 'a'), of('a', 'b'), of('a', '</s>'), of('a'), of('</s>'), of('<s>')]).toEqual([2, 1, 1, 1, 2, 0]);
  });

  it('falls back to KenLM discounts (0.5, 1, 1.5) when counts-of-counts cannot give them', () => {
    const m = trainNgram(toy, { order: 2 });
    expect(m.estimator).toEqual({ kind: 'kneser-ney', discounts: [[0.5, 1, 1.5], [0.5, 1, 1.5]] });
    expect(sum(m.distribution([1]))).toBeCloseTo(1, 12);
  });

  it('refuses discounts outside 0 ≤ D_k ≤ k', () => {
    expect(() => trainNgram(toy, { order: 1, estimator: { kind: 'kneser-ney', discounts: [[1.5, 1, 1]] } })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('training edge cases', () => {
  it('refuses an empty corpus', () => {
    expect(() => trainNgram([[]], { order: 2, vocab: Vocab.build(['a']) })).toThrow(expect.objectContaining({ code: 'CORPUS_TOO_SHORT' }));
  });

  it('accepts an order larger than the text', () => {
    const m = trainNgram([['a', 'b']], { order: 10, estimator: { kind: 'mle' } });
    expect(p(m, 'b', ['a'])).toBe(1);
    expect(sum(m.distribution([]))).toBeCloseTo(1, 12);
  });

  it('needs <s> and </s> in a given vocabulary when boundaries are on', () => {
    expect(() => trainNgram([['a']], { order: 2, boundaries: true, vocab: Vocab.build(['a']) })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
