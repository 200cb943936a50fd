import { describe, expect, it } from 'vitest';
import { Rng } from '../random/index.ts';
import { normalize, wordTokenizer } from '../text/index.ts';
import { scoreIds, scoreTokens, tokenScores } from './score.ts';
import { trainNgram } from './train.ts';
import { readCorpus } from './ngram.test-util.ts';

// Toy corpus "a b a c a b" (see estimators.test.ts): MLE bigrams p(b|a) = 2/3, p(c|a) = 1/3,
// p(a|b) = p(a|c) = 1, unigram p(a) = 1/2.
const toy = [['a', 'b', 'a', 'c', 'a', 'b']];

describe('scoring a text', () => {
  it('gives per-token log-probabilities, cross-entropy and perplexity', () => {
    const m = trainNgram(toy, { order: 2, estimator: { kind: 'mle' } });
    const s = scoreTokens(m, toy[0] as string[]);
    // p = 1/2 · 2/3 · 1 · 1/3 · 1 · 2/3 = 2/27
    const expected = [1 / 2, 2 / 3, 1, 1 / 3, 1, 2 / 3].map(Math.log);
    expect(s.tokens).toBe(6);
    expect(s.oov).toBe(0);
    expect(Array.from(s.logProbs)).toEqual(expected.map((x) => expect.closeTo(x, 12)));
    expect(s.logProb).toBeCloseTo(Math.log(2 / 27), 12);
    expect(s.crossEntropy?.nats).toBeCloseTo(Math.log(27 / 2) / 6, 12);
    expect(s.crossEntropy?.bits).toBeCloseTo(Math.log2(27 / 2) / 6, 12);
    expect(s.perplexity).toBeCloseTo((27 / 2) ** (1 / 6), 12);
    expect(s.perplexityExcludingOov).toBeCloseTo((27 / 2) ** (1 / 6), 12);
    expect(s.perplexityUndefined).toBeUndefined();
  });

  it('reports Infinity, never NaN, when MLE meets an unseen n-gram', () => {
    const m = trainNgram(toy, { order: 2, estimator: { kind: 'mle' } });
    const s = scoreTokens(m, ['a', 'a']);
    expect(s.logProbs[1]).toBe(Number.NEGATIVE_INFINITY);
    expect(s.perplexity).toBe(Number.POSITIVE_INFINITY);
    expect(s.crossEntropy?.nats).toBe(Number.POSITIVE_INFINITY);
    expect(s.crossEntropy?.bits).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts OOV tokens and reports perplexity with and without them', () => {
    // Add-1, V = 4: p(a) = 4/10 (unigram), p(<unk>|a) = 1/7, p(b|<unk>) = 1/4 (unseen context), p(a|b) = 2/5.
    const m = trainNgram(toy, { order: 2, estimator: { kind: 'add-k', k: 1 } });
    const s = scoreTokens(m, ['a', 'zebra', 'b', 'a']);
    expect(s.tokens).toBe(4);
    expect(s.oov).toBe(1);
    expect(s.logProb).toBeCloseTo(Math.log((4 / 10) * (1 / 7) * (1 / 4) * (2 / 5)), 12);
    expect(s.perplexity).toBeCloseTo(((4 / 10) * (1 / 7) * (1 / 4) * (2 / 5)) ** (-1 / 4), 12);
    expect(s.perplexityExcludingOov).toBeCloseTo(((4 / 10) * (1 / 4) * (2 / 5)) ** (-1 / 3), 12);
  });

  it('keeps the in-vocabulary perplexity finite when an OOV token has probability 0', () => {
    // MLE never saw <unk>: p(<unk>) = 0. The rest: p(a) = 1/2, then p(b|<unk>) backs off to p(b) = 1/3.
    const m = trainNgram(toy, { order: 2, estimator: { kind: 'mle' } });
    const s = scoreTokens(m, ['a', 'zebra', 'b']);
    expect(s.perplexity).toBe(Number.POSITIVE_INFINITY);
    expect(s.perplexityExcludingOov).toBeCloseTo((1 / 2 / 3) ** (-1 / 2), 12);
  });

  it('scores an empty text as 0 tokens with perplexity undefined, saying why', () => {
    const m = trainNgram(toy, { order: 2 });
    for (const s of [scoreTokens(m, []), scoreIds(m, []), scoreIds(m, [[], []])]) {
      expect(s.tokens).toBe(0);
      expect(s.logProbs.length).toBe(0);
      expect(s.perplexity).toBeUndefined();
      expect(s.crossEntropy).toBeUndefined();
      expect(s.perplexityUndefined).toBe('no-tokens');
      expect(s.perplexityExcludingOovUndefined).toBe('no-tokens');
    }
  });

  it('says so when every token is OOV', () => {
    const m = trainNgram(toy, { order: 2 });
    const s = scoreTokens(m, ['x', 'y']);
    expect(s.oov).toBe(2);
    expect(Number.isFinite(s.perplexity)).toBe(true);
    expect(s.perplexityExcludingOov).toBeUndefined();
    expect(s.perplexityExcludingOovUndefined).toBe('no-in-vocabulary-tokens');
  });

  it('scores </s> for each sentence when the model has boundaries', () => {
    // KN order 3 on "a b" / "a" (see estimators.test.ts): p(a|<s>) = 0.71875,
    // p(b|<s> a) = 0.49375, p(</s>|a b) = 0.984375.
    const m = trainNgram([['a', 'b'], ['a']], {
      order: 3,
      boundaries: true,
      estimator: { kind: 'kneser-ney', discounts: [[0.5, 1, 1.5], [0.25, 0.75, 1.25], [0.1, 0.2, 0.3]] },
    });
    const s = scoreTokens(m, [['a', 'b'], []]);
    expect(s.tokens).toBe(3);
    expect(s.logProb).toBeCloseTo(Math.log(0.71875 * 0.49375 * 0.984375), 12);
  });

  it('handles a text shorter than the order', () => {
    const m = trainNgram(toy, { order: 5, estimator: { kind: 'add-k', k: 1 } });
    const s = scoreTokens(m, ['a']);
    expect(s.tokens).toBe(1);
    expect(s.logProb).toBeCloseTo(Math.log(4 / 10), 12);
  });

  it('rates the training text as more likely than the same words shuffled', () => {
    const lines = readCorpus('timemachine.txt')
      .split('\n')
      .map((l) => wordTokenizer.tokenize(normalize(l, 'd2l')))
      .filter((l) => l.length > 0);
    const shuffled = new Rng(7).shuffle(lines.flat());
    for (const estimator of [{ kind: 'kneser-ney' } as const, { kind: 'add-k', k: 0.1 } as const]) {
      const m = trainNgram(lines, { order: 3, estimator });
      const trained = scoreTokens(m, lines.flat());
      const mixed = scoreTokens(m, shuffled);
      expect(trained.tokens).toBe(mixed.tokens);
      expect(trained.perplexity as number).toBeLessThan((mixed.perplexity as number) / 2);
    }
  });
});

describe('per-token scores (as KenLM query prints them)', () => {
  it('gives log10 p, the matched n-gram order and the OOV mark of every token, </s> included', () => {
    // KN trigram with boundaries on "a b a c a b": "<s> a b" is a listed trigram, "b b" was never seen.
    const m = trainNgram(toy, { order: 3, boundaries: true });
    const ids = m.vocab.encode(['a', 'b', 'b', 'zzz']);
    const [scores] = tokenScores(m, [ids]);
    expect(scores?.map((t) => t.order)).toEqual([2, 3, 1, 1, 1]); // <s> a | <s> a b | b (unigram) | <unk> | </s>
    expect(scores?.map((t) => t.oov)).toEqual([false, false, false, true, false]);
    expect(scores?.[4]?.id).toBe(m.eos);
    const total = (scores ?? []).reduce((acc, t) => acc + t.log10Prob, 0);
    expect(total * Math.LN10).toBeCloseTo(scoreIds(m, [ids]).logProb, 12);
  });

  it('gives the backed-off order under MLE, and under add-k the longest n-gram seen (0 for an unseen token)', () => {
    const mle = trainNgram(toy, { order: 2, estimator: { kind: 'mle' } });
    const [a] = tokenScores(mle, [mle.vocab.encode(['a', 'a', 'b'])]);
    expect(a?.map((t) => t.order)).toEqual([1, 1, 2]); // "a a" unseen: backs off to the unigram (times MLE's weight 0)
    const addk = trainNgram(toy, { order: 2, estimator: { kind: 'add-k' } });
    const [b] = tokenScores(addk, [addk.vocab.encode(['a', 'a', 'b', 'zzz'])]);
    expect(b?.map((t) => t.order)).toEqual([1, 1, 2, 0]);
  });
});
