import { SeqlmError } from '../errors/index.ts';
import type { Rng } from '../random/index.ts';
import { argmax, softmax } from './softmax.ts';

export interface SamplingOptions {
  /** Divides the logits before the softmax; 0 means greedy (argmax). Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens (integer >= 1). Default: all. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p, in (0, 1]. Default 1. */
  topP?: number;
  /**
   * Token ids never drawn (e.g. `UNK_ID`, so generated text holds no `<unk>`):
   * their logits count as -Infinity before temperature, top-k and top-p.
   * Ids outside the vocabulary are ignored. Default: none.
   */
  excludeIds?: readonly number[];
}

// Slack for rounding, so a set whose mass is p up to float error counts as
// reaching p rather than pulling in one more token. Models emit float32 logits,
// whose rounding moves probabilities by ~1e-7 relative; 1e-6 covers that.
const TOP_P_EPSILON = 1e-6;

/** Throws `INVALID_ARGUMENT` for a temperature, top-k or top-p outside its range (NaN included). */
export function checkSamplingOptions(options: SamplingOptions): void {
  const { temperature, topK, topP } = options;
  if (temperature !== undefined && !(Number.isFinite(temperature) && temperature >= 0)) {
    throw new SeqlmError('INVALID_ARGUMENT', `temperature must be a finite number >= 0, got ${temperature}`, { temperature });
  }
  if (topK !== undefined && !(Number.isSafeInteger(topK) && topK >= 1)) {
    throw new SeqlmError('INVALID_ARGUMENT', `topK must be an integer >= 1, got ${topK}`, { topK });
  }
  if (topP !== undefined && !(topP > 0 && topP <= 1)) {
    throw new SeqlmError('INVALID_ARGUMENT', `topP must be in (0, 1], got ${topP}`, { topP });
  }
  for (const id of options.excludeIds ?? []) {
    if (!Number.isSafeInteger(id) || id < 0) throw new SeqlmError('INVALID_ARGUMENT', `excludeIds must be non-negative integers, got ${id}`, { id });
  }
}

/** Whether these options always pick the most likely token. */
export function isGreedy(options: SamplingOptions): boolean {
  return options.temperature === 0 || options.topK === 1;
}

/**
 * The distribution a token is drawn from: the `excludeIds` removed, softmax(logits / T)
 * over the rest, then only the `topK` most likely tokens, then (renormalised) only
 * the smallest most-likely set with mass >= `topP`, renormalised again. Removed
 * tokens get probability 0. Ties are ranked by lower token id. Temperature 0 puts
 * all mass on the argmax of the tokens not excluded.
 */
export function samplingDistribution(logits: ArrayLike<number>, options: SamplingOptions = {}): Float64Array {
  checkSamplingOptions(options);
  const allowed = withoutExcluded(logits, options.excludeIds);
  if (isGreedy(options)) {
    const p = new Float64Array(allowed.length);
    p[argmax(allowed)] = 1;
    return p;
  }
  const p = softmax(allowed, options.temperature ?? 1);
  const topK = Math.min(options.topK ?? p.length, p.length);
  const topP = options.topP ?? 1;
  if (topK === p.length && topP === 1) return p;

  // A numeric typed-array sort is several times faster than sorting ids with a
  // comparator; the cut is then found as a probability threshold.
  const sorted = Float64Array.from(p).sort().reverse(); // descending
  let kept = topK;
  if (topP < 1) {
    let keptMass = 0;
    for (let i = 0; i < topK; i++) keptMass += sorted[i] as number;
    let cumulative = 0;
    for (let i = 0; i < topK; i++) {
      cumulative += (sorted[i] as number) / keptMass;
      if (cumulative >= topP - TOP_P_EPSILON) {
        kept = i + 1;
        break;
      }
    }
  }
  const threshold = sorted[kept - 1] as number;
  let mass = 0;
  let above = 0;
  for (let i = 0; i < kept; i++) {
    mass += sorted[i] as number;
    if ((sorted[i] as number) > threshold) above++;
  }
  // Tokens tied at the threshold are kept by lower id until `kept` is reached.
  let ties = kept - above;
  const out = new Float64Array(p.length);
  for (let id = 0; id < p.length; id++) {
    const pi = p[id] as number;
    if (pi > threshold) {
      out[id] = pi / mass;
    } else if (pi === threshold && ties > 0) {
      out[id] = pi / mass;
      ties--;
    }
  }
  return out;
}

/** Draws one token id from `logits` (one row of V) under `options`, using `rng` unless greedy. */
export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, rng: Rng): number {
  checkSamplingOptions(options);
  if (isGreedy(options)) return argmax(withoutExcluded(logits, options.excludeIds));
  return drawFrom(samplingDistribution(logits, options), rng);
}

/**
 * `logits` with the excluded ids set to -Infinity (a copy; the caller's row is
 * left alone), so softmax gives them probability 0 and the rest renormalise.
 * Throws `INVALID_ARGUMENT` when every id is excluded: nothing could be drawn.
 */
function withoutExcluded(logits: ArrayLike<number>, excludeIds: readonly number[] | undefined): ArrayLike<number> {
  if (excludeIds === undefined || excludeIds.length === 0) return logits;
  const masked = Float64Array.from(logits);
  const removed = new Set<number>();
  for (const id of excludeIds) {
    if (id >= masked.length) continue;
    masked[id] = Number.NEGATIVE_INFINITY;
    removed.add(id);
  }
  if (masked.length > 0 && removed.size === masked.length) {
    throw new SeqlmError('INVALID_ARGUMENT', `excludeIds removes all ${masked.length} token ids; at least one must remain to draw from`);
  }
  return masked;
}

/** Inverse-CDF draw: the first id whose cumulative probability exceeds u ~ U[0, 1). */
function drawFrom(p: Float64Array, rng: Rng): number {
  const u = rng.next();
  let cumulative = 0;
  let last = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    if (pi === 0) continue;
    cumulative += pi;
    last = i;
    if (u < cumulative) return i;
  }
  // The probabilities may sum to 1 - ε; u in that gap belongs to the last kept token.
  return last;
}
