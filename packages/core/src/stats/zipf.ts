import { SeqlmError } from '../errors/index.ts';

/** Zipf's law `n_i ∝ i^-s`, fitted as a line `log n_i = -s log i + c`. */
export interface ZipfFit {
  /** The exponent `s` (positive for a falling rank-frequency curve). */
  exponent: number;
  /** The intercept `c` of the fitted line, so `n_i ≈ exp(c) · i^-s`. */
  logIntercept: number;
  /** Coefficient of determination of the line in log-log space (1 when the points lie on it). */
  r2: number;
  /** How many (rank, frequency) points were fitted. */
  points: number;
}

export interface ZipfFitOptions {
  /** First rank to fit (1-based, inclusive). D2L notes the very top ranks bend away from the line. Default 1. */
  minRank?: number;
  /** Last rank to fit (inclusive). Default: the number of counts. */
  maxRank?: number;
}

/**
 * Fits Zipf's law `log n_i = -s · log i + c` (D2L 9.2.2) by ordinary least
 * squares of log frequency on log rank. `counts` may come in any order; they
 * are ranked by decreasing count (rank 1 = most frequent).
 */
export function zipfFit(counts: ArrayLike<number>, options: ZipfFitOptions = {}): ZipfFit {
  const sorted = Float64Array.from(checkCounts(counts)).sort().reverse();
  const minRank = options.minRank ?? 1;
  const maxRank = options.maxRank ?? sorted.length;
  if (!Number.isInteger(minRank) || minRank < 1) {
    throw new SeqlmError('INVALID_ARGUMENT', `minRank must be an integer >= 1, got ${minRank}`, { minRank });
  }
  if (!Number.isInteger(maxRank) || maxRank > sorted.length) {
    throw new SeqlmError('INVALID_ARGUMENT', `maxRank must be an integer <= ${sorted.length} (the number of counts), got ${maxRank}`, { maxRank });
  }
  const n = maxRank - minRank + 1;
  if (n < 2) {
    throw new SeqlmError('INVALID_ARGUMENT', `a Zipf fit needs at least 2 ranks, got ${Math.max(0, n)}`, { minRank, maxRank });
  }
  let sx = 0;
  let sy = 0;
  for (let r = minRank; r <= maxRank; r++) {
    sx += Math.log(r);
    sy += Math.log(sorted[r - 1] as number);
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let r = minRank; r <= maxRank; r++) {
    const dx = Math.log(r) - mx;
    const dy = Math.log(sorted[r - 1] as number) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const slope = sxy / sxx;
  // r² = 1 - SSres/SStot with SSres = syy - slope·sxy; equal counts lie exactly on a flat line, so call that a perfect fit rather than 0/0.
  const r2 = syy === 0 ? 1 : Math.min(1, Math.max(0, (slope * sxy) / syy));
  return { exponent: slope === 0 ? 0 : -slope, logIntercept: my - slope * mx, r2, points: n };
}

function checkCounts(counts: ArrayLike<number>): ArrayLike<number> {
  if (counts === null || typeof counts !== 'object' || typeof counts.length !== 'number') {
    throw new SeqlmError('INVALID_ARGUMENT', 'counts must be an array of positive numbers');
  }
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (typeof c !== 'number' || !Number.isFinite(c) || c <= 0) {
      throw new SeqlmError('INVALID_ARGUMENT', `count ${i} must be a positive finite number, got ${String(c)}`, { index: i });
    }
  }
  return counts;
}

/** One point of a rank-frequency plot. */
export interface RankFrequency {
  rank: number;
  freq: number;
}

/**
 * Thins a rank-frequency curve to at most `maxPoints` ranks spaced evenly on a
 * log scale (always rank 1 and the last rank), which is all a log-log plot can
 * show; a curve with at most `maxPoints` ranks is returned whole.
 */
export function logLogPoints(counts: ArrayLike<number>, maxPoints = 300): RankFrequency[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new SeqlmError('INVALID_ARGUMENT', `maxPoints must be an integer >= 2, got ${maxPoints}`, { maxPoints });
  }
  const sorted = Float64Array.from(checkCounts(counts)).sort().reverse();
  const last = sorted.length;
  const points: RankFrequency[] = [];
  if (last === 0) return points;
  if (last <= maxPoints) {
    for (let r = 1; r <= last; r++) points.push({ rank: r, freq: sorted[r - 1] as number });
    return points;
  }
  const logLast = Math.log(last);
  let prev = 0;
  for (let k = 0; k < maxPoints; k++) {
    const rank = k === maxPoints - 1 ? last : Math.max(1, Math.round(Math.exp((logLast * k) / (maxPoints - 1))));
    if (rank <= prev) continue;
    points.push({ rank, freq: sorted[rank - 1] as number });
    prev = rank;
  }
  return points;
}
