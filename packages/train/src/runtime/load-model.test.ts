import { cpSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphPredictor, MixtureLm, NeuralLm, NgramLm, RnnLm, type LanguageModel } from '@seqlm/core/lm';
import { trainNgram } from '@seqlm/core/ngram';
import { NGRAM_MODEL_FILE, writeNgramModelDir } from '../ngram/index.ts';
import { createSession, isRuntimeAvailable } from '../onnx/runtime.ts';
import { parseManifest, type NeuralManifest } from '@seqlm/core/manifest';
import { repoRoot, withTempDir } from '../testing.test-util.ts';
import { graphSessionOf, loadModelDir, readModelFile, resolveRuntime } from './load-model.ts';
import { buildMixtureFixture, MIXTURE_FIXTURE_COMPONENTS } from './mixture-fixture.ts';

const fixture = (name: string) => join(repoRoot, 'fixtures', 'models', name);
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
};

describe('loadModelDir', () => {
  const runtimes = ['web', 'node'] as const;

  it.each(['rnn-tiny', 'gru-tiny', 'lstm-tiny'])('%s: NeuralLm on onnxruntime gives the probabilities RnnLm (core) gives, to 1e-5', async (name) => {
    const core = await loadModelDir(fixture(name), { runtime: 'core' });
    expect(core).toBeInstanceOf(RnnLm);
    for (const runtime of runtimes) {
      if (!(await isRuntimeAvailable(runtime))) continue;
      const onnx = await loadModelDir(fixture(name), { runtime });
      expect(onnx).toBeInstanceOf(NeuralLm);
      expect(onnx.predictor).toBeInstanceOf(GraphPredictor);
      for (const prefix of ['t', 'the hat ', 'then they rode to the sea and the tree ']) {
        expect(maxAbsDiff(await onnx.nextLogProbs(prefix), await core.nextLogProbs(prefix)), `${runtime} ${prefix}`).toBeLessThan(1e-5);
      }
      const [a, b] = await Promise.all([onnx.score('they ate the hay'), core.score('they ate the hay')]);
      expect(maxAbsDiff(a.tokens.map((t) => t.logProb ?? 0), b.tokens.map((t) => t.logProb ?? 0))).toBeLessThan(1e-5);
      // The cursor carries the graph's state: one token at a time equals one run over the whole prefix.
      const cursor = onnx.cursor();
      for (const id of onnx.encodePrefix('the hat ').ids) await cursor.feed([id]);
      expect(maxAbsDiff(cursor.logProbs() ?? [], await core.nextLogProbs('the hat '))).toBeLessThan(1e-5);
    }
  });

  it.each(['rnn-tiny', 'gru-tiny', 'lstm-tiny'])("%s: the graph's hidden states equal core's forward pass to 1e-5", async (name) => {
    const core = await loadModelDir(fixture(name), { runtime: 'core' });
    const text = 'they sat on the sand and the rat ate the hay';
    const want = await core.hiddenStates(text);
    const H = (core.manifest as { architecture: { hiddenSize: number } }).architecture.hiddenSize;
    expect([want.steps, want.size, want.data.length]).toEqual([core.encode(text).ids.length, H, core.encode(text).ids.length * H]);
    for (const runtime of runtimes) {
      if (!(await isRuntimeAvailable(runtime))) continue;
      const onnx = await loadModelDir(fixture(name), { runtime });
      expect((onnx.predictor as GraphPredictor).hasHiddenStates).toBe(true);
      const got = await onnx.hiddenStates(text);
      expect([got.steps, got.size]).toEqual([want.steps, want.size]);
      expect(maxAbsDiff(got.data, want.data), runtime).toBeLessThan(1e-5);
    }
  });

  it('says a graph exported without hidden states must be exported again, and n-grams and mixtures have none', async () => {
    const dir = fixture('gru-tiny');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    delete manifest.onnx.io.hidden;
    manifest.onnx.outputs = manifest.onnx.outputs.filter((o: { name: string }) => o.name !== 'hidden');
    const old = new NeuralLm('gru-old', parseManifest(JSON.stringify(manifest)) as NeuralManifest, await createSession('web', new Uint8Array(readFileSync(join(dir, 'model.onnx')))).then(graphSessionOf));
    expect((old.predictor as GraphPredictor).hasHiddenStates).toBe(false);
    await expect(old.hiddenStates('the sea')).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('export it again') });
    const mix = await loadModelDir(fixture('mix-tiny'), { runtime: 'core' });
    await expect(mix.hiddenStates('the sea')).rejects.toMatchObject({ code: 'UNSUPPORTED', message: 'a mixture model has no hidden state to show' });
  });

  it('generates the same tokens twice for one seed on onnxruntime-web', async () => {
    const model = await loadModelDir(fixture('gru-tiny'), { runtime: 'web' });
    const run = async (m: LanguageModel) => {
      const ids: number[] = [];
      for await (const t of m.generate('the ', { maxTokens: 30, seed: 9 })) ids.push(t.id);
      return ids;
    };
    expect(await run(model)).toEqual(await run(model));
  });

  it('says which runtime auto picks, and reports a missing directory as IO_ERROR', async () => {
    expect(await resolveRuntime('auto')).toBe((await isRuntimeAvailable('node')) ? 'node' : 'web');
    await expect(readModelFile(join(repoRoot, 'no-such-dir', 'manifest.json'))).rejects.toMatchObject({ code: 'IO_ERROR' });
    await expect(loadModelDir(join(repoRoot, 'no-such-dir'))).rejects.toMatchObject({ code: 'IO_ERROR' });
  });
});

describe('loadModelDir refusals name the file on disk', () => {
  const chars = Array.from('the time traveller smiled round at us.\nthen he got up\n'.repeat(8));

  it('refuses a changed or truncated model file, a corrupted manifest or a missing one', async () => {
    await withTempDir(async (tmp) => {
      const dir = join(tmp, 'm');
      await writeNgramModelDir(dir, trainNgram([chars], { order: 3, estimator: { kind: 'mle' } }), { text: { tokenizer: 'char', normalization: 'raw' } });
      const modelPath = join(dir, NGRAM_MODEL_FILE);
      const manifestPath = join(dir, 'manifest.json');
      const original = await readFile(modelPath);

      const flipped = Buffer.from(original);
      flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
      await writeFile(modelPath, flipped);
      const changed = await loadModelDir(dir).catch((error: unknown) => error);
      expect(changed).toMatchObject({ code: 'HASH_MISMATCH', message: expect.stringContaining(`${modelPath} does not match ${manifestPath}: its sha256 differs from the manifest's `) });
      expect((changed as Error).message).toMatch(/ [0-9a-f]{64} \(the file is corrupted or was replaced\)$/);
      await writeFile(modelPath, original.subarray(0, 100));
      await expect(loadModelDir(dir)).rejects.toMatchObject({ code: 'HASH_MISMATCH', message: expect.stringContaining(`${modelPath} does not match ${manifestPath}: 100 bytes, the manifest says ${original.length}`) });
      await writeFile(modelPath, original);
      expect(await loadModelDir(dir)).toBeInstanceOf(NgramLm);

      const manifestText = await readFile(manifestPath, 'utf8');
      await writeFile(manifestPath, manifestText.slice(0, 200));
      await expect(loadModelDir(dir)).rejects.toMatchObject({ code: 'MANIFEST_INVALID', message: expect.stringContaining(`${manifestPath}: manifest is not valid JSON`) });
      await writeFile(manifestPath, manifestText.replace('"order": 3', '"order": 0'));
      await expect(loadModelDir(dir)).rejects.toMatchObject({ code: 'MANIFEST_INVALID', message: expect.stringContaining(`${manifestPath}: `) });
      await writeFile(manifestPath, manifestText.replace('"kind": "ngram"', '"kind": "rnn"'));
      await expect(loadModelDir(dir)).rejects.toMatchObject({ code: 'MANIFEST_INVALID', message: expect.stringContaining(`${manifestPath}: `) });
      await expect(loadModelDir(join(tmp, 'nowhere'))).rejects.toMatchObject({ code: 'IO_ERROR', message: `${join(tmp, 'nowhere', 'manifest.json')}: no such file` });
    });
  });

  it("names a mixture component's file, and refuses a kind the caller did not ask for before reading its files", async () => {
    await withTempDir(async (tmp) => {
      for (const name of ['gru-tiny', 'lstm-tiny', 'mix-tiny']) cpSync(fixture(name), join(tmp, name), { recursive: true });
      const weights = join(tmp, 'gru-tiny', 'weights.bin');
      const bytes = readFileSync(weights);
      await writeFile(weights, bytes.subarray(1));
      await expect(loadModelDir(join(tmp, 'mix-tiny'), { runtime: 'core' })).rejects.toMatchObject({
        code: 'HASH_MISMATCH',
        message: expect.stringContaining(`${weights} does not match ${join(tmp, 'gru-tiny', 'manifest.json')}: ${bytes.length - 1} bytes`),
      });
      // the weights are still broken: only the manifest was read
      for (const name of ['gru-tiny', 'mix-tiny']) {
        await expect(loadModelDir(join(tmp, name), { runtime: 'core', kinds: ['ngram'] })).rejects.toMatchObject({ code: 'UNSUPPORTED', details: { kind: name === 'gru-tiny' ? 'gru' : 'mixture' } });
      }
    });
  });
});

describe('the mixture fixture (mix-tiny)', () => {
  it('is what scripts/make-fixtures.ts generates from the committed components', () => {
    const components = new Map(
      MIXTURE_FIXTURE_COMPONENTS.map(({ name }) => [name, { manifest: new Uint8Array(readFileSync(join(fixture(name), 'manifest.json'))), weights: new Uint8Array(readFileSync(join(fixture(name), 'weights.bin'))) }]),
    );
    expect(buildMixtureFixture(components).get('manifest.json')).toBe(readFileSync(join(fixture('mix-tiny'), 'manifest.json'), 'utf8'));
  });

  it('gives Σ λ_i p_i of its components (1e-12) on core, and the same on onnxruntime (1e-5)', async () => {
    const mix = await loadModelDir(fixture('mix-tiny'), { runtime: 'core' });
    expect(mix).toBeInstanceOf(MixtureLm);
    const parts = (mix as MixtureLm).components;
    for (const prefix of ['t', 'the hat ', 'they sat on the sand ']) {
      const got = await mix.nextLogProbs(prefix);
      const rows = await Promise.all(parts.map((c) => c.model.nextLogProbs(prefix)));
      for (let u = 0; u < got.length; u++) {
        const token = mix.vocab.tokenOf(u);
        const direct = parts.reduce((p, c, i) => p + (c.model.vocab.has(token) ? c.weight * Math.exp((rows[i] as Float64Array)[c.model.vocab.idOf(token)] as number) : 0), 0);
        expect(Math.abs(Math.exp(got[u] as number) - direct)).toBeLessThan(1e-12);
      }
      const onnx = await loadModelDir(fixture('mix-tiny'), { runtime: 'web' });
      expect(maxAbsDiff(await onnx.nextLogProbs(prefix), got)).toBeLessThan(1e-5);
    }
  });
});
