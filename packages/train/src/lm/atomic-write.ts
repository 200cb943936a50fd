import { rename, rm, writeFile } from 'node:fs/promises';
import { SeqlmError } from '@seqlm/core/errors';

/**
 * Writes `path` so that a reader (or a process killed midway) sees either the
 * old file or the complete new one: the bytes go to a temporary file in the
 * same directory, which is then renamed over `path` (atomic on one file system).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw new SeqlmError('IO_ERROR', `cannot write ${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
}
