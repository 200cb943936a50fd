export {
  buildNgram,
  formatPerplexity,
  NGRAM_SMOOTHINGS,
  MAX_NGRAM_ORDER,
  MIN_VALIDATION_TOKENS,
  WARN_NGRAMS,
  possibleNgrams,
  type NgramSmoothing,
  type NgramBuildOptions,
  type NgramBuildResult,
  type NgramBuildPhase,
  type NgramBuildProgress,
} from './build.ts';
export {
  writeNgramModelDir,
  inFile,
  checkNgramOutDir,
  NGRAM_MODEL_FILE,
  NGRAM_ARPA_FILE,
  type WriteNgramModelDirOptions,
  type WrittenNgramModelDir,
} from './model-dir.ts';
export { textSequences, tokenCount, NGRAM_BOUNDARIES, type NgramBoundaries } from './sequences.ts';
