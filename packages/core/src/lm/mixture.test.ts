import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest, type NeuralManifest } from '../manifest/index.ts';
import { Rng } from '../random/index.ts';
import { fitMixtureWeights } from './fit-mixture.ts';
import type { LanguageModel } from './language-model.ts';
import { FIXTURES, json, memoryFiles, mixtureManifest, ngramDir } from './lm.test-util.ts';
import { loadModel } from './load.ts';
import { MixtureLm, checkMixtureWeights, unionVocabulary } from './mixture-lm.ts';
import { NgramLm } from './ngram-lm.ts';
import { RnnLm } from './rnn-lm.ts';

const TEXT = 'the time traveller for so it will be convenient to speak of him was expounding a recondite matter to us\n'.repeat(4);
// Another corpus with letters the first lacks (q, z, j), so the vocabularies differ.
const OTHER = 'quiz the jazz quartet of zanzibar juggled quietly at the zoo\n'.repeat(4);

const gruManifest = parseManifest(readFileSync(resolve(FIXTURES, 'gru-tiny', 'manifest.json'), 'utf8')) as NeuralManifest;
const gruWeights = new Uint8Array(readFileSync(resolve(FIXTURES, 'gru-tiny', 'weights.bin')));

function parts() {
  const a = ngramDir(TEXT, 3);
  const b = ngramDir(OTHER, 2);
  const ngA = NgramLm.fromBytes('a', a.manifest, a.bytes);
  const ngB = NgramLm.fromBytes('b', b.manifest, b.bytes);
  const gru = RnnLm.fromWeights('gru', gruManifest, gruWeights);
  return { a, b, ngA, ngB, gru };
}

function mixtureOf(models: LanguageModel[], weights: number[]): MixtureLm {
  const manifest = mixtureManifest(models, models.map((m) => `../${m.id}`), models.map(() => new Uint8Array(1)), weights);
  return new MixtureLm('mix', manifest, models.map((model, i) => ({ model, weight: weights[i] as number })));
}

/** p_mix(token) computed directly from each component's own distribution, by token string. */
function direct(models: LanguageModel[], weights: number[], rows: (Float64Array | null)[], token: string): number {
  let p = 0;
  models.forEach((m, i) => {
    if (m.vocab.has(token)) p += (weights[i] as number) * Math.exp((rows[i] as Float64Array)[m.vocab.idOf(token)] as number);
  });
  return p;
}

describe('MixtureLm', () => {
  it('is a distribution over the union vocabulary equal to Σ λ_i p_i (to 1e-12), at every step', async () => {
    const { ngA, ngB, gru } = parts();
    const models = [ngA, ngB, gru];
    const weights = [0.5, 0.2, 0.3];
    const mix = mixtureOf(models, weights);
    expect(mix.vocab.size).toBeGreaterThan(ngA.vocab.size);
    const prefix = 'the quiz ';
    const cursor = await mix.cursorAfter(prefix);
    const compRows = await Promise.all(models.map(async (m) => (await m.cursorAfter(prefix)).logProbs()));
    const lp = cursor.logProbs() as Float64Array;
    expect(Math.abs(lp.reduce((a, b) => a + Math.exp(b), 0) - 1)).toBeLessThan(1e-12);
    for (let u = 1; u < mix.vocab.size; u++) {
      expect(Math.abs(Math.exp(lp[u] as number) - direct(models, weights, compRows, mix.vocab.tokenOf(u)))).toBeLessThan(1e-12);
    }
    // Every component's <unk> mass lands on the union's <unk>.
    const unk = models.reduce((s, m, i) => s + (weights[i] as number) * Math.exp((compRows[i] as Float64Array)[0] as number), 0);
    expect(Math.abs(Math.exp(lp[0] as number) - unk)).toBeLessThan(1e-12);
  });

  it('scores a text as the mixture of its components\' token probabilities', async () => {
    const { ngA, ngB } = parts();
    const models = [ngA, ngB];
    const mix = mixtureOf(models, [0.7, 0.3]);
    const text = 'the jazz time';
    const score = await mix.score(text);
    const ids = mix.encode(text).ids;
    const cursor = mix.cursor();
    for (let t = 0; t < ids.length; t++) {
      const want = (cursor.logProbs() as Float64Array)[ids[t] as number] as number;
      expect(Math.abs((score.tokens[t]?.logProb as number) - want)).toBeLessThan(1e-12);
      await cursor.feed([ids[t] as number]);
    }
    // A neural component cannot predict the first token, so neither can the mixture.
    const withGru = await mixtureOf([ngA, parts().gru], [0.5, 0.5]).score('the tea');
    expect(withGru.tokens[0]?.logProb).toBeNull();
    expect(withGru.scored).toBe(withGru.tokens.length - 1);
  });

  it('refuses components that read text differently, and bad weights', () => {
    const { ngA } = parts();
    const words = ngramDir(TEXT, 2);
    const wordManifest = { ...words.manifest, text: { tokenizer: 'word' as const, normalization: 'd2l' as const } };
    const wordLm = NgramLm.fromBytes('w', wordManifest, words.bytes);
    expect(() => unionVocabulary([ngA, wordLm])).toThrow(expect.objectContaining({ code: 'MODEL_INVALID' }));
    expect(() => checkMixtureWeights([0.5, 0.6])).toThrow(/sum to 1/);
    expect(() => checkMixtureWeights([1.5, -0.5])).toThrow(/>= 0/);
    expect(() => checkMixtureWeights([])).toThrow(/at least one/);
    expect(() => checkMixtureWeights([Number.NaN, 1])).toThrow(/finite/);
  });

  it('loads from a directory whose components are checked against the recorded manifest hashes', async () => {
    const { a, b, ngA, ngB } = parts();
    const ma = json(a.manifest);
    const mb = json(b.manifest);
    const enc = (s: string) => new TextEncoder().encode(s);
    const manifest = mixtureManifest([ngA, ngB], ['../a', '../b'], [enc(ma), enc(mb)], [0.6, 0.4]);
    const tree = {
      'models/a/manifest.json': ma,
      'models/a/model.ngram': a.bytes,
      'models/b/manifest.json': mb,
      'models/b/model.ngram': b.bytes,
      'models/mix/manifest.json': json(manifest),
    };
    const mix = await loadModel('models/mix', { readFile: memoryFiles(tree).read });
    expect(mix).toBeInstanceOf(MixtureLm);
    expect((mix as MixtureLm).components.map((c) => [c.model.id, c.weight])).toEqual([
      ['a', 0.6],
      ['b', 0.4],
    ]);
    const changed = { ...tree, 'models/b/manifest.json': mb.replace('"kn"', '"kn" ') };
    await expect(loadModel('models/mix', { readFile: memoryFiles(changed).read })).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
    const { 'models/b/manifest.json': _gone, ...missing } = tree;
    await expect(loadModel('models/mix', { readFile: memoryFiles(missing).read })).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('../b') });
    // A mixture cannot list itself: its own hash would have to be inside it.
    const selfRef = mixtureManifest([ngA], ['.'], [enc('x')], [1]);
    await expect(loadModel('models/mix', { readFile: memoryFiles({ ...tree, 'models/mix/manifest.json': json(selfRef) }).read })).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
  });
});

describe('fitMixtureWeights', () => {
  it('recovers the weights that generated the data, and never lowers the held-out likelihood', () => {
    // Two "models" that disagree; the truth draws from each with probability 0.3 / 0.7.
    const rng = new Rng(5);
    const n = 20_000;
    const p1 = new Float64Array(n);
    const p2 = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const fromFirst = rng.next() < 0.3;
      p1[t] = fromFirst ? 0.9 : 0.05;
      p2[t] = fromFirst ? 0.05 : 0.8;
    }
    const fit = fitMixtureWeights([p1, p2]);
    expect(fit.weights[0]).toBeGreaterThan(0.25);
    expect(fit.weights[0]).toBeLessThan(0.35);
    expect(Math.abs((fit.weights[0] as number) + (fit.weights[1] as number) - 1)).toBeLessThan(1e-12);
    for (let i = 1; i < fit.perplexities.length; i++) expect(fit.perplexities[i]).toBeLessThanOrEqual((fit.perplexities[i - 1] as number) + 1e-12);
  });

  it('skips positions a component does not predict and refuses what cannot be fitted', () => {
    const fit = fitMixtureWeights([Float64Array.of(Number.NaN, 0.5, 0.5), Float64Array.of(0.1, 0.5, 0.5)]);
    expect(fit.tokens).toBe(2);
    expect(() => fitMixtureWeights([])).toThrow(/at least one/);
    expect(() => fitMixtureWeights([Float64Array.of(Number.NaN)])).toThrow(/no held-out position/);
    expect(() => fitMixtureWeights([Float64Array.of(1), Float64Array.of(1, 2)])).toThrow(/same positions/);
  });
});
