export { loadModelDir, readModelFile, graphSessionOf, resolveRuntime, LM_RUNTIMES, type LmRuntime } from './load-model.ts';
