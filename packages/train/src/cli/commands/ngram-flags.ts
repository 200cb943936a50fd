// Flag parsers shared by the `seqlm ngram` commands.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isSeqlmError } from '@seqlm/core/errors';
import { checkNgramOutDir } from '../../ngram/index.ts';
import { usageError } from '../flags.ts';

/** A finite number > 0 such as `--k 0.5`, or undefined when the flag is absent. */
export function positiveNumber(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim() === '' ? NaN : Number(raw);
  if (!(Number.isFinite(value) && value > 0)) throw usageError(`--${name} must be a number > 0 (got ${JSON.stringify(raw)})`, { flag: name, value: raw });
  return value;
}

/** A finite number ≥ 0 such as `--temperature 0`, or `fallback` when absent. */
export function nonNegativeNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = raw.trim() === '' ? NaN : Number(raw);
  if (!(Number.isFinite(value) && value >= 0)) throw usageError(`--${name} must be a number ≥ 0 (got ${JSON.stringify(raw)})`, { flag: name, value: raw });
  return value;
}

/** An integer in [0, 2^32) (digits only), or undefined when absent: the seed of the sampler's 32-bit generator. */
export function seed(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^[0-9]+$/u.test(raw) ? Number(raw) : NaN;
  if (!(Number.isSafeInteger(value) && value < 2 ** 32)) {
    throw usageError(`--${name} must be an integer in 0..${2 ** 32 - 1} (got ${JSON.stringify(raw)})`, { flag: name, value: raw });
  }
  return value;
}

/** A perplexity or cross-entropy for `--json`: JSON has no Infinity, so an infinite value becomes null (with a reason beside it). */
export function jsonNumber(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : value;
}

/** The absolute --out path, refused up front (before a long build) when it could not be written. */
export async function ngramOutDir(raw: string, cwd: string): Promise<string> {
  const path = resolve(cwd, raw);
  const parent = statSync(dirname(path), { throwIfNoEntry: false });
  if (parent === undefined || !parent.isDirectory()) throw usageError(`--out: directory of ${JSON.stringify(raw)} does not exist`, { flag: 'out', path });
  try {
    await checkNgramOutDir(path);
  } catch (error) {
    if (isSeqlmError(error)) throw usageError(`--out: ${error.message}`, { flag: 'out', path });
    throw error;
  }
  return path;
}

