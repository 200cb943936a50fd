// Only what can be declared without TensorFlow.js's types: tfjs-core's own .d.ts fail a consumer's
// `skipLibCheck: false` build (`Cannot find name 'Long'`). The TF.js model, optimizer and step stay internal.
export { OPTIMIZER_KINDS, type OptimizerKind } from './optimizer-kind.ts';
export type { TrainedModel, TrainingModel } from './trained-model.ts';
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
