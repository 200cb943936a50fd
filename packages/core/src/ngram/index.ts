export { BOS, EOS, type CorpusSize, type NgramModel, type NgramEstimatorSpec, type NgramEstimatorKind } from './model.ts';
export { countNgrams, contextTotals, type CountOptions, type NgramCounts } from './count.ts';
export { NgramTrie } from './trie.ts';
export { BackoffModel, type BackoffModelInit } from './backoff-model.ts';
export { CompactBackoffModel, compactBackoff, type CompactNgramArrays, type CompactBackoffInit } from './compact-model.ts';
export { AddKModel } from './add-k.ts';
export { buildMle } from './mle.ts';
export {
  buildKneserNey,
  estimateDiscounts,
  adjustedCounts,
  FALLBACK_DISCOUNTS,
  type Discounts,
  type KneserNeyOptions,
} from './kneser-ney.ts';
export {
  trainNgram,
  trainNgramIds,
  type TrainNgramOptions,
  type TrainNgramFromTokensOptions,
  type NgramEstimatorOptions,
  type TrainedNgramModel,
} from './train.ts';
export { scoreIds, scoreTokens, tokenScores, type TextScore, type TokenScore, type OrderedNgramModel, type PerplexityUndefinedReason } from './score.ts';
export { sampleNext, generateNgram, generateNgramText, type NgramSampleOptions, type NgramGenerateOptions, type NgramGeneration } from './sample.ts';
export { writeArpa, writeArpaBytes, readArpa, ARPA_LOG_ZERO, type ArpaOptions } from './arpa.ts';
export {
  encodeNgram,
  decodeNgram,
  ngramManifest,
  loadNgram,
  NGRAM_MAGIC,
  NGRAM_FORMAT_VERSION,
  type EncodeNgramOptions,
  type LoadedNgramModel,
  type LoadNgramOptions,
  type NgramManifestOptions,
} from './serialize.ts';
