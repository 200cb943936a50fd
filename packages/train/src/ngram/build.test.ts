import { describe, expect, it } from 'vitest';
import { scoreTokens, trainNgram } from '@seqlm/core/ngram';
import { normalize } from '@seqlm/core/text';
import { buildNgram, formatPerplexity, possibleNgrams, WARN_NGRAMS, type NgramBuildPhase } from './index.ts';

describe('buildNgram', () => {
  it('cuts at floor(0.9 · length) and scores the last 10% as D2L defines perplexity (hand-computed MLE bigram)', () => {
    // 100 chars: "abab…ab". Train on the first 90, validate on "ababababab".
    // MLE bigram: the first validation token has no context, so p(a) = 45/90; after that p(b|a) = p(a|b) = 1.
    // Perplexity = exp(−(ln ½)/10) = 2^(1/10).
    const result = buildNgram('ab'.repeat(50), { order: 2, tokenizer: 'char', normalization: 'raw', smoothing: 'mle' });
    expect(result.chars).toEqual({ train: 90, val: 10 });
    expect(result.trainFraction).toBe(0.9);
    expect(result.model.trainedOn?.tokens).toBe(90);
    expect(result.validation.tokens).toBe(10);
    expect(result.validation.oov).toBe(0);
    expect(result.validation.perplexity).toBeCloseTo(2 ** 0.1, 12);
    expect(result.validation.crossEntropy?.bits).toBeCloseTo(0.1, 12);
  });

  it('gives MLE an infinite perplexity when validation holds an unseen token, and a finite one without OOV', () => {
    // "c" only occurs in the last 10%: it is <unk>, which MLE never predicts.
    const text = `${'ab'.repeat(45)}abababcbab`;
    const mle = buildNgram(text, { order: 2, tokenizer: 'char', normalization: 'raw', smoothing: 'mle' });
    expect(mle.validation.oov).toBe(1);
    expect(mle.validation.perplexity).toBe(Number.POSITIVE_INFINITY);
    expect(formatPerplexity(mle.validation.perplexity)).toBe('∞');
    const kn = buildNgram(text, { order: 2, tokenizer: 'char', normalization: 'raw', smoothing: 'kn' });
    expect(Number.isFinite(kn.validation.perplexity)).toBe(true);
    const addk = buildNgram(text, { order: 2, tokenizer: 'char', normalization: 'raw', smoothing: 'addk', k: 0.5 });
    expect(addk.model.estimator).toEqual({ kind: 'add-k', k: 0.5 });
    expect(Number.isFinite(addk.validation.perplexity)).toBe(true);
  });

  it('agrees with trainNgram + scoreTokens on the same normalised split', () => {
    const text = 'The Time Traveller (for so it will be convenient to speak of him) was expounding a recondite matter to us. '.repeat(20);
    const normalized = normalize(text, 'd2l');
    const cut = Math.floor(normalized.length * 0.9);
    for (const tokenizer of ['char', 'word'] as const) {
      const split = (s: string): string[] => (tokenizer === 'char' ? Array.from(s) : s.split(/\s+/u).filter((w) => w !== ''));
      const reference = trainNgram([split(normalized.slice(0, cut))], { order: 3, estimator: { kind: 'kneser-ney' } });
      const expected = scoreTokens(reference, split(normalized.slice(cut)));
      const result = buildNgram(text, { order: 3, tokenizer, normalization: 'd2l', smoothing: 'kn' });
      expect(result.model.vocab.tokens).toEqual(reference.vocab.tokens);
      expect(result.validation.perplexity).toBe(expected.perplexity);
      expect(result.validation.oov).toBe(expected.oov);
    }
  });

  it('reports each phase once, in order, with its time', () => {
    const phases: NgramBuildPhase[] = [];
    const result = buildNgram('abcabcabcabd'.repeat(10), {
      order: 3,
      tokenizer: 'char',
      normalization: 'raw',
      smoothing: 'kn',
      onProgress: (e) => {
        phases.push(e.phase);
        expect(e.seconds).toBeGreaterThanOrEqual(0);
        expect(e.detail.length).toBeGreaterThan(0);
      },
    });
    expect(phases).toEqual(['tokenize', 'count', 'estimate', 'validate']);
    expect(Object.keys(result.timings)).toEqual(phases);
  });

  it('warns, without failing, where a setting or the data makes the result doubtful', () => {
    const text = 'the quick brown fox jumps over the lazy dog. '.repeat(30);
    const base = { tokenizer: 'char', normalization: 'raw' } as const;
    const quiet = buildNgram(text, { ...base, order: 3, smoothing: 'kn' });
    expect(quiet.warnings).toEqual([]);
    const seen: string[] = [];
    const huge = buildNgram(text, { ...base, order: 3, smoothing: 'addk', k: 1e308, onWarning: (m) => seen.push(m) });
    expect(huge.warnings).toEqual(seen);
    expect(huge.warnings.join('\n')).toMatch(/k = 1e\+308 outweighs all 1215 training tokens/);
    // a one-line corpus validates on a handful of tokens
    const short = buildNgram('to be or not to be', { ...base, order: 2, smoothing: 'kn' });
    expect(short.validation.tokens).toBe(2);
    expect(short.warnings.join('\n')).toMatch(/validation holds only 2 char token\(s\)/);
    // order 50 over 1.3k tokens is still small; the bound is what a long corpus would hit
    expect(possibleNgrams(1_003_854, 65, 50)).toBeGreaterThan(WARN_NGRAMS);
    expect(possibleNgrams(1_003_854, 65, 6)).toBeLessThan(WARN_NGRAMS);
    expect(possibleNgrams(10, 2, 3)).toBe(2 + 4 + 8);
  });

  it('refuses bad options with coded errors', () => {
    const base = { tokenizer: 'char', normalization: 'raw', smoothing: 'kn' } as const;
    const text = 'abcdefghij'.repeat(3);
    expect(() => buildNgram(text, { ...base, order: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => buildNgram(text, { ...base, order: 2.5 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => buildNgram(text, { ...base, order: 2, k: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => buildNgram(text, { ...base, order: 2, smoothing: 'addk', k: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => buildNgram(text, { ...base, order: 2, smoothing: 'wb' as 'kn' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => buildNgram('', { ...base, order: 2 })).toThrow(expect.objectContaining({ code: 'CORPUS_TOO_SHORT' }));
    // d2l normalisation leaves nothing of a text without letters.
    expect(() => buildNgram('1234 5678 !!', { ...base, normalization: 'd2l', order: 2 })).toThrow(expect.objectContaining({ code: 'CORPUS_TOO_SHORT' }));
  });
});
