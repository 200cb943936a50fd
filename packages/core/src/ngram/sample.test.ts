import { describe, expect, it } from 'vitest';
import { Rng } from '../random/index.ts';
import { charTokenizer } from '../text/index.ts';
import { generateNgram, generateNgramText, sampleNext } from './sample.ts';
import { trainNgram } from './train.ts';

// MLE on "a b a c a b": after "a", b has probability 2/3 and c 1/3.
const m = trainNgram([['a', 'b', 'a', 'c', 'a', 'b']], { order: 2, estimator: { kind: 'mle' } });
const [a, b, c] = ['a', 'b', 'c'].map((t) => m.vocab.idOf(t)) as [number, number, number];

describe('sampling', () => {
  it('draws tokens with the model probabilities', () => {
    const rng = new Rng(1);
    let nb = 0;
    const n = 30000;
    for (let i = 0; i < n; i++) if (sampleNext(m, [a], rng) === b) nb++;
    // standard error sqrt(2/9/30000) ≈ 0.0027
    expect(Math.abs(nb / n - 2 / 3)).toBeLessThan(0.012);
  });

  it('sharpens with temperature: T = 0.5 squares the probabilities', () => {
    // p_T ∝ p^(1/T): (2/3)² : (1/3)² = 4 : 1 → 0.8
    const rng = new Rng(2);
    let nb = 0;
    const n = 30000;
    for (let i = 0; i < n; i++) if (sampleNext(m, [a], rng, { temperature: 0.5 }) === b) nb++;
    expect(Math.abs(nb / n - 0.8)).toBeLessThan(0.012);
  });

  it('is greedy at temperature 0 and respects exclusions', () => {
    const rng = new Rng(3);
    expect(sampleNext(m, [a], rng, { temperature: 0 })).toBe(b);
    for (let i = 0; i < 50; i++) expect(sampleNext(m, [a], rng, { exclude: [b] })).toBe(c);
    expect(() => sampleNext(m, [a], rng, { temperature: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => sampleNext(m, [a], rng, { exclude: [b, c] })).toThrow(expect.objectContaining({ code: 'MODEL_INVALID' }));
  });

  it('generates the same ids for the same seed', () => {
    const one = generateNgram(m, { maxTokens: 40, seed: 11 });
    const two = generateNgram(m, { maxTokens: 40, seed: 11 });
    expect(one.ids).toEqual(two.ids);
    expect(one.ids.length).toBe(40);
    expect(one.stop).toBe('max-tokens');
    // MLE: after b comes a, after c comes a
    for (let i = 1; i < one.ids.length; i++) if (one.ids[i - 1] !== a) expect(one.ids[i]).toBe(a);
  });

  it('stops at </s> for a model with sentence boundaries', () => {
    const s = trainNgram([['x', 'y'], ['x', 'y']], { order: 2, boundaries: true, estimator: { kind: 'mle' } });
    // MLE: <s> → x → y → </s> with certainty
    const g = generateNgram(s, { maxTokens: 10, seed: 5 });
    expect(s.vocab.decode(g.ids)).toEqual(['x', 'y']);
    expect(g.stop).toBe('eos');
  });

  it('detokenizes with the given tokenizer', () => {
    const chars = trainNgram([charTokenizer.tokenize('abcabc')], { order: 3, estimator: { kind: 'mle' } });
    expect(generateNgramText(chars, charTokenizer, { prefix: chars.vocab.encode(['a', 'b']), maxTokens: 4, temperature: 0 })).toBe('cabc');
  });
});
