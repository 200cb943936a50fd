export { logSumExp, softmax, logSoftmax, argmax, topIndices } from './softmax.ts';
export { type StepModel } from './step-model.ts';
export { sampleToken, samplingDistribution, checkSamplingOptions, isGreedy, type SamplingOptions } from './sample.ts';
export { generate, generateTokens, warmUp, type GenerateOptions, type GenerateResult } from './generate.ts';
export { beamSearch, type BeamSearchOptions, type BeamHypothesis } from './beam-search.ts';
