import { SeqlmError } from '../errors/index.ts';

/**
 * log Σ_i exp(x_i), computed as m + log Σ_i exp(x_i - m) with m = max_i x_i so
 * no term overflows (D2L 4.1.3). Entries of -Infinity (masked tokens) add nothing;
 * NaN or +Infinity, or no finite entry at all, throw `NON_FINITE`.
 */
export function logSumExp(x: ArrayLike<number>): number {
  const m = finiteMax(x);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.exp((x[i] as number) - m);
  return m + Math.log(sum);
}

/** softmax(x / T)_i = exp(x_i / T) / Σ_j exp(x_j / T), with the max subtracted first for stability. */
export function softmax(x: ArrayLike<number>, temperature = 1): Float64Array {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new SeqlmError('INVALID_ARGUMENT', `softmax temperature must be a finite number > 0, got ${temperature}`);
  }
  const m = finiteMax(x);
  const out = new Float64Array(x.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.exp(((x[i] as number) - m) / temperature);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / sum;
  return out;
}

/** log softmax(x)_i = x_i - log Σ_j exp(x_j). */
export function logSoftmax(x: ArrayLike<number>): Float64Array {
  const lse = logSumExp(x);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] as number) - lse;
  return out;
}

/** Index of the largest entry, the lowest index on ties, so greedy decoding is deterministic. */
export function argmax(x: ArrayLike<number>): number {
  finiteMax(x);
  let best = 0;
  for (let i = 1; i < x.length; i++) if ((x[i] as number) > (x[best] as number)) best = i;
  return best;
}

/**
 * Ids of the `k` largest entries, largest first, ties by lower id. One pass with
 * a small sorted buffer, O(V·k), which beats sorting all V ids when k is small.
 */
export function topIndices(x: ArrayLike<number>, k: number): number[] {
  // NaN would fail every comparison below and keep every index; Infinity means all of them.
  if (typeof k !== 'number' || !(k >= 0) || (Number.isFinite(k) && !Number.isInteger(k))) {
    throw new SeqlmError('INVALID_ARGUMENT', `k must be an integer >= 0, got ${String(k)}`);
  }
  const top: number[] = [];
  if (k === 0) return top;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (top.length === k && !(v > (x[top[k - 1] as number] as number))) continue;
    // Insert after every kept entry >= v, so an earlier id wins a tie.
    let at = top.length;
    while (at > 0 && (x[top[at - 1] as number] as number) < v) at--;
    top.splice(at, 0, i);
    if (top.length > k) top.pop();
  }
  return top;
}

function finiteMax(x: ArrayLike<number>): number {
  if (x.length === 0) throw new SeqlmError('INVALID_ARGUMENT', 'expected at least one logit');
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) {
      throw new SeqlmError('NON_FINITE', `logit ${i} is ${v}`, { index: i });
    }
    if (v > m) m = v;
  }
  if (m === Number.NEGATIVE_INFINITY) throw new SeqlmError('NON_FINITE', 'every logit is -Infinity; nothing can be chosen');
  return m;
}
