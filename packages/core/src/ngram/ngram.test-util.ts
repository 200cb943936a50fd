import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// This file is packages/core/src/ngram/; the corpora sit in shared/data beside the repository.
const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');
const dataDir = process.env.SEQLM_DATA_DIR ?? resolve(repoRoot, '..', 'shared', 'data');

/** A corpus from shared/data; a missing file fails with its path (set SEQLM_DATA_DIR if it lives elsewhere). */
export function readCorpus(name: 'timemachine.txt' | 'tinyshakespeare.txt'): string {
  return readFileSync(resolve(dataDir, name), 'utf8');
}

export function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s;
}
