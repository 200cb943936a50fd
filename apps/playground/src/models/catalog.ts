import { SeqlmError } from '@seqlm/core/errors';
import { MODEL_KINDS, type ModelKind } from '@seqlm/core/manifest';

/** One bundled model as `models/index.json` lists it; the manifest itself is fetched and validated on load. */
export interface CatalogEntry {
  /** The directory under `models/`, also the `?model=` value. */
  id: string;
  /** The manifest's kind as read at build time, or null when it could not be read (the load then reports why). */
  kind: ModelKind | null;
  name?: string;
  description?: string;
  /** Total bytes of the files the manifest lists (0 when unknown). */
  bytes: number;
}

export interface Catalog {
  models: CatalogEntry[];
}

// A directory name that is safe inside a URL path and cannot climb out of models/.
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Whether a model of this kind is neural (run by onnxruntime) rather than an n-gram table. */
export function isNeuralKind(kind: ModelKind | null): boolean {
  return kind === 'rnn' || kind === 'gru' || kind === 'lstm';
}

/**
 * Checks the parsed `models/index.json`; throws `MANIFEST_INVALID` naming the
 * first bad field, so a broken build shows one clear message instead of an empty picker.
 */
export function parseCatalog(value: unknown): Catalog {
  const fail = (path: string, message: string): never => {
    throw new SeqlmError('MANIFEST_INVALID', `models/index.json: ${path} ${message}`, { path });
  };
  if (value === null || typeof value !== 'object' || !Array.isArray((value as { models?: unknown }).models)) {
    fail('$', 'must be an object with a "models" array');
  }
  const seen = new Set<string>();
  const models = (value as { models: unknown[] }).models.map((raw, i): CatalogEntry => {
    const at = `$.models[${i}]`;
    if (raw === null || typeof raw !== 'object') return fail(at, 'must be an object');
    const entry = raw as Record<string, unknown>;
    const { id, kind, name, description, bytes } = entry;
    if (typeof id !== 'string' || !ID.test(id)) return fail(`${at}.id`, `must be a directory name of letters, digits, ".", "_" or "-", got ${JSON.stringify(id)}`);
    if (seen.has(id)) return fail(`${at}.id`, `repeats "${id}"`);
    seen.add(id);
    if (kind !== null && !(MODEL_KINDS as readonly unknown[]).includes(kind)) {
      return fail(`${at}.kind`, `must be null or one of ${MODEL_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
    }
    if (name !== undefined && typeof name !== 'string') return fail(`${at}.name`, 'must be a string');
    if (description !== undefined && typeof description !== 'string') return fail(`${at}.description`, 'must be a string');
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) return fail(`${at}.bytes`, `must be an integer >= 0, got ${JSON.stringify(bytes)}`);
    return {
      id,
      kind: kind as ModelKind | null,
      bytes,
      ...(name !== undefined ? { name: name as string } : {}),
      ...(description !== undefined ? { description: description as string } : {}),
    };
  });
  return { models };
}

/**
 * The catalog entry for a model directory, from its manifest as read at build
 * time. Tolerant on purpose: a broken manifest is still listed (kind null) so
 * the playground can show the user why it does not load.
 */
export function catalogEntry(id: string, manifest: unknown): CatalogEntry {
  const m = (manifest !== null && typeof manifest === 'object' ? manifest : {}) as Record<string, unknown>;
  const kind = (MODEL_KINDS as readonly unknown[]).includes(m.kind) ? (m.kind as ModelKind) : null;
  const files = Array.isArray(m.files) ? (m.files as unknown[]) : [];
  let bytes = 0;
  for (const f of files) {
    const b = (f as { bytes?: unknown } | null)?.bytes;
    if (typeof b === 'number' && Number.isSafeInteger(b) && b > 0) bytes += b;
  }
  return {
    id,
    kind,
    bytes,
    ...(typeof m.name === 'string' ? { name: m.name } : {}),
    ...(typeof m.description === 'string' ? { description: m.description } : {}),
  };
}
