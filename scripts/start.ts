/**
 * `npm start`: the README's main job. Shows what seqlm knows about its default
 * corpus, then runs the edge API on workerd and the playground, both on
 * 127.0.0.1, until Ctrl-C. Run through `npm start`, which builds first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
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

// 1. The corpus statistics demo (reads SEQLM_DATA_DIR, else the cache, else downloads once).
const outDir = join(repoRoot, '.cache', 'start');
mkdirSync(outDir, { recursive: true });
const plot = join(outDir, 'timemachine-zipf.svg');
const stats = spawnSync(
  process.execPath,
  [join(repoRoot, 'packages', 'train', 'bin', 'seqlm.js'), 'corpus', 'stats', '--corpus', 'timemachine', '--plot', plot],
  { stdio: 'inherit', env: quietEnv },
);
if (stats.status !== 0) {
  console.error('seqlm start: corpus statistics failed (see above); set SEQLM_DATA_DIR to a folder with timemachine.txt, or check your network');
  process.exit(stats.status ?? 1);
}

// 2. The API on workerd and the playground, on loopback only.
startService('api', bin('wrangler'), ['dev', '--local', '--ip', '127.0.0.1', '--port', String(apiPort), '--show-interactive-dev-session=false'], join(repoRoot, 'apps', 'edge-api'));
startService('playground', bin('vite'), ['preview', '--host', '127.0.0.1', '--port', String(playgroundPort), '--strictPort'], join(repoRoot, 'apps', 'playground'));

try {
  await Promise.all([waitFor(`http://127.0.0.1:${apiPort}/health`, 90_000), waitFor(`http://127.0.0.1:${playgroundPort}/`, 60_000)]);
} catch (error) {
  console.error(`seqlm start: ${(error as Error).message}`);
  stopAll(1);
}
console.log(`
seqlm is running:
  API         http://127.0.0.1:${apiPort}   (try http://127.0.0.1:${apiPort}/health)
  playground  http://127.0.0.1:${playgroundPort}
  Zipf plot   ${plot}
Press Ctrl-C to stop.`);
