import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../manifest/index.ts';
import { charTokenizer, normalize, wordTokenizer } from '../text/index.ts';
import { readArpa, writeArpa } from './arpa.ts';
import type { NgramModel } from './model.ts';
import { decodeNgram, encodeNgram, loadNgram, ngramManifest } from './serialize.ts';
import { trainNgram } from './train.ts';
import { readCorpus, sum } from './ngram.test-util.ts';

const text = readCorpus('timemachine.txt');
const lines = text
  .split('\n')
  .slice(0, 600)
  .map((l) => wordTokenizer.tokenize(normalize(l, 'd2l')))
  .filter((l) => l.length > 0);
const chars = charTokenizer.tokenize('naïve café — the time machine, by H. G. Wells');

/**
 * The first index where two distributions differ bit for bit, or -1. A byte loop over 69k entries
 * takes a millisecond where `toEqual` on the typed arrays took 0.4 s each (1.7 s per test idle).
 */
function firstBitDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return Math.floor(i / 8);
  return -1;
}

function contextsOf(m: NgramModel): number[][] {
  const ids = Array.from(m.vocab.encode(lines.flat().slice(40, 60)));
  const out: number[][] = [[], ids.slice(0, 1), ids.slice(2, 4), ids.slice(5, 8), [0, 0]];
  if (m.bos >= 0) out.push([m.bos], [m.bos, ids[0] as number]);
  return out;
}

describe('compact n-gram file', () => {
  it.each([{ kind: 'kneser-ney' } as const, { kind: 'mle' } as const, { kind: 'add-k', k: 0.5 } as const])(
    'decodes to the same model: %o',
    (estimator) => {
      const m = trainNgram(lines, { order: 3, boundaries: true, estimator });
      const back = decodeNgram(encodeNgram(m));
      expect(back.estimator).toEqual(m.estimator);
      expect(back.vocab.tokens).toEqual(m.vocab.tokens);
      expect(back.trainedOn).toEqual(m.trainedOn);
      for (const ctx of contextsOf(m)) expect(back.distribution(ctx)).toEqual(m.distribution(ctx));
    },
  );

  it('keeps non-ASCII tokens and large order on a char model', () => {
    const m = trainNgram([chars], { order: 6 });
    const back = decodeNgram(encodeNgram(m));
    const ids = Array.from(m.vocab.encode(chars));
    expect(back.vocab.tokens).toEqual(m.vocab.tokens);
    for (const ctx of [[], ids.slice(0, 5), ids.slice(3, 8)]) expect(back.distribution(ctx)).toEqual(m.distribution(ctx));
  });

  it('float32 is smaller and within 1e-6 of the float64 probabilities', () => {
    const m = trainNgram(lines, { order: 3, boundaries: true });
    const f64 = encodeNgram(m);
    const f32 = encodeNgram(m, { precision: 'float32' });
    expect(f32.length).toBeLessThan(f64.length * 0.8);
    const back = decodeNgram(f32);
    for (const ctx of contextsOf(m)) {
      const d = back.distribution(ctx);
      expect(Math.abs(sum(d) - 1)).toBeLessThan(1e-6);
      const ref = m.distribution(ctx);
      for (let w = 0; w < d.length; w++) expect(Math.abs((d[w] as number) - (ref[w] as number))).toBeLessThan(1e-6);
    }
  });

  it('encodes a model read from ARPA, pruned prefixes included', () => {
    const m = readArpa(['\\data\\', 'ngram 1=4', 'ngram 2=0', 'ngram 3=1', '\\1-grams:', '-99 <s>', '-99 </s>', '-0.3 x -0.1', '-0.4 y', '\\2-grams:', '\\3-grams:', '-0.01 y x y', '\\end\\'].join('\n'));
    const back = decodeNgram(encodeNgram(m));
    for (const ctx of [[], [1], [2, 1], [1, 2]]) expect(back.distribution(ctx)).toEqual(m.distribution(ctx));
  });

  it('rejects bytes that are not a complete n-gram file', () => {
    const bytes = encodeNgram(trainNgram(lines.slice(0, 20), { order: 2 }));
    const bad = bytes.slice();
    bad[0] = 0x58;
    for (const b of [bad, bytes.subarray(0, bytes.length - 8), bytes.subarray(0, 10), new Uint8Array([...bytes, 0])]) {
      expect(() => decodeNgram(b)).toThrow(expect.objectContaining({ code: 'MODEL_INVALID' }));
    }
  });
});

describe('n-gram manifest', () => {
  const m = trainNgram(lines, { order: 3, boundaries: true });
  const bytes = encodeNgram(m);
  const manifest = ngramManifest(m, bytes, {
    text: { tokenizer: 'word', normalization: 'd2l' },
    file: 'timemachine-3gram.ngram',
    training: { corpus: 'timemachine' },
  });

  it("records and checks the file with a caller's SHA-256 when given one (node:crypto in Node)", () => {
    const calls: number[] = [];
    const hash = (b: Uint8Array): string => {
      calls.push(b.length);
      return sha256Hex(b);
    };
    const withHash = ngramManifest(m, bytes, { text: { tokenizer: 'word', normalization: 'd2l' }, sha256Hex: hash });
    expect(withHash.files[0]?.sha256).toBe(sha256Hex(bytes));
    expect(loadNgram(withHash, bytes, { sha256Hex: hash }).order).toBe(3);
    expect(calls).toEqual([bytes.length, bytes.length]);
    expect(() => loadNgram(withHash, bytes, { sha256Hex: () => '0'.repeat(64) })).toThrow(expect.objectContaining({ code: 'HASH_MISMATCH' }));
  });
  it('records kind, order, estimator parameters, text spec, vocab, corpus size and the sha256', () => {
    expect(manifest.kind).toBe('ngram');
    expect(manifest.ngram.order).toBe(3);
    expect(manifest.ngram.estimator).toBe('kn');
    expect(manifest.ngram.discounts).toHaveLength(9);
    expect(manifest.ngram.sentenceBoundaries).toBe(true);
    expect(manifest.ngram.counts).toEqual([1, 2, 3].map((n) => (m as { ngramCount(n: number): number }).ngramCount(n)));
    expect(manifest.text).toEqual({ tokenizer: 'word', normalization: 'd2l' });
    expect(manifest.vocab).toEqual(m.vocab.toJSON());
    expect(manifest.training?.corpus).toBe('timemachine');
    expect(manifest.training?.hyperparameters?.trainingTokens).toBe(lines.flat().length + lines.length);
    expect(manifest.files).toEqual([{ role: 'ngram', path: 'timemachine-3gram.ngram', bytes: bytes.length, sha256: sha256Hex(bytes) }]);
  });

  it('loads after validating the manifest and the hash', () => {
    const back = loadNgram(JSON.parse(JSON.stringify(manifest)), bytes);
    expect(back.distribution([1])).toEqual(m.distribution([1]));
  });

  it('refuses tampered bytes, a manifest that disagrees with them, or an invalid manifest', () => {
    const tampered = bytes.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    expect(() => loadNgram(manifest, tampered)).toThrow(expect.objectContaining({ code: 'HASH_MISMATCH' }));
    expect(() => loadNgram({ ...manifest, ngram: { ...manifest.ngram, order: 2, counts: manifest.ngram.counts.slice(0, 2) } }, bytes)).toThrow(
      expect.objectContaining({ code: 'MANIFEST_INVALID' }),
    );
    expect(() => loadNgram({ ...manifest, ngram: { ...manifest.ngram, discounts: [0.1] } }, bytes)).toThrow(
      expect.objectContaining({ code: 'MANIFEST_INVALID' }),
    );
    expect(() => loadNgram({ ...manifest, schemaVersion: 99 }, bytes)).toThrow(expect.objectContaining({ code: 'MANIFEST_INVALID' }));
  });

  it('works for add-k and MLE too', () => {
    for (const estimator of [{ kind: 'add-k', k: 0.5 } as const, { kind: 'mle' } as const]) {
      const model = trainNgram(lines, { order: 2, estimator });
      const b = encodeNgram(model);
      const man = ngramManifest(model, b, { text: { tokenizer: 'word', normalization: 'd2l' } });
      expect(man.ngram.estimator).toBe(estimator.kind === 'mle' ? 'mle' : 'addk');
      expect(loadNgram(man, b).distribution([3])).toEqual(model.distribution([3]));
    }
  });
});

describe('a word vocabulary larger than 65536', () => {
  it('round-trips with int32 token columns and keys beyond 2^32', () => {
    const words = Array.from({ length: 70000 }, (_, i) => `w${i % 69000}`);
    const m = trainNgram([words], { order: 3 });
    expect(m.vocab.size).toBeGreaterThan(65536);
    const back = decodeNgram(encodeNgram(m));
    const ids = Array.from(m.vocab.encode(['w68990', 'w68991', 'w5']));
    for (const ctx of [[], ids.slice(0, 1), ids.slice(0, 2), ids.slice(1, 3)]) {
      const d = back.distribution(ctx);
      expect(firstBitDifference(d, m.distribution(ctx))).toBe(-1);
      expect(Math.abs(sum(d) - 1)).toBeLessThan(1e-9);
    }
    // "w68990 w68991" was seen, so w68992 follows with high probability
    expect(Math.exp(back.logProb(m.vocab.idOf('w68992'), ids.slice(0, 2)))).toBeGreaterThan(0.3);
  });
});

describe('a model read from ARPA', () => {
  it('ships with a manifest whose estimator is "backoff" and loads back with the same probabilities', () => {
    const trained = trainNgram(lines.slice(0, 80), { order: 2, boundaries: true });
    const fromArpa = readArpa(writeArpa(trained));
    const bytes = encodeNgram(fromArpa);
    const manifest = ngramManifest(fromArpa, bytes, { text: { tokenizer: 'word', normalization: 'd2l' } });
    expect(manifest.ngram.estimator).toBe('backoff');
    const loaded = loadNgram(manifest, bytes);
    const ctx = [fromArpa.bos];
    expect(Array.from(loaded.distribution(ctx))).toEqual(Array.from(fromArpa.distribution(ctx)));
  });
});
