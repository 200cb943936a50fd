import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCacheDir, resolveDataDir } from './paths.ts';

describe('resolveDataDir', () => {
  it('prefers the explicit directory, then SEQLM_DATA_DIR, else none', () => {
    expect(resolveDataDir('/a', { SEQLM_DATA_DIR: '/b' })).toBe(resolve('/a'));
    expect(resolveDataDir(undefined, { SEQLM_DATA_DIR: '/b' })).toBe(resolve('/b'));
    expect(resolveDataDir(undefined, { SEQLM_DATA_DIR: '' })).toBeUndefined();
    expect(resolveDataDir(undefined, {})).toBeUndefined();
  });
});

describe('resolveCacheDir', () => {
  it('prefers the explicit directory, then SEQLM_CACHE_DIR, then XDG_CACHE_HOME/seqlm, then ~/.cache/seqlm', () => {
    const env = { SEQLM_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' };
    expect(resolveCacheDir('/a', env)).toBe(resolve('/a'));
    expect(resolveCacheDir(undefined, env)).toBe(resolve('/c'));
    expect(resolveCacheDir(undefined, { XDG_CACHE_HOME: '/x' })).toBe(resolve('/x', 'seqlm'));
    if (process.platform !== 'win32') expect(resolveCacheDir(undefined, {})).toBe(join(homedir(), '.cache', 'seqlm'));
  });
});
