import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SeqlmError } from '@seqlm/core/errors';
import { decodeWeights, encodeWeights, sha256Hex, type WeightTensor } from '@seqlm/core/manifest';
import { writeFileAtomic } from './atomic-write.ts';

export const CHECKPOINT_FORMAT = 'seqlm-checkpoint';
/** Version 2 added `data`; a version 1 checkpoint cannot prove which corpus it was trained on, so it is refused. */
export const CHECKPOINT_VERSION = 2;
export const CHECKPOINT_FILE = 'checkpoint.json';

/** What a checkpointed run was trained on: resuming on anything else would pair the weights with other token ids. */
export interface CheckpointData {
  /** sha256 of the corpus text before normalisation. */
  corpusSha256: string;
  tokenizer: string;
  normalization: string;
  valFraction: number;
  /** `vocab[id]` is the token of row/column `id` of the weights. */
  vocab: string[];
}

/** The JSON half of a checkpoint; the tensors (parameters, optimiser moments, best weights) are in `weights.file`. */
export interface CheckpointMeta<Config = unknown, Epoch = unknown> {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  /** Epochs completed; training resumes at this 0-based epoch, batch 0. */
  epochsDone: number;
  config: Config;
  data: CheckpointData;
  history: Epoch[];
  best: { epoch: number; valPerplexity: number } | null;
  /** Epochs since the best validation perplexity (early stopping). */
  badEpochs: number;
  /** State of the run's Rng (dropout masks); batch plans are derived from the seed and epoch number. */
  rngState: number;
  optimizer: { kind: string; steps: number };
  backend: string;
  wallTimeSeconds: number;
  weights: { file: string; bytes: number; sha256: string };
}

export interface Checkpoint<Config = unknown, Epoch = unknown> {
  meta: CheckpointMeta<Config, Epoch>;
  /** Tensors under the prefixes `param/`, `opt/` and `best/`. */
  tensors: Map<string, WeightTensor>;
}

/**
 * Saves a checkpoint in `dir` so a SIGKILL at any moment leaves a complete one:
 * the tensors go to a new epoch-numbered file first, then `checkpoint.json`
 * (which names that file and its hash) is replaced atomically, and only then
 * are older tensor files removed.
 */
export async function saveCheckpoint<C, E>(dir: string, meta: Omit<CheckpointMeta<C, E>, 'weights' | 'format' | 'version'>, tensors: Map<string, WeightTensor>): Promise<void> {
  const bytes = encodeWeights(tensors);
  const file = `ckpt-epoch-${String(meta.epochsDone).padStart(4, '0')}.bin`;
  await writeFileAtomic(join(dir, file), bytes);
  const full: CheckpointMeta<C, E> = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, ...meta, weights: { file, bytes: bytes.length, sha256: sha256Hex(bytes) } };
  await writeFileAtomic(join(dir, CHECKPOINT_FILE), `${JSON.stringify(full, null, 2)}\n`);
  for (const name of await readdir(dir)) {
    if (/^ckpt-epoch-\d+\.bin$/.test(name) && name !== file) await rm(join(dir, name), { force: true });
  }
}

/** Loads the checkpoint in `dir`, or returns null when there is none; a damaged one is `WEIGHTS_INVALID`/`HASH_MISMATCH`. */
export async function loadCheckpoint<C, E>(dir: string): Promise<Checkpoint<C, E> | null> {
  let text: string;
  try {
    text = await readFile(join(dir, CHECKPOINT_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SeqlmError('IO_ERROR', `cannot read ${join(dir, CHECKPOINT_FILE)}: ${(error as Error).message}`, undefined, { cause: error });
  }
  let meta: CheckpointMeta<C, E>;
  try {
    meta = JSON.parse(text) as CheckpointMeta<C, E>;
  } catch (error) {
    throw new SeqlmError('WEIGHTS_INVALID', `${join(dir, CHECKPOINT_FILE)} is not valid JSON`, undefined, { cause: error });
  }
  if (meta?.format !== CHECKPOINT_FORMAT || meta.version !== CHECKPOINT_VERSION || typeof meta.weights?.file !== 'string' || !/^ckpt-epoch-\d+\.bin$/.test(meta.weights.file)) {
    throw new SeqlmError('WEIGHTS_INVALID', `${join(dir, CHECKPOINT_FILE)} is not a version ${CHECKPOINT_VERSION} seqlm checkpoint`);
  }
  if (!isCheckpointData(meta.data)) throw new SeqlmError('WEIGHTS_INVALID', `${join(dir, CHECKPOINT_FILE)} does not record its corpus, tokenizer and vocabulary`);
  const path = join(dir, meta.weights.file);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new SeqlmError('IO_ERROR', `checkpoint tensors ${path} cannot be read: ${(error as Error).message}`, { path }, { cause: error });
  }
  const actual = sha256Hex(bytes);
  if (actual !== meta.weights.sha256) throw new SeqlmError('HASH_MISMATCH', `${path}: sha256 is ${actual}, the checkpoint expects ${meta.weights.sha256}`, { path });
  return { meta, tensors: decodeWeights(bytes) };
}

function isCheckpointData(value: unknown): value is CheckpointData {
  const d = value as Partial<CheckpointData> | null | undefined;
  return (
    typeof d?.corpusSha256 === 'string' &&
    typeof d.tokenizer === 'string' &&
    typeof d.normalization === 'string' &&
    typeof d.valFraction === 'number' &&
    Array.isArray(d.vocab) &&
    d.vocab.every((t) => typeof t === 'string')
  );
}

/** The tensors stored under `prefix/`, with the prefix removed. */
export function withPrefix(tensors: ReadonlyMap<string, WeightTensor>, prefix: string): Map<string, WeightTensor> {
  const out = new Map<string, WeightTensor>();
  for (const [name, t] of tensors) if (name.startsWith(`${prefix}/`)) out.set(name.slice(prefix.length + 1), t);
  return out;
}
