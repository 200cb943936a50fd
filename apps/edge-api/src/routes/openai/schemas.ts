/**
 * Zod schemas of the OpenAI-compatible routes (OpenAI's legacy completions
 * API), for validation and /openapi.json alike. Field names are OpenAI's
 * snake_case. Every parameter OpenAI defines is listed, so an unknown one is
 * refused by name; those seqlm cannot honour are accepted only at their
 * neutral values (checked in ./params.ts, with OpenAI's `param`).
 */
import { z } from '@hono/zod-openapi';
import { MAX_MODEL_ID_CHARS, MAX_SEED, MAX_TEMPERATURE } from '../../limits.ts';

/** Most top alternatives per position (OpenAI's limit for completions). */
export const MAX_OPENAI_LOGPROBS = 5;
/** Most choices one request may ask for: prompts × n (each choice is a generation). */
export const MAX_OPENAI_CHOICES = 16;
export const DEFAULT_OPENAI_MAX_TOKENS = 16;

export const OpenAIModelParams = z.object({
  model: z.string().min(1).max(MAX_MODEL_ID_CHARS).openapi({ param: { name: 'model', in: 'path' }, example: 'gru-tiny' }),
});

export const OpenAIModel = z
  .object({
    id: z.string(),
    object: z.literal('model'),
    created: z.int().openapi({ description: "Unix seconds of the manifest's training.createdAt; 0 when it has none." }),
    owned_by: z.literal('seqlm'),
  })
  .openapi('OpenAIModel');

export const OpenAIModelList = z.object({ object: z.literal('list'), data: z.array(OpenAIModel) }).openapi('OpenAIModelList');

const penalty = z.number().min(-2).max(2).nullable().optional().openapi({ description: 'Only 0 (or null) is supported; anything else is 400.' });

export const CompletionRequest = z
  .strictObject({
    model: z.string().min(1).max(MAX_MODEL_ID_CHARS).openapi({ description: 'A model id of GET /openai/v1/models.', example: 'gru-tiny' }),
    prompt: z.union([z.string(), z.array(z.string()).min(1)]).openapi({
      description:
        'A string, or an array of strings each with its own choices (choice index = prompt index × n + j). Prompts are normalised and tokenized as the model says; see the README for the length limits (413 above).',
    }),
    max_tokens: z.int().min(0).nullable().optional().openapi({ description: `Tokens to generate per choice; default ${DEFAULT_OPENAI_MAX_TOKENS}; 0 only with echo (prompt log-probabilities alone).` }),
    temperature: z.number().min(0).max(MAX_TEMPERATURE).nullable().optional().openapi({ description: 'Default 1; 0 is greedy decoding.' }),
    top_p: z.number().min(0).max(1).nullable().optional().openapi({ description: 'Nucleus sampling mass; default 1; 0 is greedy decoding.' }),
    n: z.int().min(1).max(MAX_OPENAI_CHOICES).nullable().optional().openapi({ description: 'Choices per prompt; with a seed, choice j of a prompt uses seed + j.' }),
    stream: z.boolean().nullable().optional().openapi({ description: 'Server-Sent Events of completion chunks, then `data: [DONE]`.' }),
    stream_options: z
      .strictObject({ include_usage: z.boolean().optional() })
      .nullable()
      .optional()
      .openapi({ description: 'With include_usage, a last chunk with empty choices carries the usage.' }),
    logprobs: z.int().min(0).max(MAX_OPENAI_LOGPROBS).nullable().optional().openapi({
      description: `Return log-probabilities (natural logs); top_logprobs then lists the k (0–${MAX_OPENAI_LOGPROBS}) most likely tokens per position plus the chosen one.`,
    }),
    echo: z.boolean().nullable().optional().openapi({ description: 'Prepend the prompt (as the model read it) to the text, with its log-probabilities.' }),
    stop: z
      .union([z.string().min(1), z.array(z.string().min(1)).max(4)])
      .nullable()
      .optional()
      .openapi({ description: 'Up to 4 texts that end a choice; not included in it.' }),
    seed: z.int().min(0).max(MAX_SEED).nullable().optional().openapi({ description: 'Makes sampling reproducible; without one each choice is drawn from a random seed.' }),
    user: z.string().nullable().optional().openapi({ description: 'Accepted and ignored.' }),
    suffix: z.string().nullable().optional().openapi({ description: 'Not supported: 400 unless null or empty.' }),
    logit_bias: z.record(z.string(), z.number()).nullable().optional().openapi({ description: 'Not supported: 400 unless null or empty.' }),
    best_of: z.int().min(1).nullable().optional().openapi({ description: 'Only 1 (or null) is supported.' }),
    presence_penalty: penalty,
    frequency_penalty: penalty,
  })
  .openapi('CompletionRequest');

export type CompletionInput = z.infer<typeof CompletionRequest>;

export const CompletionLogprobs = z
  .object({
    tokens: z.array(z.string()),
    token_logprobs: z.array(z.number().nullable()).openapi({ description: 'ln p of each token; null where the model makes no prediction (the first token of a neural model) or p = 0.' }),
    top_logprobs: z.array(z.record(z.string(), z.number()).nullable()),
    text_offset: z.array(z.int()).openapi({ description: 'Where each token starts in the prompt (as read) followed by the completion.' }),
  })
  .openapi('CompletionLogprobs');

const finishReason = z.enum(['stop', 'length']);

export const CompletionChoice = z.object({
  text: z.string(),
  index: z.int(),
  logprobs: CompletionLogprobs.nullable(),
  finish_reason: finishReason,
});

export const CompletionUsage = z
  .object({ prompt_tokens: z.int(), completion_tokens: z.int(), total_tokens: z.int() })
  .openapi('CompletionUsage', { description: "Counted in the model's own tokens: characters for a char model, words for a word model." });

export const Completion = z
  .object({
    id: z.string().openapi({ example: 'cmpl-3f1c…' }),
    object: z.literal('text_completion'),
    created: z.int(),
    model: z.string(),
    choices: z.array(CompletionChoice),
    usage: CompletionUsage,
  })
  .openapi('Completion');

/** One `data:` of a stream: a piece of one choice (finish_reason on its last), or the usage after all choices. */
export const CompletionChunk = Completion.omit({ choices: true, usage: true })
  .extend({
    choices: z.array(CompletionChoice.extend({ finish_reason: finishReason.nullable() })),
    usage: CompletionUsage.nullable().optional(),
  })
  .openapi('CompletionChunk');

export const CompletionEventStream = z.string().openapi({
  description: 'Server-Sent Events: `data: {CompletionChunk}` per piece, then `data: [DONE]`. A failure after the first chunk is one `data: {OpenAIError}` and the stream ends.',
});

export const OpenAIErrorResponse = z
  .object({
    error: z.object({ message: z.string(), type: z.enum(['invalid_request_error', 'server_error']), param: z.string().nullable(), code: z.string().nullable() }),
  })
  .openapi('OpenAIError');
