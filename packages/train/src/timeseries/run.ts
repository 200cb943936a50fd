import { sineSeries, windowFeatures } from '@seqlm/core/timeseries';
import { SeqlmError } from '@seqlm/core/errors';
import { feedbackPredictions, kStepPredictions, mse } from './forecast.ts';
import type { TrainedModel } from '../lm/trained-model.ts';
import { TsMlp, trainTsMlp } from './mlp.ts';

export interface TimeseriesOptions {
  T?: number;
  tau?: number;
  /** Training examples taken from the start of the series (D2L: 600). */
  numTrain?: number;
  hidden?: number;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  seed?: number;
  noiseSd?: number;
  /** Angular frequency of the sine (D2L: 0.01). */
  frequency?: number;
  /** The horizons of the k-step table (D2L: 1, 4, 16, 64). */
  steps?: readonly number[];
}

/** Every option with its default filled in, so an artifact can record exactly what produced it. */
export type ResolvedTimeseriesOptions = Required<Omit<TimeseriesOptions, 'steps'>> & { steps: number[] };

export interface TimeseriesResult {
  config: ResolvedTimeseriesOptions;
  time: Float32Array;
  x: Float32Array;
  tau: number;
  numTrain: number;
  trainLoss: number[];
  /** 1-step predictions x̂_t for t = τ .. T − 1 (index 0 is t = τ). */
  oneStep: Float32Array;
  oneStepTrainMse: number;
  oneStepTestMse: number;
  /** Feedback predictions from step τ + numTrain on, and their MSE. */
  multistep: Float32Array;
  multistepMse: number;
  /** Per horizon k: predictions aligned to steps τ + k − 1 + j and their MSE. */
  kStep: { k: number; start: number; predictions: Float32Array; mse: number }[];
  /** The fitted MLP (`TsMlp`), typed without TensorFlow.js so the public declarations stay free of it. */
  model: TrainedModel & { readonly hidden: number };
}

/** The NON_FINITE error of a run whose weights or predictions blew up, as `seqlm train` reports it. */
function diverged(detail: string): SeqlmError {
  return new SeqlmError('NON_FINITE', `training diverged: ${detail}. Try a lower --lr.`);
}

/**
 * D2L 9.1 end to end: the noisy sine, τ-window features, an MLP fitted on the
 * first `numTrain` windows, then 1-step, feedback and k-step predictions with
 * their mean squared errors. A non-finite loss or prediction is `NON_FINITE`.
 * The caller disposes `result.model`.
 */
export function runTimeseries(options: TimeseriesOptions = {}): TimeseriesResult {
  const config: ResolvedTimeseriesOptions = {
    T: options.T ?? 1000,
    tau: options.tau ?? 4,
    numTrain: options.numTrain ?? 600,
    hidden: options.hidden ?? 10,
    epochs: options.epochs ?? 5,
    lr: options.lr ?? 0.01,
    batchSize: options.batchSize ?? 16,
    seed: options.seed ?? 0,
    noiseSd: options.noiseSd ?? 0.2,
    frequency: options.frequency ?? 0.01,
    steps: [...(options.steps ?? [1, 4, 16, 64])],
  };
  const { T, tau, numTrain, seed, steps } = config;
  if (steps.length === 0 || steps.some((k) => !Number.isInteger(k) || k < 1)) throw new SeqlmError('INVALID_ARGUMENT', 'steps must be integers >= 1');
  const maxSteps = Math.max(...steps);
  const { time, x } = sineSeries({ T, seed, noiseSd: config.noiseSd, frequency: config.frequency });
  const windows = windowFeatures(x, tau);
  if (!Number.isInteger(numTrain) || numTrain < 1 || numTrain >= windows.n) {
    throw new SeqlmError('INVALID_ARGUMENT', `numTrain must be an integer in [1, ${windows.n - 1}] for T = ${T} and tau = ${tau}, got ${numTrain}`);
  }
  const model = new TsMlp(tau, config.hidden, seed);
  try {
    const trainLoss = trainTsMlp(model, windows.features.subarray(0, numTrain * tau), windows.labels.subarray(0, numTrain), {
      epochs: config.epochs,
      batchSize: config.batchSize,
      lr: config.lr,
      seed,
    });
    const oneStep = model.predict(windows.features, windows.n);
    const badEpoch = trainLoss.findIndex((l) => !Number.isFinite(l));
    if (badEpoch !== -1) throw diverged(`the training loss of epoch ${badEpoch + 1} is ${trainLoss[badEpoch]}`);
    if (!oneStep.every(Number.isFinite)) throw diverged('the 1-step predictions are not finite');
    const oneStepTrainMse = mse(oneStep.subarray(0, numTrain), windows.labels.subarray(0, numTrain));
    const oneStepTestMse = mse(oneStep.subarray(numTrain), windows.labels.subarray(numTrain));
    const multistep = feedbackPredictions(model, x, numTrain + tau);
    const multistepMse = mse(multistep, x.subarray(numTrain + tau));
    const { rows, columns } = kStepPredictions(model, x, maxSteps);
    const kStep = steps.map((k) => {
      const predictions = columns[k - 1]!;
      const start = tau + k - 1;
      return { k, start, predictions, mse: mse(predictions, x.subarray(start, start + rows)) };
    });
    // Finite weights can still feed predictions back into an overflow.
    if (![multistepMse, ...kStep.map((k) => k.mse)].every(Number.isFinite)) throw diverged('the multi-step predictions overflow');
    return { config, time, x, tau, numTrain, trainLoss, oneStep, oneStepTrainMse, oneStepTestMse, multistep, multistepMse, kStep, model };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
