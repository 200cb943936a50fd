import { SeqlmError } from '../errors/index.ts';
import type { FloatArray } from './float-array.ts';

function checkRows(x: ArrayLike<number>, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 1 || rows * cols !== x.length) {
    throw new SeqlmError('SHAPE_MISMATCH', `expected ${rows} rows of ${cols} values, got an array of ${x.length}`, { rows, cols, length: x.length });
  }
}

/** log Σ_j exp(x_j) over one row, shifted by the row maximum so no exp overflows. */
export function logSumExp(x: ArrayLike<number>, offset = 0, length = x.length - offset): number {
  let max = -Infinity;
  for (let j = 0; j < length; j++) {
    const v = x[offset + j]!;
    if (v > max) max = v;
  }
  if (max === -Infinity || !Number.isFinite(max)) return max;
  let sum = 0;
  for (let j = 0; j < length; j++) sum += Math.exp(x[offset + j]! - max);
  return max + Math.log(sum);
}

/** Row-wise softmax(x)_j = exp(x_j − m) / Σ_k exp(x_k − m), m the row maximum; `out` may be `x`. */
export function softmax<A extends FloatArray>(x: A, rows: number, cols: number, out: A = x.slice() as A): A {
  checkRows(x, rows, cols);
  checkRows(out, rows, cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (x[o + j]! > max) max = x[o + j]!;
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[o + j]! - max);
      out[o + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < cols; j++) out[o + j] = out[o + j]! * inv;
  }
  return out;
}

/** Row-wise log-softmax(x)_j = x_j − logsumexp(x); `out` may be `x`. */
export function logSoftmax<A extends FloatArray>(x: A, rows: number, cols: number, out: A = x.slice() as A): A {
  checkRows(x, rows, cols);
  checkRows(out, rows, cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const lse = logSumExp(x, o, cols);
    for (let j = 0; j < cols; j++) out[o + j] = x[o + j]! - lse;
  }
  return out;
}

/**
 * Mean negative log-likelihood −(1/N) Σ_i log softmax(logits_i)[y_i] over N rows:
 * the cross-entropy loss D2L trains with.
 */
export function crossEntropy(logits: FloatArray, targets: ArrayLike<number>, rows: number, cols: number): number {
  checkRows(logits, rows, cols);
  if (targets.length !== rows) {
    throw new SeqlmError('SHAPE_MISMATCH', `expected ${rows} targets, got ${targets.length}`);
  }
  if (rows === 0) throw new SeqlmError('INVALID_ARGUMENT', 'cross-entropy of zero rows is undefined');
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const y = targets[r]!;
    if (!Number.isInteger(y) || y < 0 || y >= cols) {
      throw new SeqlmError('VOCAB_OOV', `target ${y} at row ${r} is outside [0, ${cols})`, { row: r, target: y });
    }
    // A NaN or +∞ logit makes the loss NaN; −∞ is a probability of 0 and stays meaningful.
    for (let j = 0; j < cols; j++) {
      const v = logits[r * cols + j]!;
      if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) throw new SeqlmError('NON_FINITE', `logit ${j} of row ${r} is ${v}`, { row: r, col: j });
    }
    const term = logSumExp(logits, r * cols, cols) - logits[r * cols + y]!;
    if (Number.isNaN(term)) throw new SeqlmError('NON_FINITE', `row ${r} has no finite logit`, { row: r });
    total += term;
  }
  return total / rows;
}

/** Perplexity = exp(mean NLL), D2L's measure of a language model (1 is perfect; V is a uniform guess). */
export function perplexity(meanNll: number): number {
  if (!Number.isFinite(meanNll) || meanNll < 0) {
    throw new SeqlmError('NON_FINITE', `perplexity needs a finite, non-negative mean NLL, got ${meanNll}`);
  }
  return Math.exp(meanNll);
}
