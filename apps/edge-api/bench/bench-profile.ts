/**
 * The benchmark worker's in-worker profile: whole requests through the app
 * (`app.fetch`, no HTTP, no dev proxy) and the pieces of one request, each
 * timed over many repetitions inside one request because workerd's clock has
 * 1 ms resolution. It says where a request's CPU goes beyond the HTTP floor.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { GeneratedToken } from '@seqlm/core/lm';
import { Rng } from '@seqlm/core/random';
import { sampleToken, topIndices } from '@seqlm/core/sampling';
import type { ModelRegistry } from '../src/models/registry.ts';
import { GenerateRequest, NextRequest } from '../src/schemas.ts';
import { sample } from '../src/routes/generate.ts';

interface AppRequest {
  path: string;
  body?: unknown;
  runs: number;
}

/** ms per run of `fn` over `runs` runs, after one warm-up run. */
async function time(runs: number, fn: () => unknown): Promise<number> {
  await fn();
  const start = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  return (performance.now() - start) / runs;
}

export function benchProfile(app: OpenAPIHono, registry: ModelRegistry): void {
  // ms per whole request handled by the app itself, response body read to its end.
  app.post('/__bench/app', async (c) => {
    const { path, body, runs } = await c.req.json<AppRequest>();
    const init = (): RequestInit =>
      body === undefined ? { method: 'GET' } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    const ms = await time(runs, async () => {
      const res = await app.fetch(new Request(`http://bench.local${path}`, init()));
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    });
    return c.json({ runs, ms });
  });

  // ms per piece of the costliest requests: parsing, validation, the model run, the answer's building.
  app.post('/__bench/pieces', async (c) => {
    const { model: id, text, prompt, runs } = await c.req.json<{ model: string; text: string; prompt: string; runs: number }>();
    const model = await registry.get(id);
    const nextBody = JSON.stringify({ text, topK: 65_536, full: true });
    const ids = model.encodePrefix(text).ids;
    const logProbs = await model.nextLogProbs(ids);
    const promptIds = model.encodePrefix(prompt).ids;
    const genBody = { prompt, maxTokens: 200, topK: 65_536, topP: 0.99, temperature: 0.8, seed: 1 };
    const tokens: GeneratedToken[] = [];
    for await (const t of sample(model, promptIds, genBody)) tokens.push(t);
    const enc = new TextEncoder();
    const pieces: Record<string, number> = {
      'JSON.parse /next body': await time(runs, () => JSON.parse(nextBody)),
      'zod NextRequest': await time(runs, () => NextRequest.safeParse(JSON.parse(nextBody))),
      'zod GenerateRequest': await time(runs, () => GenerateRequest.safeParse(genBody)),
      encodePrefix: await time(runs, () => model.encodePrefix(text)),
      'nextLogProbs (one prefill run)': await time(runs / 10, () => model.nextLogProbs(ids)),
      'score (one run + rows)': await time(runs / 10, () => model.score(model.encode(text))),
      'topIndices, all V': await time(runs, () => topIndices(logProbs, logProbs.length)),
      'full vector JSON': await time(runs, () => JSON.stringify({ probs: Array.from(logProbs, Math.exp) })),
      'generate 200 tokens (sampling + runs)': await time(runs / 50, async () => {
        for await (const _ of sample(model, promptIds, genBody));
      }),
      'SSE framing of 200 token events': await time(runs / 10, () => {
        for (const t of tokens) enc.encode(`event: token\nid: ${t.index}\ndata: ${JSON.stringify({ index: t.index, id: t.id, token: t.token, logProb: t.logProb })}\n\n`);
      }),
    };
    return c.json(pieces);
  });

  // One piece of a generation step, `runs` times, for a CPU reading from outside (workerd's clock is too coarse for a step).
  app.post('/__bench/step', async (c) => {
    const { model: id, piece, runs } = await c.req.json<{ model: string; piece: 'run' | 'feed' | 'sample'; runs: number }>();
    const model = await registry.get(id);
    const predictor = model.predictor as unknown as { run(ids: Int32Array, state: unknown): Promise<{ state: unknown }> };
    const cursor = await model.cursorAfter('the');
    let state = (await predictor.run(Int32Array.of(1), null)).state;
    const rng = new Rng(1);
    const scores = cursor.scores as Float32Array;
    const options = { temperature: 0.8, topK: 65_536, topP: 0.99, excludeIds: [0] };
    for (let i = 0; i < runs; i++) {
      if (piece === 'run') state = (await predictor.run(Int32Array.of(1 + (i % 27)), state)).state;
      else if (piece === 'feed') await cursor.feed([1 + (i % 27)]);
      else sampleToken(scores, options, rng);
    }
    return c.json({ runs });
  });
}
