/**
 * The model the edge benchmark serves: a char GRU with H = 256 over D2L's
 * 28-token vocabulary (<unk>, space, a-z), seeded random weights, exported to
 * ONNX by @seqlm/train's exporter. Speed does not depend on the weights'
 * values, so no training is needed; a trained model at the same size costs the same.
 * Written under .wrangler/ (git-ignored).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { RnnModel } from '@seqlm/core/rnn';
// Bench-only: the exporter is not part of @seqlm/train's public entry, so its source is imported directly.
import { exportLm, writeExport } from '@seqlm/train/onnx';

export const BENCH_MODEL_ID = 'gru-256';

export async function makeBenchModel(root: string): Promise<string> {
  const dir = resolve(root, BENCH_MODEL_ID);
  if (existsSync(resolve(dir, 'manifest.json'))) return dir;
  const tokens = ['<unk>', ' ', ...'abcdefghijklmnopqrstuvwxyz'];
  const config = { cell: 'gru' as const, vocabSize: tokens.length, hiddenSize: 256, numLayers: 1 };
  const model = new RnnModel(config, { seed: 7, init: { scheme: 'normal', scale: 0.1 } });
  const exported = await exportLm({
    config,
    parameters: model.parameters(),
    vocab: { format: 'seqlm-vocab', version: 1, reserved: [], tokens },
    text: { tokenizer: 'char', normalization: 'd2l' },
    name: BENCH_MODEL_ID,
    description: 'Benchmark model: char GRU, H=256, random weights',
    verify: { tfjs: false },
  });
  await writeExport(dir, exported);
  return dir;
}
