/**
 * The edge API's benchmark (bounded loops, loopback only):
 * - CPU per request at every documented maximum (/next with the full vector,
 *   /score, /generate as JSON and streamed), read as the workerd process's CPU
 *   time over many requests to the deployable bundle served by a bare workerd
 *   (bench/plain-workerd.ts), and the cold first request on a fresh isolate;
 * - in-worker ms/token for /next and /generate on a char GRU-256, timed over
 *   many runs inside one request (workerd's clock has 1 ms resolution), and
 *   per generated token through /openai/v1/completions against /generate;
 * - HTTP p50/p99 through `wrangler dev` for 5,000 sequential and 5,000
 *   16-concurrent /next requests, with the error count;
 * - cold start (the first request after wrangler dev is ready: isolate, ORT
 *   init and session creation) and the bundle size of `wrangler deploy --dry-run`.
 * The benchmark's worker is the app plus bench/bench-routes.ts, generated
 * under .wrangler/bench so the production worker carries no timing routes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchRow } from '../../../scripts/bench-kit.ts';
import { MAX_GENERATE_TOKENS, MAX_PROMPT_CHARS, MAX_TEXT_CHARS, MAX_TOP_K } from '../src/limits.ts';
import { BENCH_MODEL_ID, makeBenchModel } from './make-bench-model.ts';
import { startPlainWorkerd } from './plain-workerd.ts';
import { cpuMsOf, workerdPids } from './worker-cpu.ts';

const appDir = resolve(import.meta.dirname, '..');
const workDir = resolve(appDir, '.wrangler', 'bench');
const wranglerBin = resolve(appDir, '..', '..', 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
const PORT = Number(process.env.SEQLM_BENCH_PORT ?? 8797);
const BASE = `http://127.0.0.1:${PORT}`;
const HTTP_REQUESTS = 5000;
const CONCURRENCY = 16;
const PROMPT = 'the time traveller for so it will be convenient to speak of him was';

function prepareWorker(): void {
  mkdirSync(workDir, { recursive: true });
  writeFileSync(
    join(workDir, 'models.config.json'),
    JSON.stringify({
      models: [
        join(workDir, 'models', BENCH_MODEL_ID),
        resolve(appDir, 'test', 'fixtures', 'ngram-char3'),
        // The same GRU again, read from wrangler dev's local R2 instead of the bundle.
        { id: R2_MODEL_ID, r2: { binding: 'MODELS', prefix: `${BENCH_MODEL_ID}/` } },
      ],
    }),
  );
  const gen = spawnSync(process.execPath, ['scripts/gen-models.ts', '--config', join(workDir, 'models.config.json'), '--out', join(workDir, 'generated.ts'), '--strict'], {
    cwd: appDir,
    encoding: 'utf8',
  });
  if (gen.status !== 0) throw new Error(`gen-models failed: ${gen.stderr}`);
  writeFileSync(
    join(workDir, 'worker.ts'),
    [
      "import { createApp } from '../../src/app.ts';",
      "import { r2Model } from '../../src/models/r2-source.ts';",
      "import { ModelRegistry } from '../../src/models/registry.ts';",
      "import { benchRoutes } from '../../bench/bench-routes.ts';",
      "import { benchProfile } from '../../bench/bench-profile.ts';",
      "import { warmUp } from '../../src/warm-up.ts';",
      "import { MODEL_SOURCES, R2_MODELS, REJECTED_MODELS } from './generated.ts';",
      // As src/index.ts does: onnxruntime and the GRU's session start with the isolate.
      'warmUp(MODEL_SOURCES);',
      'let app;',
      'export default {',
      '  fetch(request, env, ctx) {',
      "    // The harness floor: workerd's HTTP and wrangler dev's proxy, with no app at all.",
      "    if (new URL(request.url).pathname === '/__bench/noop') return request.method === 'POST' ? request.text().then((t) => new Response(String(t.length))) : new Response('ok');",
      '    if (app === undefined) {',
      '      const registry = new ModelRegistry(MODEL_SOURCES, REJECTED_MODELS, R2_MODELS.map((ref) => r2Model(ref, env)));',
      '      app = createApp(registry);',
      '      benchRoutes(app, registry, MODEL_SOURCES);',
      '      benchProfile(app, registry);',
      '    }',
      '    return app.fetch(request, env, ctx);',
      '  },',
      '};',
      '',
    ].join('\n'),
  );
  const config = JSON.parse(readFileSync(join(appDir, 'wrangler.jsonc'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>;
  writeFileSync(
    join(workDir, 'wrangler.jsonc'),
    JSON.stringify({ ...config, name: 'seqlm-edge-api-bench', main: 'worker.ts', $schema: undefined, r2_buckets: [{ binding: 'MODELS', bucket_name: R2_BUCKET }] }, null, 2),
  );
  // Into wrangler dev's local R2 (workDir/.wrangler/state), with the upload script the README gives.
  const upload = spawnSync(
    process.execPath,
    [resolve(appDir, 'scripts', 'r2-upload.ts'), join(workDir, 'models', BENCH_MODEL_ID), `${R2_BUCKET}/${BENCH_MODEL_ID}/`, '--local', '--config', join(workDir, 'wrangler.jsonc')],
    { cwd: workDir, env, encoding: 'utf8' },
  );
  if (upload.status !== 0) throw new Error(`r2-upload failed: ${upload.stderr}`);
}

const R2_MODEL_ID = `${BENCH_MODEL_ID}-r2`;
const R2_BUCKET = 'seqlm-bench';

/** The production upload: models.config.json's models (whichever are trained) in the `production` environment. */
function bundleSize(): BenchRow[] {
  const gen = spawnSync(process.execPath, ['scripts/gen-models.ts'], { cwd: appDir, encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`gen-models failed: ${gen.stderr}`);
  const outDir = join(workDir, 'dist');
  const run = spawnSync(process.execPath, [wranglerBin, 'deploy', '--env', 'production', '--dry-run', '--outdir', outDir], { cwd: appDir, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`wrangler deploy --dry-run failed: ${run.stderr}`);
  let raw = 0;
  let gzip = 0;
  let jsRaw = 0;
  let jsGzip = 0;
  for (const file of readdirSync(outDir)) {
    if (file.endsWith('.map') || file === 'README.md') continue;
    const bytes = readFileSync(join(outDir, file));
    const z = gzipSync(bytes, { level: 9 }).length;
    raw += statSync(join(outDir, file)).size;
    gzip += z;
    if (file.endsWith('.js')) {
      jsRaw += bytes.length;
      jsGzip += z;
    }
  }
  const mb = (n: number) => n / 1024 / 1024;
  const served = gen.stdout.match(/serving \S+/g)?.map((m) => m.slice('serving '.length)) ?? [];
  return [
    { name: 'bundle size, raw (wrangler deploy --env production --dry-run)', value: mb(raw), unit: 'MiB', note: `ort wasm + worker JS + bundled models: ${served.join(', ') || 'none trained yet'}` },
    { name: 'bundle size, gzip', value: mb(gzip), unit: 'MiB', goal: { op: '<=', value: 10 }, note: 'the older Paid limit, 10 MiB compressed (Free: 3 MiB); the current limits page gives 64 MiB on both plans' },
    { name: 'worker JS, raw', value: jsRaw / 1024, unit: 'KiB' },
    { name: 'worker JS, gzip', value: jsGzip / 1024, unit: 'KiB' },
  ];
}

async function startDev(): Promise<{ child: ChildProcess; readyMs: number }> {
  const start = performance.now();
  const child = spawn(process.execPath, [wranglerBin, 'dev', '--config', join(workDir, 'wrangler.jsonc'), '--local', '--ip', '127.0.0.1', '--port', String(PORT)], {
    cwd: workDir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`wrangler dev did not become ready in 60 s:\n${log}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (log.includes('Ready on')) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`wrangler dev exited (${code}):\n${log}`)));
  });
  return { child, readyMs: performance.now() - start };
}

/** Stops wrangler and its workerd (the process group wrangler leads) and waits until both are gone, so the port is free again. */
async function stopDev(child: ChildProcess): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  const alive = (): boolean => (child.exitCode === null && child.signalCode === null) || workerdPids(pgid).length > 0;
  for (const [signal, waitMs] of [['SIGTERM', 5000], ['SIGKILL', 2000]] as const) {
    if (!alive()) return;
    try {
      process.kill(-pgid, signal);
    } catch {
      /* already gone */
    }
    for (let waited = 0; alive() && waited < waitMs; waited += 100) await new Promise((r) => setTimeout(r, 100));
  }
}

async function postJson(path: string, body: unknown): Promise<{ status: number; json: Record<string, number> }> {
  const res = await fetch(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, number> };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** A text of `n` code points from the bench model's vocabulary, so every character is a token. */
function textOf(n: number): string {
  return PROMPT.repeat(Math.ceil(n / PROMPT.length)).slice(0, n);
}

/** The costliest request each endpoint accepts (src/limits.ts), on the bench GRU. */
function maxRequests(): { name: string; path: string; body: unknown }[] {
  const generate = { prompt: textOf(MAX_PROMPT_CHARS), maxTokens: MAX_GENERATE_TOKENS, topK: MAX_TOP_K, topP: 0.99, temperature: 0.8 };
  return [
    { name: `/next, ${MAX_TEXT_CHARS}-char text, full vector, topK ${MAX_TOP_K}`, path: 'next', body: { text: textOf(MAX_TEXT_CHARS), topK: MAX_TOP_K, full: true } },
    { name: `/score, ${MAX_TEXT_CHARS}-char text`, path: 'score', body: { text: textOf(MAX_TEXT_CHARS) } },
    { name: `/generate JSON, ${MAX_PROMPT_CHARS}-char prompt + ${MAX_GENERATE_TOKENS} tokens, topK + topP`, path: 'generate', body: generate },
    { name: `/generate streamed, ${MAX_PROMPT_CHARS}-char prompt + ${MAX_GENERATE_TOKENS} tokens, topK + topP`, path: 'generate', body: { ...generate, stream: true } },
  ];
}

/** Where CPU per request is read: a server's base URL and the workerd processes serving it. */
interface CpuTarget {
  base: string;
  pids: number[];
}

/** The workerd processes' CPU per request over `runs` sequential requests (after a warm-up), each read to its end. */
async function cpuPerRequest(target: CpuTarget, path: string, body: unknown, runs: number): Promise<number> {
  const once = async (seed: number): Promise<void> => {
    const withSeed = typeof body === 'object' && body !== null && 'maxTokens' in body ? { ...body, seed } : body;
    const res = await fetch(`${target.base}/v1/models/${BENCH_MODEL_ID}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(withSeed) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  };
  for (let i = 0; i < 5; i++) await once(i);
  const before = cpuMsOf(target.pids);
  for (let i = 0; i < runs; i++) await once(100 + i);
  return (cpuMsOf(target.pids) - before) / runs;
}

const WARM_UP_RUNS = 40;

/**
 * Every maximal request a few dozen times before any is read: V8 compiles the
 * hot JS and onnxruntime's wasm functions again, optimised, on background
 * threads whose CPU the process's figure counts, once per isolate. Without
 * this, whichever kind was read first carried that one-off cost (1-3 ms per
 * request of the first kind here).
 */
async function warmUp(target: CpuTarget): Promise<void> {
  for (let i = 0; i < WARM_UP_RUNS; i++) {
    for (const { path, body } of maxRequests()) {
      const withSeed = typeof body === 'object' && body !== null && 'maxTokens' in body ? { ...body, seed: i } : body;
      const res = await fetch(`${target.base}/v1/models/${BENCH_MODEL_ID}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(withSeed) });
      await res.arrayBuffer();
    }
  }
}

/** CPU per plain request to `path` (a GET, or a POST of `body`). */
async function cpuPerPlain(target: CpuTarget, path: string, runs: number, body?: string): Promise<number> {
  const init: RequestInit = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body };
  const before = cpuMsOf(target.pids);
  for (let i = 0; i < runs; i++) await (await fetch(`${target.base}${path}`, init)).arrayBuffer();
  return (cpuMsOf(target.pids) - before) / runs;
}

const CPU_GOAL_MS = 8;
const CPU_RUNS = 120;

/** The harness floors: a GET and a POST of the largest /next body answered before the app, so no app work at all. */
async function floors(target: CpuTarget): Promise<{ get: number; post: number }> {
  return { get: await cpuPerPlain(target, '/__bench/noop', CPU_RUNS), post: await cpuPerPlain(target, '/__bench/noop', CPU_RUNS, JSON.stringify(maxRequests()[0]?.body)) };
}

/** CPU per request at every documented maximum, on the bundle served by a bare workerd as Cloudflare serves it. */
async function cpuRows(target: CpuTarget): Promise<BenchRow[]> {
  const floor = await floors(target);
  const health = await cpuPerPlain(target, '/health', CPU_RUNS);
  const rows: BenchRow[] = [
    { name: 'CPU per request: GET of a bench-only path answered before the app (the harness floor)', value: floor.get, unit: 'ms', note: "bare workerd serving the deployable bundle: workerd's HTTP, no app" },
    { name: 'CPU per request: POST of a /next body to that path, read and dropped (the harness floor of a POST)', value: floor.post, unit: 'ms', note: 'in every figure below' },
    { name: 'CPU per request: GET /health (no model work: the fixed cost)', value: health, unit: 'ms', note: `workerd process CPU over ${CPU_RUNS} requests` },
  ];
  await warmUp(target);
  const perKind: Record<string, number> = {};
  for (const { name, path, body } of maxRequests()) {
    const ms = await cpuPerRequest(target, path, body, CPU_RUNS);
    perKind[name] = ms;
    rows.push({
      name: `CPU per request at the maximum: ${name}`,
      value: ms,
      unit: 'ms',
      goal: { op: '<=', value: CPU_GOAL_MS },
      note: `bare workerd serving the deployable bundle, process CPU over ${CPU_RUNS} requests (${(ms - floor.post).toFixed(1)} ms above the POST floor); Workers Free allows 10 ms`,
    });
  }
  const [json, streamed] = Object.values(perKind).slice(2) as [number, number];
  rows.push({ name: 'CPU of /generate streamed over JSON, at the maximum', value: streamed / json, unit: 'x', goal: { op: '<=', value: 1.2 } });
  return rows;
}

/** What `wrangler dev` adds to every request (its proxy worker and logging run in the same workerd process): why CPU is not read through it. */
async function devFloorRows(target: CpuTarget): Promise<BenchRow[]> {
  const floor = await floors(target);
  return [
    { name: 'CPU per request through wrangler dev: GET answered before the app', value: floor.get, unit: 'ms', note: "wrangler dev's proxy worker and request logging, in workerd: not run or billed by Cloudflare" },
    { name: 'CPU per request through wrangler dev: POST of a /next body, read and dropped', value: floor.post, unit: 'ms' },
  ];
}

/**
 * The first request on a fresh isolate: a new wrangler dev, then one /next.
 * CPU is the workerd processes' over that request alone (module evaluation at
 * startup is billed to the startup limit, not the request); wall is as the client saw it.
 */
async function coldStart(model: string): Promise<{ cpuMs: number; wallMs: number; startupMs: number }> {
  const { child } = await startDev();
  try {
    const pids = workerdPids(child.pid as number);
    await new Promise((r) => setTimeout(r, 500)); // let startup work settle before the CPU baseline
    const before = cpuMsOf(pids);
    const startupMs = before;
    const t0 = performance.now();
    const first = await postJson(`/v1/models/${model}/next`, { text: PROMPT });
    const wallMs = performance.now() - t0;
    if (first.status !== 200) throw new Error(`first request failed: ${JSON.stringify(first.json)}`);
    return { cpuMs: cpuMsOf(pids) - before, wallMs, startupMs };
  } finally {
    await stopDev(child);
  }
}

// Short rounds, alternating, many of them: on a loaded shared machine the load drifts within
// seconds, so each native/compatible pair is timed back to back and the pairs' ratios are pooled.
const COMPAT_ROUNDS = 41;
const COMPAT_RUNS = 2;

/**
 * Per generated token through the OpenAI-compatible completions route and
 * through the native /generate, JSON and streamed: the same prompt, seed and
 * 200 tokens (so the same model work), each route timed over many requests
 * inside one, in alternating rounds so drift in the machine's load hits both;
 * the ratio is the median of the rounds' ratios.
 */
async function compatibleVsNative(): Promise<BenchRow[]> {
  const prompt = 'the time traveller';
  const maxTokens = MAX_GENERATE_TOKENS;
  const native = { path: `/v1/models/${BENCH_MODEL_ID}/generate`, body: { prompt, maxTokens, seed: 1 } };
  const compatible = { path: '/openai/v1/completions', body: { model: BENCH_MODEL_ID, prompt, max_tokens: maxTokens, seed: 1 } };
  const check = await postJson(compatible.path, compatible.body);
  const generated = (check.json as unknown as { usage: { completion_tokens: number } }).usage.completion_tokens;
  if (generated !== maxTokens) throw new Error(`the compatible route generated ${generated} tokens, not ${maxTokens}`);
  const perToken = async (route: { path: string; body: object }, stream: boolean): Promise<number> => {
    const r = await postJson('/__bench/route', { path: route.path, body: { ...route.body, stream }, runs: COMPAT_RUNS });
    if (r.status !== 200) throw new Error(`/__bench/route answered ${r.status}`);
    return r.json.ms! / COMPAT_RUNS / maxTokens;
  };
  const rows: BenchRow[] = [];
  for (const stream of [false, true]) {
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < COMPAT_ROUNDS; round++) {
      a.push(await perToken(native, stream));
      b.push(await perToken(compatible, stream));
    }
    const how = stream ? 'streamed' : 'JSON';
    const ratios = b.map((x, i) => x / a[i]!);
    const sorted = [...ratios].sort((x, y) => x - y);
    rows.push(
      { name: `in-worker /generate route, ${how}, per generated token`, value: median(a), unit: 'ms/token', note: `median of ${COMPAT_ROUNDS} rounds of ${COMPAT_RUNS} requests, ${maxTokens} tokens each` },
      { name: `in-worker /openai/v1/completions route, ${how}, per generated token`, value: median(b), unit: 'ms/token', note: 'same prompt, seed and tokens' },
      {
        name: `compatible / native per-token cost, ${how}`,
        value: median(ratios),
        unit: 'x',
        goal: { op: '<=', value: 1.05 },
        note: `median of the rounds' ratios; quartiles ${sorted[Math.floor(sorted.length / 4)]!.toFixed(2)}–${sorted[Math.floor((3 * sorted.length) / 4)]!.toFixed(2)}`,
      },
    );
  }
  return rows;
}

const LAYER_ROUNDS = 15;
const LAYER_RUNS = 40;

/**
 * What core's runtime costs per generated token over onnxruntime itself:
 * `LanguageModel.generate` against a loop written straight against the
 * session (the worker's code before the runtime existed), the same prompt,
 * 200 tokens and seeds. Each side runs LAYER_RUNS generations in one request,
 * alternating, and is read as the workerd process's CPU (not wall time, which
 * a loaded machine inflates by descheduling); the ratio is of the totals.
 */
async function runtimeVsRawOrt(pids: number[]): Promise<BenchRow[]> {
  const maxTokens = 200;
  const cpu = { runtime: 0, ort: 0 };
  const ratios: number[] = [];
  for (let round = 0; round < LAYER_ROUNDS + 1; round++) {
    const pair = { runtime: 0, ort: 0 };
    for (const mode of (process.env.LAYER_MODES ?? 'ort,runtime').split(',') as ('ort' | 'runtime')[]) {
      const before = cpuMsOf(pids);
      const r = await postJson('/__bench/layer', { model: BENCH_MODEL_ID, text: 'the time traveller', mode, runs: LAYER_RUNS, maxTokens });
      if (r.status !== 200) throw new Error(`/__bench/layer answered ${r.status}`);
      pair[mode] = (cpuMsOf(pids) - before) / LAYER_RUNS / maxTokens;
    }
    if (round === 0) continue; // warm-up: the raw loop's session starts here
    cpu.runtime += pair.runtime / LAYER_ROUNDS;
    cpu.ort += pair.ort / LAYER_ROUNDS;
    ratios.push(pair.runtime / pair.ort);
  }
  const sorted = [...ratios].sort((x, y) => x - y);
  return [
    { name: "in-worker generation through core's runtime (LanguageModel.generate), CPU per token", value: cpu.runtime, unit: 'ms/token', note: `workerd CPU over ${LAYER_ROUNDS} × ${LAYER_RUNS} generations of ${maxTokens} tokens after an 18-char prompt, temperature 1` },
    { name: 'in-worker generation written straight against onnxruntime, CPU per token', value: cpu.ort, unit: 'ms/token', note: "one T = 1 run per token with the state carried, core's sampler: the worker's loop before the runtime" },
    {
      name: 'runtime layer / raw onnxruntime loop, CPU per generated token',
      value: cpu.runtime / cpu.ort,
      unit: 'x',
      goal: { op: '<=', value: 1.05 },
      note: `ratio of the totals, alternating rounds; the rounds' ratios span ${sorted[0]!.toFixed(2)}–${sorted.at(-1)!.toFixed(2)}`,
    },
  ];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const COLD_STARTS = 3;

async function load(concurrency: number): Promise<{ p50: number; p99: number; errors: number; rps: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const body = JSON.stringify({ text: PROMPT, topK: 5 });
  const worker = async (): Promise<void> => {
    while (next < HTTP_REQUESTS) {
      next++;
      const t0 = performance.now();
      try {
        const res = await fetch(`${BASE}/v1/models/${BENCH_MODEL_ID}/next`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, rps: HTTP_REQUESTS / seconds };
}

/**
 * What `npm run bench` measures, all by default; `SEQLM_EDGE_BENCH=cpu,profile`
 * (any of bundle, cold, cpu, profile, inworker, http) runs only those parts.
 */
const PARTS = new Set((process.env.SEQLM_EDGE_BENCH ?? 'bundle,cold,cpu,profile,inworker,http').split(',').map((p) => p.trim()));

export default async function edgeBench(): Promise<BenchRow[]> {
  await makeBenchModel(join(workDir, 'models'));
  prepareWorker();
  const rows: BenchRow[] = PARTS.has('bundle') ? [...bundleSize()] : [];
  if (PARTS.has('cold')) rows.push(...(await coldRows()));
  if (PARTS.has('cpu')) rows.push(...(await plainCpuRows()));
  const { child, readyMs } = await startDev();
  try {
    rows.push({ name: 'wrangler dev ready', value: readyMs, unit: 'ms', note: 'spawn to "Ready on"' });
    const first = await postJson(`/v1/models/${BENCH_MODEL_ID}/next`, { text: PROMPT });
    if (first.status !== 200) throw new Error(`first request failed: ${JSON.stringify(first.json)}`);
    const t1 = performance.now();
    await postJson(`/v1/models/${BENCH_MODEL_ID}/next`, { text: PROMPT });
    rows.push({ name: 'second (warm) /next', value: performance.now() - t1, unit: 'ms' });
    if (PARTS.has('cpu')) rows.push(...(await devFloorRows({ base: BASE, pids: workerdPids(child.pid as number) })));
    if (PARTS.has('profile')) rows.push(...(await profileRows(child.pid as number)));
    if (PARTS.has('inworker')) rows.push(...(await inWorkerRows(workerdPids(child.pid as number))));
    if (PARTS.has('http')) rows.push(...(await httpRows()));
  } finally {
    await stopDev(child);
  }
  return rows;
}

async function plainCpuRows(): Promise<BenchRow[]> {
  const config = JSON.parse(readFileSync(join(workDir, 'wrangler.jsonc'), 'utf8')) as { compatibility_date: string; compatibility_flags?: string[]; vars?: Record<string, string> };
  const server = await startPlainWorkerd({
    wranglerBin,
    config: join(workDir, 'wrangler.jsonc'),
    outDir: join(workDir, 'plain'),
    port: PORT + 1,
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    vars: config.vars ?? {},
    env,
  });
  try {
    return await cpuRows({ base: server.base, pids: [server.pid] });
  } finally {
    await server.stop();
  }
}

async function coldRows(): Promise<BenchRow[]> {
  const colds: Awaited<ReturnType<typeof coldStart>>[] = [];
  const r2Colds: Awaited<ReturnType<typeof coldStart>>[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    colds.push(await coldStart(BENCH_MODEL_ID));
    r2Colds.push(await coldStart(R2_MODEL_ID));
  }
  return [
    {
      name: `cold first request: CPU of the first /next on ${BENCH_MODEL_ID} in a fresh isolate (median of ${COLD_STARTS})`,
      value: median(colds.map((c) => c.cpuMs)),
      unit: 'ms',
      goal: { op: '<=', value: 150 },
      note: `workerd CPU, 10 ms ticks; runs: ${colds.map((c) => c.cpuMs.toFixed(0)).join(', ')} ms`,
    },
    { name: 'cold first request: wall time (median)', value: median(colds.map((c) => c.wallMs)), unit: 'ms', goal: { op: '<=', value: 300 }, note: 'as the client sees it, through wrangler dev' },
    {
      name: 'isolate startup: workerd CPU from spawn to ready (median)',
      value: median(colds.map((c) => c.startupMs)),
      unit: 'ms',
      note: "workerd's own start plus the global scope, where onnxruntime and the default model's session now start (src/warm-up.ts, ~250 ms); Workers bound startup by its own 1 s limit",
    },
    {
      name: `R2 cold load: CPU of the first /next on ${R2_MODEL_ID} (the same GRU from local R2, median of ${COLD_STARTS})`,
      value: median(r2Colds.map((c) => c.cpuMs)),
      unit: 'ms',
      note: `manifest + ${BENCH_MODEL_ID}/model.onnx read from R2 and hashed, then as bundled; runs: ${r2Colds.map((c) => c.cpuMs.toFixed(0)).join(', ')} ms`,
    },
    { name: 'R2 cold load: wall time (median)', value: median(r2Colds.map((c) => c.wallMs)), unit: 'ms', note: "wrangler dev's local R2 (a file on disk): Cloudflare's R2 adds network time" },
  ];
}

async function inWorkerRows(pids: number[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const T = PROMPT.length;
  const prefill = await postJson('/__bench/next', { model: BENCH_MODEL_ID, text: PROMPT, runs: 300 });
  rows.push(
    { name: `in-worker /next, per prompt token (${T}-char prompt, one prefill run)`, value: prefill.json.ms! / 300 / T, unit: 'ms/token', goal: { op: '<=', value: 0.1 } },
    { name: `in-worker /next call, ${T}-char prompt`, value: prefill.json.ms! / 300, unit: 'ms' },
  );
  const step = await postJson('/__bench/next', { model: BENCH_MODEL_ID, text: 't', runs: 2000 });
  rows.push({ name: 'in-worker /next call, 1-token input (one step: the per-call floor)', value: step.json.ms! / 2000, unit: 'ms' });
  const gen = await postJson('/__bench/generate', { model: BENCH_MODEL_ID, text: 'the time traveller', runs: 20, maxTokens: 200 });
  rows.push(
    { name: 'in-worker /generate, per generated token', value: gen.json.ms! / gen.json.generated!, unit: 'ms/token', goal: { op: '<=', value: 0.1 }, note: 'sampling + one ORT run with carried state' },
    { name: 'in-worker /generate, 200 tokens (prefill included)', value: gen.json.ms! / 20, unit: 'ms', goal: { op: '<=', value: 20 } },
  );
  rows.push(...(await runtimeVsRawOrt(pids)));
  rows.push(...(await compatibleVsNative()));
  const ngram = await postJson('/__bench/next', { model: 'ngram-char3', text: PROMPT, runs: 2000 });
  rows.push({ name: 'in-worker /next on ngram-char3 (trigram lookups)', value: ngram.json.ms! / 2000, unit: 'ms' });
  return rows;
}

async function httpRows(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const concurrency of [1, CONCURRENCY]) {
    const r = await load(concurrency);
    const label = concurrency === 1 ? 'sequential' : `${concurrency}-concurrent`;
    rows.push(
      { name: `HTTP /next p50, ${label} (${HTTP_REQUESTS} requests)`, value: r.p50, unit: 'ms', note: `${r.rps.toFixed(0)} req/s through wrangler dev on loopback` },
      { name: `HTTP /next p99, ${label}`, value: r.p99, unit: 'ms' },
      { name: `HTTP errors, ${label}`, value: r.errors, unit: 'errors', goal: { op: '<=', value: 0 } },
    );
  }
  return rows;
}

const APP_RUNS = 200;

/**
 * The app's own CPU per request: each maximal request handled by `app.fetch`
 * APP_RUNS times inside one bench request (no HTTP, no dev proxy), read as the
 * workerd process's CPU over them; then the wall time of a request's pieces.
 */
async function profileRows(pgid: number): Promise<BenchRow[]> {
  const pids = workerdPids(pgid);
  const rows: BenchRow[] = [];
  await warmUp({ base: BASE, pids });
  for (const { name, path, body } of maxRequests()) {
    const before = cpuMsOf(pids);
    const r = await postJson('/__bench/app', { path: `/v1/models/${BENCH_MODEL_ID}/${path}`, body, runs: APP_RUNS });
    const cpuMs = (cpuMsOf(pids) - before) / (APP_RUNS + 1);
    rows.push({
      name: `CPU per request at the maximum, the app alone (app.fetch in the worker, no HTTP): ${name}`,
      value: cpuMs,
      unit: 'ms',
      goal: { op: '<=', value: CPU_GOAL_MS },
      note: `workerd process CPU over ${APP_RUNS} requests inside one; wall ${r.json.ms!.toFixed(1)} ms each`,
    });
  }
  const health = await postJson('/__bench/app', { path: '/health', runs: 2000 });
  rows.push({ name: 'in-worker app.fetch: GET /health', value: health.json.ms!, unit: 'ms' });
  const pieces = await postJson('/__bench/pieces', { model: BENCH_MODEL_ID, text: textOf(MAX_TEXT_CHARS), prompt: textOf(MAX_PROMPT_CHARS), runs: 2000 });
  for (const [piece, ms] of Object.entries(pieces.json)) rows.push({ name: `in-worker piece: ${piece}`, value: ms, unit: 'ms' });
  return rows;
}
