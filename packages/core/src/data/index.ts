export {
  BATCH_SAMPLINGS,
  SeqBatcher,
  type EpochPlan,
  epochSeed,
  isBatchSampling,
  type BatchSampling,
  type SeqBatch,
  type SeqBatcherOptions,
  type EpochKey,
} from './seq-batcher.ts';
export { splitByPosition, type TrainValSplit, type Sliceable } from './split.ts';
