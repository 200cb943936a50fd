import { MAX_GENERATE_TOKENS, MAX_PROMPT_CHARS, MAX_TEXT_CHARS } from '../../limits.ts';
import { OpenAIRequestError } from './errors.ts';
import { DEFAULT_OPENAI_MAX_TOKENS, MAX_OPENAI_CHOICES, type CompletionInput } from './schemas.ts';

/** A validated completion request in seqlm's terms. */
export interface CompletionPlan {
  model: string;
  prompts: string[];
  maxTokens: number;
  n: number;
  echo: boolean;
  /** Top alternatives per position, or null for no log-probabilities at all. */
  logprobs: number | null;
  stop: string[];
  /** Choice j of a prompt samples with seed + j (mod 2^32); null: a random seed per choice. */
  seed: number | null;
  stream: boolean;
  includeUsage: boolean;
  temperature: number;
  topK?: number;
  topP?: number;
}

function unsupported(param: string, message: string): never {
  throw new OpenAIRequestError('INVALID_ARGUMENT', message, param);
}

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * Refuses what seqlm cannot honour (400, naming the parameter) and what is
 * over the native API's limits: prompt text as /score allows (MAX_TEXT_CHARS
 * in all, 413) when at most one token is generated per choice, which is what
 * evaluation harnesses send, and as /generate allows (MAX_PROMPT_CHARS) when
 * more are; at most MAX_GENERATE_TOKENS generated over all choices, as one
 * /generate call (400).
 */
export function planCompletion(body: CompletionInput): CompletionPlan {
  if (body.suffix !== undefined && body.suffix !== null && body.suffix !== '') unsupported('suffix', 'suffix is not supported: seqlm models continue text left to right only');
  if (body.logit_bias !== undefined && body.logit_bias !== null && Object.keys(body.logit_bias).length > 0) unsupported('logit_bias', 'logit_bias is not supported');
  if ((body.best_of ?? 1) > 1) unsupported('best_of', 'best_of > 1 is not supported; ask for n choices instead');
  for (const p of ['presence_penalty', 'frequency_penalty'] as const) {
    if ((body[p] ?? 0) !== 0) unsupported(p, `${p} is not supported: only 0 is accepted`);
  }
  const prompts = typeof body.prompt === 'string' ? [body.prompt] : body.prompt;
  const n = body.n ?? 1;
  const maxTokens = body.max_tokens ?? DEFAULT_OPENAI_MAX_TOKENS;
  const echo = body.echo ?? false;
  if (maxTokens === 0 && !echo) unsupported('max_tokens', 'max_tokens 0 is only allowed with echo (to read the prompt\'s log-probabilities)');
  if (prompts.length * n > MAX_OPENAI_CHOICES) unsupported('n', `prompts × n is ${prompts.length * n}; at most ${MAX_OPENAI_CHOICES} choices per request`);
  if (prompts.length * n * maxTokens > MAX_GENERATE_TOKENS) {
    unsupported('max_tokens', `prompts × n × max_tokens is ${prompts.length * n * maxTokens}; at most ${MAX_GENERATE_TOKENS} tokens are generated per request`);
  }
  const maxChars = maxTokens <= 1 ? MAX_TEXT_CHARS : MAX_PROMPT_CHARS;
  const chars = prompts.reduce((sum, p) => sum + codePoints(p), 0);
  if (chars > maxChars) {
    throw new OpenAIRequestError('PAYLOAD_TOO_LARGE', `the prompts are ${chars} characters (Unicode code points); at most ${maxChars} in all when max_tokens is ${maxTokens <= 1 ? '0 or 1' : 'over 1'}`, 'prompt');
  }
  const temperature = body.temperature ?? 1;
  const topP = body.top_p ?? 1;
  const greedy = temperature === 0 || topP === 0;
  const stop = body.stop === undefined || body.stop === null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
  return {
    model: body.model,
    prompts,
    maxTokens,
    n,
    echo,
    logprobs: body.logprobs ?? null,
    stop,
    seed: body.seed ?? null,
    stream: body.stream ?? false,
    includeUsage: body.stream_options?.include_usage ?? false,
    // OpenAI's temperature 0 and top_p 0 mean the most likely token: top-k 1 at temperature 1.
    temperature: greedy ? 1 : temperature,
    ...(greedy ? { topK: 1 } : topP < 1 ? { topP } : {}),
  };
}
