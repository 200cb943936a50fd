import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { Rng, UNK_ID } from '@seqlm/core';
import { logSumExp, sampleToken, type SamplingOptions } from '@seqlm/core/sampling';
import type { LanguageModel } from '../models/language-model.ts';
import { describeError, errorBody } from '../errors.ts';
import { GenerateRequest, GenerateResponse, ModelParams, type GenerateInput } from '../schemas.ts';
import { MODEL_ERRORS, encodeInput, finiteOrNull, requireJsonBody, type App, type RouteDeps } from './shared.ts';

const route = createRoute({
  method: 'post',
  path: '/v1/models/{id}/generate',
  summary: 'Sample text after a prompt; with `stream: true`, Server-Sent Events (one `token` event per token, then `done`)',
  middleware: [requireJsonBody],
  request: {
    params: ModelParams,
    body: { required: true, content: { 'application/json': { schema: GenerateRequest } } },
  },
  responses: {
    200: {
      description: 'The generated text, or with `stream: true` an event stream',
      content: {
        'application/json': { schema: GenerateResponse },
        'text/event-stream': {
          schema: z.string().openapi({
            description:
              'event: token, data: {index, id, token, logProb} per token; then event: done, data: {model, input, text, totalLogProb, finishReason, count} (the GenerateResponse without the per-token arrays ids, tokens and logProbs). A failure after the first event is event: error, data: the Error envelope with its requestId.',
          }),
        },
      },
    },
    ...MODEL_ERRORS,
  },
});

export interface SampledToken {
  index: number;
  id: number;
  token: string;
  /** ln p(token | prompt, tokens so far) under the model itself (temperature 1, no truncation). */
  logProb: number;
}

/**
 * Decodes after the prompt: the prompt is consumed in one pass, then each
 * draw is fed back with the state carried over (D2L 9.5 `predict`). A stop id
 * (`</s>`) ends generation and is not emitted, as in core's `generateTokens`.
 * `<unk>` is never drawn: generated text should not say "unknown".
 */
export async function* sample(model: LanguageModel, ids: Int32Array, body: Pick<GenerateInput, 'temperature' | 'topK' | 'topP' | 'seed' | 'maxTokens'>): AsyncGenerator<SampledToken, 'length' | 'stop'> {
  const options: SamplingOptions = { temperature: body.temperature, excludeIds: [UNK_ID] };
  if (body.topK !== undefined) options.topK = body.topK;
  if (body.topP !== undefined) options.topP = body.topP;
  const rng = new Rng(body.seed);
  const stop = new Set(model.stopIds);
  const decoder = await model.decoder(ids);
  for (let index = 0; index < body.maxTokens; index++) {
    const scores = decoder.scores;
    const id = sampleToken(scores, options, rng);
    if (stop.has(id)) return 'stop';
    yield { index, id, token: model.vocab.tokenOf(id), logProb: (scores[id] as number) - logSumExp(scores) };
    if (index + 1 < body.maxTokens) await decoder.push(id);
  }
  return 'length';
}

export function generateRoutes(app: App, { registry }: RouteDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    // Model and input problems are found before any byte is sent, so they still get a 4xx.
    const model = await registry.get(id);
    const input = encodeInput(model, body.prompt, 'prompt', 'prefix');
    const detokenize = (tokens: string[]): string => (model.manifest.text.tokenizer === 'char' ? tokens.join('') : tokens.join(' '));
    // What both answers share; the per-token arrays are only in the JSON one, as each token event carries its own.
    const summary = (tokens: SampledToken[], finishReason: 'length' | 'stop') => {
      let total = 0;
      for (const t of tokens) total += t.logProb;
      return {
        model: id,
        input: { tokens: input.ids.length, oov: input.oov },
        text: detokenize(tokens.map((t) => t.token)),
        totalLogProb: finiteOrNull(total),
        finishReason,
      };
    };

    if (!body.stream) {
      const tokens: SampledToken[] = [];
      const it = sample(model, input.ids, body);
      let step = await it.next();
      for (; !step.done; step = await it.next()) tokens.push(step.value);
      return c.json(
        {
          ...summary(tokens, step.value),
          ids: tokens.map((t) => t.id),
          tokens: tokens.map((t) => t.token),
          logProbs: tokens.map((t) => finiteOrNull(t.logProb)),
        },
        200,
      );
    }

    return streamSSE(c, async (stream) => {
      const tokens: SampledToken[] = [];
      try {
        const it = sample(model, input.ids, body);
        let step = await it.next();
        for (; !step.done; step = await it.next()) {
          tokens.push(step.value);
          const { index, id: tokenId, token, logProb } = step.value;
          await stream.writeSSE({ event: 'token', id: String(index), data: JSON.stringify({ index, id: tokenId, token, logProb: finiteOrNull(logProb) }) });
        }
        await stream.writeSSE({ event: 'done', data: JSON.stringify({ ...summary(tokens, step.value), count: tokens.length }) });
      } catch (error) {
        // Headers are sent by now, so a failure mid-stream is one event in the error envelope. Caught
        // here rather than in streamSSE's onError, after which Hono writes a second error event
        // carrying the raw message.
        console.error(error);
        const { code, message } = describeError(error);
        await stream.writeSSE({ event: 'error', data: JSON.stringify(errorBody(c, code, message)) });
      }
    });
  });
}
