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
export {
  RnnModel,
  CELL_KINDS,
  GATE_ORDER,
  DTYPES,
  INIT_SCHEMES,
  isCellKind,
  resolveConfig,
  parameterSpecs,
  selectStateRows,
  clipGradNorm,
  globalGradNorm,
  Sgd,
  Adam,
  trainModel,
  evaluate,
  crossEntropy,
  perplexity,
  type CellKind,
  type RnnConfig,
  type ResolvedRnnConfig,
  type ParameterSpec,
  type RnnModelOptions,
  type InitScheme,
  type RnnState,
  type SequenceBatch,
  type NamedTensor,
  type TensorLike,
  type Trainable,
  type BatchResult,
  type Optimizer,
  type AdamOptions,
  type StatePolicy,
  type TrainOptions,
  type TrainResult,
  type EpochResult,
  type BatchProgress,
  type EvalResult,
  type Dtype,
  type FloatArray,
} from './rnn/index.ts';
