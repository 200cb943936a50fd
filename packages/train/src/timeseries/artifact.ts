/**
 * The exported time-series model: model.onnx, weights.bin and a ts-mlp
 * manifest whose training metadata records the sine's parameters, so that a
 * consumer (the playground) regenerates the exact series with core's
 * `sineSeries`, and the MSE table the CLI prints.
 */
import { windowFeatures } from '@seqlm/core/timeseries';
import { SeqlmError } from '@seqlm/core/errors';
import type { TrainingMetadata, TsMlpArchitecture, TsMlpManifest } from '@seqlm/core/manifest';
import { exportTsMlp, type ExportedTsMlp } from '../onnx/export-mlp.ts';
import { writeExport } from '../onnx/export-lm.ts';
import { maxAbsDiff } from '../onnx/lm-session.ts';
import { MLP_TENSOR_NAMES, mlpReference } from '../onnx/mlp-graph.ts';
import { availableRuntimes, createSession, type OrtRuntime } from '../onnx/runtime.ts';
import { DEFAULT_TOLERANCE } from '../onnx/verify.ts';
import type { ResolvedTimeseriesOptions, TimeseriesResult } from './run.ts';

/** `training.corpus` of a model fitted to D2L 9.1's noisy sine. */
export const SINE_CORPUS = 'sine';

/**
 * Keys of `training.hyperparameters` that pin the series down: with
 * `sineSeries({ T, seed, noiseSd, frequency })` and the first `numTrain`
 * windows, a reader gets exactly the data the model was fitted to.
 */
export const SERIES_KEYS = Object.freeze({
  T: 'series.T',
  seed: 'series.seed',
  noiseSd: 'series.noiseSd',
  frequency: 'series.frequency',
  numTrain: 'series.numTrain',
});

/** The parameters of the sine a ts-mlp model was fitted to. */
export interface SeriesSpec {
  T: number;
  seed: number;
  noiseSd: number;
  frequency: number;
  numTrain: number;
}

/** `mse.k<k>` is the k-step-ahead MSE (D2L 9.1.2); the others are the CLI's 1-step and feedback rows. */
export function mseKey(k: number): string {
  return `mse.k${k}`;
}

/** The manifest's training metadata for a run: series parameters, optimiser settings and the MSE table. */
export function timeseriesTraining(r: Pick<TimeseriesResult, 'config' | 'trainLoss' | 'oneStepTrainMse' | 'oneStepTestMse' | 'multistepMse' | 'kStep'>, backend: string, createdAt?: string): TrainingMetadata {
  const c: ResolvedTimeseriesOptions = r.config;
  return {
    corpus: SINE_CORPUS,
    seed: c.seed,
    hyperparameters: {
      [SERIES_KEYS.T]: c.T,
      [SERIES_KEYS.seed]: c.seed,
      [SERIES_KEYS.noiseSd]: c.noiseSd,
      [SERIES_KEYS.frequency]: c.frequency,
      [SERIES_KEYS.numTrain]: c.numTrain,
      epochs: c.epochs,
      lr: c.lr,
      batchSize: c.batchSize,
      optimizer: 'adam',
      'mse.oneStepTrain': r.oneStepTrainMse,
      'mse.oneStepHeldOut': r.oneStepTestMse,
      'mse.feedback': r.multistepMse,
      ...Object.fromEntries(r.kStep.map((s) => [mseKey(s.k), s.mse])),
    },
    backend,
    epochs: r.trainLoss.length,
    trainLoss: r.trainLoss,
    finalTrainLoss: r.trainLoss.at(-1)!,
    // The held-out 1-step error plays the role of a validation loss.
    finalValLoss: r.oneStepTestMse,
    ...(createdAt !== undefined ? { createdAt } : {}),
  };
}

/** Reads the series parameters back from a ts-mlp manifest; `MANIFEST_INVALID` when one is missing or not a number. */
export function seriesSpecOf(manifest: TsMlpManifest): SeriesSpec {
  const hp = manifest.training?.hyperparameters ?? {};
  const read = (key: string): number => {
    const v = hp[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new SeqlmError('MANIFEST_INVALID', `$.training.hyperparameters["${key}"] must be a finite number to regenerate the series, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  return { T: read(SERIES_KEYS.T), seed: read(SERIES_KEYS.seed), noiseSd: read(SERIES_KEYS.noiseSd), frequency: read(SERIES_KEYS.frequency), numTrain: read(SERIES_KEYS.numTrain) };
}

export interface ExportTimeseriesOptions {
  /** Recorded in the manifest, e.g. `tfjs-wasm-simd`. */
  backend: string;
  name?: string;
  description?: string;
  /** ISO time for the manifest; omitted for reproducible bytes (fixtures). */
  createdAt?: string;
  runtimes?: OrtRuntime[];
  tolerance?: number;
}

export interface ExportedTimeseries extends ExportedTsMlp {
  /** Largest |ŷ − ŷ_TF.js| over every window of the series, for the float64 reference and each onnxruntime. */
  tfjsMaxAbsDiff: { reference: number } & Partial<Record<OrtRuntime, number>>;
}

/**
 * Exports the trained MLP with `exportTsMlp` (ONNX checked against `mlpReference`),
 * then checks the reference and the ONNX graph against the TF.js model's own
 * 1-step predictions on every window of the series (`EXPORT_MISMATCH` otherwise).
 */
export async function exportTimeseries(r: TimeseriesResult, options: ExportTimeseriesOptions): Promise<ExportedTimeseries> {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const architecture: TsMlpArchitecture = { tau: r.tau, hiddenSizes: [r.model.hidden], activation: 'relu' };
  const parameters = r.model.parameters();
  const runtimes = options.runtimes ?? (await availableRuntimes());
  const exported = await exportTsMlp({
    architecture,
    parameters,
    name: options.name ?? 'sine-mlp',
    description: options.description ?? `D2L 9.1's autoregressive MLP (tau ${r.tau}, ${r.model.hidden} hidden, ReLU) on a noisy sine, trained by seqlm timeseries`,
    training: timeseriesTraining(r, options.backend, options.createdAt),
    runtimes,
    tolerance,
  });
  const windows = windowFeatures(r.x, r.tau);
  const diffs: ExportedTimeseries['tfjsMaxAbsDiff'] = { reference: maxAbsDiff(mlpReference(architecture, parameters, windows.features, windows.n), r.oneStep) };
  for (const runtime of runtimes) {
    const session = await createSession(runtime, exported.onnx);
    try {
      const out = await session.run({ [MLP_TENSOR_NAMES.x]: { dtype: 'float32', data: windows.features, dims: [windows.n, r.tau] } });
      diffs[runtime] = maxAbsDiff(out[MLP_TENSOR_NAMES.y]?.data ?? [], r.oneStep);
    } finally {
      await session.release();
    }
  }
  const bad = Object.entries(diffs).filter(([, d]) => !(d <= tolerance));
  if (bad.length > 0) {
    throw new SeqlmError('EXPORT_MISMATCH', `the exported MLP does not reproduce the TF.js model on the series (tolerance ${tolerance}): ${bad.map(([k, d]) => `${k} differs by ${d.toExponential(3)}`).join('; ')}`, { diffs });
  }
  return { ...exported, tfjsMaxAbsDiff: diffs };
}

/** Exports (as `exportTimeseries`) and writes model.onnx, weights.bin and manifest.json into `dir`. */
export async function writeTimeseriesModel(dir: string, r: TimeseriesResult, options: ExportTimeseriesOptions): Promise<ExportedTimeseries> {
  const exported = await exportTimeseries(r, options);
  await writeExport(dir, exported);
  return exported;
}
