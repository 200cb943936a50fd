import { softmax, topIndices } from '@seqlm/core/sampling';
import type { Vocab } from '@seqlm/core/vocab';
import type { Scores } from '@seqlm/core/lm';

export interface TokenProbability {
  id: number;
  token: string;
  /** p(token | prefix) = softmax(scores) at temperature 1. */
  probability: number;
}

/**
 * The `k` most likely next tokens, most likely first (ties by lower id). Logits
 * and log-probabilities both go through softmax: for log-probabilities it only
 * renormalises, softmax(ln p) = p / Σ p.
 */
export function topTokens(scores: Scores, vocab: Vocab, k: number): TokenProbability[] {
  const p = softmax(scores);
  return topIndices(p, k).map((id) => ({ id, token: vocab.tokenOf(id), probability: p[id] as number }));
}
