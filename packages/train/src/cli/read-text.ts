import { readFile } from 'node:fs/promises';
import { SeqlmError } from '@seqlm/core/errors';
import type { CliIO } from './command.ts';
import { existingFile, readStdin } from './flags.ts';

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SeqlmError('INVALID_ARGUMENT', `${what} is not UTF-8 text`);
  }
}

/** The text a `--<flag> <path>` names, or standard input for `-`. */
export async function readTextArgument(flag: string, raw: string, io: CliIO): Promise<string> {
  if (raw === '-') return decodeUtf8(await readStdin(flag, io.stdin), 'standard input');
  const path = existingFile(flag, raw, io.cwd);
  return decodeUtf8(new Uint8Array(await readFile(path)), path);
}
