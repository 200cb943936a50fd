/**
 * Upper bounds of the size flags, stated in each flag's --help. Beyond them a
 * run ends in "Array buffer allocation failed" or computes for many minutes
 * without a line of output; within them it fits a laptop.
 */
export const LIMITS = {
  /** `seqlm train --hidden`: a 4096-unit GRU layer already holds 4096 × 3 × 8192 weights. */
  hidden: 4096,
  /** `seqlm train --layers`. */
  layers: 16,
  /** `seqlm train --embedding`. */
  embedding: 4096,
  /**
   * Parameters of a `seqlm train` model: each flag may be within its bound
   * while 16 layers of 4096 units are not (training keeps about five copies:
   * weights, gradients, two Adam moments and the best epoch's snapshot).
   */
  parameters: 64_000_000,
  /** Tokens drawn by `seqlm generate --len` and `seqlm ngram sample --len`. */
  sampleTokens: 100_000,
  /** `seqlm timeseries --T`: 10^5 steps take about 3 s; the feedback predictions are one model call per step. */
  seriesLength: 100_000,
  /** `seqlm timeseries --tau` and `--hidden`: the MLP's first layer is tau × hidden. */
  tau: 1024,
  mlpHidden: 4096,
  /** `seqlm timeseries --steps`: the k-step table keeps one column of predictions per step up to the largest k. */
  horizon: 1000,
} as const;
