import { SeqlmError } from '../errors/index.ts';
import { Rng } from '../random/index.ts';
import { checkSamplingOptions, logSumExp, sampleToken, topIndices, type SamplingOptions } from '../sampling/index.ts';
import { UNK_ID, type Vocab } from '../vocab/index.ts';
import type { LmCursor } from './cursor.ts';
import type { AbortSignalLike } from '../platform.ts';

export interface LmGenerateOptions extends Omit<SamplingOptions, 'excludeIds'> {
  /** Tokens to generate at most (integer >= 0). */
  maxTokens: number;
  /** Seed of the draws: the same model, prompt, options and seed give the same tokens. Default 0. */
  seed?: number;
  /** Text that ends generation; it is not emitted (nor is anything after it). */
  stop?: readonly string[];
  /** Token ids never drawn. Default `[UNK_ID]`: generated text should not say "unknown". */
  excludeIds?: readonly number[];
  /** List this many most likely alternatives with each token (0–20). Default 0. */
  topLogProbs?: number;
  /** Stops generation between two tokens; the iterator then returns `'abort'`. */
  signal?: AbortSignalLike;
}

export interface GeneratedToken {
  /** 0-based position among the generated tokens. */
  index: number;
  id: number;
  token: string;
  /** ln p(token | prompt, tokens so far) under the model itself (temperature 1, no truncation). */
  logProb: number;
  /** The `topLogProbs` most likely tokens at this step, most likely first. */
  top?: { id: number; token: string; logProb: number }[];
}

/** Why generation ended: a stop token or stop text, `maxTokens`, or the caller's `signal`. */
export type FinishReason = 'stop' | 'length' | 'abort';

export const MAX_TOP_LOGPROBS = 20;

/** Throws `INVALID_ARGUMENT` for options outside their range, before anything is generated. */
export function checkGenerateOptions(options: LmGenerateOptions): void {
  checkSamplingOptions(options);
  if (!Number.isSafeInteger(options.maxTokens) || options.maxTokens < 0) {
    throw new SeqlmError('INVALID_ARGUMENT', `maxTokens must be an integer >= 0, got ${options.maxTokens}`);
  }
  if (options.seed !== undefined && !Number.isFinite(options.seed)) throw new SeqlmError('INVALID_ARGUMENT', `seed must be a finite number, got ${options.seed}`);
  for (const s of options.stop ?? []) {
    if (typeof s !== 'string' || s.length === 0) throw new SeqlmError('INVALID_ARGUMENT', 'stop strings must be non-empty strings');
  }
  const k = options.topLogProbs ?? 0;
  if (!Number.isSafeInteger(k) || k < 0 || k > MAX_TOP_LOGPROBS) throw new SeqlmError('INVALID_ARGUMENT', `topLogProbs must be an integer from 0 to ${MAX_TOP_LOGPROBS}, got ${k}`);
}

/**
 * Samples after the cursor's position (D2L 9.5 `predict`): each draw is fed
 * back with the state carried over. A stop id (`</s>`) or stop text ends
 * generation and is not emitted. Tokens that might begin a stop text are held
 * back until it is clear they do not, so nothing emitted is ever taken back.
 *
 * `from` is the cursor, or a function that makes it on the first `next()`
 * (the prompt's prefill), so a caller can hand this generator out as it is:
 * wrapping it in another async generator (`yield*`) costs promise turns on
 * every token.
 */
export async function* sampleFrom(
  from: LmCursor | (() => LmCursor | Promise<LmCursor>),
  vocab: Vocab,
  stopIds: readonly number[],
  detokenize: (tokens: readonly string[]) => string,
  options: LmGenerateOptions,
): AsyncGenerator<GeneratedToken, FinishReason> {
  if (options.maxTokens === 0) return 'length';
  const cursor = typeof from === 'function' ? await from() : from;
  const sampling: SamplingOptions = { temperature: options.temperature ?? 1, excludeIds: options.excludeIds ?? [UNK_ID] };
  if (options.topK !== undefined) sampling.topK = options.topK;
  if (options.topP !== undefined) sampling.topP = options.topP;
  const rng = new Rng(options.seed ?? 0);
  const stopTokens = new Set(stopIds);
  const stopTexts = options.stop ?? [];
  const k = options.topLogProbs ?? 0;
  const held: GeneratedToken[] = [];
  let index = 0;
  let finish: FinishReason = 'length';
  for (; index < options.maxTokens; index++) {
    if (options.signal?.aborted) {
      finish = 'abort';
      break;
    }
    const scores = cursor.scores;
    if (scores === null) throw new SeqlmError('INVALID_ARGUMENT', 'this model needs at least one token of prompt before it can generate');
    const id = sampleToken(scores, sampling, rng);
    if (stopTokens.has(id)) {
      finish = 'stop';
      break;
    }
    const lse = logSumExp(scores);
    const token: GeneratedToken = { index, id, token: vocab.tokenOf(id), logProb: (scores[id] as number) - lse };
    if (k > 0) token.top = topIndices(scores, Math.min(k, scores.length)).map((t) => ({ id: t, token: vocab.tokenOf(t), logProb: (scores[t] as number) - lse }));
    if (stopTexts.length === 0) yield token;
    else {
      held.push(token);
      const text = detokenize(held.map((t) => t.token));
      const at = firstStop(text, stopTexts);
      if (at >= 0) {
        // Emit the held tokens that end before the stop text begins.
        for (let n = held.length - 1; n >= 0; n--) {
          if (detokenize(held.slice(0, n).map((t) => t.token)).length <= at) {
            yield* held.slice(0, n);
            break;
          }
        }
        held.length = 0;
        finish = 'stop';
        break;
      }
      // Keep back only the tail that could still grow into a stop text.
      const keep = heldTail(text, stopTexts);
      while (held.length > 0 && detokenize(held.slice(1).map((t) => t.token)).length >= keep) yield held.shift() as GeneratedToken;
    }
    if (index + 1 < options.maxTokens) await cursor.feed([id]);
  }
  yield* held;
  return finish;
}

function firstStop(text: string, stops: readonly string[]): number {
  let best = -1;
  for (const s of stops) {
    const at = text.indexOf(s);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}

/** Characters at the end of `text` that are a proper prefix of some stop text (what must stay held). */
function heldTail(text: string, stops: readonly string[]): number {
  let keep = 0;
  for (const s of stops) {
    for (let n = Math.min(s.length - 1, text.length); n > keep; n--) {
      if (text.endsWith(s.slice(0, n))) {
        keep = n;
        break;
      }
    }
  }
  return keep;
}
