import { SeqlmError } from '../errors/index.ts';
import { Rng } from '../random/index.ts';
import type { Tokenizer } from '../text/index.ts';
import type { NgramModel } from './model.ts';

export interface NgramSampleOptions {
  /** p_T(w) ∝ exp(ln p(w) / T). 1 samples the model as is; towards 0 it approaches greedy; 0 is greedy (argmax). Default 1. */
  temperature?: number;
  /** Token ids never to sample (e.g. `<unk>`). */
  exclude?: readonly number[];
}

/** Draws the next token id after `context` from the model's distribution, reshaped by temperature. */
export function sampleNext(model: NgramModel, context: ArrayLike<number>, rng: Rng, options: NgramSampleOptions = {}): number {
  const temperature = options.temperature ?? 1;
  if (!(Number.isFinite(temperature) && temperature >= 0)) {
    throw new SeqlmError('INVALID_ARGUMENT', `temperature must be a finite number ≥ 0, got ${temperature}`);
  }
  const p = model.distribution(context);
  for (const id of options.exclude ?? []) if (id >= 0 && id < p.length) p[id] = 0;
  if (temperature === 0) return argmax(p);
  // Work with ln p / T shifted by its maximum so exp never overflows.
  let max = Number.NEGATIVE_INFINITY;
  for (let w = 0; w < p.length; w++) {
    const pw = p[w] as number;
    if (pw > 0) max = Math.max(max, Math.log(pw) / temperature);
  }
  if (max === Number.NEGATIVE_INFINITY) {
    throw new SeqlmError('MODEL_INVALID', 'the model gives every allowed token probability 0 in this context');
  }
  let total = 0;
  for (let w = 0; w < p.length; w++) {
    const pw = p[w] as number;
    const q = pw > 0 ? Math.exp(Math.log(pw) / temperature - max) : 0;
    p[w] = q;
    total += q;
  }
  let u = rng.next() * total;
  let lastPositive = -1;
  for (let w = 0; w < p.length; w++) {
    const q = p[w] as number;
    if (q <= 0) continue;
    lastPositive = w;
    u -= q;
    if (u < 0) return w;
  }
  return lastPositive; // rounding left u ≥ 0 after the last token
}

function argmax(p: Float64Array): number {
  let best = -1;
  let bestP = 0;
  for (let w = 0; w < p.length; w++) {
    if ((p[w] as number) > bestP) {
      bestP = p[w] as number;
      best = w;
    }
  }
  if (best < 0) throw new SeqlmError('MODEL_INVALID', 'the model gives every allowed token probability 0 in this context');
  return best;
}

export interface NgramGenerateOptions extends NgramSampleOptions {
  /** Token ids to continue from (without `<s>`: it is added when the model uses boundaries). */
  prefix?: ArrayLike<number>;
  /** At most this many tokens are generated. */
  maxTokens: number;
  /** Seed for a fresh Rng; ignored when `rng` is given. Default 0. */
  seed?: number;
  rng?: Rng;
  /** Stop when `</s>` is drawn (it is not returned). Default true. */
  stopAtEos?: boolean;
}

export interface NgramGeneration {
  /** The generated token ids, prefix excluded. */
  ids: number[];
  /** Why generation ended. */
  stop: 'eos' | 'max-tokens';
}

/** Samples a continuation token by token; the same seed gives the same text on every runtime. */
export function generateNgram(model: NgramModel, options: NgramGenerateOptions): NgramGeneration {
  const { maxTokens } = options;
  if (!(Number.isInteger(maxTokens) && maxTokens >= 0)) {
    throw new SeqlmError('INVALID_ARGUMENT', `maxTokens must be a non-negative integer, got ${maxTokens}`);
  }
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const stopAtEos = options.stopAtEos ?? true;
  const context: number[] = model.boundaries && model.bos >= 0 ? [model.bos] : [];
  for (let i = 0; i < (options.prefix?.length ?? 0); i++) context.push(options.prefix?.[i] as number);
  const ids: number[] = [];
  const keep = Math.max(1, model.order - 1);
  while (ids.length < maxTokens) {
    const next = sampleNext(model, context.length > keep ? context.slice(-keep) : context, rng, options);
    if (stopAtEos && next === model.eos) return { ids, stop: 'eos' };
    ids.push(next);
    context.push(next);
  }
  return { ids, stop: 'max-tokens' };
}

/** `generateNgram`, then the tokens joined back into text with `tokenizer`. */
export function generateNgramText(model: NgramModel, tokenizer: Tokenizer, options: NgramGenerateOptions): string {
  const { ids } = generateNgram(model, options);
  return tokenizer.detokenize(model.vocab.decode(ids));
}
