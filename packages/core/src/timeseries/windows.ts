import { SeqlmError } from '../errors/index.ts';

/** Autoregressive training pairs: `features[k] = x_{k..k+τ-1}`, `labels[k] = x_{k+τ}`. */
export interface WindowData {
  /** Row-major `[n, tau]`. */
  features: Float32Array;
  /** `[n]`. */
  labels: Float32Array;
  /** Number of pairs, `T - τ`. */
  n: number;
  tau: number;
}

/**
 * D2L 9.1's τ-window features: predict `x_t` from `x_{t-τ}, ..., x_{t-1}`,
 * giving `T - τ` pairs (the first τ steps have no full history).
 */
export function windowFeatures(series: ArrayLike<number>, tau: number): WindowData {
  if (series === null || typeof series !== 'object' || typeof series.length !== 'number') {
    throw new SeqlmError('INVALID_ARGUMENT', 'series must be an array or typed array of numbers');
  }
  if (!Number.isInteger(tau) || tau < 1) throw new SeqlmError('INVALID_ARGUMENT', `tau must be an integer >= 1, got ${tau}`, { tau });
  const T = series.length;
  if (T <= tau) {
    throw new SeqlmError('CORPUS_TOO_SHORT', `a series of length ${T} has no window of tau ${tau} plus a label; it needs at least ${tau + 1} values`, {
      length: T,
      tau,
    });
  }
  for (let i = 0; i < T; i++) {
    const v = series[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new SeqlmError('NON_FINITE', `series value ${i} is not a finite number: ${String(v)}`, { index: i });
    }
  }
  const n = T - tau;
  const features = new Float32Array(n * tau); // [n, tau]
  const labels = new Float32Array(n); // [n]
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < tau; j++) features[k * tau + j] = series[k + j] as number;
    labels[k] = series[k + tau] as number;
  }
  return { features, labels, n, tau };
}
