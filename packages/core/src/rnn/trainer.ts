import { SeqlmError } from '../errors/index.ts';
import { clipGradNorm } from './clip.ts';
import type { RnnModel, SequenceBatch } from './model.ts';
import type { Optimizer } from './optimizers.ts';
import type { RnnState } from './state.ts';

/**
 * How state crosses batch boundaries. `sequential` (D2L's sequential
 * partitioning): batch i+1 continues the rows of batch i, so its final state is
 * carried over, detached (no gradient flows back across the boundary).
 * `random`: rows are unrelated windows, so every batch starts from zeros.
 */
export type StatePolicy = 'sequential' | 'random';

export interface EvalResult {
  /** Token-weighted mean NLL. */
  loss: number;
  perplexity: number;
  tokens: number;
}

export interface BatchProgress {
  epoch: number;
  batch: number;
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  tokens: number;
}

export interface EpochResult {
  epoch: number;
  trainLoss: number;
  trainPerplexity: number;
  valLoss: number | null;
  valPerplexity: number | null;
  tokens: number;
  seconds: number;
  tokensPerSecond: number;
}

export interface TrainOptions {
  epochs: number;
  optimizer: Optimizer;
  /** Fresh training batches for each 0-based epoch (e.g. a SeqBatcher epoch plan). */
  trainBatches: (epoch: number) => Iterable<SequenceBatch>;
  /** Validation batches after each epoch; omit to skip validation. */
  valBatches?: (epoch: number) => Iterable<SequenceBatch>;
  /** Default `sequential`; use the policy that matches how the batches were cut. */
  statePolicy?: StatePolicy;
  /** Clipping threshold θ for the global gradient norm; D2L uses 1. Null disables clipping. Default 1. */
  clipNorm?: number | null;
  /** Called after every update; a returned promise is awaited (a Worker can yield to its message loop here). */
  onBatch?: (progress: BatchProgress) => void | Promise<void>;
  onEpoch?: (result: EpochResult) => void | Promise<void>;
  /** Polled between batches; returning true ends training after the current batch. */
  shouldStop?: () => boolean;
}

export interface TrainResult {
  epochs: EpochResult[];
  stopped: boolean;
}

function nextState(policy: StatePolicy, carried: RnnState | undefined, batch: SequenceBatch): RnnState | undefined {
  if (policy === 'random' || carried === undefined || carried.batchSize !== batch.batchSize) return undefined;
  return carried;
}

/** Perplexity exp(mean NLL) of `model` over batches, token-weighted, without gradients. */
export function evaluate(model: RnnModel, batches: Iterable<SequenceBatch>, statePolicy: StatePolicy = 'sequential'): EvalResult {
  let nll = 0;
  let tokens = 0;
  let state: RnnState | undefined;
  for (const batch of batches) {
    const result = model.loss(batch, nextState(statePolicy, state, batch));
    state = result.state;
    nll += result.loss * result.tokens;
    tokens += result.tokens;
  }
  if (tokens === 0) throw new SeqlmError('CORPUS_TOO_SHORT', 'evaluation got no batches');
  const loss = nll / tokens;
  return { loss, perplexity: Math.exp(loss), tokens };
}

/**
 * D2L's train_ch8 loop: per batch, forward + truncated BPTT, clip the global
 * norm, one optimiser update; per epoch, train and validation perplexity.
 * Uses no Node or DOM API, so it runs in a Web Worker as in Node.
 */
export async function trainModel(model: RnnModel, options: TrainOptions): Promise<TrainResult> {
  const { epochs, optimizer, trainBatches, valBatches, onBatch, onEpoch, shouldStop } = options;
  const policy = options.statePolicy ?? 'sequential';
  const clip = options.clipNorm === undefined ? 1 : options.clipNorm;
  if (!Number.isInteger(epochs) || epochs < 1) throw new SeqlmError('INVALID_ARGUMENT', `epochs must be a positive integer, got ${epochs}`);
  if (policy !== 'sequential' && policy !== 'random') throw new SeqlmError('INVALID_ARGUMENT', `statePolicy must be sequential or random, got ${String(policy)}`);
  if (clip !== null && !(typeof clip === 'number' && clip > 0 && Number.isFinite(clip))) {
    throw new SeqlmError('INVALID_ARGUMENT', `clipNorm must be a positive finite number or null, got ${String(clip)}`);
  }
  const params = model.trainables();
  const results: EpochResult[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const started = Date.now();
    let nll = 0;
    let tokens = 0;
    let index = 0;
    let state: RnnState | undefined;
    let stopped = false;
    for (const batch of trainBatches(epoch)) {
      const result = model.lossAndGradient(batch, nextState(policy, state, batch));
      state = result.state;
      const gradNorm = clip === null ? Number.NaN : clipGradNorm(params, clip);
      optimizer.step(params);
      model.parametersChanged();
      nll += result.loss * result.tokens;
      tokens += result.tokens;
      if (onBatch) await onBatch({ epoch, batch: index, loss: result.loss, gradNorm, tokens: result.tokens });
      index++;
      if (shouldStop?.()) {
        stopped = true;
        break;
      }
    }
    if (tokens === 0) throw new SeqlmError('CORPUS_TOO_SHORT', `epoch ${epoch} produced no training batches`);
    const seconds = (Date.now() - started) / 1000;
    const trainLoss = nll / tokens;
    const val = valBatches ? evaluate(model, valBatches(epoch), policy) : null;
    const epochResult: EpochResult = {
      epoch,
      trainLoss,
      trainPerplexity: Math.exp(trainLoss),
      valLoss: val?.loss ?? null,
      valPerplexity: val?.perplexity ?? null,
      tokens,
      seconds,
      tokensPerSecond: seconds > 0 ? tokens / seconds : Number.POSITIVE_INFINITY,
    };
    results.push(epochResult);
    if (onEpoch) await onEpoch(epochResult);
    if (stopped) return { epochs: results, stopped: true };
  }
  return { epochs: results, stopped: false };
}
