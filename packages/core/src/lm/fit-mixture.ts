import { SeqlmError } from '../errors/index.ts';

export interface FitMixtureOptions {
  /** Starting weights; default uniform. */
  initial?: readonly number[];
  /** Most EM iterations. Default 100. */
  maxIterations?: number;
  /** Stop when the held-out log-likelihood per token improves by less than this (nats). Default 1e-7. */
  tolerance?: number;
  /** Called after each iteration with the weights and the held-out perplexity they give. */
  onIteration?: (iteration: number, weights: readonly number[], perplexity: number) => void;
}

export interface FittedMixture {
  weights: number[];
  /** Held-out perplexity after each iteration (index 0: the starting weights). */
  perplexities: number[];
  /** Positions used (every component predicts there). */
  tokens: number;
}

/**
 * Fits interpolation weights by expectation-maximisation on held-out data:
 * given p_i[t], the probability component i gives the true token at position t,
 *
 *   E: r_i[t] = λ_i p_i[t] / Σ_j λ_j p_j[t]      M: λ_i = (1/n) Σ_t r_i[t],
 *
 * which never lowers the held-out likelihood Π_t Σ_i λ_i p_i[t]. Positions
 * where a probability is NaN (no prediction) are skipped.
 */
export function fitMixtureWeights(probabilities: readonly Float64Array[], options: FitMixtureOptions = {}): FittedMixture {
  const k = probabilities.length;
  if (k === 0) throw new SeqlmError('INVALID_ARGUMENT', 'fitting a mixture needs at least one component');
  const n0 = (probabilities[0] as Float64Array).length;
  if (probabilities.some((p) => p.length !== n0)) throw new SeqlmError('SHAPE_MISMATCH', 'every component must score the same positions');
  const positions: number[] = [];
  for (let t = 0; t < n0; t++) if (probabilities.every((p) => !Number.isNaN(p[t] as number))) positions.push(t);
  if (positions.length === 0) throw new SeqlmError('INVALID_ARGUMENT', 'no held-out position is predicted by every component');
  let weights = options.initial ? [...options.initial] : new Array<number>(k).fill(1 / k);
  if (weights.length !== k || weights.some((w) => !(w > 0)) || Math.abs(weights.reduce((a, b) => a + b, 0) - 1) > 1e-9) {
    throw new SeqlmError('INVALID_ARGUMENT', 'initial weights must be > 0, one per component, summing to 1');
  }
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-7;
  const n = positions.length;
  const perplexities: number[] = [];
  let previous = -Infinity;
  for (let iteration = 0; ; iteration++) {
    const resp = new Float64Array(k);
    let logLik = 0;
    for (const t of positions) {
      let mix = 0;
      for (let i = 0; i < k; i++) mix += (weights[i] as number) * ((probabilities[i] as Float64Array)[t] as number);
      logLik += Math.log(mix);
      if (mix > 0) for (let i = 0; i < k; i++) resp[i] = (resp[i] as number) + ((weights[i] as number) * ((probabilities[i] as Float64Array)[t] as number)) / mix;
    }
    const perToken = logLik / n;
    perplexities.push(Math.exp(-perToken));
    options.onIteration?.(iteration, weights, Math.exp(-perToken));
    if (iteration >= maxIterations || perToken - previous < tolerance || !Number.isFinite(perToken)) break;
    previous = perToken;
    const total = resp.reduce((a, b) => a + b, 0);
    weights = Array.from(resp, (r) => r / total);
  }
  return { weights, perplexities, tokens: n };
}
