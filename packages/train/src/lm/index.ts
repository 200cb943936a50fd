export { TfRnnModel, timeMajor, type TfState, type ForwardOptions } from './model.ts';
export { TfOptimizer, OPTIMIZER_KINDS, type OptimizerKind, type OptimizerOptions, type OptimizerState } from './optimizer.ts';
export { trainStep, lossAndGradients, disposeState, type StepBatch, type StepOptions, type StepResult } from './train-step.ts';
export { evaluatePerplexity } from './evaluate.ts';
export { prepareText, type TextCorpus } from './data.ts';
export {
  trainLanguageModel,
  checkpointMismatch,
  checkpointData,
  dataMismatch,
  assertResumable,
  LM_DEFAULTS,
  DEFAULT_LR,
  type LmTrainConfig,
  type EpochMetrics,
  type BatchProgress,
  type TrainHooks,
  type TrainRunOptions,
  type TrainResult,
} from './train.ts';
export { saveCheckpoint, loadCheckpoint, withPrefix, CHECKPOINT_FILE, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type Checkpoint, type CheckpointMeta, type CheckpointData } from './checkpoint.ts';
export { writeLmArtifact, lmManifest, readModelDir, neuralWeights, rnnConfigOf, MANIFEST_FILE, WEIGHTS_FILE, type LmArtifactInput, type LoadedModelDir } from './artifact.ts';
export { perplexityChartSpec, type PerplexityPoint } from './perplexity-chart.ts';
export { ProgressReporter, formatDuration, formatEpochLine, type ProgressSink } from './progress.ts';
export { writeFileAtomic } from './atomic-write.ts';
export { exportTrainedModel, type AutoExportOptions } from './auto-export.ts';
