/** Surprisal and perplexity from natural-log probabilities (D2L 9.3). */

/** Surprisal in bits, −log2 p = −ln p / ln 2; Infinity for probability 0, null where nothing was predicted. */
export function surprisalBits(logProb: number | null): number | null {
  if (logProb === null) return null;
  return logProb === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : -logProb / Math.LN2;
}

export interface PerplexitySummary {
  /** Tokens with a prediction. */
  scored: number;
  /** Mean −ln p over them (nats); undefined when none. */
  crossEntropy: number | undefined;
  /** exp(crossEntropy): PP = exp(−1/n Σ ln p(x_t | x_<t)); Infinity when one token has probability 0. */
  perplexity: number | undefined;
}

/** Perplexity over every non-null log-probability in `logProbs` and `trailing`. */
export function perplexityOf(logProbs: readonly (number | null)[], trailing: readonly number[] = []): PerplexitySummary {
  let n = 0;
  let sum = 0;
  for (const lp of [...logProbs, ...trailing]) {
    if (lp === null) continue;
    n++;
    sum -= lp;
  }
  if (n === 0) return { scored: 0, crossEntropy: undefined, perplexity: undefined };
  const crossEntropy = sum / n;
  return { scored: n, crossEntropy, perplexity: Math.exp(crossEntropy) };
}

/**
 * Heat-map colour for a surprisal: 0 bits is pale, `maxBits` and beyond is
 * saturated red; null (no prediction) is neutral grey. Lightness, not hue
 * alone, carries the value so the map also reads in greyscale; it stops at
 * 60 % so dark text on the reddest cell still has 4.5:1 contrast (WCAG AA).
 */
export function heatColor(bits: number | null, maxBits: number): string {
  if (bits === null) return 'hsl(0 0% 85%)';
  const t = Math.min(1, Math.max(0, bits / maxBits));
  return `hsl(${Math.round(50 - 50 * t)} 90% ${Math.round(95 - 35 * t)}%)`;
}
