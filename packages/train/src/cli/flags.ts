import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SeqlmError } from '@seqlm/core/errors';

/** A bad command line: `main` prints it as one line and exits 2. */
export function usageError(message: string, details?: Record<string, unknown>): SeqlmError {
  return new SeqlmError('USAGE', message, details);
}

/** `--flag` as the user types it. */
function flag(name: string): string {
  return name.startsWith('-') ? name : `--${name}`;
}

/** An integer >= 1 (digits only, so `1e3`, `2.5` and ` 3` are refused), or `fallback` when the flag is absent. */
export function positiveInt(name: string, raw: string | undefined, fallback: number): number;
export function positiveInt(name: string, raw: string | undefined): number | undefined;
export function positiveInt(name: string, raw: string | undefined, fallback?: number): number | undefined {
  if (raw === undefined) return fallback;
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw usageError(`${flag(name)} must be a positive integer (got ${JSON.stringify(raw)})`, { flag: name, value: raw });
  }
  return value;
}

/** `value` (an already parsed integer flag, or undefined when absent) unless it exceeds `max`; the bound is stated in the flag's --help. */
export function atMost<T extends number | undefined>(name: string, value: T, max: number): T {
  if (value !== undefined && value > max) throw usageError(`${flag(name)} must be at most ${max} (got ${value})`, { flag: name, value, max });
  return value;
}

/** One of `choices`, or `fallback` when the flag is absent. */
export function choice<T extends string>(name: string, raw: string | undefined, choices: readonly T[], fallback: T): T;
export function choice<T extends string>(name: string, raw: string | undefined, choices: readonly T[]): T | undefined;
export function choice<T extends string>(name: string, raw: string | undefined, choices: readonly T[], fallback?: T): T | undefined {
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw usageError(`${flag(name)} must be one of ${choices.join(', ')} (got ${JSON.stringify(raw)})`, { flag: name, value: raw });
  }
  return raw as T;
}

/** The absolute path of an existing regular file. */
export function existingFile(name: string, raw: string, cwd: string): string {
  const path = resolve(cwd, raw);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) throw usageError(`${flag(name)}: no such file ${JSON.stringify(raw)}`, { flag: name, path });
  if (!stat.isFile()) throw usageError(`${flag(name)}: ${JSON.stringify(raw)} is not a file`, { flag: name, path });
  return path;
}

/** The absolute path of an existing directory. */
export function existingDir(name: string, raw: string, cwd: string): string {
  const path = resolve(cwd, raw);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined || !stat.isDirectory()) {
    throw usageError(`${flag(name)}: no such directory ${JSON.stringify(raw)}`, { flag: name, path });
  }
  return path;
}

/** The absolute path of a file to write, checked up front so a long run does not fail at the end for a missing directory. */
export function outputFile(name: string, raw: string, cwd: string): string {
  const path = resolve(cwd, raw);
  const parent = statSync(dirname(path), { throwIfNoEntry: false });
  if (parent === undefined || !parent.isDirectory()) {
    throw usageError(`${flag(name)}: directory of ${JSON.stringify(raw)} does not exist`, { flag: name, path });
  }
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw usageError(`${flag(name)}: ${JSON.stringify(raw)} is a directory`, { flag: name, path });
  }
  return path;
}

/** Refuses flags that exclude each other, e.g. `--corpus` with `--corpus-file`. */
export function exclusive(values: Readonly<Record<string, unknown>>, ...names: string[]): void {
  const given = names.filter((n) => values[n] !== undefined);
  if (given.length > 1) throw usageError(`${given.map(flag).join(' and ')} cannot be used together`, { flags: given });
}

/** `-` as a file flag's value: read standard input instead. */
export const STDIN = '-';

/** All of standard input; a command given `--flag -` without a stdin (an embedding caller's IO) is a usage error. */
export async function readStdin(name: string, stdin: AsyncIterable<Uint8Array> | undefined): Promise<Uint8Array> {
  if (stdin === undefined) throw usageError(`${flag(name)} -: this caller gives no standard input`, { flag: name });
  const parts: Uint8Array[] = [];
  for await (const chunk of stdin) parts.push(chunk);
  return Buffer.concat(parts);
}
