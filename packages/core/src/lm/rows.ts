import { logSumExp } from '../sampling/index.ts';

/**
 * ln p(ids[t + 1] | ids[..t]) from logits rows `[n − 1, V]` (row t predicts
 * token t + 1); position 0 has no prediction (NaN).
 */
export function logProbsFromRows(logits: Float32Array, ids: Int32Array, V: number): Float64Array {
  const out = new Float64Array(ids.length);
  out[0] = Number.NaN;
  for (let t = 0; t + 1 < ids.length; t++) {
    const row = logits.subarray(t * V, (t + 1) * V);
    out[t + 1] = (row[ids[t + 1] as number] as number) - logSumExp(row);
  }
  return out;
}
