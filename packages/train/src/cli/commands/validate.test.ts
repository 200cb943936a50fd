import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWeights, encodeWeights, fileEntry, parseManifest, serializeManifest } from '@seqlm/core/manifest';
import { resolveConfig } from '@seqlm/core/rnn';
import { runCli } from '../../lm/lm.test-util.ts';
import { randomLmInput } from '../../onnx/verify.ts';
import { withTempDir } from '../../testing.test-util.ts';
import type { CliIO } from '../command.ts';
import { exportCommand } from './export.ts';
import { writeTrainedGruDir } from './trained-dir.test-util.ts';

const quiet: Omit<CliIO, 'cwd'> = { stdout: { write: () => undefined }, stderr: { write: () => undefined }, env: {} };

/** A GRU model directory with weights.bin, model.onnx and manifest.json, as `seqlm export` leaves it. */
async function exportedDir(dir: string): Promise<{ vocabSize: number; hiddenSize: number }> {
  const config = writeTrainedGruDir(dir, { text: 'the quick brown fox jumps over a lazy dog', hiddenSize: 4, numLayers: 1 });
  const values = { out: undefined, quantize: undefined, 'eval-file': undefined, 'eval-tokens': undefined, json: undefined };
  await exportCommand.run({ values, positionals: [dir], io: { ...quiet, cwd: dir } });
  return config;
}

describe('seqlm validate', () => {
  it('catches weights that differ from the graph in the row of a single token id', async () => {
    await withTempDir(async (tmp) => {
      const dir = join(tmp, 'model');
      const { vocabSize: V, hiddenSize: H } = await exportedDir(dir);
      expect((await runCli(['validate', dir])).code).toBe(0);

      // An id that a few random ids (the check's former input) leave out, so only full coverage finds it.
      const config = resolveConfig({ cell: 'gru', vocabSize: V, hiddenSize: H, numLayers: 1 });
      const sampled = new Set(randomLmInput(config, 2, 8, 0).ids);
      const id = Array.from({ length: V }, (_, i) => i).find((i) => !sampled.has(i));
      expect(id).toBeDefined();

      const tensors = decodeWeights(new Uint8Array(readFileSync(join(dir, 'weights.bin'))));
      const Wx = tensors.get('layers.0.W_x')!; // [V, 3H]
      const GH = Wx.shape[1]!;
      for (let j = 0; j < GH; j++) Wx.data[id! * GH + j]! += 0.5;
      const bytes = encodeWeights(tensors);
      writeFileSync(join(dir, 'weights.bin'), bytes);
      const manifest = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      const files = manifest.files.map((f) => (f.path === 'weights.bin' ? fileEntry('weights', 'weights.bin', bytes) : f));
      writeFileSync(join(dir, 'manifest.json'), serializeManifest({ ...manifest, files }));

      const r = await runCli(['validate', dir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^seqlm: error: the exported graph does not reproduce the model .*onnxruntime-web vs core: logits differs by/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  });
});
