import { SeqlmError } from '../errors/index.ts';
import type { FloatArray } from './float-array.ts';

/**
 * The recurrent state between steps or batches: h [L, B, H] for every cell,
 * plus c [L, B, H] for an LSTM (null otherwise). Models never mutate a state
 * they were given, so a sampler may keep old states (beam search does).
 */
export interface RnnState {
  readonly batchSize: number;
  readonly numLayers: number;
  readonly hiddenSize: number;
  readonly h: FloatArray;
  readonly c: FloatArray | null;
}

/** Throws SHAPE_MISMATCH unless the arrays match the declared [L, B, H]. */
export function checkState(state: RnnState): void {
  const { batchSize: B, numLayers: L, hiddenSize: H } = state;
  const size = L * B * H;
  if (!Number.isInteger(B) || B < 1 || state.h.length !== size || (state.c !== null && state.c.length !== size)) {
    throw new SeqlmError('SHAPE_MISMATCH', `state arrays must hold [${L}, ${B}, ${H}] = ${size} values, got h of ${state.h.length}`, { batchSize: B });
  }
}

/**
 * A new state whose row b is row `rows[b]` of `state`, in every layer: how
 * beam search follows the beams it keeps. `rows.length` may differ from the
 * state's batch size (expanding one prompt into k beams).
 */
export function selectStateRows(state: RnnState, rows: ArrayLike<number>): RnnState {
  checkState(state);
  const B = state.batchSize;
  const n = rows.length;
  if (n < 1) throw new SeqlmError('INVALID_ARGUMENT', 'selectStateRows needs at least one row');
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= B) {
      throw new SeqlmError('INVALID_ARGUMENT', `state row ${r} is outside [0, ${B})`, { index: i, row: r });
    }
  }
  const gather = (x: FloatArray): FloatArray => {
    const { numLayers: L, hiddenSize: H } = state;
    const out = x instanceof Float64Array ? new Float64Array(L * n * H) : new Float32Array(L * n * H);
    for (let l = 0; l < L; l++) {
      for (let i = 0; i < n; i++) {
        const src = (l * B + rows[i]!) * H;
        out.set(x.subarray(src, src + H), (l * n + i) * H);
      }
    }
    return out;
  };
  return { batchSize: n, numLayers: state.numLayers, hiddenSize: state.hiddenSize, h: gather(state.h), c: state.c === null ? null : gather(state.c) };
}
