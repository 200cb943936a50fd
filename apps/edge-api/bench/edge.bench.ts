/**
 * The edge API's benchmark (bounded loops, loopback only):
 * - in-worker ms/token for /next and /generate on a char GRU-256, timed over
 *   many runs inside one request (workerd's clock has 1 ms resolution);
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
import { BENCH_MODEL_ID, makeBenchModel } from './make-bench-model.ts';

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
    JSON.stringify({ models: [join(workDir, 'models', BENCH_MODEL_ID), resolve(appDir, 'test', 'fixtures', 'ngram-char3')] }),
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
      "import { ModelRegistry } from '../../src/models/registry.ts';",
      "import { benchRoutes } from '../../bench/bench-routes.ts';",
      "import { MODEL_SOURCES, REJECTED_MODELS } from './generated.ts';",
      'const registry = new ModelRegistry(MODEL_SOURCES, REJECTED_MODELS);',
      'const app = createApp(registry);',
      'benchRoutes(app, registry);',
      'export default app;',
      '',
    ].join('\n'),
  );
  const config = JSON.parse(readFileSync(join(appDir, 'wrangler.jsonc'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>;
  writeFileSync(join(workDir, 'wrangler.jsonc'), JSON.stringify({ ...config, name: 'seqlm-edge-api-bench', main: 'worker.ts', $schema: undefined }, null, 2));
}

function bundleSize(): BenchRow[] {
  const outDir = join(workDir, 'dist');
  const run = spawnSync(process.execPath, [wranglerBin, 'deploy', '--dry-run', '--outdir', outDir], { cwd: appDir, env, encoding: 'utf8' });
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
  return [
    { name: 'bundle size, raw (wrangler deploy --dry-run)', value: mb(raw), unit: 'MiB', note: 'ort wasm + worker JS + bundled models' },
    { name: 'bundle size, gzip', value: mb(gzip), unit: 'MiB', goal: { op: '<=', value: 10 }, note: 'Workers paid plan limit 10 MiB compressed (free: 3 MiB)' },
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

function stopDev(child: ChildProcess): void {
  // wrangler starts workerd as a child: signal the whole process group it leads.
  if (child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

async function postJson(path: string, body: unknown): Promise<{ status: number; json: Record<string, number> }> {
  const res = await fetch(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, number> };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

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

export default async function edgeBench(): Promise<BenchRow[]> {
  await makeBenchModel(join(workDir, 'models'));
  prepareWorker();
  const rows: BenchRow[] = [...bundleSize()];
  const { child, readyMs } = await startDev();
  try {
    rows.push({ name: 'wrangler dev ready', value: readyMs, unit: 'ms', note: 'spawn to "Ready on"' });
    const t0 = performance.now();
    const first = await postJson(`/v1/models/${BENCH_MODEL_ID}/next`, { text: PROMPT });
    const coldMs = performance.now() - t0;
    if (first.status !== 200) throw new Error(`first request failed: ${JSON.stringify(first.json)}`);
    const t1 = performance.now();
    await postJson(`/v1/models/${BENCH_MODEL_ID}/next`, { text: PROMPT });
    rows.push(
      { name: `cold start: first /next on ${BENCH_MODEL_ID}`, value: coldMs, unit: 'ms', goal: { op: '<=', value: 300 }, note: 'ORT init + session create + HTTP, through wrangler dev' },
      { name: 'second (warm) /next', value: performance.now() - t1, unit: 'ms' },
    );

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
    const ngram = await postJson('/__bench/next', { model: 'ngram-char3', text: PROMPT, runs: 2000 });
    rows.push({ name: 'in-worker /next on ngram-char3 (trigram lookups)', value: ngram.json.ms! / 2000, unit: 'ms' });

    for (const concurrency of [1, CONCURRENCY]) {
      const r = await load(concurrency);
      const label = concurrency === 1 ? 'sequential' : `${concurrency}-concurrent`;
      rows.push(
        { name: `HTTP /next p50, ${label} (${HTTP_REQUESTS} requests)`, value: r.p50, unit: 'ms', note: `${r.rps.toFixed(0)} req/s through wrangler dev on loopback` },
        { name: `HTTP /next p99, ${label}`, value: r.p99, unit: 'ms' },
        { name: `HTTP errors, ${label}`, value: r.errors, unit: 'errors', goal: { op: '<=', value: 0 } },
      );
    }
  } finally {
    stopDev(child);
  }
  return rows;
}
