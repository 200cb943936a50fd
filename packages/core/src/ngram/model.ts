import type { Vocab } from '../vocab/index.ts';

export const BOS = '<s>';
export const EOS = '</s>';

/** The estimator behind a model and the parameters it was built with. */
export type NgramEstimatorSpec =
  | { kind: 'mle' }
  | { kind: 'add-k'; k: number }
  /** `discounts[n - 1]` holds D1, D2, D3+ of order n. */
  | { kind: 'kneser-ney'; discounts: [number, number, number][] }
  /** A backoff model read from an ARPA file; the estimator that made it is unknown. */
  | { kind: 'backoff' };

export type NgramEstimatorKind = NgramEstimatorSpec['kind'];

/**
 * An n-gram language model over the ids of `vocab`.
 *
 * Contexts are arrays of token ids, oldest first; only the last N-1 are used
 * (the Markov assumption, D2L 9.3). With sentence boundaries the caller puts
 * `<s>` first (scoring and generation do it for you). Log-probabilities are
 * natural logs.
 */
export interface NgramModel {
  readonly order: number;
  readonly vocab: Vocab;
  readonly estimator: NgramEstimatorSpec;
  /** Whether the model was trained with `<s>`/`</s>` around each sequence. */
  readonly boundaries: boolean;
  /** Id of `<s>` (never predicted: probability 0), or -1. */
  readonly bos: number;
  /** Id of `</s>`, or -1. */
  readonly eos: number;
  /** Size of the training corpus, when known (not for a model read from ARPA). */
  readonly trainedOn: CorpusSize | undefined;
  /** ln p(word | context). */
  logProb(word: number, context: ArrayLike<number>): number;
  /** ln p(seq[pos] | seq[..pos]): scores a sequence without slicing it. */
  logProbAt(seq: ArrayLike<number>, pos: number): number;
  /** p(w | context) for every id w of the vocabulary; sums to 1. */
  distribution(context: ArrayLike<number>): Float64Array;
}

export interface CorpusSize {
  /** Tokens predicted in training (`</s>` included, `<s>` not). */
  tokens: number;
  /** Sequences (sentences or texts). */
  sequences: number;
}

/** The id of `token` in `vocab`, or -1 when it is absent. */
export function idOrNone(vocab: Vocab, token: string): number {
  return vocab.has(token) ? vocab.idOf(token) : -1;
}
