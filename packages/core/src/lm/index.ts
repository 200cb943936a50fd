/**
 * One language-model runtime for every front end: a model directory becomes a
 * `LanguageModel` (n-gram, core RNN, ONNX graph or mixture) with a cursor over
 * next-token distributions, scoring and sampling.
 */
export { LanguageModel, type LanguageModelInit, type LanguageModelKind } from './language-model.ts';
export { LmCursor, checkIds } from './cursor.ts';
export { PrefixCursor, commonPrefixLength, type PrefixUpdate } from './prefix-cursor.ts';
export { summarize, textScore, type TextScore, type ScoredToken, type ScoreSummary } from './score.ts';
export { checkGenerateOptions, sampleFrom, MAX_TOP_LOGPROBS, type LmGenerateOptions, type GeneratedToken, type FinishReason } from './generate.ts';
export type { Predictor, Prediction, Scores, SequenceLogProbs, MaybePromise, HiddenStates } from './predictor.ts';
export { NgramLm, NgramPredictor } from './ngram-lm.ts';
export { RnnLm, RnnPredictor } from './rnn-lm.ts';
export { NeuralLm, GraphPredictor, adaptOrtSession, type OrtLikeSession, type OrtLikeTensor, type GraphSession, type GraphTensor, type GraphFeeds, type GraphState } from './graph-session.ts';
export { MixtureLm, MixturePredictor, unionVocabulary, checkMixtureWeights, type MixtureComponentModel } from './mixture-lm.ts';
export { fitMixtureWeights, type FitMixtureOptions, type FittedMixture } from './fit-mixture.ts';
export { loadModel, loadFromManifest, resolveLocation, MANIFEST_FILE, type LoadModelOptions, type ReadFile } from './load.ts';
export { rnnConfigOf, checkNeuralWeights } from './rnn-config.ts';
export type { AbortSignalLike } from '../platform.ts';
