/**
 * Proof that an exported graph computes what the model computes: run it on
 * every available onnxruntime with a random batch and random initial states,
 * and compare logits and final states with core's forward pass and the
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
import { availableRuntimes, createSession, type OrtRuntime } from './runtime.ts';

/** The acceptance bound of an export (issue #6): 1e-4 absolute on logits and states. */
export const DEFAULT_TOLERANCE = 1e-4;

export type ReferenceName = 'core' | 'tfjs';

export interface Comparison {
  runtime: OrtRuntime;
  reference: ReferenceName;
  output: 'logits' | 'hT' | 'cT';
  maxAbsDiff: number;
}

export interface VerificationReport {
  batchSize: number;
  numSteps: number;
  tolerance: number;
  runtimes: OrtRuntime[];
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

/** Core's forward pass in the graph's layouts: logits [B, T, V], states [L, B, H]. */
export function coreReference(config: ResolvedRnnConfig, tensors: NamedFloatTensors, ids: Int32Array, B: number, T: number, h0: Float32Array, c0: Float32Array | null): LmRunOutput {
  const plain = tensors instanceof Map ? Object.fromEntries(tensors) : tensors;
  const model = RnnModel.fromParameters(config, plain);
  const state = { batchSize: B, numLayers: config.numLayers, hiddenSize: config.hiddenSize, h: h0, c: c0 };
  const out = model.forward(ids, B, T, state);
  return {
    logits: batchMajor(out.logits, B, T, config.vocabSize),
    hT: Float32Array.from(out.state.h),
    cT: out.state.c === null ? null : Float32Array.from(out.state.c),
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
    const result = { logits: batchMajor(logits.dataSync() as Float32Array, B, T, V), hT: join(state.h), cT: state.c === null ? null : join(state.c) };
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
  const B = options.batchSize ?? 4;
  const T = options.numSteps ?? 16;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const runtimes = options.runtimes ?? (await availableRuntimes());
  if (runtimes.length === 0) throw new SeqlmError('UNSUPPORTED', 'no onnxruntime is available to verify the export');
  const { ids, h0, c0 } = randomLmInput(config, B, T, options.seed ?? 0);
  const refs: [ReferenceName, LmRunOutput][] = [['core', coreReference(config, tensors, ids, B, T, h0, c0)]];
  if (options.tfjs ?? true) refs.push(['tfjs', await tfjsReference(config, tensors, ids, B, T, h0, c0)]);

  const comparisons: Comparison[] = [];
  for (const runtime of runtimes) {
    const session = await createSession(runtime, bytes);
    try {
      const got = await runLm(session, config, { ids, batchSize: B, numSteps: T, h0, ...(c0 !== null ? { c0 } : {}) });
      for (const [reference, want] of refs) {
        comparisons.push({ runtime, reference, output: 'logits', maxAbsDiff: maxAbsDiff(got.logits, want.logits) });
        comparisons.push({ runtime, reference, output: 'hT', maxAbsDiff: maxAbsDiff(got.hT, want.hT) });
        if (want.cT !== null) comparisons.push({ runtime, reference, output: 'cT', maxAbsDiff: maxAbsDiff(got.cT ?? [], want.cT) });
      }
    } finally {
      await session.release();
    }
  }
  const worst = Math.max(...comparisons.map((c) => c.maxAbsDiff));
  const report: VerificationReport = { batchSize: B, numSteps: T, tolerance, runtimes, references: refs.map(([r]) => r), comparisons, maxAbsDiff: worst };
  const failed = comparisons.filter((c) => !(c.maxAbsDiff <= tolerance));
  if (failed.length > 0) {
    const lines = failed.map((c) => `  onnxruntime-${c.runtime} vs ${c.reference}: ${c.output} differs by ${c.maxAbsDiff.toExponential(3)}`);
    throw new SeqlmError('EXPORT_MISMATCH', `the exported graph does not reproduce the model (tolerance ${tolerance}, B=${B}, T=${T}):\n${lines.join('\n')}`, { report });
  }
  return report;
}
