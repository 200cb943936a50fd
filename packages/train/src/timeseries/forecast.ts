import { SeqlmError } from '@seqlm/core/errors';

/** Anything that maps windows [n, τ] to next values [n]. */
export interface WindowPredictor {
  readonly tau: number;
  predict(features: Float32Array, n: number): Float32Array;
}

/**
 * D2L 9.1.2's k-step-ahead predictions for every k up to `maxSteps`: column i < τ
 * of the feature matrix holds observations x_{i..}, column i ≥ τ the model's own
 * prediction from the τ columns before it, so column τ + k − 1 predicts x_{t+k−1}
 * from observations ending at step t − 1 (predictions fed back k − 1 times).
 * Returns `rows` = T − τ − maxSteps + 1 starting points and `columns[k − 1]`, the
 * k-step predictions, aligned with `x[τ + k − 1 + j]` for row j.
 */
export function kStepPredictions(model: WindowPredictor, x: ArrayLike<number>, maxSteps: number): { rows: number; columns: Float32Array[] } {
  const tau = model.tau;
  const T = x.length;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new SeqlmError('INVALID_ARGUMENT', `maxSteps must be an integer >= 1, got ${maxSteps}`);
  const rows = T - tau - maxSteps + 1;
  if (rows < 1) throw new SeqlmError('CORPUS_TOO_SHORT', `a series of ${T} values is too short for ${maxSteps}-step predictions with tau ${tau}`);
  const cols: Float32Array[] = [];
  for (let i = 0; i < tau; i++) cols.push(Float32Array.from({ length: rows }, (_, j) => x[i + j]!));
  const window = new Float32Array(rows * tau);
  for (let i = tau; i < tau + maxSteps; i++) {
    for (let j = 0; j < rows; j++) for (let c = 0; c < tau; c++) window[j * tau + c] = cols[i - tau + c]![j]!;
    cols.push(model.predict(window, rows));
  }
  return { rows, columns: cols.slice(tau) };
}

/**
 * D2L's multistep prediction: observations up to `start`, then each value
 * predicted from the τ values before it, predictions included. Returns x̂ for
 * steps `start .. T − 1` (index 0 is step `start`).
 */
export function feedbackPredictions(model: WindowPredictor, x: ArrayLike<number>, start: number): Float32Array {
  const tau = model.tau;
  if (!Number.isInteger(start) || start < tau || start > x.length) throw new SeqlmError('INVALID_ARGUMENT', `start must be in [${tau}, ${x.length}], got ${start}`);
  const values = Float32Array.from({ length: x.length }, (_, i) => (i < start ? x[i]! : 0));
  for (let t = start; t < x.length; t++) values[t] = model.predict(values.slice(t - tau, t), 1)[0]!;
  return values.slice(start);
}

/** (1/n) Σ (a_i − b_i)². */
export function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new SeqlmError('SHAPE_MISMATCH', `mse needs two equal non-empty lengths, got ${a.length} and ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}
