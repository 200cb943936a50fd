import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SeqlmError } from '@seqlm/core/errors';
import {
  GATE_ORDERS,
  MANIFEST_FORMAT,
  MANIFEST_SCHEMA_VERSION,
  decodeWeights,
  encodeWeights,
  fileEntry,
  parseManifest,
  serializeManifest,
  verifyFile,
  type Manifest,
  type ManifestFile,
  type NeuralManifest,
  type TrainingMetadata,
  type WeightTensor,
  type WeightTensors,
} from '@seqlm/core/manifest';
import { parameterSpecs, resolveConfig, type CellKind, type ResolvedRnnConfig } from '@seqlm/core/rnn';
import { checkNeuralWeights, rnnConfigOf } from '@seqlm/core/lm';
import type { Normalization, TokenizerKind } from '@seqlm/core/text';
import type { Vocab } from '@seqlm/core/vocab';
import { writeFileAtomic } from './atomic-write.ts';

export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'weights.bin';

export interface LmArtifactInput {
  name?: string;
  description?: string;
  cell: CellKind;
  hiddenSize: number;
  numLayers: number;
  embeddingSize: number | null;
  vocab: Vocab;
  tokenizer: TokenizerKind;
  normalization: Normalization;
  /** Named tensors in core's layout (`parameterSpecs`). */
  weights: ReadonlyMap<string, WeightTensor>;
  training?: TrainingMetadata;
  /** Other files already written in the directory to list (e.g. the perplexity plot). */
  extraFiles?: ManifestFile[];
}

/** The manifest of a core-layout RNN/GRU/LSTM: weights container, vocabulary, text pipeline, gate convention. */
export function lmManifest(input: LmArtifactInput, files: ManifestFile[]): NeuralManifest {
  const base = {
    format: MANIFEST_FORMAT as typeof MANIFEST_FORMAT,
    schemaVersion: MANIFEST_SCHEMA_VERSION as typeof MANIFEST_SCHEMA_VERSION,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    files,
    ...(input.training !== undefined ? { training: input.training } : {}),
    text: { tokenizer: input.tokenizer, normalization: input.normalization },
    vocab: input.vocab.toJSON(),
    architecture: {
      vocabSize: input.vocab.size,
      hiddenSize: input.hiddenSize,
      numLayers: input.numLayers,
      embedding: input.embeddingSize === null ? ({ type: 'one-hot' } as const) : ({ type: 'dense', dim: input.embeddingSize } as const),
    },
    weights: { file: WEIGHTS_FILE },
  };
  switch (input.cell) {
    case 'rnn':
      return { ...base, kind: 'rnn' };
    case 'gru':
      // core's GRU stacks z, r, h like TF.js and ONNX, reset applied before the recurrent product (D2L).
      return { ...base, kind: 'gru', gates: { layout: 'tfjs', order: [...GATE_ORDERS.tfjs.gru], linearBeforeReset: 0 } };
    case 'lstm':
      return { ...base, kind: 'lstm', gates: { layout: 'tfjs', order: [...GATE_ORDERS.tfjs.lstm] } };
  }
}

/**
 * Writes `weights.bin` (core's container) and `manifest.json` into `dir`, each
 * atomically; the manifest is validated before it is written and lists the
 * weights' size and sha256.
 */
export async function writeLmArtifact(dir: string, input: LmArtifactInput): Promise<NeuralManifest> {
  const bytes = encodeWeights(new Map(input.weights));
  await writeFileAtomic(join(dir, WEIGHTS_FILE), bytes);
  const manifest = lmManifest(input, [fileEntry('weights', WEIGHTS_FILE, bytes), ...(input.extraFiles ?? [])]);
  await writeFileAtomic(join(dir, MANIFEST_FILE), serializeManifest(manifest));
  return manifest;
}

export interface LoadedModelDir {
  dir: string;
  manifest: Manifest;
  /** Bytes of every listed file, each checked against its size and sha256. */
  files: Map<string, Uint8Array>;
}

/** Reads `dir/manifest.json`, validates it, and reads and verifies every file it lists. */
export async function readModelDir(dir: string): Promise<LoadedModelDir> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new SeqlmError(missing ? 'MANIFEST_INVALID' : 'IO_ERROR', missing ? `no ${MANIFEST_FILE} in ${dir}` : `cannot read ${path}: ${(error as Error).message}`, { path });
  }
  const manifest = parseManifest(text);
  const files = new Map<string, Uint8Array>();
  for (const entry of manifest.files) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(join(dir, entry.path)));
    } catch (error) {
      throw new SeqlmError('HASH_MISMATCH', `${entry.path}: listed in the manifest but cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { path: entry.path });
    }
    verifyFile(entry, bytes);
    files.set(entry.path, bytes);
  }
  return { dir, manifest, files };
}

/** The core RNN config a neural manifest describes (core's, re-exported for existing callers). */
export { rnnConfigOf };

/**
 * The decoded weights of a neural model directory, checked against the
 * parameter names and shapes its architecture needs (`WEIGHTS_INVALID` otherwise).
 */
export function neuralWeights(loaded: LoadedModelDir): { manifest: NeuralManifest; config: ResolvedRnnConfig; weights: WeightTensors } {
  const { manifest } = loaded;
  if (manifest.kind !== 'rnn' && manifest.kind !== 'gru' && manifest.kind !== 'lstm') {
    throw new SeqlmError('UNSUPPORTED', `${loaded.dir} holds a ${manifest.kind} model, not an RNN/GRU/LSTM language model`);
  }
  if (manifest.weights === undefined) throw new SeqlmError('UNSUPPORTED', `${loaded.dir} has no core weights container (only ONNX)`);
  const weights = decodeWeights(loaded.files.get(manifest.weights.file)!);
  const config = checkNeuralWeights(manifest, weights, manifest.weights.file);
  return { manifest, config, weights };
}
