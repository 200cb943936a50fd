/**
 * Routes only the benchmark's worker has: they time many model calls inside
 * one request, because workerd's clock has 1 ms resolution and an HTTP round
 * trip through wrangler dev costs more than the inference being measured.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Rng } from '@seqlm/core/random';
import { logSumExp, sampleToken } from '@seqlm/core/sampling';
import { UNK_ID } from '@seqlm/core/vocab';
import type { ModelRegistry } from '../src/models/registry.ts';
import type { ModelSource } from '../src/models/source.ts';
import { createSession, ort } from '../src/ort.ts';
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

/**
 * Generation written straight against onnxruntime, as the worker did before
 * core's runtime existed: one prefill run, then a T = 1 run per token with the
 * state carried, each draw by core's sampler (with its log-prob, as the
 * runtime reports it). What `LanguageModel.generate` is compared with. It
 * knows the bench model by heart (one-layer GRU, @seqlm/train's tensor names
 * ids, h0 → logits, hT), as a hand-written loop would; the runtime reads the
 * same from the manifest's `onnx.io`.
 */
async function rawOrtGenerate(session: ort.InferenceSession, vocabSize: number, hiddenSize: number, prompt: Int32Array, maxTokens: number, seed: number): Promise<number> {
  const rng = new Rng(seed);
  const options = { temperature: 1, excludeIds: [UNK_ID] };
  let feeds: Record<string, ort.Tensor> = { ids: new ort.Tensor('int32', prompt, [1, prompt.length]), h0: new ort.Tensor('float32', new Float32Array(hiddenSize), [1, 1, hiddenSize]) };
  let out = await session.run(feeds, ['logits', 'hT']);
  let rows = prompt.length;
  let total = 0;
  for (let n = 0; n < maxTokens; n++) {
    const logits = (out.logits!.data as Float32Array).subarray((rows - 1) * vocabSize);
    const id = sampleToken(logits, options, rng);
    total += (logits[id] as number) - logSumExp(logits);
    if (n + 1 === maxTokens) break;
    feeds = { ids: new ort.Tensor('int32', Int32Array.of(id), [1, 1]), h0: out.hT! };
    out = await session.run(feeds, ['logits', 'hT']);
    rows = 1;
  }
  return total;
}

// The raw loop's own session (created once), apart from the registry's.
let layerSession: Promise<ort.InferenceSession> | undefined;

export function benchRoutes(app: OpenAPIHono, registry: ModelRegistry, sources: readonly ModelSource[]): void {
  // Generation of `runs` × `maxTokens` tokens through core's runtime (`LanguageModel.generate`) or
  // through a raw onnxruntime loop doing the same work; the caller reads the process's CPU around it.
  app.post('/__bench/layer', async (c) => {
    const { model: id, text, mode, runs, maxTokens } = await c.req.json<{ model: string; text: string; mode: 'runtime' | 'ort'; runs: number; maxTokens: number }>();
    const model = await registry.get(id);
    const source = sources.find((s) => s.id === id);
    const manifest = model.manifest as { architecture?: { vocabSize: number; hiddenSize: number }; onnx?: { file: string } };
    if (source === undefined || manifest.onnx === undefined || manifest.architecture === undefined) throw new Error(`${id} is not a bundled ONNX model`);
    const ids = model.encodePrefix(text).ids;
    let once: (seed: number) => Promise<unknown>;
    if (mode === 'runtime') {
      once = async (seed) => {
        let n = 0;
        for await (const _ of model.generate(ids, { maxTokens, temperature: 1, seed })) n++;
        if (n !== maxTokens) throw new Error(`generated ${n} tokens, not ${maxTokens}`);
      };
    } else {
      layerSession ??= createSession(source.files[manifest.onnx.file] as ArrayBuffer);
      const session = await layerSession;
      const { vocabSize, hiddenSize } = manifest.architecture;
      once = (seed) => rawOrtGenerate(session, vocabSize, hiddenSize, ids, maxTokens, seed);
    }
    const start = performance.now();
    for (let i = 0; i < runs; i++) await once(i + 1);
    return c.json({ ms: performance.now() - start });
  });

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
