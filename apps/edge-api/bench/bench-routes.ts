/**
 * Routes only the benchmark's worker has: they time many model calls inside
 * one request, because workerd's clock has 1 ms resolution and an HTTP round
 * trip through wrangler dev costs more than the inference being measured.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ModelRegistry } from '../src/models/registry.ts';
import { sample } from '../src/routes/generate.ts';

interface RouteTimingRequest {
  path: string;
  body: unknown;
  runs: number;
}

interface TimingRequest {
  model: string;
  text: string;
  runs: number;
  maxTokens?: number;
}

export function benchRoutes(app: OpenAPIHono, registry: ModelRegistry): void {
  // ms per /next-style call: one prefill run over the text, then log-softmax of the last row.
  app.post('/__bench/next', async (c) => {
    const { model: id, text, runs } = await c.req.json<TimingRequest>();
    const model = await registry.get(id);
    const ids = model.encodePrefix(text).ids;
    await model.nextLogProbs(ids);
    const start = performance.now();
    for (let i = 0; i < runs; i++) await model.nextLogProbs(ids);
    return c.json({ runs, promptTokens: ids.length, ms: performance.now() - start });
  });

  // ms per /generate-style call: prefill the prompt, then maxTokens sampled steps with carried state.
  app.post('/__bench/generate', async (c) => {
    const { model: id, text, runs, maxTokens = 200 } = await c.req.json<TimingRequest>();
    const model = await registry.get(id);
    const ids = model.encodePrefix(text).ids;
    let generated = 0;
    const once = async (seed: number): Promise<void> => {
      for await (const _ of sample(model, ids, { maxTokens, temperature: 1, seed })) generated++;
    };
    await once(0);
    generated = 0;
    const start = performance.now();
    for (let i = 0; i < runs; i++) await once(i + 1);
    return c.json({ runs, promptTokens: ids.length, generated, ms: performance.now() - start });
  });

  // ms for `runs` requests through one of the app's own routes, each answer read to its end: the
  // whole route (validation, model work, JSON or SSE) without HTTP, so two routes' overheads compare.
  app.post('/__bench/route', async (c) => {
    const { path, body, runs } = await c.req.json<RouteTimingRequest>();
    const once = async (): Promise<number> => {
      const res = await app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const bytes = (await res.arrayBuffer()).byteLength;
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      return bytes;
    };
    await once();
    let bytes = 0;
    const start = performance.now();
    for (let i = 0; i < runs; i++) bytes += await once();
    return c.json({ runs, bytes, ms: performance.now() - start });
  });
}
