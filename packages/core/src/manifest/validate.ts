import { SeqlmError, isSeqlmError } from '../errors/index.ts';
import { NORMALIZATIONS, TOKENIZERS } from '../text/index.ts';
import { Vocab } from '../vocab/index.ts';
import { Checker, childPath, describe } from './checker.ts';
import {
  FILE_ROLES,
  GATE_LAYOUTS,
  GATE_ORDERS,
  MANIFEST_FORMAT,
  MANIFEST_SCHEMA_VERSION,
  MODEL_KINDS,
  READABLE_SCHEMA_VERSIONS,
  NGRAM_ESTIMATORS,
  TENSOR_DTYPES,
  type FileRole,
  type GraphIo,
  type Manifest,
  type ManifestValidation,
  type ModelKind,
} from './types.ts';

type Obj = Record<string, unknown>;

const SHA256_HEX = /^[0-9a-f]{64}$/;
// ISO 8601 date-time with an explicit zone, as Date.prototype.toISOString writes it.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const BASE_KEYS = ['format', 'schemaVersion', 'kind', 'name', 'description', 'files', 'training'];
const TEXT_KEYS = [...BASE_KEYS, 'text', 'vocab'];
const KIND_KEYS: Record<ModelKind, string[]> = {
  rnn: [...TEXT_KEYS, 'architecture', 'weights', 'onnx'],
  gru: [...TEXT_KEYS, 'architecture', 'gates', 'weights', 'onnx'],
  lstm: [...TEXT_KEYS, 'architecture', 'gates', 'weights', 'onnx'],
  ngram: [...TEXT_KEYS, 'ngram'],
  'ts-mlp': [...BASE_KEYS, 'architecture', 'standardization', 'weights', 'onnx'],
  mixture: [...TEXT_KEYS, 'mixture'],
};

type FileRef = (obj: Obj, key: string, path: string, roles: readonly FileRole[]) => void;

/**
 * Checks `value` against the manifest schema and returns every problem with its
 * JSON path, or the value typed as a `Manifest`. Never throws.
 */
export function validateManifest(value: unknown): ManifestValidation {
  const c = new Checker();
  const root = c.object(value, '$');
  if (root === undefined) return { ok: false, problems: c.problems };

  // A different schema version may mean different fields, so nothing else is judged.
  const version = root.schemaVersion;
  if (!(READABLE_SCHEMA_VERSIONS as readonly unknown[]).includes(version)) {
    const got = version === undefined ? 'it is missing' : `got ${describe(version)}`;
    c.add('$.schemaVersion', `unsupported manifest schema version: this build of @seqlm/core reads versions ${READABLE_SCHEMA_VERSIONS.join(' and ')}, ${got}`);
    return { ok: false, problems: c.problems };
  }
  const v1 = version === 1;
  if (root.format !== MANIFEST_FORMAT) c.add('$.format', `must be "${MANIFEST_FORMAT}", got ${describe(root.format)}`);
  c.string(root, 'name', '$', true);
  c.string(root, 'description', '$', true);
  const files = checkFiles(c, root);
  if (root.training !== undefined) checkTraining(c, root.training, '$.training');

  const kind = c.oneOf(root, 'kind', v1 ? MODEL_KINDS.filter((k) => k !== 'mixture') : MODEL_KINDS, '$');
  let io: GraphIo | undefined;
  if (kind !== undefined) {
    c.keys(root, KIND_KEYS[kind], '$');
    const ref: FileRef = (obj, key, path, roles) => checkFileRef(c, files, obj, key, path, roles);
    if (kind === 'ts-mlp') {
      checkTsMlp(c, root);
      checkArtifacts(c, root, ref, 'optional');
    } else {
      const vocabSize = checkTextAndVocab(c, root);
      if (kind === 'ngram') checkNgram(c, root, vocabSize, ref);
      else if (kind === 'mixture') checkMixture(c, root);
      else {
        checkNeural(c, root, kind, vocabSize);
        checkArtifacts(c, root, ref, v1 ? 'absent' : 'required');
        if (v1 && c.problems.length === 0 && root.onnx !== undefined) io = v1GraphIo(c, root.onnx as Obj);
      }
    }
  }
  if (c.problems.length > 0) return { ok: false, problems: c.problems };
  // A version 1 manifest is upgraded in memory: same fields, plus the I/O contract its exporter followed.
  const manifest = (v1 ? { ...root, schemaVersion: MANIFEST_SCHEMA_VERSION, ...(io ? { onnx: { ...(root.onnx as Obj), io } } : {}) } : root) as unknown as Manifest;
  return { ok: true, manifest };
}

/**
 * The contract every version 1 exporter followed (there was no `io` field
 * then): token ids `[batch, time]` first, logits `[batch, time, V]` first among
 * the outputs, and each remaining input carried to the remaining output at the
 * same position (`h0` → `hT`, `c0` → `cT`), batch on the axis named `batch`.
 */
function v1GraphIo(c: Checker, onnx: Obj): GraphIo | undefined {
  const inputs = onnx.inputs as { name: string; dtype: string; shape: (number | string)[] }[];
  const outputs = onnx.outputs as { name: string; shape: (number | string)[] }[];
  const [tokens, ...states] = inputs;
  const [logits, ...stateOut] = outputs;
  const axes = (shape: (number | string)[]) => ({ batchAxis: shape.indexOf('batch'), timeAxis: shape.indexOf('time') });
  if (tokens === undefined || logits === undefined || (tokens.dtype !== 'int32' && tokens.dtype !== 'int64') || states.length !== stateOut.length) {
    c.add('$.onnx', 'this version 1 manifest does not describe a graph of the version 1 export contract (ids, state inputs → logits, state outputs); export the model again');
    return undefined;
  }
  const t = axes(tokens.shape);
  const l = axes(logits.shape);
  const s = states.map((st, i) => ({ input: st.name, output: (stateOut[i] as { name: string }).name, batchAxis: st.shape.indexOf('batch') }));
  if (t.batchAxis < 0 || t.timeAxis < 0 || l.batchAxis < 0 || l.timeAxis < 0 || s.some((x) => x.batchAxis < 0)) {
    c.add('$.onnx', 'this version 1 manifest names no "batch"/"time" axes on its token, logits or state tensors; export the model again');
    return undefined;
  }
  return { tokens: { name: tokens.name, ...t }, logits: { name: logits.name, ...l }, state: s };
}

/**
 * Parses manifest JSON text (or an already-parsed value) and returns it typed,
 * or throws `MANIFEST_INVALID` listing every problem (`details.problems`).
 */
export function parseManifest(input: string | unknown): Manifest {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      const problems = [{ path: '$', message: `not valid JSON: ${(error as Error).message}` }];
      throw new SeqlmError('MANIFEST_INVALID', `manifest is not valid JSON: ${(error as Error).message}`, { problems }, { cause: error });
    }
  }
  const result = validateManifest(value);
  if (result.ok) return result.manifest;
  const shown = result.problems.slice(0, 20).map((p) => `  ${p.path}: ${p.message}`);
  const more = result.problems.length > shown.length ? [`  … and ${result.problems.length - shown.length} more`] : [];
  const count = result.problems.length;
  throw new SeqlmError('MANIFEST_INVALID', `invalid model manifest (${count} problem${count === 1 ? '' : 's'}):\n${[...shown, ...more].join('\n')}`, {
    problems: result.problems,
  });
}

/** The manifest as pretty JSON, validated first so an invalid manifest is never written. */
export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(parseManifest(manifest), null, 2)}\n`;
}

function checkFiles(c: Checker, root: Obj): Map<string, FileRole | undefined> {
  const byPath = new Map<string, FileRole | undefined>();
  const items = c.array(root, 'files', '$');
  items?.forEach((item, i) => {
    const path = childPath('$.files', i);
    const entry = c.object(item, path);
    if (entry === undefined) return;
    c.keys(entry, ['role', 'path', 'bytes', 'sha256'], path);
    const role = c.oneOf(entry, 'role', FILE_ROLES, path);
    const filePath = c.string(entry, 'path', path);
    if (filePath !== undefined) {
      const problem = relativePathProblem(filePath);
      if (problem !== undefined) c.add(childPath(path, 'path'), problem);
      else if (byPath.has(filePath)) c.add(childPath(path, 'path'), `lists ${JSON.stringify(filePath)} a second time`);
      else byPath.set(filePath, role);
    }
    c.number(entry, 'bytes', path, { integer: true, min: 0 });
    const hash = entry.sha256;
    if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) {
      c.add(childPath(path, 'sha256'), `must be 64 lowercase hex characters, got ${describe(hash)}`);
    }
  });
  return byPath;
}

/** A path a loader can join to the model directory without escaping it on any OS. */
function relativePathProblem(path: string): string | undefined {
  if (path.includes('\\')) return 'must use "/" separators';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'must be relative to the manifest directory';
  if (path.split('/').some((part) => part === '..' || part === '.' || part === '')) return 'must not contain empty, "." or ".." segments';
  return undefined;
}

function checkFileRef(c: Checker, files: Map<string, FileRole | undefined>, obj: Obj, key: string, path: string, roles: readonly FileRole[]): void {
  const ref = c.string(obj, key, path);
  if (ref === undefined) return;
  if (!files.has(ref)) {
    c.add(childPath(path, key), `${JSON.stringify(ref)} is not listed in $.files`);
    return;
  }
  const role = files.get(ref);
  if (role !== undefined && !roles.includes(role)) {
    c.add(childPath(path, key), `${JSON.stringify(ref)} has role "${role}" in $.files; expected ${roles.map((r) => `"${r}"`).join(' or ')}`);
  }
}

/** Returns the vocabulary size when the vocabulary is valid. */
function checkTextAndVocab(c: Checker, root: Obj): number | undefined {
  const text = c.section(root, 'text', '$');
  if (text !== undefined) {
    c.keys(text, ['tokenizer', 'normalization'], '$.text');
    c.oneOf(text, 'tokenizer', TOKENIZERS, '$.text');
    c.oneOf(text, 'normalization', NORMALIZATIONS, '$.text');
  }
  if (root.vocab === undefined) {
    c.add('$.vocab', 'is required');
    return undefined;
  }
  try {
    return Vocab.fromJSON(root.vocab).size;
  } catch (error) {
    if (!isSeqlmError(error)) throw error;
    const id = error.details?.id;
    c.add(typeof id === 'number' ? `$.vocab.tokens[${id}]` : '$.vocab', error.message);
    return undefined;
  }
}

function checkNeural(c: Checker, root: Obj, kind: 'rnn' | 'gru' | 'lstm', vocabSize: number | undefined): void {
  const arch = c.section(root, 'architecture', '$');
  if (arch !== undefined) {
    const p = '$.architecture';
    c.keys(arch, ['vocabSize', 'hiddenSize', 'numLayers', 'embedding'], p);
    const v = c.number(arch, 'vocabSize', p, { integer: true, min: 1 });
    if (v !== undefined && vocabSize !== undefined && v !== vocabSize) {
      c.add(`${p}.vocabSize`, `is ${v} but $.vocab has ${vocabSize} tokens`);
    }
    c.number(arch, 'hiddenSize', p, { integer: true, min: 1 });
    c.number(arch, 'numLayers', p, { integer: true, min: 1 });
    checkEmbedding(c, arch.embedding, `${p}.embedding`);
  }
  if (kind === 'rnn') return; // No gates; KIND_KEYS already refuses a `gates` field.
  const gates = c.section(root, 'gates', '$');
  if (gates === undefined) return;
  c.keys(gates, kind === 'gru' ? ['layout', 'order', 'linearBeforeReset'] : ['layout', 'order'], '$.gates');
  const layout = c.oneOf(gates, 'layout', GATE_LAYOUTS, '$.gates');
  const order = c.array(gates, 'order', '$.gates');
  if (layout !== undefined && order !== undefined) {
    const expected: readonly string[] = GATE_ORDERS[layout][kind];
    if (order.length !== expected.length || order.some((g, i) => g !== expected[i])) {
      c.add('$.gates.order', `the "${layout}" ${kind.toUpperCase()} gate order is ${JSON.stringify(expected)}, got ${JSON.stringify(order)}`);
    }
  }
  if (kind === 'gru') {
    const lbr = gates.linearBeforeReset;
    if (lbr !== 0 && lbr !== 1) c.add('$.gates.linearBeforeReset', `must be 0 or 1 (ONNX GRU attribute), got ${describe(lbr)}`);
  }
}

function checkEmbedding(c: Checker, value: unknown, path: string): void {
  if (value === undefined) {
    c.add(path, 'is required');
    return;
  }
  const emb = c.object(value, path);
  if (emb === undefined) return;
  const type = c.oneOf(emb, 'type', ['one-hot', 'dense'] as const, path);
  if (type === 'one-hot') c.keys(emb, ['type'], path);
  if (type === 'dense') {
    c.keys(emb, ['type', 'dim'], path);
    c.number(emb, 'dim', path, { integer: true, min: 1 });
  }
}

/**
 * Neural and ts-mlp models need at least one runnable artifact: core weights or an ONNX graph.
 * `io` says whether the graph's I/O contract must be there (neural, v2), may be (ts-mlp) or predates it (v1).
 */
function checkArtifacts(c: Checker, root: Obj, ref: FileRef, io: 'required' | 'optional' | 'absent'): void {
  if (root.weights === undefined && root.onnx === undefined) {
    c.add('$', 'needs "weights" (a core weights container) or "onnx" (an exported graph), or both');
  }
  const weights = c.section(root, 'weights', '$', true);
  if (weights !== undefined) {
    c.keys(weights, ['file'], '$.weights');
    ref(weights, 'file', '$.weights', ['weights']);
  }
  const onnx = c.section(root, 'onnx', '$', true);
  if (onnx !== undefined) {
    c.keys(onnx, io === 'absent' ? ['file', 'opset', 'irVersion', 'inputs', 'outputs'] : ['file', 'opset', 'irVersion', 'inputs', 'outputs', 'io'], '$.onnx');
    ref(onnx, 'file', '$.onnx', ['onnx']);
    c.number(onnx, 'opset', '$.onnx', { integer: true, min: 1 });
    c.number(onnx, 'irVersion', '$.onnx', { integer: true, min: 1 });
    checkTensorSpecs(c, onnx, 'inputs');
    checkTensorSpecs(c, onnx, 'outputs');
    if (onnx.io !== undefined || io === 'required') checkGraphIo(c, onnx);
  }
}

/** `onnx.io` names tensors the graph declares, with axes inside their rank, and pairs every state input once. */
function checkGraphIo(c: Checker, onnx: Obj): void {
  const p = '$.onnx.io';
  const io = c.section(onnx, 'io', '$.onnx');
  if (io === undefined) return;
  c.keys(io, ['tokens', 'logits', 'state', 'hidden'], p);
  const specs = (key: 'inputs' | 'outputs') =>
    new Map(((Array.isArray(onnx[key]) ? onnx[key] : []) as Obj[]).map((t) => [t?.name, t] as const).filter(([name]) => typeof name === 'string'));
  const inputs = specs('inputs');
  const outputs = specs('outputs');
  const rankOf = (spec: Obj | undefined) => (Array.isArray(spec?.shape) ? spec.shape.length : 0);
  const axis = (obj: Obj, key: string, path: string, rank: number) => c.number(obj, key, path, { integer: true, min: 0, below: Math.max(rank, 1) });
  const sequence = (key: 'tokens' | 'logits' | 'hidden', pool: Map<unknown, Obj>, optional = false) => {
    const sp = `${p}.${key}`;
    const t = c.section(io, key, p, optional);
    if (t === undefined) return;
    c.keys(t, ['name', 'batchAxis', 'timeAxis'], sp);
    const name = c.string(t, 'name', sp);
    const spec = pool.get(name);
    if (name !== undefined && spec === undefined) c.add(`${sp}.name`, `${JSON.stringify(name)} is not one of the graph's ${key === 'tokens' ? 'inputs' : 'outputs'}`);
    if (key === 'tokens' && spec !== undefined && spec.dtype !== 'int32' && spec.dtype !== 'int64') c.add(`${sp}.name`, `the token input must be int32 or int64, got ${describe(spec.dtype)}`);
    if (key === 'hidden' && spec !== undefined && spec.dtype !== 'float32') c.add(`${sp}.name`, `the hidden states must be float32, got ${describe(spec.dtype)}`);
    if (key === 'hidden' && name !== undefined && name === (io.logits as Obj | undefined)?.name) c.add(`${sp}.name`, 'must differ from the logits output');
    const b = axis(t, 'batchAxis', sp, rankOf(spec));
    const ti = axis(t, 'timeAxis', sp, rankOf(spec));
    if (b !== undefined && b === ti) c.add(`${sp}.timeAxis`, 'must differ from batchAxis');
  };
  sequence('tokens', inputs);
  sequence('logits', outputs);
  sequence('hidden', outputs, true);
  const state = c.array(io, 'state', p);
  const seen = new Set<unknown>();
  state?.forEach((item, i) => {
    const sp = childPath(`${p}.state`, i);
    const s = c.object(item, sp);
    if (s === undefined) return;
    c.keys(s, ['input', 'output', 'batchAxis'], sp);
    const input = c.string(s, 'input', sp);
    const output = c.string(s, 'output', sp);
    if (input !== undefined && !inputs.has(input)) c.add(`${sp}.input`, `${JSON.stringify(input)} is not one of the graph's inputs`);
    if (output !== undefined && !outputs.has(output)) c.add(`${sp}.output`, `${JSON.stringify(output)} is not one of the graph's outputs`);
    if (seen.has(input)) c.add(`${sp}.input`, `${JSON.stringify(input)} is listed twice`);
    seen.add(input);
    axis(s, 'batchAxis', sp, rankOf(inputs.get(input)));
  });
}

function checkMixture(c: Checker, root: Obj): void {
  const p = '$.mixture';
  const mix = c.section(root, 'mixture', '$');
  if (mix === undefined) return;
  c.keys(mix, ['components'], p);
  const items = c.array(mix, 'components', p);
  if (items === undefined) return;
  if (items.length < 1) c.add(`${p}.components`, 'must list at least one component');
  let sum = 0;
  items.forEach((item, i) => {
    const sp = childPath(`${p}.components`, i);
    const comp = c.object(item, sp);
    if (comp === undefined) return;
    c.keys(comp, ['path', 'manifestSha256', 'weight'], sp);
    const path = c.string(comp, 'path', sp);
    if (path !== undefined && (path.length === 0 || path.includes('\\') || path.startsWith('/') || /^[A-Za-z]:/.test(path))) {
      c.add(`${sp}.path`, 'must be a "/"-separated path relative to the mixture\'s directory');
    }
    const hash = comp.manifestSha256;
    if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) c.add(`${sp}.manifestSha256`, `must be 64 lowercase hex characters, got ${describe(hash)}`);
    const w = c.number(comp, 'weight', sp, { min: 0, max: 1 });
    if (w !== undefined) sum += w;
  });
  if (c.problems.length === 0 && Math.abs(sum - 1) > 1e-9) c.add(`${p}.components`, `the weights must sum to 1, got ${sum}`);
}

function checkTensorSpecs(c: Checker, onnx: Obj, key: 'inputs' | 'outputs'): void {
  const items = c.array(onnx, key, '$.onnx');
  if (items === undefined) return;
  const listPath = `$.onnx.${key}`;
  if (items.length === 0) c.add(listPath, 'must list at least one tensor');
  const names = new Set<string>();
  items.forEach((item, i) => {
    const path = childPath(listPath, i);
    const spec = c.object(item, path);
    if (spec === undefined) return;
    c.keys(spec, ['name', 'dtype', 'shape'], path);
    const name = c.string(spec, 'name', path);
    if (name !== undefined) {
      if (names.has(name)) c.add(`${path}.name`, `${JSON.stringify(name)} is listed twice`);
      names.add(name);
    }
    c.oneOf(spec, 'dtype', TENSOR_DTYPES, path);
    const shape = c.array(spec, 'shape', path);
    shape?.forEach((dim, d) => {
      const ok = (typeof dim === 'string' && dim.length > 0) || (Number.isSafeInteger(dim) && (dim as number) >= 0);
      if (!ok) c.add(childPath(`${path}.shape`, d), `must be a non-negative integer or a named dynamic dimension, got ${describe(dim)}`);
    });
  });
}

function checkNgram(
  c: Checker,
  root: Obj,
  vocabSize: number | undefined,
  ref: (obj: Obj, key: string, path: string, roles: readonly FileRole[]) => void,
): void {
  const p = '$.ngram';
  const ng = c.section(root, 'ngram', '$');
  if (ng === undefined) return;
  c.keys(ng, ['order', 'estimator', 'k', 'discounts', 'sentenceBoundaries', 'counts', 'file'], p);
  const order = c.number(ng, 'order', p, { integer: true, min: 1 });
  const estimator = c.oneOf(ng, 'estimator', NGRAM_ESTIMATORS, p);
  if (estimator === 'addk') c.number(ng, 'k', p, { above: 0 });
  else if (ng.k !== undefined) c.add(`${p}.k`, `only applies to the "addk" estimator, not ${JSON.stringify(estimator ?? ng.estimator)}`);
  if (estimator === 'kn') {
    const discounts = c.numbers(ng, 'discounts', p, { min: 0 });
    if (discounts !== undefined && discounts.length === 0) c.add(`${p}.discounts`, 'must list at least one discount');
  } else if (ng.discounts !== undefined) {
    c.add(`${p}.discounts`, `only applies to the "kn" estimator, not ${JSON.stringify(estimator ?? ng.estimator)}`);
  }
  const boundaries = c.boolean(ng, 'sentenceBoundaries', p);
  if (boundaries === true && vocabSize !== undefined) {
    const tokens = (root.vocab as { tokens: string[] }).tokens;
    for (const t of ['<s>', '</s>']) if (!tokens.includes(t)) c.add(`${p}.sentenceBoundaries`, `is true but $.vocab has no "${t}" token`);
  }
  const counts = c.numbers(ng, 'counts', p, { integer: true, min: 0 });
  if (counts !== undefined && order !== undefined && counts.length !== order) {
    c.add(`${p}.counts`, `must have one entry per order (${order}), got ${counts.length}`);
  }
  ref(ng, 'file', p, ['ngram', 'arpa']);
}

function checkTsMlp(c: Checker, root: Obj): void {
  const p = '$.architecture';
  const arch = c.section(root, 'architecture', '$');
  if (arch !== undefined) {
    c.keys(arch, ['tau', 'hiddenSizes', 'activation'], p);
    c.number(arch, 'tau', p, { integer: true, min: 1 });
    c.numbers(arch, 'hiddenSizes', p, { integer: true, min: 1 });
    c.oneOf(arch, 'activation', ['relu', 'tanh'] as const, p);
  }
  const s = c.section(root, 'standardization', '$', true);
  if (s !== undefined) {
    c.keys(s, ['mean', 'std'], '$.standardization');
    c.number(s, 'mean', '$.standardization');
    c.number(s, 'std', '$.standardization', { above: 0 });
  }
}

function checkTraining(c: Checker, value: unknown, p: string): void {
  const t = c.object(value, p);
  if (t === undefined) return;
  c.keys(
    t,
    [
      'corpus', 'valFraction', 'seed', 'hyperparameters', 'backend', 'epochs',
      'trainPerplexity', 'valPerplexity', 'finalTrainPerplexity', 'finalValPerplexity',
      'trainLoss', 'valLoss', 'finalTrainLoss', 'finalValLoss', 'wallTimeSeconds', 'createdAt',
    ],
    p,
  );
  c.string(t, 'corpus', p, true);
  c.number(t, 'valFraction', p, { min: 0, below: 1 }, true);
  c.number(t, 'seed', p, { integer: true }, true);
  c.string(t, 'backend', p, true);
  c.number(t, 'epochs', p, { integer: true, min: 0 }, true);
  // Perplexity is exp(cross-entropy) >= 1; a smaller value means a bug upstream.
  for (const key of ['trainPerplexity', 'valPerplexity']) c.numbers(t, key, p, { min: 1 }, true);
  for (const key of ['finalTrainPerplexity', 'finalValPerplexity']) c.number(t, key, p, { min: 1 }, true);
  for (const key of ['trainLoss', 'valLoss']) c.numbers(t, key, p, { min: 0 }, true);
  for (const key of ['finalTrainLoss', 'finalValLoss']) c.number(t, key, p, { min: 0 }, true);
  c.number(t, 'wallTimeSeconds', p, { min: 0 }, true);
  const createdAt = c.string(t, 'createdAt', p, true);
  if (createdAt !== undefined && (!ISO_DATE_TIME.test(createdAt) || Number.isNaN(Date.parse(createdAt)))) {
    c.add(`${p}.createdAt`, `must be an ISO 8601 date-time with a zone (e.g. "2024-01-31T12:00:00Z"), got ${describe(createdAt)}`);
  }
  const hp = c.section(t, 'hyperparameters', p, true);
  for (const [key, v] of Object.entries(hp ?? {})) {
    const ok = v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    if (!ok) c.add(childPath(`${p}.hyperparameters`, key), `must be a finite number, string, boolean or null, got ${describe(v)}`);
  }
}
