/**
 * Proof that an exported graph computes what the model computes: run it on
 * every available onnxruntime with batches that hold every token id of the
 * vocabulary (a wrong row of W_x or the embedding shows for no other id) and
 * random initial states,
 * and compare logits, final states and per-step hidden states with core's forward pass and the
 * TensorFlow.js model on the same weights. Any difference over the tolerance
 * fails with the numbers.
 */
import { SeqlmError } from '@seqlm/core/errors';
import { Rng } from '@seqlm/core/random';
import { RnnModel, type ResolvedRnnConfig } from '@seqlm/core/rnn';
import { TfRnnModel } from '../lm/model.ts';
import { selectBackend, tf } from '../tfjs/backend.ts';
import type { NamedFloatTensors } from './layout.ts';
import { batchMajor, maxAbsDiff, runLm, type LmRunOutput } from './lm-session.ts';
import { availableRuntimes, createSession, ORT_RUNTIMES, unavailableReason, type OrtRuntime } from './runtime.ts';

/** The acceptance bound of an export (issue #6): 1e-4 absolute on logits and states. */
export const DEFAULT_TOLERANCE = 1e-4;

export type ReferenceName = 'core' | 'tfjs';

export interface Comparison {
  runtime: OrtRuntime;
  reference: ReferenceName;
  output: 'logits' | 'hT' | 'cT' | 'hidden';
  maxAbsDiff: number;
}

export interface VerificationReport {
  batchSize: number;
  /** Steps per batch: at least the requested number, raised so the batches cover the vocabulary. */
  numSteps: number;
  /** Batches run on each runtime; together they hold every token id at least once. */
  batches: number;
  tolerance: number;
  runtimes: OrtRuntime[];
  /** The runtimes that did not run the graph, and why (onnxruntime-node is optional). */
  skipped: { runtime: OrtRuntime; reason: string }[];
  references: ReferenceName[];
  comparisons: Comparison[];
  /** The largest difference over every comparison. */
  maxAbsDiff: number;
}

export interface VerifyOptions {
  /** Runtimes to run; default every available one (onnxruntime-node is optional). */
  runtimes?: OrtRuntime[];
  /** Also compare with TensorFlow.js (selects a tfjs backend if none is active). Default true. */
  tfjs?: boolean;
  batchSize?: number;
  /** At least this many steps per batch (default 16); more when the vocabulary needs them. */
  numSteps?: number;
  seed?: number;
  tolerance?: number;
}

/** A random batch: ids uniform over the vocabulary and states N(0, 0.5²), so the state inputs matter. */
export function randomLmInput(config: ResolvedRnnConfig, batchSize: number, numSteps: number, seed: number): { ids: Int32Array; h0: Float32Array; c0: Float32Array | null } {
  const rng = new Rng(seed);
  const { vocabSize: V, numLayers: L, hiddenSize: H } = config;
  const ids = Int32Array.from({ length: batchSize * numSteps }, () => rng.int(V));
  const state = (): Float32Array => Float32Array.from({ length: L * batchSize * H }, () => rng.normal(0, 0.5));
  const h0 = state();
  return { ids, h0, c0: config.cell === 'lstm' ? state() : null };
}

/** Logits values [B, T, V] per verification batch: a large vocabulary gets more batches rather than one huge one. */
const MAX_BATCH_LOGITS = 1 << 22;

export interface CoveringLmInput {
  batchSize: number;
  numSteps: number;
  /** Each [B, T] batch-major, with its own random initial states [L, B, H]. */
  batches: { ids: Int32Array; h0: Float32Array; c0: Float32Array | null }[];
}

/**
 * Batches holding every id of the vocabulary at least once (a seeded shuffle
 * of 0..V−1, padded with uniform ids), with states N(0, 0.5²). T is raised
 * from `minSteps` towards ⌈V/B⌉, so small vocabularies fit one batch.
 */
export function coveringLmInput(config: ResolvedRnnConfig, batchSize: number, minSteps: number, seed: number): CoveringLmInput {
  const { vocabSize: V, numLayers: L, hiddenSize: H } = config;
  const B = batchSize;
  const T = Math.max(minSteps, Math.min(Math.ceil(V / B), Math.floor(MAX_BATCH_LOGITS / (B * V))));
  const count = Math.ceil(V / (B * T));
  const rng = new Rng(seed);
  const order = rng.shuffle(Array.from({ length: V }, (_, i) => i));
  const all = Int32Array.from({ length: count * B * T }, (_, i) => (i < V ? order[i]! : rng.int(V)));
  const state = (): Float32Array => Float32Array.from({ length: L * B * H }, () => rng.normal(0, 0.5));
  const batches = Array.from({ length: count }, (_, k) => ({
    ids: all.subarray(k * B * T, (k + 1) * B * T),
    h0: state(),
    c0: config.cell === 'lstm' ? state() : null,
  }));
  return { batchSize: B, numSteps: T, batches };
}

/** Core's forward pass in the graph's layouts: logits [B, T, V], states [L, B, H], hidden states [B, T, H]. */
export function coreReference(config: ResolvedRnnConfig, tensors: NamedFloatTensors, ids: Int32Array, B: number, T: number, h0: Float32Array, c0: Float32Array | null): LmRunOutput {
  const plain = tensors instanceof Map ? Object.fromEntries(tensors) : tensors;
  const model = RnnModel.fromParameters(config, plain);
  const state = { batchSize: B, numLayers: config.numLayers, hiddenSize: config.hiddenSize, h: h0, c: c0 };
  const out = model.forward(ids, B, T, state);
  return {
    logits: batchMajor(out.logits, B, T, config.vocabSize),
    hT: Float32Array.from(out.state.h),
    cT: out.state.c === null ? null : Float32Array.from(out.state.c),
    hidden: batchMajor(model.hiddenStates(ids, B, T, state), B, T, config.hiddenSize),
  };
}

/** The TensorFlow.js model's forward pass in the graph's layouts. */
export async function tfjsReference(config: ResolvedRnnConfig, tensors: NamedFloatTensors, ids: Int32Array, B: number, T: number, h0: Float32Array, c0: Float32Array | null): Promise<LmRunOutput> {
  if (!tf.getBackend()) await selectBackend('auto');
  const { numLayers: L, hiddenSize: H, vocabSize: V } = config;
  const model = TfRnnModel.fromParameters(config, tensors instanceof Map ? tensors : new Map(Object.entries(tensors)));
  try {
    const tokens = new Int32Array(B * T);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) tokens[t * B + b] = ids[b * T + t]!;
    const split = (s: Float32Array): tf.Tensor2D[] => Array.from({ length: L }, (_, l) => tf.tensor2d(s.subarray(l * B * H, (l + 1) * B * H), [B, H]));
    const start = { h: split(h0), c: c0 === null ? null : split(c0) };
    const { logits, state } = model.forward(tokens, B, T, start);
    const join = (ts: tf.Tensor2D[]): Float32Array => {
      const out = new Float32Array(L * B * H);
      ts.forEach((t, l) => out.set(t.dataSync() as Float32Array, l * B * H));
      return out;
    };
    // The TF.js model returns no per-step states; core checks the graph's hidden output.
    const result = { logits: batchMajor(logits.dataSync() as Float32Array, B, T, V), hT: join(state.h), cT: state.c === null ? null : join(state.c), hidden: null };
    tf.dispose([logits, ...state.h, ...(state.c ?? []), ...start.h, ...(start.c ?? [])]);
    return result;
  } finally {
    model.dispose();
  }
}

/**
 * Runs `bytes` on each runtime and compares with core (and TF.js) running
 * `tensors`, the parameters the graph computes with (see `graphParameters`).
 * Returns the report; throws EXPORT_MISMATCH with every difference when one
 * exceeds the tolerance.
 */
export async function verifyLmGraph(bytes: Uint8Array, config: ResolvedRnnConfig, tensors: NamedFloatTensors, options: VerifyOptions = {}): Promise<VerificationReport> {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const runtimes = options.runtimes ?? (await availableRuntimes());
  if (runtimes.length === 0) throw new SeqlmError('UNSUPPORTED', 'no onnxruntime is available to verify the export');
  const input = coveringLmInput(config, options.batchSize ?? 4, options.numSteps ?? 16, options.seed ?? 0);
  const { batchSize: B, numSteps: T } = input;
  const references: ReferenceName[] = options.tfjs ?? true ? ['core', 'tfjs'] : ['core'];

  // One comparison per runtime, reference and output, holding the worst difference over the batches.
  const worstOf = new Map<string, Comparison>();
  const record = (runtime: OrtRuntime, reference: ReferenceName, output: Comparison['output'], diff: number): void => {
    const key = `${runtime}/${reference}/${output}`;
    const seen = worstOf.get(key);
    if (seen === undefined) worstOf.set(key, { runtime, reference, output, maxAbsDiff: diff });
    else if (!(seen.maxAbsDiff >= diff)) seen.maxAbsDiff = diff;
  };
  const sessions = await Promise.all(runtimes.map(async (runtime) => ({ runtime, session: await createSession(runtime, bytes) })));
  try {
    for (const { ids, h0, c0 } of input.batches) {
      const refs: [ReferenceName, LmRunOutput][] = [['core', coreReference(config, tensors, ids, B, T, h0, c0)]];
      if (references.includes('tfjs')) refs.push(['tfjs', await tfjsReference(config, tensors, ids, B, T, h0, c0)]);
      for (const { runtime, session } of sessions) {
        const got = await runLm(session, config, { ids, batchSize: B, numSteps: T, h0, ...(c0 !== null ? { c0 } : {}) });
        for (const [reference, want] of refs) {
          record(runtime, reference, 'logits', maxAbsDiff(got.logits, want.logits));
          record(runtime, reference, 'hT', maxAbsDiff(got.hT, want.hT));
          if (want.cT !== null) record(runtime, reference, 'cT', maxAbsDiff(got.cT ?? [], want.cT));
          // A graph exported before graphs returned their hidden states has none to compare (its signature check covers the rest).
          if (want.hidden !== null && got.hidden !== null) record(runtime, reference, 'hidden', maxAbsDiff(got.hidden, want.hidden));
        }
      }
    }
  } finally {
    for (const { session } of sessions) await session.release();
  }
  const comparisons = [...worstOf.values()];
  const worst = Math.max(...comparisons.map((c) => c.maxAbsDiff));
  const skipped: VerificationReport['skipped'] = [];
  for (const runtime of ORT_RUNTIMES) if (!runtimes.includes(runtime)) skipped.push({ runtime, reason: (await unavailableReason(runtime)) ?? 'not requested' });
  const report: VerificationReport = { batchSize: B, numSteps: T, batches: input.batches.length, tolerance, runtimes, skipped, references, comparisons, maxAbsDiff: worst };
  const failed = comparisons.filter((c) => !(c.maxAbsDiff <= tolerance));
  if (failed.length > 0) {
    const lines = failed.map((c) => `  onnxruntime-${c.runtime} vs ${c.reference}: ${c.output} differs by ${c.maxAbsDiff.toExponential(3)}`);
    throw new SeqlmError('EXPORT_MISMATCH', `the exported graph does not reproduce the model (tolerance ${tolerance}, ${input.batches.length} batch(es) of B=${B}, T=${T} holding every token id):\n${lines.join('\n')}`, { report });
  }
  return report;
}

/**
 * One line naming the runtimes that did not check the graph and why, or null when
 * every runtime did: a model verified on onnxruntime-web alone should say so.
 */
export function skippedRuntimesLine(report: Pick<VerificationReport, 'skipped'>): string | null {
  if (report.skipped.length === 0) return null;
  const hint = report.skipped.some((s) => s.runtime === 'node' && s.reason.startsWith('not installed')) ? ' (see "Install" in @seqlm/train\'s README)' : '';
  return `not verified on ${report.skipped.map((s) => `onnxruntime-${s.runtime}: ${s.reason}`).join('; ')}${hint}`;
}
