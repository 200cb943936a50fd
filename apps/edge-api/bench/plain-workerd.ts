/**
 * The bench worker as Cloudflare runs it: the bundle `wrangler deploy
 * --dry-run` writes, served by a bare `workerd serve` with no dev proxy in
 * front. `wrangler dev` puts its proxy worker and request logging inside the
 * same workerd process, about 3 ms of CPU per request that Cloudflare neither
 * runs nor bills, so per-request CPU is read here instead.
 *
 * Bindings a bare workerd cannot simulate (R2, the rate limiter) are left out:
 * models read from R2 show as rejected in /health and are not requested.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface PlainWorkerd {
  child: ChildProcess;
  pid: number;
  base: string;
  stop(): Promise<void>;
}

/** workerd's binary, from the `workerd` package wrangler depends on (the version `wrangler dev` runs). */
function workerdBinary(wranglerBin: string): string {
  const fromWrangler = createRequire(wranglerBin);
  const workerd = fromWrangler('workerd') as { default?: string } | string;
  const path = typeof workerd === 'string' ? workerd : workerd.default;
  if (typeof path !== 'string') throw new Error('cannot find the workerd binary of wrangler\'s "workerd" package');
  return path;
}

/** A capnp module entry per bundle file: JS as an ES module, .wasm precompiled, the rest (models) as data. */
function moduleEntry(file: string): string {
  const kind = file.endsWith('.js') ? 'esModule' : file.endsWith('.wasm') ? 'wasm' : 'data';
  return `(name = ${JSON.stringify(file)}, ${kind} = embed ${JSON.stringify(file)})`;
}

function capnpConfig(mainModule: string, files: readonly string[], port: number, compatibilityDate: string, flags: readonly string[], vars: Record<string, string>): string {
  const modules = [mainModule, ...files.filter((f) => f !== mainModule)].map(moduleEntry);
  const bindings = Object.entries(vars).map(([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`);
  return [
    'using Workerd = import "/workerd/workerd.capnp";',
    'const config :Workerd.Config = (',
    '  services = [ (name = "main", worker = .worker) ],',
    `  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],`,
    ');',
    'const worker :Workerd.Worker = (',
    `  modules = [ ${modules.join(',\n    ')} ],`,
    `  compatibilityDate = ${JSON.stringify(compatibilityDate)},`,
    `  compatibilityFlags = [ ${flags.map((f) => JSON.stringify(f)).join(', ')} ],`,
    `  bindings = [ ${bindings.join(', ')} ],`,
    ');',
    '',
  ].join('\n');
}

export interface PlainWorkerdOptions {
  wranglerBin: string;
  /** The wrangler config of the worker to bundle. */
  config: string;
  /** Where the bundle and the capnp config are written (replaced). */
  outDir: string;
  port: number;
  compatibilityDate: string;
  compatibilityFlags: readonly string[];
  vars: Record<string, string>;
  env: NodeJS.ProcessEnv;
}

/** Bundles the worker as for a deploy and serves it with a bare workerd; resolves once it answers. */
export async function startPlainWorkerd(options: PlainWorkerdOptions): Promise<PlainWorkerd> {
  rmSync(options.outDir, { recursive: true, force: true });
  mkdirSync(options.outDir, { recursive: true });
  const build = spawnSync(process.execPath, [options.wranglerBin, 'deploy', '--dry-run', '--outdir', options.outDir, '--config', options.config], { env: options.env, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`wrangler deploy --dry-run failed: ${build.stderr}`);
  const files = readdirSync(options.outDir).filter((f) => !f.endsWith('.map') && f !== 'README.md');
  const main = files.find((f) => f.endsWith('.js'));
  if (main === undefined || files.filter((f) => f.endsWith('.js')).length !== 1) throw new Error(`expected one .js module in ${options.outDir}, found ${files.join(', ')}`);
  const configPath = join(options.outDir, 'workerd.capnp');
  writeFileSync(configPath, capnpConfig(main, files, options.port, options.compatibilityDate, options.compatibilityFlags, options.vars));
  const child = spawn(workerdBinary(options.wranglerBin), ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const base = `http://127.0.0.1:${options.port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`workerd exited (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (waited > 30_000) {
      await stop();
      throw new Error(`workerd did not answer in 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, pid: child.pid as number, base, stop };
}
