import { createRoute } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { FinishReason, GeneratedToken, LanguageModel } from '@seqlm/core/lm';
import { describeError, errorBody } from '../errors.ts';
import { SseBatch } from '../sse-batch.ts';
import { GenerateEventStream, GenerateRequest, GenerateResponse, ModelParams, type GenerateInput } from '../schemas.ts';
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
        'text/event-stream': { schema: GenerateEventStream },
      },
    },
    ...MODEL_ERRORS,
  },
});

/**
 * Samples after the prompt with core's runtime (one run over the prompt, then
 * one step per token with the state carried over, D2L 9.5 `predict`). A stop
 * id (`</s>`) ends generation and is not emitted; `<unk>` is never drawn.
 * Generation stops between two tokens once `signal` aborts.
 */
export function sample(
  model: LanguageModel,
  ids: Int32Array,
  body: Pick<GenerateInput, 'temperature' | 'topK' | 'topP' | 'seed' | 'maxTokens'>,
  signal?: AbortSignal,
): AsyncGenerator<GeneratedToken, FinishReason> {
  return model.generate(ids, {
    maxTokens: body.maxTokens,
    temperature: body.temperature,
    seed: body.seed,
    ...(body.topK !== undefined ? { topK: body.topK } : {}),
    ...(body.topP !== undefined ? { topP: body.topP } : {}),
    ...(signal !== undefined ? { signal } : {}),
  });
}

export function generateRoutes(app: App, { registry }: RouteDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    // Model and input problems are found before any byte is sent, so they still get a 4xx.
    const model = await registry.get(id);
    const input = encodeInput(model, body.prompt, 'prompt', 'prefix');
    // What both answers share; the per-token arrays are only in the JSON one, as each token event carries its own.
    const summary = (tokens: GeneratedToken[], finishReason: FinishReason) => {
      let total = 0;
      for (const t of tokens) total += t.logProb;
      return {
        model: id,
        input: { tokens: input.ids.length, oov: input.oov },
        text: model.detokenize(tokens.map((t) => t.token)),
        totalLogProb: finiteOrNull(total),
        finishReason,
      };
    };

    if (!body.stream) {
      const tokens: GeneratedToken[] = [];
      const it = sample(model, input.ids, body, c.req.raw.signal);
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
      const tokens: GeneratedToken[] = [];
      // Hono's write() swallows the error of a closed stream, so the client leaving is only seen
      // through onAbort: it stops generation before the next token (nobody would read it).
      const stop = new AbortController();
      stream.onAbort(() => stop.abort());
      // One write per token cost 2.5x the JSON answer's CPU; events are written in groups (sse-batch.ts).
      const events = new SseBatch(stream);
      try {
        const it = sample(model, input.ids, body, stop.signal);
        let step = await it.next();
        for (; !step.done; step = await it.next()) {
          tokens.push(step.value);
          const { index, id: tokenId, token, logProb } = step.value;
          await events.add('token', JSON.stringify({ index, id: tokenId, token, logProb: finiteOrNull(logProb) }), String(index));
        }
        if (step.value === 'abort') return;
        await events.add('done', JSON.stringify({ ...summary(tokens, step.value), count: tokens.length }));
        await events.flush();
      } catch (error) {
        // Headers are sent by now, so a failure mid-stream is one event in the error envelope. Caught
        // here rather than in streamSSE's onError, after which Hono writes a second error event
        // carrying the raw message.
        console.error(error);
        const { code, message } = describeError(error);
        await events.flush();
        await stream.writeSSE({ event: 'error', data: JSON.stringify(errorBody(c, code, message)) });
      }
    });
  });
}
