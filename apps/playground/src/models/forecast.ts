/**
 * D2L 9.1's predictions for the time-series view, as pure functions over an
 * async predictor (onnxruntime runs are async), so they are unit-tested in Node
 * with predictors whose outputs can be written down by hand.
 */
import { SeqlmError } from '@seqlm/core/errors';
import type { TsMlpManifest } from '@seqlm/core/manifest';
import { sineSeries } from '@seqlm/core/timeseries';

/** The horizons the view offers, D2L's 1, 4, 16 and 64. */
export const K_CHOICES = [1, 4, 16, 64] as const;

/** Maps windows [n, τ] (row-major) to the next values [n]. */
export type WindowPredict = (windows: Float32Array, n: number) => Promise<Float32Array>;

/** What the view needs from a loaded time-series model. */
export interface SeriesModel {
  readonly id: string;
  readonly manifest: TsMlpManifest;
  readonly tau: number;
  readonly predict: WindowPredict;
}

/** The sine a ts-mlp model was fitted to, as `seqlm timeseries` records it in `training.hyperparameters`. */
export interface SeriesSpec {
  T: number;
  seed: number;
  noiseSd: number;
  frequency: number;
  /** Windows from the start the model was trained on; the rest were held out. */
  numTrain: number;
}

const SERIES_KEYS: Record<keyof SeriesSpec, string> = { T: 'series.T', seed: 'series.seed', noiseSd: 'series.noiseSd', frequency: 'series.frequency', numTrain: 'series.numTrain' };

/** Reads the series parameters from the manifest; `MANIFEST_INVALID` naming the missing one. */
export function seriesSpecOf(manifest: TsMlpManifest): SeriesSpec {
  const hp = manifest.training?.hyperparameters ?? {};
  const out = {} as SeriesSpec;
  for (const [field, key] of Object.entries(SERIES_KEYS) as [keyof SeriesSpec, string][]) {
    const v = hp[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new SeqlmError('MANIFEST_INVALID', `$.training.hyperparameters["${key}"] must be a number to regenerate the series, got ${JSON.stringify(v)}`, { path: key });
    }
    out[field] = v;
  }
  return out;
}

/** The k-step MSE the trainer measured, `mse.k<k>` in the manifest, or null when not recorded. */
export function recordedMse(manifest: TsMlpManifest, k: number): number | null {
  const v = manifest.training?.hyperparameters?.[`mse.k${k}`];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Windows [T − τ, τ] of consecutive values: row j is x_j .. x_{j+τ−1}. */
export function windowsOf(x: ArrayLike<number>, tau: number, rows = x.length - tau): Float32Array {
  const out = new Float32Array(rows * tau);
  for (let j = 0; j < rows; j++) for (let c = 0; c < tau; c++) out[j * tau + c] = x[j + c]!;
  return out;
}

/** 1-step predictions x̂_t = f(x_{t−τ} .. x_{t−1}) for t = τ .. T − 1 (index 0 is t = τ), in one batch. */
export async function oneStepPredictions(predict: WindowPredict, x: ArrayLike<number>, tau: number): Promise<Float32Array> {
  const n = x.length - tau;
  if (n < 1) throw new SeqlmError('CORPUS_TOO_SHORT', `a series of ${x.length} values has no window of ${tau} plus a next value`);
  return checked(await predict(windowsOf(x, tau, n), n), n);
}

/**
 * D2L 9.1.2's k-step-ahead predictions for every k up to `maxSteps`, batched over
 * starting points: column i < τ holds observations, column i ≥ τ the model's
 * prediction from the τ columns before it, so predictions are fed back k − 1
 * times. Returns `rows` = T − τ − maxSteps + 1 and `columns[k − 1]`, whose row j
 * predicts x[τ + k − 1 + j] from x[j .. j + τ − 1].
 */
export async function kStepPredictions(predict: WindowPredict, x: ArrayLike<number>, tau: number, maxSteps: number): Promise<{ rows: number; columns: Float32Array[] }> {
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new SeqlmError('INVALID_ARGUMENT', `k must be an integer >= 1, got ${maxSteps}`);
  const rows = x.length - tau - maxSteps + 1;
  if (rows < 1) throw new SeqlmError('CORPUS_TOO_SHORT', `a series of ${x.length} values is too short for ${maxSteps}-step predictions with tau ${tau}`);
  const cols: Float32Array[] = [];
  for (let i = 0; i < tau; i++) cols.push(Float32Array.from({ length: rows }, (_, j) => x[i + j]!));
  const window = new Float32Array(rows * tau); // [rows, τ]
  for (let i = tau; i < tau + maxSteps; i++) {
    for (let j = 0; j < rows; j++) for (let c = 0; c < tau; c++) window[j * tau + c] = cols[i - tau + c]![j]!;
    cols.push(checked(await predict(window, rows), rows));
  }
  return { rows, columns: cols.slice(tau) };
}

/** (1/n) Σ (a_i − b_i)². */
export function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new SeqlmError('SHAPE_MISMATCH', `mse needs two equal non-empty lengths, got ${a.length} and ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}

function checked(y: Float32Array, n: number): Float32Array {
  if (y.length !== n) throw new SeqlmError('SHAPE_MISMATCH', `the model returned ${y.length} predictions for ${n} windows`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(y[i]!)) throw new SeqlmError('NON_FINITE', `the model predicted ${y[i]} for window ${i}`);
  return y;
}

/** Everything the time-series view shows, computed once per model. */
export interface SeriesForecast {
  spec: SeriesSpec;
  tau: number;
  /** The regenerated series x_t, t = 1..T (index i is t = i + 1). */
  x: Float32Array;
  /** 1-step predictions for indices τ .. T − 1. */
  oneStep: Float32Array;
  /** 1-step MSE on the training windows and on the held-out ones. */
  oneStepMse: { train: number; heldOut: number };
  /** Starting points shared by every horizon: T − τ − max k + 1. */
  rows: number;
  /** Per k of K_CHOICES: predictions for indices τ + k − 1 .. (rows of them) and their MSE. */
  kStep: { k: number; start: number; predictions: Float32Array; mse: number }[];
}

/**
 * Regenerates the series the model was fitted to with core's `sineSeries`
 * (from the manifest's parameters) and computes D2L 9.1's 1-step and k-step
 * predictions for every k of `ks`, all horizons over the same starting points
 * as `seqlm timeseries` uses, so the MSEs are comparable with the recorded ones.
 */
export async function forecastSeries(model: Pick<SeriesModel, 'manifest' | 'tau' | 'predict'>, ks: readonly number[] = K_CHOICES): Promise<SeriesForecast> {
  const spec = seriesSpecOf(model.manifest);
  const tau = model.tau;
  const { x } = sineSeries({ T: spec.T, seed: spec.seed, noiseSd: spec.noiseSd, frequency: spec.frequency });
  const oneStep = await oneStepPredictions(model.predict, x, tau);
  const n = x.length - tau;
  const numTrain = Math.min(Math.max(spec.numTrain, 0), n);
  const heldOut = numTrain < n ? mse(oneStep.subarray(numTrain), x.subarray(tau + numTrain)) : Number.NaN;
  const train = numTrain > 0 ? mse(oneStep.subarray(0, numTrain), x.subarray(tau, tau + numTrain)) : Number.NaN;
  const { rows, columns } = await kStepPredictions(model.predict, x, tau, Math.max(...ks));
  const kStep = ks.map((k) => {
    const start = tau + k - 1;
    const predictions = columns[k - 1]!;
    return { k, start, predictions, mse: mse(predictions, x.subarray(start, start + rows)) };
  });
  return { spec, tau, x, oneStep, oneStepMse: { train, heldOut }, rows, kStep };
}
