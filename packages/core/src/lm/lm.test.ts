import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { decodeWeights, parseManifest, sha256Hex, type NeuralManifest } from '../manifest/index.ts';
import { encodeNgram, loadNgram, ngramManifest, scoreIds, trainNgram } from '../ngram/index.ts';
import { RnnModel } from '../rnn/index.ts';
import { generate as generateSteps, logSumExp } from '../sampling/index.ts';
import { UNK_ID } from '../vocab/index.ts';
import { LanguageModel } from './language-model.ts';
import { loadModel, resolveLocation } from './load.ts';
import { FIXTURES, json, memoryFiles, ngramDir, readDisk, REPO_ROOT } from './lm.test-util.ts';
import { NgramLm } from './ngram-lm.ts';
import { PrefixCursor } from './prefix-cursor.ts';
import { RnnLm } from './rnn-lm.ts';
import { rnnConfigOf } from './rnn-config.ts';

const TEXT = 'the time traveller for so it will be convenient to speak of him was expounding a recondite matter to us\n'.repeat(4);

async function collect<T, R>(it: AsyncGenerator<T, R>): Promise<{ items: T[]; result: R }> {
  const items: T[] = [];
  for (let step = await it.next(); ; step = await it.next()) {
    if (step.done) return { items, result: step.value };
    items.push(step.value);
  }
}

const sumExp = (lp: ArrayLike<number>): number => Array.from(lp).reduce((a, b) => a + Math.exp(b), 0);

describe('resolveLocation', () => {
  it('joins paths and URLs, folding ".." as a browser would', () => {
    expect(resolveLocation('models/tm-mix', 'manifest.json')).toBe('models/tm-mix/manifest.json');
    expect(resolveLocation('models/tm-mix/', '../tm-gru')).toBe('models/tm-gru');
    expect(resolveLocation('/abs/models/mix', '../gru/model.onnx')).toBe('/abs/models/gru/model.onnx');
    expect(resolveLocation('https://x.test/app/models/mix/', '../gru/manifest.json')).toBe('https://x.test/app/models/gru/manifest.json');
  });
});

describe('loadModel', () => {
  it('loads the golden fixtures on core (RnnLm) and they predict like core\'s RnnModel', async () => {
    for (const name of ['rnn-tiny', 'gru-tiny', 'lstm-tiny']) {
      const model = await loadModel(resolve(FIXTURES, name), { readFile: readDisk });
      expect(model).toBeInstanceOf(RnnLm);
      expect(model.id).toBe(name);
      const manifest = model.manifest as NeuralManifest;
      const core = RnnModel.fromParameters(rnnConfigOf(manifest), decodeWeights(new Uint8Array(readFileSync(resolve(FIXTURES, name, 'weights.bin')))));
      const ids = model.encodePrefix('the tea ').ids;
      let state = core.initialState(1);
      let logits: Float32Array = new Float32Array(0);
      for (const id of ids) ({ state, logits } = core.step(state, Int32Array.of(id)));
      const got = await model.nextLogProbs(ids);
      const lse = logSumExp(logits);
      for (let v = 0; v < got.length; v++) expect(Math.abs((got[v] as number) - ((logits[v] as number) - lse))).toBeLessThan(1e-6);
      expect(Math.abs(sumExp(got) - 1)).toBeLessThan(1e-9);
    }
  });

  it('reads schema version 1 manifests (the first release\'s) and upgrades them', async () => {
    for (const name of ['rnn-tiny', 'gru-tiny', 'lstm-tiny']) {
      const v1 = readFileSync(resolve(REPO_ROOT, 'fixtures', 'schema-v1', `${name}.manifest.json`), 'utf8');
      expect(JSON.parse(v1).schemaVersion).toBe(1);
      const read = async (location: string) => (location.endsWith('manifest.json') ? new TextEncoder().encode(v1) : readDisk(location));
      const old = await loadModel(resolve(FIXTURES, name), { readFile: read });
      const current = await loadModel(resolve(FIXTURES, name), { readFile: readDisk });
      expect(old.manifest.schemaVersion).toBe(2);
      const a = await old.nextLogProbs('the ');
      const b = await current.nextLogProbs('the ');
      expect(Array.from(a)).toEqual(Array.from(b));
      // A version 1 graph predates the hidden-states output, so its upgraded contract has none.
      const { hidden, ...io } = (current.manifest as NeuralManifest).onnx!.io!;
      expect(hidden).toEqual({ name: 'hidden', batchAxis: 0, timeAxis: 1 });
      expect((old.manifest as NeuralManifest).onnx?.io).toEqual(io);
    }
  });

  it("gives core's per-step hidden states (RnnLm), and says an n-gram has none", async () => {
    const model = await loadModel(resolve(FIXTURES, 'gru-tiny'), { readFile: readDisk });
    const ids = model.encode('the sandy rat').ids;
    const hidden = await model.hiddenStates('the sandy rat');
    const H = (model.manifest as NeuralManifest).architecture.hiddenSize;
    expect([hidden.steps, hidden.size, hidden.data.length]).toEqual([ids.length, H, ids.length * H]);
    // h_t after the first t tokens is the last layer's part of the state a cursor carries there.
    const core = (model as RnnLm).predictor.model;
    let state = core.initialState(1);
    for (let t = 0; t < ids.length; t++) {
      state = core.step(state, Int32Array.of(ids[t] as number)).state;
      const top = state.h.subarray(H, 2 * H); // layer 2 of 2
      for (let j = 0; j < H; j++) expect(Math.abs((top[j] as number) - (hidden.data[t * H + j] as number))).toBeLessThan(1e-6);
    }
    await expect(model.hiddenStates('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const { manifest, bytes } = ngramDir(TEXT, 3);
    const ngram = await loadModel('ng', { readFile: memoryFiles({ 'ng/manifest.json': json(manifest), 'ng/model.ngram': bytes }).read });
    await expect(ngram.hiddenStates('the')).rejects.toMatchObject({ code: 'UNSUPPORTED', message: 'an n-gram model has no hidden state to show' });
  });

  it('refuses a changed file, a missing file, a time-series model and a graph it cannot run', async () => {
    const { manifest, bytes } = ngramDir(TEXT, 3);
    const tampered = bytes.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    const bad = memoryFiles({ 'ng/manifest.json': json(manifest), 'ng/model.ngram': tampered });
    await expect(loadModel('ng', { readFile: bad.read })).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
    const missing = memoryFiles({ 'ng/manifest.json': json(manifest) });
    await expect(loadModel('ng', { readFile: missing.read })).rejects.toThrow(/ENOENT/);
    await expect(loadModel(resolve(FIXTURES, 'ts-mlp-tiny'), { readFile: readDisk })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    const onnxOnly = parseManifest(readFileSync(resolve(FIXTURES, 'gru-tiny', 'manifest.json'), 'utf8')) as NeuralManifest;
    delete onnxOnly.weights;
    onnxOnly.files = onnxOnly.files.filter((f) => f.role !== 'weights');
    const files = memoryFiles({ 'g/manifest.json': json(onnxOnly), 'g/model.onnx': readFileSync(resolve(FIXTURES, 'gru-tiny', 'model.onnx')) });
    await expect(loadModel('g', { readFile: files.read })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('createSession') });
    const notJson = memoryFiles({ 'x/manifest.json': Uint8Array.of(0xff, 0xfe) });
    await expect(loadModel('x', { readFile: notJson.read })).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
  });

  it('says which file is at fault in details.location, keeping the message', async () => {
    const { manifest, bytes } = ngramDir(TEXT, 3);
    const tampered = bytes.slice();
    tampered[0] = (tampered[0] as number) ^ 1;
    const hash = memoryFiles({ 'm/ng/manifest.json': json(manifest), 'm/ng/model.ngram': tampered });
    await expect(loadModel('m/ng', { readFile: hash.read })).rejects.toMatchObject({
      code: 'HASH_MISMATCH',
      message: expect.stringMatching(/^model\.ngram: sha256 is [0-9a-f]{64}, the manifest expects/),
      details: { path: 'model.ngram', location: 'm/ng/model.ngram', manifest: 'm/ng/manifest.json' },
    });
    const short = memoryFiles({ 'm/ng/manifest.json': json(manifest), 'm/ng/model.ngram': bytes.subarray(1) });
    await expect(loadModel('m/ng', { readFile: short.read })).rejects.toMatchObject({ code: 'HASH_MISMATCH', details: { actualBytes: bytes.length - 1, location: 'm/ng/model.ngram' } });
    const broken = memoryFiles({ 'm/ng/manifest.json': '{"format": "seqlm-manifest",' });
    await expect(loadModel('m/ng', { readFile: broken.read })).rejects.toMatchObject({ code: 'MANIFEST_INVALID', details: { location: 'm/ng/manifest.json' } });
  });

  it('refuses a kind the caller cannot use before reading its model files, and checks files with the hash it is given', async () => {
    const onlyManifest = memoryFiles({ 'g/manifest.json': readFileSync(resolve(FIXTURES, 'gru-tiny', 'manifest.json')) });
    await expect(loadModel('g', { readFile: onlyManifest.read, kinds: ['ngram'] })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: 'g is a model of kind "gru", not "ngram"',
      details: { kind: 'gru', kinds: ['ngram'] },
    });
    const { manifest, bytes } = ngramDir(TEXT, 3);
    const files = memoryFiles({ 'ng/manifest.json': json(manifest), 'ng/model.ngram': bytes });
    const hashed: number[] = [];
    const lm = await loadModel('ng', { readFile: files.read, kinds: ['ngram', 'mixture'], sha256Hex: (b) => (hashed.push(b.length), sha256Hex(b)) });
    expect(lm).toBeInstanceOf(NgramLm);
    expect(hashed).toEqual([bytes.length]);
    await expect(loadModel('ng', { readFile: files.read, sha256Hex: () => '0'.repeat(64) })).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
  });
});

describe('NgramLm', () => {
  const { manifest, bytes } = ngramDir(TEXT, 4);
  const lm = NgramLm.fromBytes('ng', manifest, bytes);
  const core = loadNgram(manifest, bytes);

  it('scores exactly as core\'s scoreIds and reports OOV tokens', async () => {
    const text = 'the time machine, zq';
    const score = await lm.score(text);
    const input = lm.encode(text);
    const direct = scoreIds(core, input.ids);
    expect(score.tokens.map((t) => t.logProb)).toEqual(Array.from(direct.logProbs));
    expect(score.logProb).toBeCloseTo(direct.logProb, 10);
    expect(Math.abs((score.perplexity as number) / (direct.perplexity as number) - 1)).toBeLessThan(1e-12);
    expect(score.oov).toBe(2); // z and q never occur in TEXT
    expect(score.tokens.filter((t) => t.oov).map((t) => t.token)).toEqual(['z', 'q']);
    expect(Math.abs((score.excludingOov.perplexity as number) / (direct.perplexityExcludingOov as number) - 1)).toBeLessThan(1e-12);
    expect(score.crossEntropy?.bits).toBeCloseTo((score.crossEntropy?.nats as number) / Math.LN2, 12);
  });

  it('counts a literal <unk> in a word text as OOV, as the encoded text and scoreIds (KenLM) do', async () => {
    const model = trainNgram([['the', 'time', 'machine', 'the', 'time', 'traveller']], { order: 2, boundaries: false });
    const bytes = encodeNgram(model);
    const words = NgramLm.fromBytes('w', ngramManifest(model, bytes, { text: { tokenizer: 'word', normalization: 'raw' } }), bytes);
    const input = words.encode('the <unk> time zebra');
    const score = await words.score(input);
    expect(input.ids[1]).toBe(UNK_ID);
    expect(score.tokens.filter((t) => t.oov).map((t) => t.token)).toEqual(['<unk>', 'zebra']);
    expect(score.oov).toBe(input.oov);
    expect(score.oov).toBe(scoreIds(words.ngram, input.ids).oov);
  });

  it('skips only the hash, never the size check, for bytes the caller has already verified', () => {
    const again = NgramLm.fromBytes('ng', manifest, bytes, { verified: true });
    expect(Array.from(again.ngram.distribution([1]))).toEqual(Array.from(core.distribution([1])));
    expect(() => NgramLm.fromBytes('ng', manifest, bytes.subarray(0, bytes.length - 1), { verified: true })).toThrow(expect.objectContaining({ code: 'HASH_MISMATCH' }));
  });

  it('scores </s> after the text when trained with sentence boundaries, and stops generating there', async () => {
    const dir = ngramDir(TEXT, 3, { boundaries: true });
    const model = NgramLm.fromBytes('b', dir.manifest, dir.bytes);
    const score = await model.score('the time');
    expect(score.tokens.at(-1)).toMatchObject({ token: '</s>', trailing: true });
    expect(score.tokens.at(-1)?.logProb).toBe(scoreIds(model.ngram, model.encode('the time').ids).logProbs.at(-1));
    expect(model.stopIds).toEqual([model.vocab.idOf('</s>')]);
    const { result } = await collect(model.generate('the time traveller for so it will be convenient to speak of him was expounding a recondite matter to u', { maxTokens: 50, temperature: 0 }));
    expect(result).toBe('stop');
  });

  it('gives the next-token distribution from a cursor, equal to core\'s, also after forks', async () => {
    const cursor = await lm.cursorAfter('the ti');
    const lp = cursor.logProbs() as Float64Array;
    const ids = lm.encodePrefix('the ti').ids;
    const want = core.distribution(ids);
    for (let v = 0; v < want.length; v++) expect(lp[v]).toBe(Math.log(want[v] as number));
    const fork = cursor.fork();
    await fork.feed([lm.vocab.idOf('m')]);
    expect(cursor.ids.length).toBe(ids.length);
    expect(fork.ids.length).toBe(ids.length + 1);
    expect(Array.from(fork.logProbs() as Float64Array)).toEqual(Array.from(core.distribution([...ids, lm.vocab.idOf('m')]), Math.log));
    await expect(cursor.feed([9999])).rejects.toMatchObject({ code: 'VOCAB_OOV' });
  });
});

describe('generate', () => {
  const manifest = parseManifest(readFileSync(resolve(FIXTURES, 'gru-tiny', 'manifest.json'), 'utf8')) as NeuralManifest;
  const weights = new Uint8Array(readFileSync(resolve(FIXTURES, 'gru-tiny', 'weights.bin')));
  const lm = RnnLm.fromWeights('gru-tiny', manifest, weights);

  it('draws what core\'s synchronous sampler draws for the same seed, with each token\'s log-probability', async () => {
    const prompt = lm.encodePrefix('the ').ids;
    const options = { maxTokens: 40, seed: 7, temperature: 0.9, topK: 8 };
    const { items, result } = await collect(lm.generate(prompt, options));
    const sync = generateSteps(lm.predictor.model, prompt, { ...options, excludeIds: [UNK_ID] });
    expect(items.map((t) => t.id)).toEqual(Array.from(sync.ids));
    expect(result).toBe('length');
    // logProb is ln p under the model itself, as the cursor reports it.
    const cursor = await lm.cursorAfter(prompt);
    expect(items[0]?.logProb).toBeCloseTo((cursor.logProbs() as Float64Array)[items[0]?.id as number] as number, 12);
    expect(items.every((t) => t.id !== UNK_ID)).toBe(true);
  });

  it('lists the top alternatives at each step', async () => {
    const { items } = await collect(lm.generate('the ', { maxTokens: 5, seed: 1, topLogProbs: 3 }));
    for (const t of items) {
      expect(t.top?.length).toBe(3);
      const lps = (t.top ?? []).map((a) => a.logProb);
      expect([...lps].sort((a, b) => b - a)).toEqual(lps);
      expect(lps.reduce((a, b) => a + Math.exp(b), 0)).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it('ends at a stop text without emitting it, and holds back only what could begin one', async () => {
    const free = await collect(lm.generate('the ', { maxTokens: 60, seed: 3 }));
    const text = lm.detokenize(free.items.map((t) => t.token));
    const stop = text.slice(10, 12);
    const at = text.indexOf(stop);
    const stopped = await collect(lm.generate('the ', { maxTokens: 60, seed: 3, stop: [stop] }));
    expect(stopped.result).toBe('stop');
    expect(lm.detokenize(stopped.items.map((t) => t.token))).toBe(text.slice(0, at));
    const none = await collect(lm.generate('the ', { maxTokens: 60, seed: 3, stop: ['@@'] }));
    expect(none.items.map((t) => t.id)).toEqual(free.items.map((t) => t.id));
  });

  it('stops between tokens when the signal aborts, and checks options at the call', async () => {
    const controller = new AbortController();
    const it = lm.generate('the ', { maxTokens: 100, seed: 1, signal: controller.signal });
    const first = await it.next();
    expect(first.done).toBe(false);
    controller.abort();
    const rest = await collect(it);
    expect(rest.items.length).toBeLessThanOrEqual(1);
    expect(rest.result).toBe('abort');
    expect(() => lm.generate('the ', { maxTokens: -1 })).toThrow(SeqlmError);
    expect(() => lm.generate('the ', { maxTokens: 5, topP: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => lm.generate('the ', { maxTokens: 5, stop: [''] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await expect(lm.generate('', { maxTokens: 5 }).next()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('scores a text in one forward pass, the first token unpredicted, equal to step-by-step cursors', async () => {
    const text = 'the tea thaw';
    const score = await lm.score(text);
    expect(score.tokens[0]?.logProb).toBeNull();
    expect(score.scored).toBe(score.tokens.length - 1);
    const ids = lm.encode(text).ids;
    const cursor = lm.cursor();
    for (let t = 0; t < ids.length; t++) {
      const lp = cursor.logProbs();
      if (t > 0) expect(Math.abs((lp as Float64Array)[ids[t] as number]! - (score.tokens[t]?.logProb as number))).toBeLessThan(1e-5);
      await cursor.feed([ids[t] as number]);
    }
  });
});

describe('PrefixCursor', () => {
  const { manifest, bytes } = ngramDir(TEXT, 3);
  const counting = NgramLm.fromBytes('ng', manifest, bytes);
  const gruManifest = parseManifest(readFileSync(resolve(FIXTURES, 'gru-tiny', 'manifest.json'), 'utf8')) as NeuralManifest;
  const gru = RnnLm.fromWeights('gru-tiny', gruManifest, new Uint8Array(readFileSync(resolve(FIXTURES, 'gru-tiny', 'weights.bin'))));

  it.each([
    ['n-gram', counting],
    ['GRU', gru],
  ] as [string, LanguageModel][])('%s: feeds only new tokens when typing, rewinds on edits, and matches a fresh run', async (_name, model) => {
    const tracker = new PrefixCursor(model.cursor());
    const typed = ['t', 'th', 'the', 'the ', 'the t', 'the ', 'the x', 'thu'];
    let last = await tracker.update([]);
    for (const text of typed) {
      const ids = model.encodePrefix(text).ids;
      const before = tracker.ids.length;
      last = await tracker.update(ids);
      if (ids.length === before + 1 && text !== 'the x') expect(last.fed).toBe(1);
      const fresh = await model.cursorAfter(ids);
      expect(Array.from(last.cursor.logProbs() ?? [])).toEqual(Array.from(fresh.logProbs() ?? []));
    }
    // Deleting the last character answers from a checkpoint.
    const back = await tracker.update(model.encodePrefix('th').ids);
    expect(back.fed).toBe(0);
  });
});
