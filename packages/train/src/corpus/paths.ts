import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Environment variables the corpus loader reads. */
export const DATA_DIR_ENV = 'SEQLM_DATA_DIR';
export const CACHE_DIR_ENV = 'SEQLM_CACHE_DIR';

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/** An explicit data directory (the option, else `SEQLM_DATA_DIR`), or undefined when none is set. */
export function resolveDataDir(explicit: string | undefined, env: Env = process.env): string | undefined {
  const dir = nonEmpty(explicit) ?? nonEmpty(env[DATA_DIR_ENV]);
  return dir === undefined ? undefined : resolve(dir);
}

/**
 * Where downloaded corpora are kept: the option, else `SEQLM_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/seqlm`, else `~/.cache/seqlm` (`%LOCALAPPDATA%\seqlm` on Windows).
 */
export function resolveCacheDir(explicit: string | undefined, env: Env = process.env): string {
  const dir = nonEmpty(explicit) ?? nonEmpty(env[CACHE_DIR_ENV]);
  if (dir !== undefined) return resolve(dir);
  const xdg = nonEmpty(env['XDG_CACHE_HOME']);
  if (xdg !== undefined) return resolve(xdg, 'seqlm');
  const localAppData = nonEmpty(env['LOCALAPPDATA']);
  if (process.platform === 'win32' && localAppData !== undefined) return resolve(localAppData, 'seqlm');
  return join(homedir(), '.cache', 'seqlm');
}
