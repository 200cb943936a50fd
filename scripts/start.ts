/**
 * `npm start`: the README's main job. Builds the packages, makes sure the
 * default models exist in models/ (a char 5-gram Kneser-Ney model and a char
 * GRU on The Time Machine, and D2L 9.1's sine MLP for the time-series view,
 * trained with the `seqlm` CLI on the first start and reused afterwards), then
 * runs the edge API on workerd and the playground (its own static server with
 * precompressed brotli/gzip files), both on 127.0.0.1, until Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './bench-kit.ts';

const apiPort = Number(process.env.SEQLM_API_PORT ?? 8787);
const playgroundPort = Number(process.env.SEQLM_PLAYGROUND_PORT ?? 4173);
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  TURBO_TELEMETRY_DISABLED: '1',
};

const children: ChildProcess[] = [];
let stopping = false;

function stopAll(code: number): never {
  stopping = true;
  for (const child of children) {
    // Each child leads its own process group: wrangler leaves workerd behind unless the group goes.
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  process.exit(code);
}

function startService(name: string, command: string, args: string[], cwd: string): void {
  const child = spawn(command, args, { cwd, env: quietEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => `[${name}] ${line}\n`)
      .join('');
  child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(prefix(chunk)));
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`seqlm start: ${name} stopped (${signal ?? `exit ${code}`}); stopping everything`);
    stopAll(1);
  });
  children.push(child);
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function run(what: string, command: string, args: string[], cwd = repoRoot, hint = ''): void {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: quietEnv });
  if (result.status !== 0) {
    console.error(`seqlm start: ${what} failed (exit ${result.status ?? result.signal}); see above${hint}`);
    process.exit(result.status ?? 1);
  }
}

// The first step that needs The Time Machine: without internet its download fails, and this is the way around it.
const CORPUS_HINT =
  process.env.SEQLM_DATA_DIR === undefined || process.env.SEQLM_DATA_DIR === ''
    ? '\nseqlm start: the corpus comes from SEQLM_DATA_DIR, else ~/.cache/seqlm, else one download; without internet run SEQLM_DATA_DIR=<directory holding timemachine.txt> npm start'
    : `\nseqlm start: SEQLM_DATA_DIR is ${process.env.SEQLM_DATA_DIR}; it must hold timemachine.txt`;

const seqlm = (args: string[]) => [join(repoRoot, 'packages', 'train', 'bin', 'seqlm.js'), ...args];
const modelsDir = join(repoRoot, 'models');

/** Trains a default model unless a valid one is already there (`seqlm validate` checks manifest and hashes). */
function ensureModel(name: string, trainArgs: string[]): void {
  const dir = join(modelsDir, name);
  if (existsSync(join(dir, 'manifest.json'))) {
    const check = spawnSync(process.execPath, seqlm(['validate', dir]), { env: quietEnv, encoding: 'utf8' });
    if (check.status === 0) {
      console.log(`seqlm start: reusing models/${name}`);
      return;
    }
    console.log(`seqlm start: models/${name} is not valid (${(check.stderr || check.stdout).trim()}); training it again`);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`seqlm start: training models/${name} (first start only)`);
  run(`training models/${name}`, process.execPath, seqlm([...trainArgs, '--out', dir]));
}

// 1. Packages, then the default models (the corpus comes from SEQLM_DATA_DIR, else the cache, else one download).
run('building the packages', bin('turbo'), ['run', 'build', '--filter=@seqlm/core', '--filter=@seqlm/train', '--output-logs=errors-only']);
mkdirSync(modelsDir, { recursive: true });
const plot = join(modelsDir, 'timemachine-zipf.svg');
run('corpus statistics', process.execPath, seqlm(['corpus', 'stats', '--corpus', 'timemachine', '--top', '5', '--plot', plot]), repoRoot, CORPUS_HINT);
ensureModel('tm-5gram', ['ngram', 'build', '--corpus', 'timemachine', '--order', '5', '--tokenizer', 'char', '--smoothing', 'kn']);
// Adam reaches a validation perplexity near D2L's 20-epoch SGD run in 5 epochs: about 40 s on one
// core with the core-wasm engine, and split over two threads (core-wasm-2t) where two cores exist.
const gruBackend = availableParallelism() >= 2 ? 'core-wasm-2t' : 'auto';
ensureModel('tm-gru', ['train', '--corpus', 'timemachine', '--cell', 'gru', '--hidden', '256', '--epochs', '5', '--optimizer', 'adam', '--lr', '0.005', '--backend', gruBackend]);
// The GRU and the 5-gram interpolated, weights fitted by EM on the held-out 10% (seconds): better than either alone.
ensureModel('tm-mix', ['mix', '--model', join(modelsDir, 'tm-gru'), '--model', join(modelsDir, 'tm-5gram'), '--corpus', 'timemachine']);
// D2L 9.1's noisy sine and its 4-10-1 MLP (about 2 s), so the playground's time-series view has a real model.
ensureModel('sine-mlp', ['timeseries']);

// 2. Bundle the models into the API and the playground.
run('building the playground', bin('turbo'), ['run', 'build', '--filter=@seqlm/playground', '--output-logs=errors-only']);
run('bundling the API models', process.execPath, [join(repoRoot, 'apps', 'edge-api', 'scripts', 'gen-models.ts')]);

// 3. The API on workerd and the playground, on loopback only.
startService('api', bin('wrangler'), ['dev', '--local', '--ip', '127.0.0.1', '--port', String(apiPort), '--show-interactive-dev-session=false'], join(repoRoot, 'apps', 'edge-api'));
// Not `vite preview`: it compresses nothing (14 MB of wasm on the wire) and answers `Vary: Origin`.
startService('playground', process.execPath, ['scripts/serve.ts', '--host', '127.0.0.1', '--port', String(playgroundPort)], join(repoRoot, 'apps', 'playground'));

try {
  await Promise.all([waitFor(`http://127.0.0.1:${apiPort}/health`, 90_000), waitFor(`http://127.0.0.1:${playgroundPort}/`, 60_000)]);
} catch (error) {
  console.error(`seqlm start: ${(error as Error).message}`);
  stopAll(1);
}
console.log(`
seqlm is running:
  API         http://127.0.0.1:${apiPort}   (models: http://127.0.0.1:${apiPort}/v1/models, spec: /openapi.json)
  playground  http://127.0.0.1:${playgroundPort}
  Zipf plot   ${plot}
Try: curl -s http://127.0.0.1:${apiPort}/v1/models/tm-gru/generate -H 'content-type: application/json' \\
       -d '{"prompt":"time traveller","maxTokens":48,"temperature":0.8,"seed":1}'
Press Ctrl-C to stop.`);
