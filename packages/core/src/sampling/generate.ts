import { SeqlmError } from '../errors/index.ts';
import { Rng } from '../random/index.ts';
import { checkSamplingOptions, sampleToken, type SamplingOptions } from './sample.ts';
import type { StepModel } from './step-model.ts';

export interface GenerateOptions extends SamplingOptions {
  /** How many tokens to generate after the prefix (integer >= 0). */
  maxTokens: number;
  /** Seed for the draws; the same seed, model and prefix give the same tokens. Default 0. */
  seed?: number;
  /** Generation ends after one of these ids is produced (it is not included in the output). */
  stopIds?: readonly number[];
}

export interface GenerateResult {
  /** The generated ids, prefix excluded. */
  ids: Int32Array;
  /** `stop` when a stop id ended generation, `length` when `maxTokens` did. */
  finishReason: 'stop' | 'length';
}

/**
 * Feeds `prefixIds` through the model (warm-up, D2L 9.5.4 `predict`: the state
 * absorbs the prompt and only the last step's logits are used), then yields one
 * sampled id at a time, feeding each back in. Stops before yielding a stop id.
 */
export function generateTokens<S>(model: StepModel<S>, prefixIds: ArrayLike<number>, options: GenerateOptions): Generator<number, GenerateResult['finishReason']> {
  // Checked here, not in the generator body, so bad options throw at the call.
  checkGenerateOptions(prefixIds, options);
  return run(model, prefixIds, options);
}

function* run<S>(model: StepModel<S>, prefixIds: ArrayLike<number>, options: GenerateOptions): Generator<number, GenerateResult['finishReason']> {
  const rng = new Rng(options.seed ?? 0);
  const stop = new Set(options.stopIds ?? []);
  let { state, logits } = warmUp(model, prefixIds);
  for (let t = 0; t < options.maxTokens; t++) {
    const id = sampleToken(logits, options, rng);
    if (stop.has(id)) return 'stop';
    yield id;
    if (t + 1 === options.maxTokens) break; // The last token needs no further step.
    ({ state, logits } = stepOne(model, state, id));
  }
  return 'length';
}

/** Generates up to `maxTokens` ids after `prefixIds`; see `generateTokens`. */
export function generate<S>(model: StepModel<S>, prefixIds: ArrayLike<number>, options: GenerateOptions): GenerateResult {
  const ids: number[] = [];
  const it = generateTokens(model, prefixIds, options);
  for (;;) {
    const next = it.next();
    if (next.done) return { ids: Int32Array.from(ids), finishReason: next.value };
    ids.push(next.value);
  }
}

/** Runs the prefix through a batch-1 state; returns the state after it and the next-token logits. */
export function warmUp<S>(model: StepModel<S>, prefixIds: ArrayLike<number>): { state: S; logits: Float32Array } {
  let state = model.initialState(1);
  let logits: Float32Array = new Float32Array(0);
  for (let i = 0; i < prefixIds.length; i++) ({ state, logits } = stepOne(model, state, prefixIds[i] as number));
  return { state, logits };
}

/** One batch-1 step, checking the model returned one row of at least one logit. */
export function stepOne<S>(model: StepModel<S>, state: S, id: number): { state: S; logits: Float32Array } {
  const out = model.step(state, Int32Array.of(id));
  if (!(out.logits instanceof Float32Array) || out.logits.length === 0) {
    throw new SeqlmError('SHAPE_MISMATCH', `the model's step returned ${out.logits?.length ?? 'no'} logits for a batch of 1; expected [1, V] with V >= 1`);
  }
  return out;
}

export function checkPrefix(prefixIds: ArrayLike<number>): void {
  if (prefixIds.length === 0) {
    throw new SeqlmError('INVALID_ARGUMENT', 'the prefix must hold at least one token id (use a start token such as <s> for unconditional text)');
  }
  for (let i = 0; i < prefixIds.length; i++) {
    const id = prefixIds[i] as number;
    if (!Number.isSafeInteger(id) || id < 0) throw new SeqlmError('INVALID_ARGUMENT', `prefix id ${i} must be a non-negative integer, got ${id}`, { index: i });
  }
}

export function checkMaxTokens(maxTokens: number): void {
  if (!Number.isSafeInteger(maxTokens) || maxTokens < 0) {
    throw new SeqlmError('INVALID_ARGUMENT', `maxTokens must be an integer >= 0, got ${maxTokens}`, { maxTokens });
  }
}

export function checkStopIds(stopIds: readonly number[] | undefined): void {
  for (const id of stopIds ?? []) {
    if (!Number.isSafeInteger(id) || id < 0) throw new SeqlmError('INVALID_ARGUMENT', `stop ids must be non-negative integers, got ${id}`);
  }
}

function checkGenerateOptions(prefixIds: ArrayLike<number>, options: GenerateOptions): void {
  checkPrefix(prefixIds);
  checkMaxTokens(options.maxTokens);
  checkSamplingOptions(options);
  checkStopIds(options.stopIds);
  if (options.seed !== undefined && !Number.isFinite(options.seed)) {
    throw new SeqlmError('INVALID_ARGUMENT', `seed must be a finite number, got ${options.seed}`);
  }
}
