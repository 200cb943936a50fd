import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphPredictor, NeuralLm, RnnLm, type LanguageModel } from '@seqlm/core/lm';
import { isRuntimeAvailable } from '../onnx/runtime.ts';
import { repoRoot } from '../testing.test-util.ts';
import { loadModelDir, readModelFile, resolveRuntime } from './load-model.ts';

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
