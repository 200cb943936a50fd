/**
 * The zod schemas that validate every request body and describe every
 * response; /openapi.json is generated from these same objects, so the
 * document cannot drift from what the handlers accept.
 */
import { z } from '@hono/zod-openapi';
import { MAX_GENERATE_TOKENS, MAX_MODEL_ID_CHARS, MAX_PROMPT_CHARS, MAX_RANK_CANDIDATES, MAX_RANK_CHARS, MAX_SEED, MAX_TEMPERATURE, MAX_TEXT_CHARS, MAX_TOP_K, DEFAULT_NEXT_TOP_K } from './limits.ts';

const inputText = (maxChars: number) =>
  z
    .string()
    .max(maxChars)
    .openapi({
      description: `Input text, at most ${maxChars} characters counted as Unicode code points (an emoji is one; 413 above). It is normalised as the model's manifest says, tokenized, and every token outside the vocabulary becomes <unk> and is counted in \`oov\`. For /next and /generate, which continue the text, \`d2l\` keeps a trailing run of non-letters as one space.`,
      example: 'the time traveller',
    });
const text = inputText(MAX_TEXT_CHARS);

const topK = z.int().min(1).max(MAX_TOP_K).openapi({ description: 'Keep only the k most likely tokens (clamped to the vocabulary size).' });

export const ModelParams = z.object({
  id: z.string().min(1).max(MAX_MODEL_ID_CHARS).openapi({ param: { name: 'id', in: 'path' }, example: 'gru-tiny' }),
});

export const NextRequest = z
  .strictObject({
    text,
    topK: topK.default(DEFAULT_NEXT_TOP_K),
    full: z.boolean().default(false).openapi({ description: 'Also return the whole distribution, indexed by token id.' }),
  })
  .openapi('NextRequest');

export const GenerateRequest = z
  .strictObject({
    prompt: inputText(MAX_PROMPT_CHARS),
    maxTokens: z.int().min(1).max(MAX_GENERATE_TOKENS).openapi({ description: `Tokens to generate, 1..${MAX_GENERATE_TOKENS}.` }),
    temperature: z
      .number()
      .gt(0)
      .max(MAX_TEMPERATURE)
      .default(1)
      .openapi({ description: 'Divides the logits before the softmax; > 0 (use topK: 1 for greedy decoding).' }),
    topK: topK.optional(),
    topP: z.number().gt(0).max(1).optional().openapi({ description: 'Nucleus sampling mass, in (0, 1].' }),
    seed: z.int().min(0).max(MAX_SEED).default(0).openapi({ description: 'The same seed, model and prompt give the same tokens.' }),
    stream: z.boolean().default(false).openapi({ description: 'Answer with Server-Sent Events: one `token` event per token, then one `done` event.' }),
  })
  .openapi('GenerateRequest');

export const ScoreRequest = z.strictObject({ text }).openapi('ScoreRequest');

export const RankRequest = z
  .strictObject({
    candidates: z
      .array(inputText(MAX_RANK_CHARS))
      .min(1)
      .max(MAX_RANK_CANDIDATES)
      .openapi({ description: `1..${MAX_RANK_CANDIDATES} candidate texts, each read as a whole text (as /score reads it).`, example: ['to recognize speech', 'to wreck a nice beach'] }),
  })
  .openapi('RankRequest');

export type NextInput = z.infer<typeof NextRequest>;
export type GenerateInput = z.infer<typeof GenerateRequest>;
export type ScoreInput = z.infer<typeof ScoreRequest>;

// JSON has no Infinity: a log-probability of -Infinity (probability 0) is sent as null.
const logProb = z.number().nullable().openapi({ description: 'Natural log; null where the probability is 0.' });

export const TextInfo = z.object({
  tokens: z.int().openapi({ description: 'Tokens after normalisation and tokenization.' }),
  oov: z.int().openapi({ description: 'Tokens outside the vocabulary, mapped to <unk>.' }),
});

export const ModelSummary = z
  .object({
    id: z.string(),
    kind: z.enum(['rnn', 'gru', 'lstm', 'ngram', 'mixture']),
    name: z.string().optional(),
    description: z.string().optional(),
    tokenizer: z.enum(['char', 'word']),
    normalization: z.enum(['d2l', 'raw']),
    vocabSize: z.int(),
    dims: z.record(z.string(), z.unknown()).openapi({ description: 'Neural: hiddenSize, numLayers, embedding. N-gram: order, estimator, counts. Mixture: components (path, weight).' }),
    training: z.record(z.string(), z.unknown()).openapi({ description: 'Corpus, epochs, final train/validation perplexity, backend, time.' }),
  })
  .openapi('ModelSummary');

export const ModelList = z.object({ models: z.array(ModelSummary) }).openapi('ModelList');

export const TokenProb = z.object({ id: z.int(), token: z.string(), prob: z.number(), logProb });

export const NextResponse = z
  .object({
    model: z.string(),
    input: TextInfo,
    top: z.array(TokenProb),
    probs: z.array(z.number()).optional().openapi({ description: 'The full distribution by token id, when `full` was set.' }),
  })
  .openapi('NextResponse');

export const GenerateResponse = z
  .object({
    model: z.string(),
    input: TextInfo,
    text: z.string(),
    ids: z.array(z.int()).openapi({ description: 'Generated token ids; <unk> (id 0) is never generated.' }),
    tokens: z.array(z.string()),
    logProbs: z.array(logProb).openapi({ description: "Each generated token's log-probability under the model (temperature 1, no truncation, <unk> not removed)." }),
    totalLogProb: logProb,
    finishReason: z.enum(['length', 'stop']),
  })
  .openapi('GenerateResponse');

/** `event: token` of a /generate stream, one per token (its SSE `id` is the index). */
export const GenerateTokenEvent = z
  .object({
    index: z.int().openapi({ description: 'Position among the generated tokens, from 0; also the event id.' }),
    id: z.int(),
    token: z.string(),
    logProb,
  })
  .openapi('GenerateTokenEvent', { description: 'data of each `event: token`, in order; `id:` is the index.' });

/** `event: done`, last: the JSON answer without the per-token arrays, which the token events carried. */
export const GenerateDoneEvent = GenerateResponse.omit({ ids: true, tokens: true, logProbs: true })
  .extend({ count: z.int().openapi({ description: 'Token events sent.' }) })
  .openapi('GenerateDoneEvent', { description: 'data of the one `event: done` that ends a stream after its token events.' });

/** The body of a /generate answer with `stream: true`; the event payloads are the schemas named in its description. */
export const GenerateEventStream = z.string().openapi({
  description:
    'Server-Sent Events: `event: token` per token (data: GenerateTokenEvent, `id:` its index), then one `event: done` (data: GenerateDoneEvent). A failure after the first event ends the stream with one `event: error` whose data is the Error envelope, requestId included.',
});

export const ScoreResponse = z
  .object({
    model: z.string(),
    input: TextInfo,
    scored: z.int().openapi({ description: 'Tokens that received a probability (see the README for which).' }),
    tokens: z.array(z.string()),
    logProbs: z.array(logProb),
    crossEntropy: z.object({ nats: z.number(), bits: z.number() }).nullable(),
    perplexity: z.number().nullable().openapi({ description: 'exp(cross-entropy in nats); null when nothing was scored or a token has probability 0.' }),
  })
  .openapi('ScoreResponse');

export const RankResponse = z
  .object({
    model: z.string(),
    ranked: z.array(
      z.object({
        rank: z.int().openapi({ description: '1 for the most likely candidate.' }),
        index: z.int().openapi({ description: 'Position of the candidate in the request.' }),
        text: z.string(),
        logProb: logProb.openapi({ description: 'Total natural-log probability of the scored tokens; null when the probability is 0 or no token was scored (those rank last).' }),
        tokens: z.int().openapi({ description: 'Tokens that received a probability.' }),
        perplexity: z.number().nullable().openapi({ description: 'Per-token perplexity; null when nothing was scored or a token has probability 0.' }),
      }),
    ),
  })
  .openapi('RankResponse');

export const ErrorResponse = z
  .object({ error: z.object({ code: z.string(), message: z.string(), requestId: z.string().optional() }) })
  .openapi('Error');

export const HealthResponse = z
  .object({
    status: z.literal('ok'),
    models: z.array(z.string()),
    rejected: z.array(z.object({ id: z.string(), reason: z.string() })),
  })
  .openapi('Health');
