export { selectBackend, isBackendChoice, wasmBinaryDir, BACKEND_CHOICES, tf, type BackendChoice, type BackendKind, type BackendInfo } from './backend.ts';
export { registerGradients } from './gradients.ts';
export { matMul, softmaxCrossEntropy, meanSquaredError } from './ops.ts';
