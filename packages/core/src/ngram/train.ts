import { SeqlmError } from '../errors/index.ts';
import { Vocab } from '../vocab/index.ts';
import { AddKModel } from './add-k.ts';
import type { BackoffModel } from './backoff-model.ts';
import { countNgrams } from './count.ts';
import { buildKneserNey } from './kneser-ney.ts';
import { buildMle } from './mle.ts';
import { BOS, EOS } from './model.ts';

/** How to estimate probabilities from the counts. */
export type NgramEstimatorOptions =
  | { kind: 'mle' }
  /** k defaults to 1 (Laplace). */
  | { kind: 'add-k'; k?: number }
  /** Discounts are estimated from counts-of-counts unless given; `prune` as lmplz's `--prune` (see `KneserNeyOptions`). */
  | { kind: 'kneser-ney'; discounts?: readonly (readonly [number, number, number])[]; prune?: readonly number[] };

export interface TrainNgramOptions {
  /** N ≥ 1: p(x_t | x_{t−N+1} .. x_{t−1}). */
  order: number;
  /** Default: interpolated modified Kneser-Ney. */
  estimator?: NgramEstimatorOptions;
  /** Read each sequence as `<s> .. </s>` (sentences or lines). Default false. */
  boundaries?: boolean;
}

export interface TrainNgramFromTokensOptions extends TrainNgramOptions {
  /** The vocabulary to use; built from the sequences when absent (with `<s>`, `</s>` reserved when boundaries are on). */
  vocab?: Vocab;
  /** For a vocabulary built here: tokens seen fewer times become `<unk>`. */
  minFreq?: number;
}

export type TrainedNgramModel = BackoffModel | AddKModel;

/** Trains an n-gram model on token sequences (e.g. one per line, or one whole text for a char model). */
export function trainNgram(sequences: readonly (readonly string[])[], options: TrainNgramFromTokensOptions): TrainedNgramModel {
  const boundaries = options.boundaries ?? false;
  const vocab =
    options.vocab ??
    Vocab.build(sequences, { minFreq: options.minFreq ?? 0, reserved: boundaries ? [BOS, EOS] : [] });
  return trainNgramIds(
    sequences.map((s) => vocab.encode(s)),
    vocab,
    options,
  );
}

/** Trains on sequences of token ids of `vocab`. */
export function trainNgramIds(sequences: Iterable<ArrayLike<number>>, vocab: Vocab, options: TrainNgramOptions): TrainedNgramModel {
  const boundaries = options.boundaries ?? false;
  if (boundaries && !(vocab.has(BOS) && vocab.has(EOS))) {
    throw new SeqlmError('INVALID_ARGUMENT', `sentence boundaries need "${BOS}" and "${EOS}" in the vocabulary (reserve them when building it)`);
  }
  const counts = countNgrams(sequences, {
    order: options.order,
    vocabSize: vocab.size,
    bos: boundaries ? vocab.idOf(BOS) : -1,
    eos: boundaries ? vocab.idOf(EOS) : -1,
  });
  if (counts.tokens === 0) throw new SeqlmError('CORPUS_TOO_SHORT', 'cannot train an n-gram model on an empty corpus');
  const estimator = options.estimator ?? { kind: 'kneser-ney' };
  switch (estimator.kind) {
    case 'mle':
      return buildMle(counts, vocab, boundaries);
    case 'add-k':
      return new AddKModel(counts, vocab, boundaries, estimator.k ?? 1);
    case 'kneser-ney':
      return buildKneserNey(counts, vocab, boundaries, {
        ...(estimator.discounts ? { discounts: estimator.discounts } : {}),
        ...(estimator.prune ? { prune: estimator.prune } : {}),
      });
    default:
      throw new SeqlmError('INVALID_ARGUMENT', `unknown n-gram estimator ${JSON.stringify((estimator as { kind: unknown }).kind)}; expected mle, add-k or kneser-ney`);
  }
}
