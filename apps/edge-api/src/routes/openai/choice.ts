/**
 * One completion choice as a sequence of pieces (the echoed prompt, then one
 * piece per generated token): the JSON answer joins them, a stream sends each
 * as a chunk, so both carry the same text, log-probabilities and offsets.
 */
import { GraphPredictor, type FinishReason, type LanguageModel } from '@seqlm/core/lm';
import { logSoftmax, topIndices } from '@seqlm/core/sampling';
import type { EncodedText } from '@seqlm/core/vocab';
import { ApiError } from '../../errors.ts';
import { encodeInput, finiteOrNull } from '../shared.ts';
import { OpenAIRequestError } from './errors.ts';
import type { CompletionPlan } from './params.ts';

/** OpenAI's `logprobs` object, for a piece or a whole choice. */
export interface LogprobsPart {
  tokens: string[];
  token_logprobs: (number | null)[];
  top_logprobs: (Record<string, number> | null)[];
  text_offset: number[];
}

export interface Piece {
  text: string;
  logprobs: LogprobsPart | null;
}

/** A prompt read once and shared by its n choices. */
export interface PreparedPrompt {
  input: EncodedText;
  /** The prompt as the model read it (normalised, tokens joined): `text_offset` counts from its start. */
  text: string;
  /** Its tokens with their log-probabilities, when echoed. */
  echo: Piece | null;
}

/**
 * The text a token adds after `prev`: the tokenizer joins tokens locally
 * (characters as they are, words with one space), so two tokens decide it.
 */
export function textAfter(model: LanguageModel, prev: string | undefined, token: string): string {
  if (model.tokenizer === 'char') return token;
  if (prev === undefined) return model.detokenize([token]);
  return model.detokenize([prev, token]).slice(model.detokenize([prev]).length);
}

/** `top` as OpenAI lists it: the k most likely tokens, plus the chosen one (so up to k + 1 entries). */
function topOf(model: LanguageModel, top: readonly { id: number; logProb: number }[], chosen: string, chosenLogProb: number | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of top) if (Number.isFinite(t.logProb)) out[model.vocab.tokenOf(t.id)] = t.logProb;
  if (chosenLogProb !== null) out[chosen] = chosenLogProb;
  return out;
}

/**
 * ln p(· | tokens before i) for every prompt position i (null where the model
 * makes no prediction). An ONNX graph gives every row in one run over the
 * prompt, as its scoring does; other models step a cursor token by token.
 */
async function promptRows(model: LanguageModel, ids: Int32Array): Promise<(Float64Array | null)[]> {
  const T = ids.length;
  const predictor = model.predictor;
  if (predictor instanceof GraphPredictor) {
    if (T < 2) return new Array<null>(T).fill(null);
    const V = predictor.vocabSize;
    const { logits } = await predictor.run(ids.subarray(0, T - 1), null); // [T-1, V]
    return [null, ...Array.from({ length: T - 1 }, (_, i) => logSoftmax(logits.subarray(i * V, (i + 1) * V)))];
  }
  const rows: (Float64Array | null)[] = [];
  const cursor = model.cursor();
  for (let i = 0; i < T; i++) {
    rows.push(cursor.logProbs());
    if (i + 1 < T) await cursor.feed([ids[i] as number]);
  }
  return rows;
}

/**
 * Reads a prompt: as a prefix to continue, or as a whole text when nothing is
 * generated (max_tokens 0 scores it exactly as /score does). With echo, its
 * log-probabilities come from `model.score` (the first token of a neural
 * model has none: null); a `</s>` scored after the text is not part of it.
 */
export async function preparePrompt(model: LanguageModel, prompt: string, plan: CompletionPlan): Promise<PreparedPrompt> {
  let input: EncodedText;
  try {
    input = encodeInput(model, prompt, 'prompt', plan.maxTokens === 0 ? 'text' : 'prefix');
  } catch (error) {
    throw error instanceof ApiError ? new OpenAIRequestError(error.code, error.message, 'prompt') : error;
  }
  // Tokens as written (after normalisation), so `text` is the prompt itself; one outside the vocabulary was scored as <unk>.
  const tokens = [...input.tokens];
  const offsets: number[] = [];
  let text = '';
  tokens.forEach((token, i) => {
    const piece = textAfter(model, tokens[i - 1], token);
    offsets.push(text.length + piece.length - token.length);
    text += piece;
  });
  if (!plan.echo) return { input, text, echo: null };
  if (plan.logprobs === null) return { input, text, echo: { text, logprobs: null } };
  const score = await model.score(input);
  const logProbs = score.tokens.filter((t) => t.trailing !== true).map((t) => (t.logProb === null ? null : finiteOrNull(t.logProb)));
  const k = plan.logprobs;
  const rows = k > 0 ? await promptRows(model, input.ids) : null;
  const top = tokens.map((token, i) => {
    const lp = logProbs[i] ?? null;
    const row = rows?.[i] ?? null;
    if (rows !== null && row === null) return null;
    if (row === null) return lp === null ? null : { [token]: lp };
    return topOf(model, topIndices(row, Math.min(k, row.length)).map((id) => ({ id, logProb: row[id] as number })), token, lp);
  });
  return { input, text, echo: { text, logprobs: { tokens, token_logprobs: logProbs, top_logprobs: top, text_offset: offsets } } };
}

/**
 * The pieces of one choice: the echoed prompt (when asked), then each
 * generated token with its text (word models: a leading space), log-prob,
 * alternatives and offset after the prompt text. Returns why it ended.
 */
export async function* completeChoice(model: LanguageModel, prompt: PreparedPrompt, plan: CompletionPlan, seed: number, signal?: AbortSignal): AsyncGenerator<Piece, FinishReason> {
  if (prompt.echo !== null) yield prompt.echo;
  if (plan.maxTokens === 0) return 'length';
  const k = plan.logprobs;
  const it = model.generate(prompt.input.ids, {
    maxTokens: plan.maxTokens,
    temperature: plan.temperature,
    seed,
    stop: plan.stop,
    topLogProbs: k ?? 0,
    ...(plan.topK !== undefined ? { topK: plan.topK } : {}),
    ...(plan.topP !== undefined ? { topP: plan.topP } : {}),
    ...(signal !== undefined ? { signal } : {}),
  });
  let prev = prompt.input.tokens.at(-1);
  let offset = prompt.text.length;
  let step = await it.next();
  for (; !step.done; step = await it.next()) {
    const t = step.value;
    const text = textAfter(model, prev, t.token);
    const lp = finiteOrNull(t.logProb);
    yield {
      text,
      logprobs:
        k === null
          ? null
          : { tokens: [t.token], token_logprobs: [lp], top_logprobs: [topOf(model, t.top ?? [], t.token, lp)], text_offset: [offset + text.length - t.token.length] },
    };
    offset += text.length;
    prev = t.token;
  }
  return step.value;
}

/** Joins a choice's pieces into one `logprobs` object (null when none was asked for). */
export function joinLogprobs(pieces: readonly Piece[], asked: boolean): LogprobsPart | null {
  if (!asked) return null;
  const out: LogprobsPart = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  for (const p of pieces) {
    const l = p.logprobs as LogprobsPart;
    out.tokens.push(...l.tokens);
    out.token_logprobs.push(...l.token_logprobs);
    out.top_logprobs.push(...l.top_logprobs);
    out.text_offset.push(...l.text_offset);
  }
  return out;
}

/** Choice j of a prompt: seed + j (mod 2^32) when a seed is given, else a fresh random seed. */
export function seedOf(plan: CompletionPlan, j: number): number {
  if (plan.seed !== null) return (plan.seed + j) >>> 0;
  return crypto.getRandomValues(new Uint32Array(1))[0] as number;
}
