import { createRoute, type z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { ModelRegistry } from '../../models/registry.ts';
import { requireJsonBody, type App } from '../shared.ts';
import { completeChoice, joinLogprobs, preparePrompt, seedOf, type Piece } from './choice.ts';
import { openaiErrorOf } from './errors.ts';
import { modelOf } from './models.ts';
import { planCompletion } from './params.ts';
import { SseBatch } from '../../sse-batch.ts';
import { OPENAI_ERRORS, openaiValidationHook } from './responses.ts';
import { Completion, CompletionChunk, CompletionEventStream, CompletionRequest } from './schemas.ts';

const route = createRoute({
  method: 'post',
  path: '/openai/v1/completions',
  summary: "OpenAI-compatible completions (OpenAI's legacy completions API): generation, echo with prompt log-probabilities, streaming",
  middleware: [requireJsonBody],
  request: { body: { required: true, content: { 'application/json': { schema: CompletionRequest } } } },
  responses: {
    200: {
      description: 'The completion, or with `stream: true` an event stream of chunks ending in `data: [DONE]`',
      content: { 'application/json': { schema: Completion }, 'text/event-stream': { schema: CompletionEventStream } },
    },
    ...OPENAI_ERRORS,
  },
});

type Chunk = z.infer<typeof CompletionChunk>;

export function openaiCompletionRoutes(app: App, registry: ModelRegistry): void {
  app.openapi(
    route,
    async (c) => {
      const plan = planCompletion(c.req.valid('json'));
      // Model and prompt problems are found before any byte is sent, so they still get a 4xx.
      const model = await modelOf(registry, plan.model);
      const prompts = [];
      for (const p of plan.prompts) prompts.push(await preparePrompt(model, p, plan));
      const head = { id: `cmpl-${crypto.randomUUID().replaceAll('-', '')}`, object: 'text_completion' as const, created: Math.floor(Date.now() / 1000), model: plan.model };
      const promptTokens = prompts.reduce((n, p) => n + p.input.ids.length, 0);
      const usage = (completionTokens: number) => ({ prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens });
      // Choice index = prompt index × n + j, as OpenAI numbers them.
      const choices = prompts.flatMap((prompt, i) => Array.from({ length: plan.n }, (_, j) => ({ prompt, index: i * plan.n + j, seed: seedOf(plan, j) })));

      if (!plan.stream) {
        let generated = 0;
        const out = [];
        for (const { prompt, index, seed } of choices) {
          const pieces: Piece[] = [];
          const it = completeChoice(model, prompt, plan, seed, c.req.raw.signal);
          let step = await it.next();
          for (; !step.done; step = await it.next()) pieces.push(step.value);
          generated += pieces.length - (prompt.echo !== null ? 1 : 0);
          out.push({ text: pieces.map((p) => p.text).join(''), index, logprobs: joinLogprobs(pieces, plan.logprobs !== null), finish_reason: step.value === 'stop' ? ('stop' as const) : ('length' as const) });
        }
        return c.json({ ...head, choices: out, usage: usage(generated) }, 200);
      }

      return streamSSE(c, async (stream) => {
        // As on /generate: Hono's write() swallows a closed stream's error, so the client leaving is
        // only seen through onAbort, which stops generation before the next token.
        const stop = new AbortController();
        stream.onAbort(() => stop.abort());
        // Every chunk repeats the head: serialise it once, and per token only the choice. Chunks are
        // written in groups, as /generate's events are (one write per token doubled the CPU).
        const headJson = JSON.stringify(head).slice(0, -1);
        const events = new SseBatch(stream);
        const send = (chunk: Omit<Chunk, keyof typeof head>) => events.add(null, `${headJson},${JSON.stringify(chunk).slice(1)}`);
        let generated = 0;
        try {
          for (const { prompt, index, seed } of choices) {
            const it = completeChoice(model, prompt, plan, seed, stop.signal);
            let step = await it.next();
            for (; !step.done; step = await it.next()) {
              if (step.value !== prompt.echo) generated++;
              await send({ choices: [{ text: step.value.text, index, logprobs: step.value.logprobs, finish_reason: null }] });
            }
            if (step.value === 'abort') return;
            await send({ choices: [{ text: '', index, logprobs: plan.logprobs === null ? null : joinLogprobs([], true), finish_reason: step.value }] });
          }
          if (plan.includeUsage) await send({ choices: [], usage: usage(generated) });
          await events.add(null, '[DONE]');
          await events.flush();
        } catch (error) {
          // Headers are sent by now: the failure is one data line in OpenAI's error shape, then the end.
          console.error(error);
          await events.flush();
          await stream.writeSSE({ data: JSON.stringify(openaiErrorOf(error).body) });
        }
      });
    },
    openaiValidationHook,
  );
}
