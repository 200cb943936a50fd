/**
 * Runs an exported language model graph: ids [B, T] and the state [L, B, H]
 * in, logits [B, T, V], the final state and the last layer's hidden states
 * [B, T, H] out (names in LM_TENSOR_NAMES).
 */
import { SeqlmError } from '@seqlm/core/errors';
import type { ResolvedRnnConfig } from '@seqlm/core/rnn';
import { LM_IDS_DTYPE, LM_TENSOR_NAMES } from './rnn-graph.ts';
import type { FeedTensor, OrtSession } from './runtime.ts';

export interface LmRunInput {
  /** [B, T] row-major token ids. */
  ids: Int32Array;
  batchSize: number;
  numSteps: number;
  /** [L, B, H]; zeros when omitted. */
  h0?: Float32Array;
  /** [L, B, H], LSTM only; zeros when omitted. */
  c0?: Float32Array;
}

export interface LmRunOutput {
  /** [B, T, V] */
  logits: Float32Array;
  /** [L, B, H] */
  hT: Float32Array;
  /** [L, B, H] for an LSTM, else null. */
  cT: Float32Array | null;
  /** [B, T, H]: h_t of the last layer; null for graphs exported before they had this output. */
  hidden: Float32Array | null;
}

/** Checks ids and states, then runs the graph once. */
export async function runLm(session: OrtSession, config: ResolvedRnnConfig, input: LmRunInput): Promise<LmRunOutput> {
  const { batchSize: B, numSteps: T, ids } = input;
  const { numLayers: L, hiddenSize: H, vocabSize: V, cell } = config;
  if (!Number.isInteger(B) || B < 1 || !Number.isInteger(T) || T < 1) {
    throw new SeqlmError('INVALID_ARGUMENT', `batch size and number of steps must be positive integers, got ${B} and ${T}`);
  }
  if (ids.length !== B * T) throw new SeqlmError('SHAPE_MISMATCH', `expected ${B * T} token ids for [${B}, ${T}], got ${ids.length}`);
  for (let i = 0; i < ids.length; i++) {
    // OneHot would silently give a zero row for an id outside [0, V): refuse it here instead.
    if (!(ids[i]! >= 0 && ids[i]! < V)) throw new SeqlmError('VOCAB_OOV', `token id ${ids[i]} is outside the vocabulary of size ${V}`, { id: ids[i] });
  }
  const stateSize = L * B * H;
  const state = (name: string, given: Float32Array | undefined): FeedTensor => {
    if (given !== undefined && given.length !== stateSize) {
      throw new SeqlmError('SHAPE_MISMATCH', `${name} must hold [${L}, ${B}, ${H}] = ${stateSize} values, got ${given.length}`);
    }
    return { dtype: 'float32', data: given ?? new Float32Array(stateSize), dims: [L, B, H] };
  };
  const n = LM_TENSOR_NAMES;
  const feeds: Record<string, FeedTensor> = {
    [n.ids]: { dtype: LM_IDS_DTYPE, data: ids, dims: [B, T] },
    [n.h0]: state(n.h0, input.h0),
  };
  if (cell === 'lstm') feeds[n.c0] = state(n.c0, input.c0);
  else if (input.c0 !== undefined) throw new SeqlmError('INVALID_ARGUMENT', `a ${cell} has no cell state c0`);
  const out = await session.run(feeds);
  const get = (name: string): Float32Array => {
    const t = out[name];
    if (t === undefined) throw new SeqlmError('MODEL_INVALID', `the graph has no output "${name}"`, { name });
    return t.data;
  };
  return { logits: get(n.logits), hT: get(n.hT), cT: cell === 'lstm' ? get(n.cT) : null, hidden: out[n.hidden]?.data ?? null };
}

/** [T, B, V] time-major rows (core's layout) → [B, T, V] (the graph's). */
export function batchMajor(timeMajor: ArrayLike<number>, B: number, T: number, V: number): Float32Array {
  const out = new Float32Array(B * T * V);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const src = (t * B + b) * V;
      const dst = (b * T + t) * V;
      for (let v = 0; v < V; v++) out[dst + v] = timeMajor[src + v]!;
    }
  }
  return out;
}

/** max_i |a_i − b_i|; Infinity for different lengths or any non-finite value, so a broken run never passes. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}
