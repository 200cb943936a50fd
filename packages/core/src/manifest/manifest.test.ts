import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { Vocab } from '../vocab/index.ts';
import { fileEntry, findFile, verifyFile } from './files.ts';
import type { GruManifest, LstmManifest, Manifest, MixtureManifest, NgramManifest, RnnManifest, TsMlpManifest } from './types.ts';
import { parseManifest, serializeManifest, validateManifest } from './validate.ts';
import { encodeWeights } from './weights.ts';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const weightsBytes = encodeWeights({ Wxh: { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) } });
const onnxBytes = ascii('not really onnx, only bytes to hash');
const vocab = Vocab.build(Array.from('the time machine'), { reserved: ['<s>', '</s>'] }).toJSON();

const onnx = {
  file: 'model.onnx',
  opset: 17,
  irVersion: 8,
  inputs: [
    { name: 'tokens', dtype: 'int64' as const, shape: ['batch', 'time'] },
    { name: 'h0', dtype: 'float32' as const, shape: [1, 'batch', 32] },
  ],
  outputs: [
    { name: 'logits', dtype: 'float32' as const, shape: ['time', 'batch', vocab.tokens.length] },
    { name: 'hT', dtype: 'float32' as const, shape: [1, 'batch', 32] },
  ],
  io: {
    tokens: { name: 'tokens', batchAxis: 0, timeAxis: 1 },
    logits: { name: 'logits', batchAxis: 1, timeAxis: 0 },
    state: [{ input: 'h0', output: 'hT', batchAxis: 1 }],
  },
};

const training = {
  corpus: 'timemachine',
  valFraction: 0.1,
  seed: 1,
  hyperparameters: { lr: 1, batchSize: 32, numSteps: 35, clip: 1, optimizer: 'sgd', dropout: null },
  backend: 'tfjs-node',
  epochs: 2,
  trainPerplexity: [12.5, 8.25],
  valPerplexity: [13, 9.5],
  finalTrainPerplexity: 8.25,
  finalValPerplexity: 9.5,
  wallTimeSeconds: 12.3,
  createdAt: '2024-05-01T10:00:00.000Z',
};

function neuralBase() {
  return {
    format: 'seqlm-manifest' as const,
    schemaVersion: 2 as const,
    files: [fileEntry('weights', 'weights.bin', weightsBytes), fileEntry('onnx', 'model.onnx', onnxBytes)],
    text: { tokenizer: 'char' as const, normalization: 'd2l' as const },
    vocab,
    architecture: { vocabSize: vocab.tokens.length, hiddenSize: 32, numLayers: 1, embedding: { type: 'one-hot' as const } },
    weights: { file: 'weights.bin' },
    onnx,
    training,
  };
}

const rnn: RnnManifest = { ...neuralBase(), kind: 'rnn' };
const gru: GruManifest = { ...neuralBase(), kind: 'gru', gates: { layout: 'onnx', order: ['z', 'r', 'h'], linearBeforeReset: 1 } };
const lstm: LstmManifest = {
  ...neuralBase(),
  kind: 'lstm',
  architecture: { vocabSize: vocab.tokens.length, hiddenSize: 64, numLayers: 2, embedding: { type: 'dense', dim: 16 } },
  gates: { layout: 'tfjs', order: ['i', 'f', 'c', 'o'] },
  onnx: undefined,
};
const ngram: NgramManifest = {
  format: 'seqlm-manifest',
  schemaVersion: 2,
  kind: 'ngram',
  files: [fileEntry('ngram', 'model.ngram.json', ascii('{"counts":[]}'))],
  text: { tokenizer: 'word', normalization: 'd2l' },
  vocab,
  ngram: { order: 3, estimator: 'kn', discounts: [0.5, 0.75, 0.75], sentenceBoundaries: true, counts: [4000, 20000, 35000], file: 'model.ngram.json' },
};
const tsMlp: TsMlpManifest = {
  format: 'seqlm-manifest',
  schemaVersion: 2,
  kind: 'ts-mlp',
  files: [fileEntry('weights', 'weights.bin', weightsBytes)],
  architecture: { tau: 4, hiddenSizes: [10], activation: 'relu' },
  standardization: { mean: 0.02, std: 0.7 },
  weights: { file: 'weights.bin' },
  training: { epochs: 5, trainLoss: [0.3, 0.1], finalTrainLoss: 0.1, finalValLoss: 0.12 },
};

const mixture: MixtureManifest = {
  format: 'seqlm-manifest',
  schemaVersion: 2,
  kind: 'mixture',
  files: [],
  text: { tokenizer: 'char', normalization: 'd2l' },
  vocab,
  mixture: {
    components: [
      { path: '../tm-gru', manifestSha256: 'a'.repeat(64), weight: 0.25 },
      { path: '../tm-5gram', manifestSha256: 'b'.repeat(64), weight: 0.75 },
    ],
  },
};

/** A deep, mutable copy to break on purpose. */
const clone = <T>(value: T): any => JSON.parse(JSON.stringify(value));

function problemsOf(value: unknown): { path: string; message: string }[] {
  const result = validateManifest(value);
  if (result.ok) throw new Error('expected the manifest to be invalid');
  return result.problems;
}

describe('validateManifest', () => {
  it.each([
    ['rnn', rnn],
    ['gru', gru],
    ['lstm', lstm],
    ['ngram', ngram],
    ['ts-mlp', tsMlp],
    ['mixture', mixture],
  ] as [string, Manifest][])('accepts a valid %s manifest, also after a JSON round trip', (_kind, manifest) => {
    const result = validateManifest(clone(manifest));
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(parseManifest(serializeManifest(manifest))).toEqual(clone(manifest));
  });

  it('reports every problem with its JSON path', () => {
    const bad = clone(gru);
    bad.files[1].sha256 = 'ABC';
    bad.files[0].bytes = -1;
    bad.architecture.hiddenSize = 0;
    bad.architecture.vocabSize = 3;
    bad.gates.order = ['r', 'z', 'h'];
    bad.gates.linearBeforeReset = 2;
    bad.gates.linearBeforReset = 1;
    bad.onnx.inputs[0].shape = ['batch', -1];
    bad.training.finalValPerplexity = 0.5;
    bad.training.createdAt = 'yesterday';
    bad.text.tokenizer = 'bpe';
    const paths = problemsOf(bad).map((p) => p.path).sort();
    expect(paths).toEqual(
      [
        '$.files[1].sha256',
        '$.files[0].bytes',
        '$.architecture.hiddenSize',
        '$.architecture.vocabSize',
        '$.gates.order',
        '$.gates.linearBeforeReset',
        '$.gates.linearBeforReset',
        '$.onnx.inputs[0].shape[1]',
        '$.training.finalValPerplexity',
        '$.training.createdAt',
        '$.text.tokenizer',
      ].sort(),
    );
  });

  it('explains what is wrong, not only where', () => {
    const bad = clone(gru);
    bad.architecture.vocabSize = 3;
    bad.gates.order = ['r', 'z', 'h'];
    const byPath = Object.fromEntries(problemsOf(bad).map((p) => [p.path, p.message]));
    expect(byPath['$.architecture.vocabSize']).toBe(`is 3 but $.vocab has ${vocab.tokens.length} tokens`);
    expect(byPath['$.gates.order']).toContain('["z","r","h"]');
  });

  it('refuses an unknown schema version with a clear message and nothing else', () => {
    const problems = problemsOf({ ...clone(rnn), schemaVersion: 3, kind: 'transformer' });
    expect(problems).toEqual([{ path: '$.schemaVersion', message: expect.stringContaining('reads versions 1 and 2, got the number 3') }]);
    expect(problemsOf({ kind: 'rnn' })[0]?.message).toContain('it is missing');
  });

  it('refuses a non-object, an unknown kind and missing sections', () => {
    expect(problemsOf(null)).toEqual([{ path: '$', message: 'must be an object, got null' }]);
    expect(problemsOf({ ...clone(rnn), kind: 'transformer' }).map((p) => p.path)).toEqual(['$.kind']);
    const bare = { format: 'seqlm-manifest', schemaVersion: 2, kind: 'lstm' };
    expect(problemsOf(bare).map((p) => p.path).sort()).toEqual(['$', '$.architecture', '$.files', '$.gates', '$.text', '$.vocab'].sort());
  });

  it('reads a version 1 manifest and upgrades it with the I/O contract its exporter followed', () => {
    const v1 = clone(gru);
    v1.schemaVersion = 1;
    delete v1.onnx.io;
    v1.onnx.inputs = [
      { name: 'ids', dtype: 'int32', shape: ['batch', 'time'] },
      { name: 'h0', dtype: 'float32', shape: [1, 'batch', 32] },
    ];
    const upgraded = parseManifest(v1) as GruManifest;
    expect(upgraded.schemaVersion).toBe(2);
    expect(upgraded.onnx?.io).toEqual({
      tokens: { name: 'ids', batchAxis: 0, timeAxis: 1 },
      logits: { name: 'logits', batchAxis: 1, timeAxis: 0 },
      state: [{ input: 'h0', output: 'hT', batchAxis: 1 }],
    });
    // Written again, it is a version 2 manifest that reads back the same.
    expect(parseManifest(serializeManifest(upgraded))).toEqual(upgraded);
    // Version 1 had neither `io` nor mixtures.
    expect(problemsOf({ ...clone(gru), schemaVersion: 1 }).map((p) => p.path)).toEqual(['$.onnx.io']);
    expect(problemsOf({ ...clone(mixture), schemaVersion: 1 }).map((p) => p.path)).toContain('$.kind');
    const unnamed = clone(v1);
    unnamed.onnx.inputs[0].shape = ['b', 't'];
    expect(problemsOf(unnamed)[0]?.message).toContain('export the model again');
  });

  it('requires the I/O contract of a version 2 neural graph and checks it against the declared tensors', () => {
    const missing = clone(gru);
    delete missing.onnx.io;
    expect(problemsOf(missing)).toEqual([{ path: '$.onnx.io', message: expect.stringContaining('required') }]);
    const bad = clone(gru);
    bad.onnx.io.tokens.name = 'h0';
    bad.onnx.io.logits.timeAxis = 3;
    bad.onnx.io.state[0].output = 'nope';
    bad.onnx.io.state.push({ input: 'h0', output: 'hT', batchAxis: 1 });
    expect(problemsOf(bad).map((p) => p.path)).toEqual([
      '$.onnx.io.tokens.name',
      '$.onnx.io.logits.timeAxis',
      '$.onnx.io.state[0].output',
      '$.onnx.io.state[1].input',
    ]);
    // A ts-mlp graph is not a language model: no contract needed.
    expect(validateManifest(clone(tsMlp)).ok).toBe(true);
  });

  it('accepts an optional hidden-states output in the I/O contract, and checks it like the others', () => {
    // Graphs exported before it existed have none: still valid (gru above).
    const withHidden = clone(gru);
    withHidden.onnx.outputs.push({ name: 'hidden', dtype: 'float32', shape: ['batch', 'time', 32] });
    withHidden.onnx.io.hidden = { name: 'hidden', batchAxis: 0, timeAxis: 1 };
    const ok = validateManifest(withHidden);
    expect(ok.ok).toBe(true);
    expect(ok.ok && ok.manifest.kind === 'gru' && ok.manifest.onnx?.io?.hidden).toEqual({ name: 'hidden', batchAxis: 0, timeAxis: 1 });
    const bad = clone(withHidden);
    bad.onnx.io.hidden = { name: 'nope', batchAxis: 0, timeAxis: 0, extra: 1 };
    expect(problemsOf(bad).map((p) => p.path)).toEqual(['$.onnx.io.hidden.extra', '$.onnx.io.hidden.name', '$.onnx.io.hidden.timeAxis']);
    const notFloat = clone(withHidden);
    notFloat.onnx.outputs[2].dtype = 'int32';
    expect(problemsOf(notFloat)).toEqual([{ path: '$.onnx.io.hidden.name', message: expect.stringContaining('float32') }]);
    const logits = clone(withHidden);
    logits.onnx.io.hidden.name = 'logits';
    expect(problemsOf(logits)).toEqual([{ path: '$.onnx.io.hidden.name', message: 'must differ from the logits output' }]);
  });

  it('checks a mixture: components with a relative path, a manifest hash and weights summing to 1', () => {
    expect(validateManifest(clone(mixture)).ok).toBe(true);
    const bad = clone(mixture);
    bad.mixture.components[0].weight = -0.1;
    bad.mixture.components[1].path = '/abs';
    bad.mixture.components[1].manifestSha256 = 'x';
    expect(problemsOf(bad).map((p) => p.path)).toEqual([
      '$.mixture.components[0].weight',
      '$.mixture.components[1].path',
      '$.mixture.components[1].manifestSha256',
    ]);
    const unbalanced = clone(mixture);
    unbalanced.mixture.components[0].weight = 0.5;
    expect(problemsOf(unbalanced)).toEqual([{ path: '$.mixture.components', message: 'the weights must sum to 1, got 1.25' }]);
    expect(problemsOf({ ...clone(mixture), mixture: { components: [] } })[0]?.message).toContain('at least one');
  });

  it('checks that files are listed once, relative, and referenced with the right role', () => {
    const bad = clone(rnn);
    bad.files.push({ ...bad.files[0] }, { ...bad.files[0], path: '../secrets' }, { ...bad.files[0], path: '/etc/passwd' });
    bad.weights.file = 'model.onnx'; // listed, but as role "onnx"
    bad.onnx.file = 'missing.onnx';
    const problems = problemsOf(bad);
    expect(problems.map((p) => p.path)).toEqual(['$.files[2].path', '$.files[3].path', '$.files[4].path', '$.weights.file', '$.onnx.file']);
    expect(problems[3]?.message).toContain('role "onnx"');
    expect(problems[4]?.message).toContain('not listed');
  });

  it('requires weights or onnx for runnable kinds, and gates only where they exist', () => {
    const noArtifacts = clone(rnn);
    delete noArtifacts.weights;
    delete noArtifacts.onnx;
    expect(problemsOf(noArtifacts).map((p) => p.path)).toEqual(['$']);
    expect(problemsOf({ ...clone(rnn), gates: gru.gates }).map((p) => p.path)).toEqual(['$.gates']);
  });

  it('maps vocabulary errors to paths inside $.vocab', () => {
    const bad = clone(rnn);
    bad.vocab.tokens[3] = bad.vocab.tokens[4];
    expect(problemsOf(bad)).toEqual([{ path: '$.vocab.tokens[4]', message: expect.stringContaining('appears twice') }]);
    const noUnk = clone(rnn);
    noUnk.vocab.tokens[0] = 'x';
    expect(problemsOf(noUnk).map((p) => p.path)).toContain('$.vocab');
  });

  it('checks n-gram estimator parameters and counts per order', () => {
    const bad = clone(ngram);
    bad.ngram.estimator = 'addk';
    bad.ngram.counts = [1, 2];
    bad.vocab = Vocab.build(['a', 'b']).toJSON(); // no <s>, </s>
    bad.vocab.reserved = [];
    const paths = problemsOf(bad).map((p) => p.path).sort();
    expect(paths).toEqual(
      ['$.ngram.k', '$.ngram.discounts', '$.ngram.counts', '$.ngram.sentenceBoundaries', '$.ngram.sentenceBoundaries'].sort(),
    );
  });

  it('checks ts-mlp architecture and standardisation', () => {
    const bad = clone(tsMlp);
    bad.architecture.hiddenSizes = [10, 0];
    bad.standardization.std = 0;
    bad.text = { tokenizer: 'char', normalization: 'raw' };
    expect(problemsOf(bad).map((p) => p.path).sort()).toEqual(['$.architecture.hiddenSizes[1]', '$.standardization.std', '$.text'].sort());
  });
});

describe('parseManifest', () => {
  it('throws MANIFEST_INVALID listing every problem', () => {
    const bad = clone(rnn);
    bad.architecture.numLayers = 1.5;
    bad.files[0].sha256 = 'x';
    try {
      parseManifest(JSON.stringify(bad));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SeqlmError);
      const e = error as SeqlmError;
      expect(e.code).toBe('MANIFEST_INVALID');
      expect(e.message).toContain('2 problems');
      expect(e.message).toContain('$.architecture.numLayers');
      expect((e.details?.problems as unknown[]).length).toBe(2);
    }
  });

  it('throws MANIFEST_INVALID on malformed JSON', () => {
    expect(() => parseManifest('{"schemaVersion": 1,')).toThrow(expect.objectContaining({ code: 'MANIFEST_INVALID' }));
  });

  it('refuses to serialise an invalid manifest', () => {
    expect(() => serializeManifest({ ...rnn, files: [] })).toThrow(expect.objectContaining({ code: 'MANIFEST_INVALID' }));
  });
});

describe('verifyFile', () => {
  const entry = findFile(rnn, 'weights.bin');

  it('accepts the bytes the manifest describes', () => {
    expect(() => verifyFile(entry, weightsBytes)).not.toThrow();
  });

  it('refuses a changed byte with HASH_MISMATCH naming both hashes', () => {
    const tampered = weightsBytes.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    try {
      verifyFile(entry, tampered);
      expect.unreachable();
    } catch (error) {
      expect((error as SeqlmError).code).toBe('HASH_MISMATCH');
      expect((error as SeqlmError).details).toMatchObject({ path: 'weights.bin', expected: entry.sha256 });
      expect((error as SeqlmError).details?.actual).not.toBe(entry.sha256);
    }
  });

  it('refuses a truncated file by its size', () => {
    expect(() => verifyFile(entry, weightsBytes.subarray(1))).toThrow(
      expect.objectContaining({ code: 'HASH_MISMATCH', details: expect.objectContaining({ expectedBytes: weightsBytes.length }) }),
    );
  });

  it('findFile refuses a path the manifest does not list', () => {
    expect(() => findFile(rnn, 'nope.bin')).toThrow(expect.objectContaining({ code: 'MANIFEST_INVALID' }));
  });
});
