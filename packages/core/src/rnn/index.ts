export { DTYPES, allocFloat, isDtype, type Dtype, type FloatArray } from './float-array.ts';
export { gemmABt, transpose, columnSums } from './gemm.ts';
export { wasmKernelsName } from './wasm-kernels.ts';
export type { KernelsName } from './kernels.ts';
export { logSumExp, softmax, logSoftmax, crossEntropy, perplexity } from './softmax.ts';
export {
  CELL_KINDS,
  GATE_ORDER,
  isCellKind,
  gateCount,
  resolveConfig,
  layerInputSize,
  parameterSpecs,
  type CellKind,
  type RnnConfig,
  type ResolvedRnnConfig,
  type ParameterSpec,
} from './config.ts';
export { INIT_SCHEMES, initTensor, type InitScheme } from './init.ts';
export { selectStateRows, checkState, type RnnState } from './state.ts';
export {
  RnnModel,
  type RnnModelOptions,
  type SequenceBatch,
  type NamedTensor,
  type TensorLike,
  type Trainable,
  type BatchResult,
} from './model.ts';
export { globalGradNorm, clipGradNorm } from './clip.ts';
export { Sgd, Adam, type Optimizer, type AdamOptions } from './optimizers.ts';
export {
  trainModel,
  evaluate,
  type StatePolicy,
  type TrainOptions,
  type TrainResult,
  type EpochResult,
  type BatchProgress,
  type EvalResult,
} from './trainer.ts';
