export * from './errors/index.ts';
export * from './random/index.ts';
export * from './text/index.ts';
export * from './vocab/index.ts';
export * from './stats/index.ts';
export * from './data/index.ts';
export * from './timeseries/index.ts';
export * from './manifest/index.ts';
export {
  argmax,
  topIndices,
  sampleToken,
  samplingDistribution,
  checkSamplingOptions,
  isGreedy,
  generate,
  generateTokens,
  warmUp,
  beamSearch,
  type StepModel,
  type SamplingOptions,
  type GenerateOptions,
  type GenerateResult,
  type BeamSearchOptions,
  type BeamHypothesis,
} from './sampling/index.ts';
export * from './ngram/index.ts';
