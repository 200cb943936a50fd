import { readFile } from 'node:fs/promises';
import { SeqlmError } from '@seqlm/core/errors';
import type { CliIO } from './command.ts';
import { existingFile } from './flags.ts';

/** Reads all of a stream (standard input) as UTF-8. */
async function readStream(stream: AsyncIterable<Uint8Array | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return decodeUtf8(Buffer.concat(chunks), 'standard input');
}

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SeqlmError('INVALID_ARGUMENT', `${what} is not UTF-8 text`);
  }
}

/** The text a `--<flag> <path>` names, or standard input for `-` (`io.stdin`, else the process's). */
export async function readTextArgument(flag: string, raw: string, io: CliIO & { stdin?: AsyncIterable<Uint8Array | string> }): Promise<string> {
  if (raw === '-') return readStream(io.stdin ?? process.stdin);
  const path = existingFile(flag, raw, io.cwd);
  return decodeUtf8(new Uint8Array(await readFile(path)), path);
}
