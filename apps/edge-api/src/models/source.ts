import { isSeqlmError, parseManifest, verifyFile, findFile, type Manifest, type MixtureManifest, type NgramManifest, type NeuralManifest } from '@seqlm/core';

/** A model directory as bundled into the worker: its manifest and the bytes of the files the API needs. */
export interface ModelSource {
  /** URL id: the directory's name. */
  id: string;
  /** Where it came from, relative to the repository, for messages. */
  dir: string;
  /** The parsed manifest.json, not yet trusted. */
  manifest: unknown;
  /** Bytes by manifest path (only the file the runtime reads: the ONNX graph or the n-gram file). */
  files: Record<string, ArrayBuffer | Uint8Array>;
  /**
   * `'build'`: scripts/gen-models.ts checked these very bytes against the
   * manifest's size and sha256 when it bundled them, and a bundle cannot change
   * after that, so the worker does not hash them again on the first request
   * (tens of ms of CPU for a GRU-256). Any other source is checked at first load.
   */
  verified?: 'build';
}

export type ServableManifest = NeuralManifest | NgramManifest | MixtureManifest;

export type SourceCheck = { ok: true; manifest: ServableManifest } | { ok: false; reason: string };

/** The manifest path of the one file a model of this kind is served from. */
export function servedFile(manifest: Manifest): string | undefined {
  if (manifest.kind === 'ngram') return manifest.ngram.file;
  if (manifest.kind === 'ts-mlp' || manifest.kind === 'mixture') return undefined;
  return manifest.onnx?.file;
}

/**
 * Checks a model directory the same way at build time (scripts/gen-models.ts)
 * and at first load in the worker: the manifest against the schema, then the
 * served file's size and sha256 against the manifest. Never throws.
 */
export function checkSource(source: Pick<ModelSource, 'manifest' | 'files'>): SourceCheck {
  try {
    const manifest = parseManifest(source.manifest);
    if (manifest.kind === 'ts-mlp') return { ok: false, reason: 'a ts-mlp model predicts numbers, not tokens; the API serves language models only' };
    // A mixture has no file of its own: its components are served models, checked when it loads.
    if (manifest.kind === 'mixture') return { ok: true, manifest };
    const path = servedFile(manifest);
    if (path === undefined) return { ok: false, reason: `a ${manifest.kind} model needs an "onnx" section to be served` };
    const bytes = source.files[path];
    if (bytes === undefined) return { ok: false, reason: `${path} was not bundled` };
    verifyFile(findFile(manifest, path), bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
    return { ok: true, manifest };
  } catch (error) {
    if (!isSeqlmError(error)) throw error;
    // parseManifest lists one problem per line; a reason is one line in logs and JSON.
    return { ok: false, reason: `${error.code}: ${error.message.replace(/\n\s*/g, ' ')}` };
  }
}

/**
 * The served model ids a mixture's components are, by directory name: every
 * model id is its directory's name, and a component path ends in it (`../tm-gru`).
 */
export function componentIds(manifest: MixtureManifest): string[] {
  return manifest.mixture.components.map((c) => c.path.split('/').filter((part) => part !== '' && part !== '.').at(-1) ?? c.path);
}
