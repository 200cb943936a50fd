import { SeqBatcher, type BatchSampling } from '@seqlm/core/data';
import { SeqlmError } from '@seqlm/core/errors';
import type { WeightTensor } from '@seqlm/core/manifest';
import { Rng } from '@seqlm/core/random';
import type { CellKind, RnnConfig } from '@seqlm/core/rnn';
import { saveCheckpoint, withPrefix, type Checkpoint, type CheckpointData, type CheckpointMeta } from './checkpoint.ts';
import type { TextCorpus } from './data.ts';
import type { EngineSpec, LmEngine } from './engine-contract.ts';
import { TfEngine } from './engine.ts';
import type { OptimizerKind } from './optimizer-kind.ts';
import type { TrainedModel, TrainingModel } from './trained-model.ts';

/** Everything that decides a run's numbers; stored in checkpoints so `--resume` continues the same run. */
export interface LmTrainConfig {
  cell: CellKind;
  hiddenSize: number;
  numLayers: number;
  /** Learned embedding size, or null for one-hot input (D2L). */
  embeddingSize: number | null;
  /** Dropout between stacked layers; 0 is off. */
  dropout: number;
  batchSize: number;
  numSteps: number;
  /** Total epochs of the run (a resumed run may raise it). */
  epochs: number;
  optimizer: OptimizerKind;
  lr: number;
  /** Gradient clipping threshold θ. */
  clip: number;
  sampling: BatchSampling;
  seed: number;
  /** Stop after this many epochs without a better validation perplexity; null never stops early. */
  patience: number | null;
  /** Standard deviation of the N(0, σ²) weight initialisation (D2L: 0.01). */
  initScale: number;
}

/** D2L's defaults (chapter 9.5/10): batch 32, 35 steps, 256 hidden units, θ = 1, SGD with η = 1. */
export const LM_DEFAULTS = {
  hiddenSize: 256,
  numLayers: 1,
  batchSize: 32,
  numSteps: 35,
  epochs: 20,
  optimizer: 'sgd',
  clip: 1,
  sampling: 'sequential',
  seed: 0,
  initScale: 0.01,
  dropout: 0,
} as const;

/** The default learning rate of each optimiser: D2L's η = 1 for SGD; 0.002 for Adam. */
export const DEFAULT_LR: Record<OptimizerKind, number> = { sgd: 1, adam: 0.002 };

export interface EpochMetrics {
  /** 1-based. */
  epoch: number;
  trainLoss: number;
  trainPerplexity: number;
  valPerplexity: number;
  /** Mean gradient norm before clipping. */
  gradNorm: number;
  tokens: number;
  seconds: number;
  tokensPerSecond: number;
}

export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  numBatches: number;
  loss: number;
  tokensPerSecond: number;
  /** Seconds left in the whole run at the current speed. */
  etaSeconds: number;
}

export interface TrainHooks {
  onBatch?(progress: BatchProgress): void;
  onEpoch?(metrics: EpochMetrics): void | Promise<void>;
  /** After each checkpoint is on disk, with the model being trained (e.g. to sample from it). */
  onCheckpoint?(epochsDone: number, model: TrainingModel): void | Promise<void>;
}

export interface TrainRunOptions {
  corpus: TextCorpus;
  config: LmTrainConfig;
  /** Where checkpoints go; null trains without them. */
  checkpointDir: string | null;
  /** A checkpoint to continue from (its config must equal `config` apart from `epochs`). */
  resume?: Checkpoint<LmTrainConfig, EpochMetrics> | null;
  /** The engine to train, built from `engineSpec(config, corpus)`; default TensorFlow.js on its current backend. It is disposed with the result. */
  engine?: LmEngine;
  /** Recorded in checkpoints; default the engine's label. */
  backend?: string;
  hooks?: TrainHooks;
}

export interface TrainResult {
  /** The weights with the best validation perplexity; the caller disposes it. */
  model: TrainedModel;
  history: EpochMetrics[];
  best: { epoch: number; valPerplexity: number } | null;
  stoppedEarly: boolean;
  /** Training time summed over every session of a resumed run. */
  wallTimeSeconds: number;
}

/** Fields that must agree between a checkpoint and the run resuming it. */
const FIXED_FIELDS = ['cell', 'hiddenSize', 'numLayers', 'embeddingSize', 'dropout', 'batchSize', 'numSteps', 'optimizer', 'lr', 'clip', 'sampling', 'seed', 'initScale'] as const;

/** Checks a resumed run changes nothing but the epoch count and patience; returns the first difference. */
export function checkpointMismatch(saved: LmTrainConfig, config: LmTrainConfig): string | null {
  for (const key of FIXED_FIELDS) {
    if (saved[key] !== config[key]) return `${key} is ${JSON.stringify(saved[key])} in the checkpoint but ${JSON.stringify(config[key])} now`;
  }
  return null;
}

/** What `corpus` records in a checkpoint. */
export function checkpointData(corpus: TextCorpus): CheckpointData {
  return { corpusSha256: corpus.sha256, tokenizer: corpus.tokenizer, normalization: corpus.normalization, valFraction: corpus.valFraction, vocab: [...corpus.vocab.tokens] };
}

/** Checks a resumed run prepares the same data as the checkpointed one; returns the first difference as the CLI flag that caused it. */
export function dataMismatch(saved: CheckpointData, now: CheckpointData): string | null {
  const short = (hex: string): string => `${hex.slice(0, 12)}…`;
  if (saved.corpusSha256 !== now.corpusSha256) {
    return `the checkpoint was trained on a different corpus (sha256 ${short(saved.corpusSha256)}, this one is ${short(now.corpusSha256)})`;
  }
  if (saved.tokenizer !== now.tokenizer) return `the checkpoint was trained with --tokenizer ${saved.tokenizer}, not ${now.tokenizer}`;
  if (saved.normalization !== now.normalization) return `the checkpoint was trained with --normalization ${saved.normalization}, not ${now.normalization}`;
  if (saved.valFraction !== now.valFraction) return `the checkpoint was trained with --val-fraction ${saved.valFraction}, not ${now.valFraction}`;
  // Same text and settings give the same vocabulary unless the tokenizer or Vocab ordering changed between seqlm versions.
  const differs = "the checkpoint's vocabulary differs from this corpus's";
  if (saved.vocab.length !== now.vocab.length) return `${differs} (${saved.vocab.length} tokens, now ${now.vocab.length})`;
  const id = saved.vocab.findIndex((t, i) => t !== now.vocab[i]);
  if (id !== -1) return `${differs} (id ${id} is ${JSON.stringify(saved.vocab[id])}, now ${JSON.stringify(now.vocab[id])})`;
  return null;
}

/** Throws `USAGE` ("cannot resume: ...") unless `meta` was trained on the same data with the same fixed hyperparameters. */
export function assertResumable(meta: Pick<CheckpointMeta<LmTrainConfig>, 'config' | 'data'>, corpus: TextCorpus, config: LmTrainConfig): void {
  const mismatch = dataMismatch(meta.data, checkpointData(corpus)) ?? checkpointMismatch(meta.config, config);
  if (mismatch !== null) throw new SeqlmError('USAGE', `cannot resume: ${mismatch}`);
}

/** The NON_FINITE error ending a diverged run, saying which checkpoint survives. */
function diverged(epoch: number, checkpointDir: string | null, detail: string): SeqlmError {
  const kept =
    checkpointDir === null ? 'no checkpoint was kept' : epoch === 0 ? `no epoch finished, so there is no checkpoint in ${checkpointDir}` : `the last good checkpoint (after epoch ${epoch}) is kept in ${checkpointDir}`;
  return new SeqlmError('NON_FINITE', `training diverged at epoch ${epoch + 1}, ${detail}; ${kept}. Try a lower --lr or --clip.`, { epoch: epoch + 1 });
}

function snapshot(model: LmEngine): Map<string, WeightTensor> {
  return model.parameters();
}

/** What every engine builds its model and optimizer from: core's config, seed and N(0, σ²) initialisation. */
export function engineSpec(config: LmTrainConfig, corpus: Pick<TextCorpus, 'vocab'>): EngineSpec {
  const model: RnnConfig = {
    cell: config.cell,
    vocabSize: corpus.vocab.size,
    hiddenSize: config.hiddenSize,
    numLayers: config.numLayers,
    embeddingSize: config.embeddingSize,
  };
  return { model, seed: config.seed, init: { scheme: 'normal', scale: config.initScale }, optimizer: { kind: config.optimizer, lr: config.lr } };
}

function prefixed(prefix: string, tensors: ReadonlyMap<string, WeightTensor>): [string, WeightTensor][] {
  return [...tensors].map(([name, t]) => [`${prefix}/${name}`, t]);
}

/**
 * Trains a TF.js language model on `corpus.train`, scoring `corpus.val` after
 * every epoch, with D2L's iterators (sequential: the state is carried and
 * detached across batches and reset each epoch; random: reset every batch).
 * Each epoch ends with a checkpoint, so an interrupted run resumes at the next
 * epoch with the same weights, moments, RNG and batch plan. A non-finite loss
 * stops the run with `NON_FINITE`, leaving the last good checkpoint in place.
 */
export async function trainLanguageModel(options: TrainRunOptions): Promise<TrainResult> {
  const { corpus, config, checkpointDir, resume, hooks = {} } = options;
  const data = checkpointData(corpus);
  // Before any tensor exists: a mismatch would otherwise surface as a shape error, or not at all.
  if (resume) assertResumable(resume.meta, corpus, config);
  const batcher = new SeqBatcher(corpus.train, { batchSize: config.batchSize, numSteps: config.numSteps, sampling: config.sampling });
  const model = options.engine ?? new TfEngine(engineSpec(config, corpus), options.backend ?? 'tfjs');
  const backend = options.backend ?? model.label;
  let rng = new Rng(config.seed);
  let history: EpochMetrics[] = [];
  let best: TrainResult['best'] = null;
  let bestWeights: Map<string, WeightTensor> | null = null;
  let badEpochs = 0;
  let priorSeconds = 0;
  let startEpoch = 0;

  if (resume) {
    model.assign(withPrefix(resume.tensors, 'param'));
    model.loadOptimizer({ kind: resume.meta.optimizer.kind as OptimizerKind, steps: resume.meta.optimizer.steps, tensors: withPrefix(resume.tensors, 'opt') });
    rng = Rng.fromState(resume.meta.rngState);
    history = [...resume.meta.history];
    best = resume.meta.best;
    const saved = withPrefix(resume.tensors, 'best');
    bestWeights = saved.size > 0 ? saved : null;
    badEpochs = resume.meta.badEpochs;
    priorSeconds = resume.meta.wallTimeSeconds;
    startEpoch = resume.meta.epochsDone;
  }

  const started = performance.now();
  const elapsed = (): number => priorSeconds + (performance.now() - started) / 1000;
  let stoppedEarly = false;
  let tokensDone = 0;
  const tokensPerEpoch = batcher.minBatches * config.batchSize * config.numSteps;
  try {
    for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
      if (config.patience !== null && badEpochs >= config.patience) {
        stoppedEarly = true;
        break;
      }
      const epochStart = performance.now();
      const plan = batcher.epoch({ seed: config.seed, epoch });
      model.resetState();
      let lossSum = 0;
      let normSum = 0;
      let batchIndex = 0;
      for (const batch of plan) {
        const B = batch.batchSize;
        const T = batch.numSteps;
        const step = await model.step(batch, { clip: config.clip, dropout: config.dropout, rng });
        // Random sampling: neighbouring batches are not adjacent text, so every batch starts from zeros.
        if (config.sampling === 'random') model.resetState();
        if (!step.finite) throw diverged(epoch, checkpointDir, `batch ${batchIndex + 1}: the loss is ${step.loss} (gradient norm ${step.gradNorm})`);
        lossSum += step.loss;
        normSum += step.gradNorm;
        batchIndex++;
        tokensDone += B * T;
        const seconds = (performance.now() - started) / 1000;
        const speed = tokensDone / Math.max(seconds, 1e-9);
        const remaining = (plan.numBatches - batchIndex) * B * T + (config.epochs - epoch - 1) * tokensPerEpoch;
        hooks.onBatch?.({ epoch: epoch + 1, epochs: config.epochs, batch: batchIndex, numBatches: plan.numBatches, loss: step.loss, tokensPerSecond: speed, etaSeconds: remaining / speed });
        // Lets stderr drain (the progress bar) and signals arrive between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
      model.resetState();

      const val = model.evaluate(corpus.val, config.batchSize, config.numSteps);
      const seconds = (performance.now() - epochStart) / 1000;
      const tokens = plan.numBatches * config.batchSize * config.numSteps;
      const trainLoss = lossSum / plan.numBatches;
      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        trainLoss,
        trainPerplexity: Math.exp(trainLoss),
        valPerplexity: val.perplexity,
        gradNorm: normSum / plan.numBatches,
        tokens,
        seconds,
        tokensPerSecond: tokens / seconds,
      };
      if (!Number.isFinite(metrics.trainPerplexity) || !Number.isFinite(metrics.valPerplexity)) {
        throw diverged(epoch, checkpointDir, `perplexity overflowed (mean training loss ${trainLoss.toPrecision(4)}, validation loss ${val.loss.toPrecision(4)})`);
      }
      history.push(metrics);
      if (best === null || val.perplexity < best.valPerplexity) {
        best = { epoch: epoch + 1, valPerplexity: val.perplexity };
        bestWeights = snapshot(model);
        badEpochs = 0;
      } else {
        badEpochs++;
      }
      await hooks.onEpoch?.(metrics);
      if (checkpointDir !== null) {
        const opt = model.optimizerState();
        const tensors = new Map<string, WeightTensor>([...prefixed('param', snapshot(model)), ...prefixed('opt', opt.tensors), ...prefixed('best', bestWeights!)]);
        await saveCheckpoint(
          checkpointDir,
          {
            epochsDone: epoch + 1,
            config,
            data,
            history,
            best,
            badEpochs,
            rngState: rng.state,
            optimizer: { kind: opt.kind, steps: opt.steps },
            backend,
            wallTimeSeconds: elapsed(),
          },
          tensors,
        );
        await hooks.onCheckpoint?.(epoch + 1, model);
      }
    }
    if (config.patience !== null && badEpochs >= config.patience && history.length < config.epochs) stoppedEarly = true;
    if (bestWeights !== null) model.assign(bestWeights);
    return { model, history, best, stoppedEarly, wallTimeSeconds: elapsed() };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
