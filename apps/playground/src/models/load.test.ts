import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeqlmError } from '@seqlm/core/errors';
import { fileEntry, serializeManifest } from '@seqlm/core/manifest';
import { encodeNgram, ngramManifest, trainNgram } from '@seqlm/core/ngram';
import * as ortNode from 'onnxruntime-node';
import { adaptOrtSession, NeuralLm, NgramLm, RnnLm, type OrtLikeTensor } from '@seqlm/core/lm';
import { parseManifest, type NeuralManifest } from '@seqlm/core/manifest';
import { loadModel, type Fetch, type OnnxLoaders } from './load.ts';
import type { SeriesModel } from './forecast.ts';

const BASE = 'http://site.test/app/';
const fixturesDir = resolve(import.meta.dirname, '..', '..', '..', '..', 'fixtures', 'models');
const gruDir = resolve(fixturesDir, 'gru-tiny');
const tsMlpDir = resolve(fixturesDir, 'ts-mlp-tiny');

/** A static host holding `files` (path under BASE -> bytes); anything else is a 404. */
function host(files: Record<string, Uint8Array | string>): Fetch & { requested: string[] } {
  const requested: string[] = [];
  const fetchFn = async (url: string) => {
    const path = url.slice(BASE.length);
    requested.push(path);
    const body = files[path];
    return body === undefined ? new Response('not found', { status: 404 }) : new Response(typeof body === 'string' ? body : body.slice());
  };
  return Object.assign(fetchFn, { requested });
}

function gruFiles(onnx = new Uint8Array(readFileSync(resolve(gruDir, 'model.onnx')))): Record<string, Uint8Array | string> {
  return { 'models/gru/manifest.json': readFileSync(resolve(gruDir, 'manifest.json'), 'utf8'), 'models/gru/model.onnx': onnx };
}

/** Sessions on onnxruntime-node (the browser's is onnxruntime-web, driven the same way), recording the bytes each loader was given. */
function recordingLoader(): OnnxLoaders & { calls: Uint8Array[]; seriesCalls: Uint8Array[] } {
  const calls: Uint8Array[] = [];
  const seriesCalls: Uint8Array[] = [];
  return {
    calls,
    seriesCalls,
    createSession: async (bytes) => {
      calls.push(bytes);
      return adaptOrtSession(await ortNode.InferenceSession.create(bytes), ortNode.Tensor as unknown as OrtLikeTensor<ortNode.Tensor>);
    },
    series: async (id, manifest, bytes) => {
      seriesCalls.push(bytes);
      return { id, manifest, tau: manifest.architecture.tau } as unknown as SeriesModel;
    },
  };
}

async function loadError(promise: Promise<unknown>): Promise<SeqlmError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SeqlmError) return error;
    throw error;
  }
  throw new Error('expected the load to fail');
}

function ngramFiles(stats?: string): Record<string, Uint8Array | string> {
  const model = trainNgram([Array.from('abab'), Array.from('ba')], { order: 2, estimator: { kind: 'add-k', k: 1 }, boundaries: true });
  const bytes = encodeNgram(model);
  const manifest = ngramManifest(model, bytes, { text: { tokenizer: 'char', normalization: 'raw' } });
  const files: Record<string, Uint8Array | string> = { 'models/ng/model.ngram': bytes };
  if (stats !== undefined) {
    manifest.files.push(fileEntry('stats', 'stats.json', new TextEncoder().encode(stats)));
    files['models/ng/stats.json'] = stats;
  }
  files['models/ng/manifest.json'] = serializeManifest(manifest);
  return files;
}

describe('loadModel', () => {
  it('hands a neural model the verified ONNX bytes, and it predicts what core predicts (1e-5)', async () => {
    const loader = recordingLoader();
    const files = gruFiles();
    const loaded = await loadModel(BASE, 'gru', loader, host(files));
    expect(loaded.manifest.kind).toBe('gru');
    expect(loader.calls).toHaveLength(1);
    expect(Array.from(loader.calls[0] ?? [])).toEqual(Array.from(files['models/gru/model.onnx'] as Uint8Array));
    if (loaded.type !== 'language') throw new Error('expected a language model');
    expect(loaded.stats).toBeNull();
    expect(loaded.model).toBeInstanceOf(NeuralLm);
    const manifest = parseManifest(files['models/gru/manifest.json'] as string) as NeuralManifest;
    const core = RnnLm.fromWeights('gru', manifest, new Uint8Array(readFileSync(resolve(gruDir, 'weights.bin'))));
    const [a, b] = await Promise.all([loaded.model.nextLogProbs('the hat '), core.nextLogProbs('the hat ')]);
    for (let v = 0; v < a.length; v++) expect(Math.abs((a[v] as number) - (b[v] as number))).toBeLessThan(1e-5);
  });

  it('refuses an ONNX file whose bytes changed, before onnxruntime sees it (HASH_MISMATCH)', async () => {
    const onnx = new Uint8Array(readFileSync(resolve(gruDir, 'model.onnx')));
    onnx[100] = (onnx[100] as number) ^ 1;
    const loader = recordingLoader();
    const error = await loadError(loadModel(BASE, 'gru', loader, host(gruFiles(onnx))));
    expect(error.code).toBe('HASH_MISMATCH');
    expect(error.message).toContain('model.onnx');
    expect(loader.calls).toHaveLength(0);
  });

  it('refuses a truncated file by its size', async () => {
    const onnx = new Uint8Array(readFileSync(resolve(gruDir, 'model.onnx'))).subarray(0, 1000);
    const error = await loadError(loadModel(BASE, 'gru', recordingLoader(), host(gruFiles(onnx))));
    expect(error.code).toBe('HASH_MISMATCH');
    expect(error.message).toContain('got 1000');
  });

  it('refuses an invalid manifest with MANIFEST_INVALID listing the problem', async () => {
    const files = gruFiles();
    const manifest = JSON.parse(files['models/gru/manifest.json'] as string);
    manifest.schemaVersion = 99;
    files['models/gru/manifest.json'] = JSON.stringify(manifest);
    const error = await loadError(loadModel(BASE, 'gru', recordingLoader(), host(files)));
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message).toContain('schemaVersion');
  });

  it('says which file could not be downloaded (DOWNLOAD_FAILED)', async () => {
    const files = gruFiles();
    delete files['models/gru/model.onnx'];
    const error = await loadError(loadModel(BASE, 'gru', recordingLoader(), host(files)));
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(error.message).toBe('could not download model.onnx: HTTP 404');
    const missing = await loadError(loadModel(BASE, 'nope', recordingLoader(), host({})));
    expect(missing.message).toBe('could not download nope/manifest.json: HTTP 404');
  });

  it('loads an n-gram model with core and its shipped corpus statistics', async () => {
    const stats = JSON.stringify({ tokens: 6, orders: [{ order: 1, total: 6, distinct: 2, zipf: null, points: [{ rank: 1, freq: 3 }, { rank: 2, freq: 3 }] }] });
    const loaded = await loadModel(BASE, 'ng', recordingLoader(), host(ngramFiles(stats)));
    if (loaded.type !== 'language') throw new Error('expected a language model');
    expect(loaded.model.manifest.kind).toBe('ngram');
    expect(loaded.stats).toEqual({ tokens: 6, orders: [{ order: 1, total: 6, distinct: 2, zipf: null, points: [{ rank: 1, freq: 3 }, { rank: 2, freq: 3 }] }] });
    // The first prediction is core's distribution after <s>, as log-probabilities.
    const core = (loaded.model as NgramLm).ngram;
    const scores = loaded.model.cursor().logProbs();
    expect(Array.from(scores ?? [], Math.exp)).toEqual(Array.from(core.distribution([core.bos])).map((p) => expect.closeTo(p, 15)));
  });

  it('hands a ts-mlp model the verified ONNX bytes, as a time-series model', async () => {
    const loader = recordingLoader();
    const onnx = new Uint8Array(readFileSync(resolve(tsMlpDir, 'model.onnx')));
    const files = { 'models/ts/manifest.json': readFileSync(resolve(tsMlpDir, 'manifest.json'), 'utf8'), 'models/ts/model.onnx': onnx };
    const loaded = await loadModel(BASE, 'ts', loader, host(files));
    expect(loaded.type).toBe('series');
    expect(loaded.manifest.kind).toBe('ts-mlp');
    expect(loader.calls).toHaveLength(0);
    expect(loader.seriesCalls).toHaveLength(1);
    expect(Array.from(loader.seriesCalls[0] ?? [])).toEqual(Array.from(onnx));
    onnx[50] = (onnx[50] as number) ^ 1;
    expect((await loadError(loadModel(BASE, 'ts', recordingLoader(), host(files)))).code).toBe('HASH_MISMATCH');
  });

  it('keeps the model usable when its statistics file is bad, and reports why', async () => {
    const loaded = await loadModel(BASE, 'ng', recordingLoader(), host(ngramFiles('{"tokens": 1, "orders": [{"order": 1, "points": [{"rank": 0, "freq": 1}]}]}')));
    if (loaded.type !== 'language') throw new Error('expected a language model');
    expect(loaded.model.manifest.kind).toBe('ngram');
    expect(loaded.stats).toBeInstanceOf(SeqlmError);
    expect((loaded.stats as SeqlmError).message).toContain('$.orders[0].points[0] needs a positive rank and freq');
  });
});
