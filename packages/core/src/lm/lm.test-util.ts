import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileEntry, sha256Hex, type MixtureManifest, type NgramManifest } from '../manifest/index.ts';
import { encodeNgram, ngramManifest, trainNgram } from '../ngram/index.ts';
import { unionVocabulary } from './mixture-lm.ts';
import type { LanguageModel } from './language-model.ts';
import type { ReadFile } from './load.ts';

// This file is packages/core/src/lm/; the golden fixtures sit in <repo>/fixtures.
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..', '..');
export const FIXTURES = resolve(REPO_ROOT, 'fixtures', 'models');

/** Reads files from the disk, as @seqlm/train's reader does. */
export const readDisk: ReadFile = async (location) => new Uint8Array(readFileSync(location));

/** An in-memory model tree: path → bytes, read as a `ReadFile`. */
export function memoryFiles(files: Record<string, Uint8Array | string>): { read: ReadFile; files: Map<string, Uint8Array> } {
  const map = new Map(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v]));
  return {
    files: map,
    read: async (location) => {
      const bytes = map.get(location);
      if (bytes === undefined) throw Object.assign(new Error(`ENOENT: ${location}`), { code: 'ENOENT' });
      return bytes;
    },
  };
}

/** A small char n-gram directory's files, trained on generated text. */
export function ngramDir(text: string, order: number, options: { boundaries?: boolean } = {}): { manifest: NgramManifest; bytes: Uint8Array } {
  const sequences = options.boundaries ? text.split('\n').map((l) => Array.from(l)) : [Array.from(text)];
  const model = trainNgram(sequences, { order, boundaries: options.boundaries ?? false });
  const bytes = encodeNgram(model);
  return { manifest: ngramManifest(model, bytes, { text: { tokenizer: 'char', normalization: 'd2l' } }), bytes };
}

/** A mixture manifest over component directories `paths` (relative), with their manifests' bytes. */
export function mixtureManifest(models: readonly LanguageModel[], paths: readonly string[], manifests: readonly Uint8Array[], weights: readonly number[]): MixtureManifest {
  const { vocab } = unionVocabulary(models);
  const first = models[0] as LanguageModel;
  return {
    format: 'seqlm-manifest',
    schemaVersion: 2,
    kind: 'mixture',
    files: [],
    text: first.text,
    vocab: vocab.toJSON(),
    mixture: { components: paths.map((path, i) => ({ path, manifestSha256: sha256Hex(manifests[i] as Uint8Array), weight: weights[i] as number })) },
  };
}

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
export { fileEntry };
