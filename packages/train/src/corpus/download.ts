import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SeqlmError, isSeqlmError } from '@seqlm/core/errors';

export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 60_000;

export interface DownloadOptions {
  /** Expected lowercase hex sha256; the file is kept only when it matches. */
  sha256: string;
  /** Abort once more than this many bytes arrive (the expected size guards against a runaway response). */
  maxBytes?: number;
  /** Whole-transfer timeout, headers and body. Default 60 s. */
  timeoutMs?: number;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * Downloads `url` to `dest`, all or nothing: the body streams into a temporary
 * file beside `dest` while being hashed, and is renamed over `dest` only when
 * its sha256 matches. Any failure (HTTP status, dropped connection, timeout,
 * wrong hash) removes the temporary file, so `dest` is either absent, as
 * before, or complete and verified.
 */
export async function downloadVerified(url: string, dest: string, options: DownloadOptions): Promise<DownloadResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  const dir = dirname(dest);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new SeqlmError('IO_ERROR', `cannot create directory ${dir}: ${reason(error)}`, { dir }, { cause: error });
  }
  // Same directory as `dest` so the final rename stays on one file system and is atomic.
  const tmp = join(dir, `.${basename(dest)}.${randomUUID()}.part`);
  let handle: FileHandle | undefined;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    if (!response.ok) {
      throw failed(url, `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    if (response.body === null) throw failed(url, 'the response has no body');
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (options.maxBytes !== undefined && declared > options.maxBytes) {
      throw failed(url, `the server announces ${declared} bytes, more than the expected ${options.maxBytes}`);
    }
    handle = await open(tmp, 'wx');
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of response.body) {
      bytes += chunk.byteLength;
      if (options.maxBytes !== undefined && bytes > options.maxBytes) {
        throw failed(url, `received more than the expected ${options.maxBytes} bytes`);
      }
      hash.update(chunk);
      await handle.write(chunk);
    }
    await handle.close();
    handle = undefined;
    const actual = hash.digest('hex');
    if (actual !== options.sha256.toLowerCase()) {
      throw new SeqlmError(
        'HASH_MISMATCH',
        `download from ${url} has the wrong sha256 (expected ${options.sha256}, got ${actual}); nothing was saved`,
        { url, expected: options.sha256, actual },
      );
    }
    await rename(tmp, dest);
    return { path: dest, bytes, sha256: actual };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    if (isSeqlmError(error)) throw error;
    if (isTimeout(error)) throw failed(url, `timed out after ${timeoutMs / 1000} s`, error);
    throw failed(url, reason(error), error);
  }
}

function failed(url: string, why: string, cause?: unknown): SeqlmError {
  return new SeqlmError('DOWNLOAD_FAILED', `download from ${url} failed: ${why}`, { url }, { cause });
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || (error.cause instanceof Error && error.cause.name === 'TimeoutError'));
}

/** Node's fetch reports "fetch failed"/"terminated" and keeps the useful part (ECONNREFUSED, "other side closed") in `cause`. */
function reason(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    parts.push(typeof code === 'string' && !e.message.includes(code) ? `${e.message} (${code})` : e.message);
    e = e.cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(error);
}
