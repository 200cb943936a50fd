import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_SCHEMA_VERSION, encodeWeights, fileEntry, serializeManifest, type GruManifest } from '@seqlm/core/manifest';
import { Vocab } from '@seqlm/core/vocab';
import { testParameters } from '../../onnx/test-models.test-util.ts';

/** Writes a GRU model directory as `seqlm train --no-export` leaves it (manifest.json + weights.bin, no ONNX) with seeded test weights. */
export function writeTrainedGruDir(dir: string, options: { text: string; hiddenSize: number; numLayers: number }): { vocabSize: number; hiddenSize: number } {
  mkdirSync(dir, { recursive: true });
  const vocab = Vocab.build(Array.from(options.text), {}).toJSON();
  const config = { cell: 'gru' as const, vocabSize: vocab.tokens.length, hiddenSize: options.hiddenSize, numLayers: options.numLayers };
  const weights = encodeWeights(testParameters(config));
  writeFileSync(join(dir, 'weights.bin'), weights);
  const manifest: GruManifest = {
    format: 'seqlm-manifest',
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    kind: 'gru',
    files: [fileEntry('weights', 'weights.bin', weights)],
    text: { tokenizer: 'char', normalization: 'd2l' },
    vocab,
    architecture: { vocabSize: config.vocabSize, hiddenSize: config.hiddenSize, numLayers: config.numLayers, embedding: { type: 'one-hot' } },
    gates: { layout: 'tfjs', order: ['z', 'r', 'h'], linearBeforeReset: 0 },
    weights: { file: 'weights.bin' },
  };
  writeFileSync(join(dir, 'manifest.json'), serializeManifest(manifest));
  return { vocabSize: config.vocabSize, hiddenSize: config.hiddenSize };
}
