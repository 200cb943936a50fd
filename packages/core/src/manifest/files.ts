import { SeqlmError } from '../errors/index.ts';
import { sha256Hex } from './sha256.ts';
import type { FileRole, Manifest, ManifestFile } from './types.ts';

/** The `files` entry for an artifact a writer has just produced. */
export function fileEntry(role: FileRole, path: string, bytes: Uint8Array): ManifestFile {
  return { role, path, bytes: bytes.length, sha256: sha256Hex(bytes) };
}

/**
 * Throws `HASH_MISMATCH` unless `bytes` are the file `entry` describes: the size
 * is compared first (cheap, and the usual sign of a truncated download), then the hash.
 */
export function verifyFile(entry: ManifestFile, bytes: Uint8Array, hash: (bytes: Uint8Array) => string = sha256Hex): void {
  if (bytes.length !== entry.bytes) {
    throw new SeqlmError('HASH_MISMATCH', `${entry.path}: expected ${entry.bytes} bytes, got ${bytes.length}`, {
      path: entry.path,
      expectedBytes: entry.bytes,
      actualBytes: bytes.length,
    });
  }
  const actual = hash(bytes);
  if (actual !== entry.sha256) {
    throw new SeqlmError('HASH_MISMATCH', `${entry.path}: sha256 is ${actual}, the manifest expects ${entry.sha256}`, {
      path: entry.path,
      expected: entry.sha256,
      actual,
    });
  }
}

/** The `files` entry at `path`; throws `MANIFEST_INVALID` when the manifest does not list it. */
export function findFile(manifest: Manifest, path: string): ManifestFile {
  const entry = manifest.files.find((f) => f.path === path);
  if (entry === undefined) throw new SeqlmError('MANIFEST_INVALID', `the manifest does not list a file "${path}"`, { path });
  return entry;
}
