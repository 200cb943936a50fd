import { SeqlmError } from '../errors/index.ts';
import { Rng } from '../random/index.ts';

export interface SineSeriesOptions {
  /** Number of steps T; t runs 1..T. Default 1000. */
  T?: number;
  /** Seed of the noise. Default 0. */
  seed?: number;
  /** Standard deviation of the Gaussian noise. Default 0.2. */
  noiseSd?: number;
  /** Angular frequency of the sine. Default 0.01. */
  frequency?: number;
}

export interface TimeSeries {
  /** t = 1..T. */
  time: Float32Array;
  /** x_t. */
  x: Float32Array;
}

/** D2L 9.1's synthetic series `x_t = sin(0.01 t) + ε`, `ε ~ N(0, 0.2²)`, for t = 1..T, seeded. */
export function sineSeries(options: SineSeriesOptions = {}): TimeSeries {
  const T = options.T ?? 1000;
  const seed = options.seed ?? 0;
  const noiseSd = options.noiseSd ?? 0.2;
  const frequency = options.frequency ?? 0.01;
  if (!Number.isInteger(T) || T < 1) throw new SeqlmError('INVALID_ARGUMENT', `T must be an integer >= 1, got ${T}`, { T });
  if (!Number.isInteger(seed)) throw new SeqlmError('INVALID_ARGUMENT', `seed must be an integer, got ${seed}`, { seed });
  if (!Number.isFinite(noiseSd) || noiseSd < 0) {
    throw new SeqlmError('INVALID_ARGUMENT', `noiseSd must be a finite number >= 0, got ${noiseSd}`, { noiseSd });
  }
  if (!Number.isFinite(frequency)) {
    throw new SeqlmError('INVALID_ARGUMENT', `frequency must be a finite number, got ${frequency}`, { frequency });
  }
  const rng = new Rng(seed);
  const time = new Float32Array(T);
  const x = new Float32Array(T);
  for (let i = 0; i < T; i++) {
    const t = i + 1;
    time[i] = t;
    x[i] = Math.sin(frequency * t) + rng.normal(0, noiseSd);
  }
  return { time, x };
}
