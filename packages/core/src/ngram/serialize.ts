/**
 * The compact n-gram file shipped to the edge and the browser, and the
 * manifest that describes it.
 *
 * Layout (integers little-endian u32):
 *
 *   0  magic "SQNG"   4  version (1)   8  header byte length H   12  flags (0)
 *   16 header: ASCII JSON (non-ASCII \u-escaped) with the model's kind, order,
 *      estimator, boundaries, vocabulary, corpus size and the column table
 *   align8(16 + H): columns, each 8-byte aligned, little-endian:
 *      prefix  int32   id of the n-gram without its last token, per n-gram id 1..n
 *      word    uint16 (V ≤ 65536) or int32: its last token
 *      backoff models: logp10, bow10 (float64, or float32 when asked)
 *      add-k models:   count (float64)
 *
 * Ids are written in creation order, where an n-gram's prefix and suffix always
 * come before it, so loading rebuilds the trie in one pass.
 *
 * Version 2 (backoff models) is used where it lies: the header adds `levels`
 * (`CompactNgramArrays.levelStart`) and the columns are those of
 * `CompactNgramArrays` (word, suffix, childStart, logp10, bow10), each a
 * typed-array view over the file's bytes when they are aligned, so loading
 * checks the arrays in one pass and builds nothing. Add-k models are still
 * written as version 1, and version 1 files of either kind keep loading.
 */
import { SeqlmError } from '../errors/index.ts';
import { asciiJson, DTYPE_BYTES, isCount, LITTLE_ENDIAN, parseAsciiJson, readColumn, type Column as TypedColumn, type ColumnDtype } from '../manifest/binary.ts';
import {
  MANIFEST_SCHEMA_VERSION,
  fileEntry,
  findFile,
  parseManifest,
  verifyFile,
  type NgramManifest,
  type NgramSpec,
  type TextSpec,
  type TrainingMetadata,
} from '../manifest/index.ts';
import { Vocab, type VocabJSON } from '../vocab/index.ts';
import { AddKModel } from './add-k.ts';
import { BackoffModel } from './backoff-model.ts';
import { checkCompactArrays, compactBackoff, CompactBackoffModel } from './compact-model.ts';
import type { CorpusSize, NgramEstimatorSpec, NgramModel } from './model.ts';
import { NgramTrie, ROOT } from './trie.ts';

export const NGRAM_MAGIC = 'SQNG';
/** The newest version written (backoff models); add-k models are written as version 1. */
export const NGRAM_FORMAT_VERSION = 2;
const TRIE_FORMAT_VERSION = 1;
const PREAMBLE = 16;


interface Column {
  name: string;
  dtype: ColumnDtype;
  offset: number;
  length: number;
}

interface Header {
  model: 'backoff' | 'add-k';
  order: number;
  boundaries: boolean;
  estimator: NgramEstimatorSpec;
  vocab: VocabJSON;
  trainedOn: CorpusSize | null;
  /** n-gram ids written (the root, id 0, is implicit in version 1, written in version 2). */
  ngrams: number;
  /** Version 2: `CompactNgramArrays.levelStart`. */
  levels?: number[];
  columns: Column[];
  dataByteLength: number;
}

export interface EncodeNgramOptions {
  /** float32 halves the size of probabilities and backoff weights at ~1e-7 relative error. Default float64 (exact). */
  precision?: 'float64' | 'float32';
  /** 1 writes a backoff model in the version 1 layout, for readers older than version 2. Default: the newest. */
  version?: 1 | 2;
}

type Data = TypedColumn;

/** Serialises a trained or loaded n-gram model into the compact binary format. */
export function encodeNgram(model: NgramModel, options: EncodeNgramOptions = {}): Uint8Array {
  const precision = options.precision ?? 'float64';
  if (precision !== 'float64' && precision !== 'float32') {
    throw new SeqlmError('INVALID_ARGUMENT', `precision must be float64 or float32, got ${String(precision)}`);
  }
  if (options.version !== undefined && options.version !== 1 && options.version !== 2) {
    throw new SeqlmError('INVALID_ARGUMENT', `version must be 1 or 2, got ${String(options.version)}`);
  }
  if (options.version === 1 && model instanceof CompactBackoffModel) {
    throw new SeqlmError('UNSUPPORTED', 'a model read from a version 2 file can only be written as version 2');
  }
  if ((model instanceof BackoffModel && options.version !== 1) || model instanceof CompactBackoffModel) {
    return encodeCompact(model instanceof BackoffModel ? compactBackoff(model, precision) : model, precision);
  }
  let trie: NgramTrie;
  let kind: Header['model'];
  const values: [string, Data][] = [];
  if (model instanceof BackoffModel) {
    trie = model.trie;
    kind = 'backoff';
    const F = precision === 'float64' ? Float64Array : Float32Array;
    values.push(['logp10', F.from(model.logp10.subarray(1))], ['bow10', F.from(model.bow10.subarray(1))]);
  } else if (model instanceof AddKModel) {
    trie = model.trie;
    kind = 'add-k';
    values.push(['count', model.counts.slice(1, trie.size)]);
  } else {
    throw new SeqlmError('UNSUPPORTED', 'only models trained or loaded by @seqlm/core/ngram can be encoded');
  }
  const { prefix, last } = trie.columns();
  const words = model.vocab.size <= 65536 ? Uint16Array.from(last.subarray(1)) : last.slice(1);
  const data: [string, Data][] = [['prefix', prefix.slice(1)], ['word', words], ...values];
  return writeFile(model, kind, trie.size - 1, data, TRIE_FORMAT_VERSION);
}

function encodeCompact(model: CompactBackoffModel, precision: 'float64' | 'float32'): Uint8Array {
  const a = model.arrays;
  const F = precision === 'float64' ? Float64Array : Float32Array;
  const float = (x: Float64Array | Float32Array): Data => (x instanceof F ? x : F.from(x));
  const data: [string, Data][] = [
    ['word', a.word],
    ['suffix', a.suffix],
    ['childStart', a.childStart],
    ['logp10', float(a.logp10)],
    ['bow10', float(a.bow10)],
  ];
  return writeFile(model, 'backoff', model.size - 1, data, NGRAM_FORMAT_VERSION, Array.from(a.levelStart));
}

function writeFile(model: NgramModel, kind: Header['model'], ngrams: number, data: [string, Data][], version: number, levels?: number[]): Uint8Array {
  const columns: Column[] = [];
  let offset = 0;
  for (const [name, a] of data) {
    columns.push({ name, dtype: dtypeOf(a), offset, length: a.length });
    offset = align8(offset + a.byteLength);
  }
  const header: Header = {
    model: kind,
    order: model.order,
    boundaries: model.boundaries,
    estimator: model.estimator,
    vocab: model.vocab.toJSON(),
    trainedOn: model.trainedOn ?? null,
    ngrams,
    ...(levels !== undefined ? { levels } : {}),
    columns,
    dataByteLength: offset,
  };
  const json = asciiJson(header);
  const dataStart = align8(PREAMBLE + json.length);
  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = NGRAM_MAGIC.charCodeAt(i);
  view.setUint32(4, version, true);
  view.setUint32(8, json.length, true);
  view.setUint32(12, 0, true);
  for (let i = 0; i < json.length; i++) out[PREAMBLE + i] = json.charCodeAt(i);
  data.forEach(([, a], i) => writeColumn(out, view, dataStart + (columns[i] as Column).offset, a));
  return out;
}

/** A model read from an n-gram file: version 2 gives the compact backoff model, version 1 the trie-based ones. */
export type LoadedNgramModel = BackoffModel | AddKModel | CompactBackoffModel;

/**
 * Reads a model written by `encodeNgram`; anything truncated or inconsistent
 * throws `MODEL_INVALID`. A version 2 file's columns stay views over `bytes`
 * (do not modify them afterwards).
 */
export function decodeNgram(bytes: Uint8Array): LoadedNgramModel {
  if (bytes.length < PREAMBLE) invalid(`truncated: ${bytes.length} bytes is shorter than the ${PREAMBLE}-byte preamble`);
  const magic = String.fromCharCode(bytes[0] as number, bytes[1] as number, bytes[2] as number, bytes[3] as number);
  if (magic !== NGRAM_MAGIC) invalid(`bad magic ${JSON.stringify(magic)}; not a seqlm n-gram file (expected "${NGRAM_MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== NGRAM_FORMAT_VERSION && version !== TRIE_FORMAT_VERSION) {
    invalid(`unsupported n-gram file version ${version}; this build reads versions ${TRIE_FORMAT_VERSION} and ${NGRAM_FORMAT_VERSION} (re-build the model with "seqlm ngram build" or re-import its ARPA file)`);
  }
  const headerBytes = view.getUint32(8, true);
  if (view.getUint32(12, true) !== 0) invalid('unknown flags set in the preamble');
  if (PREAMBLE + headerBytes > bytes.length) invalid('truncated inside the header');
  const header = parseHeader(bytes.subarray(PREAMBLE, PREAMBLE + headerBytes));
  const dataStart = align8(PREAMBLE + headerBytes);
  if (bytes.length !== dataStart + header.dataByteLength) {
    invalid(`the header describes ${dataStart + header.dataByteLength} bytes, the file has ${bytes.length}`);
  }
  let vocab: Vocab;
  try {
    vocab = Vocab.fromJSON(header.vocab);
  } catch (error) {
    throw new SeqlmError('MODEL_INVALID', `n-gram file vocabulary: ${(error as Error).message}`, undefined, { cause: error });
  }
  const n = header.ngrams;
  const column = (name: string, dtypes: ColumnDtype[], length = n): Data => {
    const c = header.columns.find((x) => x.name === name);
    if (c === undefined || !dtypes.includes(c.dtype) || c.length !== length) invalid(`column "${name}" is missing or malformed`);
    const end = c.offset + c.length * DTYPE_BYTES[c.dtype];
    if (c.offset % 8 !== 0 || end > header.dataByteLength) invalid(`column "${name}" lies outside the data section`);
    return readColumn(bytes, view, dataStart + c.offset, c.dtype, c.length);
  };
  if (version === NGRAM_FORMAT_VERSION) {
    const levels = header.levels;
    if (header.model !== 'backoff' || !Array.isArray(levels) || levels.length !== header.order + 2 || !levels.every(isCount) || levels[header.order + 1] !== n + 1) {
      invalid('a version 2 file needs a backoff model and "levels" with order + 2 counts ending at ngrams + 1');
    }
    const contexts = levels[header.order] as number;
    const arrays = {
      levelStart: Int32Array.from(levels),
      word: column('word', ['uint16', 'int32'], n + 1) as Uint16Array | Int32Array,
      suffix: column('suffix', ['int32'], n + 1) as Int32Array,
      childStart: column('childStart', ['int32'], contexts + 1) as Int32Array,
      logp10: column('logp10', ['float64', 'float32'], n + 1) as Float64Array | Float32Array,
      bow10: column('bow10', ['float64', 'float32'], contexts) as Float64Array | Float32Array,
    };
    checkCompactArrays(arrays, header.order, vocab.size, invalid);
    return new CompactBackoffModel({
      vocab,
      order: header.order,
      estimator: header.estimator,
      boundaries: header.boundaries,
      trainedOn: header.trainedOn ?? undefined,
      arrays,
    });
  }
  const prefix = column('prefix', ['int32']);
  const word = column('word', ['uint16', 'int32']);
  const trie = rebuildTrie(vocab.size, header.order, prefix, word);
  const trainedOn = header.trainedOn ?? undefined;

  if (header.model === 'backoff') {
    const logp10 = new Float64Array(n + 1);
    const bow10 = new Float64Array(n + 1);
    logp10[0] = Number.NaN;
    logp10.set(column('logp10', ['float64', 'float32']), 1);
    bow10.set(column('bow10', ['float64', 'float32']), 1);
    return new BackoffModel({
      vocab,
      order: header.order,
      estimator: header.estimator,
      boundaries: header.boundaries,
      trie,
      logp10,
      bow10,
      ...(trainedOn ? { trainedOn } : {}),
    });
  }
  if (header.estimator.kind !== 'add-k') invalid('an add-k model must record its k');
  const counts = new Float64Array(n + 1);
  counts.set(column('count', ['float64']), 1);
  const c = {
    order: header.order,
    vocabSize: vocab.size,
    bos: -1,
    eos: -1,
    trie,
    counts,
    atStart: new Uint8Array(0),
    tokens: trainedOn?.tokens ?? 0,
    sequences: trainedOn?.sequences ?? 0,
  };
  if (header.boundaries) {
    c.bos = vocab.idOf('<s>');
    c.eos = vocab.idOf('</s>');
  }
  return new AddKModel(c, vocab, header.boundaries, header.estimator.k);
}

function rebuildTrie(V: number, order: number, prefix: Data, word: Data): NgramTrie {
  const n = prefix.length;
  const trie = new NgramTrie(V, order, n + 1);
  const first = new Int32Array(n + 1);
  const suffix = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) {
    const id = k + 1;
    const p = prefix[k] as number;
    const w = word[k] as number;
    if (!(p >= 0 && p < id) || !(w >= 0 && w < V)) invalid(`n-gram ${id} refers to prefix ${p} / token ${w}, which do not exist yet`);
    if (trie.lengthOf(p) >= order) invalid(`n-gram ${id} is longer than the order ${order}`);
    let s = ROOT;
    if (p === ROOT) first[id] = w;
    else {
      first[id] = first[p] as number;
      s = trie.child(suffix[p] as number, w);
      if (s < 0) invalid(`the suffix of n-gram ${id} is missing`);
    }
    if (trie.child(p, w) >= 0) invalid(`n-gram ${id} is listed twice`);
    suffix[id] = s;
    trie.add(p, s, first[id] as number, w);
  }
  return trie;
}

export interface NgramManifestOptions {
  /** The tokenizer and normalisation that turned text into the model's tokens. */
  text: TextSpec;
  /** Path of the encoded model beside the manifest. Default `model.ngram`. */
  file?: string;
  name?: string;
  description?: string;
  /** Corpus name and anything else to record; the corpus size the model knows is added to `hyperparameters`. */
  training?: TrainingMetadata;
  /** The SHA-256 to record the file with (see `LoadNgramOptions.sha256Hex`). */
  sha256Hex?: (bytes: Uint8Array) => string;
}

/**
 * The manifest (kind `ngram`) for a model encoded as `bytes`: order, estimator
 * and its parameters, boundaries, n-gram counts per order, tokenizer and
 * normalisation, vocabulary, training corpus and size, and the file's sha256.
 */
export function ngramManifest(model: NgramModel, bytes: Uint8Array, options: NgramManifestOptions): NgramManifest {
  const file = options.file ?? 'model.ngram';
  const spec: NgramSpec = {
    order: model.order,
    ...manifestEstimator(model.estimator),
    sentenceBoundaries: model.boundaries,
    counts: ngramCounts(model),
    file,
  };
  const hyperparameters: Record<string, number | string | boolean | null> = { ...(options.training?.hyperparameters ?? {}), order: model.order };
  if (model.trainedOn) {
    hyperparameters.trainingTokens = model.trainedOn.tokens;
    hyperparameters.trainingSequences = model.trainedOn.sequences;
  }
  const manifest: NgramManifest = {
    format: 'seqlm-manifest',
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    kind: 'ngram',
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    files: [options.sha256Hex ? { role: 'ngram', path: file, bytes: bytes.length, sha256: options.sha256Hex(bytes) } : fileEntry('ngram', file, bytes)],
    text: options.text,
    vocab: model.vocab.toJSON(),
    ngram: spec,
    training: { ...options.training, hyperparameters },
  };
  return parseManifest(manifest) as NgramManifest;
}

export interface LoadNgramOptions {
  /**
   * The SHA-256 (lowercase hex) to check the bytes with. Default: core's own,
   * synchronous and portable; Node callers can pass `node:crypto`'s, which is
   * an order of magnitude faster on a file of megabytes.
   */
  sha256Hex?: (bytes: Uint8Array) => string;
  /**
   * Check the bytes' size and hash against the manifest (default true). Pass
   * false only for bytes the caller has just checked, so a loader does not
   * hash a file of megabytes twice.
   */
  verify?: boolean;
}

/**
 * Loads a model from its manifest and encoded bytes: validates the manifest,
 * checks the bytes' size and sha256 (`HASH_MISMATCH`), decodes them and checks
 * that order, estimator, boundaries and vocabulary agree with the manifest.
 */
export function loadNgram(manifest: unknown, bytes: Uint8Array, options: LoadNgramOptions = {}): LoadedNgramModel {
  const m = parseManifest(manifest);
  if (m.kind !== 'ngram') throw new SeqlmError('MANIFEST_INVALID', `expected a manifest of kind "ngram", got "${m.kind}"`);
  const entry = findFile(m, m.ngram.file);
  if (options.verify === false) {
    if (bytes.length !== entry.bytes) throw new SeqlmError('HASH_MISMATCH', `${entry.path}: expected ${entry.bytes} bytes, got ${bytes.length}`, { path: entry.path });
  } else verifyFile(entry, bytes, options.sha256Hex);
  const model = decodeNgram(bytes);
  const mismatch = (what: string): never => {
    throw new SeqlmError('MANIFEST_INVALID', `the manifest and the n-gram file disagree on the ${what}`, { field: what });
  };
  if (model.order !== m.ngram.order) mismatch('order');
  if (model.boundaries !== m.ngram.sentenceBoundaries) mismatch('sentence boundaries');
  if (JSON.stringify(manifestEstimator(model.estimator)) !== JSON.stringify(manifestEstimator(estimatorOf(m.ngram)))) mismatch('estimator');
  if (JSON.stringify(model.vocab.toJSON()) !== JSON.stringify(Vocab.fromJSON(m.vocab).toJSON())) mismatch('vocabulary');
  if (JSON.stringify(ngramCounts(model)) !== JSON.stringify(m.ngram.counts)) mismatch('n-gram counts');
  return model;
}

/** The manifest's estimator fields: `kn` discounts are flattened as D1, D2, D3+ of order 1, then order 2, ... */
function manifestEstimator(e: NgramEstimatorSpec): Pick<NgramSpec, 'estimator' | 'k' | 'discounts'> {
  switch (e.kind) {
    case 'mle':
      return { estimator: 'mle' };
    case 'add-k':
      return { estimator: 'addk', k: e.k };
    case 'kneser-ney':
      return { estimator: 'kn', discounts: e.discounts.flat() };
    case 'backoff':
      return { estimator: 'backoff' };
  }
}

function estimatorOf(spec: NgramSpec): NgramEstimatorSpec {
  if (spec.estimator === 'mle') return { kind: 'mle' };
  if (spec.estimator === 'addk') return { kind: 'add-k', k: spec.k as number };
  if (spec.estimator === 'backoff') return { kind: 'backoff' };
  const d = spec.discounts ?? [];
  const discounts: [number, number, number][] = [];
  for (let i = 0; i + 2 < d.length; i += 3) discounts.push([d[i] as number, d[i + 1] as number, d[i + 2] as number]);
  return { kind: 'kneser-ney', discounts };
}

function ngramCounts(model: NgramModel): number[] {
  const counts: number[] = [];
  for (let n = 1; n <= model.order; n++) {
    if (model instanceof BackoffModel || model instanceof CompactBackoffModel) counts.push(model.ngramCount(n));
    else if (model instanceof AddKModel) counts.push(countOfOrder(model, n));
  }
  return counts;
}

function countOfOrder(model: AddKModel, n: number): number {
  const { length } = model.trie.columns();
  let k = 0;
  for (let id = 1; id < length.length; id++) if (length[id] === n && (model.counts[id] as number) > 0) k++;
  return k;
}

function dtypeOf(a: Data): ColumnDtype {
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Float32Array) return 'float32';
  return 'float64';
}

function writeColumn(out: Uint8Array, view: DataView, start: number, a: Data): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), start);
    return;
  }
  const size = a.BYTES_PER_ELEMENT;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const at = start + i * size;
    if (a instanceof Int32Array) view.setInt32(at, x, true);
    else if (a instanceof Uint16Array) view.setUint16(at, x, true);
    else if (a instanceof Float32Array) view.setFloat32(at, x, true);
    else view.setFloat64(at, x, true);
  }
}


function parseHeader(raw: Uint8Array): Header {
  const h = parseAsciiJson(raw, invalid) as Partial<Header> | null;
  if (h === null || typeof h !== 'object') invalid('header must be a JSON object');
  if (h.model !== 'backoff' && h.model !== 'add-k') invalid(`unknown model ${JSON.stringify(h.model)}`);
  if (!isCount(h.order) || h.order < 1 || h.order > 255) invalid(`order must be an integer in 1..255, got ${JSON.stringify(h.order)}`);
  if (typeof h.boundaries !== 'boolean') invalid('"boundaries" must be a boolean');
  if (!isCount(h.ngrams) || !isCount(h.dataByteLength) || !Array.isArray(h.columns)) invalid('"ngrams", "dataByteLength" and "columns" are required');
  const e = h.estimator as Partial<{ kind: string; k: number; discounts: unknown }> | undefined;
  const okEstimator =
    e !== undefined &&
    (e.kind === 'mle' ||
      e.kind === 'backoff' ||
      (e.kind === 'add-k' && typeof e.k === 'number' && e.k > 0) ||
      (e.kind === 'kneser-ney' && Array.isArray(e.discounts)));
  if (!okEstimator) invalid(`malformed estimator ${JSON.stringify(h.estimator)}`);
  for (const c of h.columns as unknown[]) {
    const col = c as Partial<Column> | null;
    if (col === null || typeof col !== 'object' || typeof col.name !== 'string' || !(String(col.dtype) in DTYPE_BYTES) || !isCount(col.offset) || !isCount(col.length)) {
      invalid(`malformed column ${JSON.stringify(c)}`);
    }
  }
  return h as Header;
}


function invalid(message: string): never {
  throw new SeqlmError('MODEL_INVALID', `n-gram file: ${message}`);
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

