/**
 * The edge API as a separate process for the browser tests: its own scripts
 * (gen-models over the committed fixtures, then `wrangler dev` on workerd),
 * reached only over HTTP, so the two apps never import each other's code.
 * wrangler starts workerd as its child and leaves it running when killed
 * alone, so wrangler leads its own process group and the whole group is
 * stopped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './site.ts';

export const edgeApiDir = join(repoRoot, 'apps', 'edge-api');
const wranglerBin = join(repoRoot, 'node_modules', '.bin', 'wrangler');
/** How long wrangler may take from spawn to answering /health (a cold start bundles ORT's 13.6 MiB wasm). */
const READY_TIMEOUT_MS = 60_000;
/** Keeps the tail of wrangler's output for error messages without growing without bound. */
const LOG_LIMIT = 20_000;

export interface EdgeApi {
  /** Base URL, e.g. http://127.0.0.1:PORT/ */
  url: string;
  /** Resolves once GET /health answers 200; rejects with wrangler's output if it does not within the timeout. */
  ready(): Promise<void>;
  /** Stops wrangler and workerd (the whole process group) and waits until they are gone. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not pick a free port');
  return address.port;
}

/** True while any process of group `pgid` exists. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}

/**
 * Writes the edge API's model list from its test config (the committed
 * fixtures) and starts `wrangler dev` on `port`. Synchronous up to the spawn,
 * so the caller can build the site while workerd starts; call `ready()` after.
 */
export function launchEdgeApi(port: number, inspectorPort: number): EdgeApi {
  const gen = spawnSync(process.execPath, ['scripts/gen-models.ts', '--config', 'test/models.config.json', '--strict'], { cwd: edgeApiDir, encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`edge-api gen-models failed (${gen.status}):\n${gen.stdout}\n${gen.stderr}`);

  const started = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [wranglerBin, 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort), '--show-interactive-dev-session=false'],
    {
      cwd: edgeApiDir,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_COLOR: '1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('could not start wrangler dev');
  // If the test process dies without afterAll, workerd must not outlive it.
  const onExit = (): void => killGroup(pgid, 'SIGKILL');
  process.once('exit', onExit);

  let log = '';
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-LOG_LIMIT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exitCode: number | string | null | undefined;
  child.once('exit', (code, signal) => {
    exitCode = code ?? signal;
  });

  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    async ready() {
      const deadline = started + READY_TIMEOUT_MS;
      for (;;) {
        if (exitCode !== undefined) throw new Error(`wrangler dev exited (${exitCode}) before /health answered:\n${log}`);
        try {
          const res = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(2_000) });
          if (res.ok) return;
        } catch {
          /* not listening yet */
        }
        if (performance.now() > deadline) {
          throw new Error(`the edge API (wrangler dev on port ${port}) did not answer GET /health within ${READY_TIMEOUT_MS / 1000} s:\n${log}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async stop() {
      process.off('exit', onExit);
      killGroup(pgid, 'SIGTERM');
      // Give wrangler a moment to stop workerd cleanly, then make sure.
      for (let waited = 0; groupAlive(pgid) && waited < 5_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      if (groupAlive(pgid)) killGroup(pgid, 'SIGKILL');
      for (let waited = 0; groupAlive(pgid) && waited < 2_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      if (groupAlive(pgid)) throw new Error(`process group ${pgid} (wrangler dev, workerd) is still running after SIGKILL`);
    },
  };
}
