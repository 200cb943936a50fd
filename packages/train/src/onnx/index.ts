export { ONNX_IR_VERSION, ONNX_OPSET } from './versions.ts';
export { readSignature, type GraphSignature } from './signature.ts';
export { toOnnxLayer, gatePermutation, onnxGateOrder, checkParameters, type FloatTensor, type NamedFloatTensors, type OnnxLayerWeights } from './layout.ts';
export { QUANTIZE_MODES, isQuantizeMode, quantizeInt8, dequantizeInt8, toFloat16Bits, fromFloat16Bits, type QuantizeMode, type WeightEncoding } from './quantize.ts';
export { LM_TENSOR_NAMES, LM_IDS_DTYPE, lmSignature, buildLmGraph, graphParameters, type LmGraph, type LmGraphOptions } from './rnn-graph.ts';
export { ORT_RUNTIMES, availableRuntimes, isRuntimeAvailable, unavailableReason, createSession, type OrtRuntime, type OrtSession, type FeedTensor, type OutputTensor } from './runtime.ts';
export { runLm, batchMajor, maxAbsDiff, type LmRunInput, type LmRunOutput } from './lm-session.ts';
export {
  DEFAULT_TOLERANCE,
  verifyLmGraph,
  coreReference,
  tfjsReference,
  randomLmInput,
  coveringLmInput,
  type CoveringLmInput,
  type Comparison,
  type ReferenceName,
  type VerificationReport,
  skippedRuntimesLine,
  type VerifyOptions,
} from './verify.ts';
export { EXPORT_FILES, exportLm, writeExport, type ExportLmOptions, type ExportedLm } from './export-lm.ts';
export { loadOnnxModelDir, checkSignature, type LoadedOnnxModel } from './load.ts';
export { streamPerplexity } from './perplexity.ts';
export { MLP_TENSOR_NAMES, mlpParameterSpecs, mlpSignature, buildMlpGraph, mlpReference } from './mlp-graph.ts';
export { exportTsMlp, type ExportTsMlpOptions, type ExportedTsMlp } from './export-mlp.ts';
