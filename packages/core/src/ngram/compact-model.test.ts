import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { charTokenizer, normalize, wordTokenizer } from '../text/index.ts';
import { readArpa, writeArpa } from './arpa.ts';
import { BackoffModel } from './backoff-model.ts';
import { checkCompactArrays, compactBackoff, CompactBackoffModel, type CompactNgramArrays } from './compact-model.ts';
import { scoreIds, tokenScores } from './score.ts';
import { decodeNgram, encodeNgram } from './serialize.ts';
import { trainNgram } from './train.ts';
import { readCorpus } from './ngram.test-util.ts';

const text = readCorpus('timemachine.txt');
const chars = charTokenizer.tokenize(normalize(text, 'd2l'));
const lines = text
  .split('\n')
  .map((l) => wordTokenizer.tokenize(normalize(l, 'd2l')))
  .filter((l) => l.length > 0);

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x === y) continue; // equal infinities
    m = Math.max(m, Math.abs(x - y));
  }
  return m;
}

const models: [string, () => { model: BackoffModel; ids: Int32Array[] }][] = [
  [
    'char Kneser-Ney 6-gram without boundaries',
    () => {
      const model = trainNgram([chars.slice(0, 60000)], { order: 6 }) as BackoffModel;
      return { model, ids: [model.vocab.encode(chars.slice(60000, 90000))] };
    },
  ],
  [
    'word Kneser-Ney 3-gram with boundaries',
    () => {
      const model = trainNgram(lines.slice(0, 2500), { order: 3, boundaries: true }) as BackoffModel;
      return { model, ids: lines.slice(2500, 2900).map((l) => model.vocab.encode(l)) };
    },
  ],
  [
    'word MLE 2-gram (zero probabilities, -inf backoff weights)',
    () => {
      const model = trainNgram(lines.slice(0, 2500), { order: 2, boundaries: true, estimator: { kind: 'mle' } }) as BackoffModel;
      return { model, ids: lines.slice(2500, 2600).map((l) => model.vocab.encode(l)) };
    },
  ],
  [
    'an ARPA file with pruned prefixes (context-only ids)',
    () => {
      const model = readArpa(['\\data\\', 'ngram 1=4', 'ngram 2=0', 'ngram 3=1', '\\1-grams:', '-99 <s>', '-99 </s>', '-0.3 x -0.1', '-0.4 y -0.2', '\\2-grams:', '\\3-grams:', '-0.01 y x y', '\\end\\'].join('\n'));
      return { model, ids: [Int32Array.from([1, 2, 1, 2, 2, 1, 0, 2, 1, 2])] };
    },
  ],
];

describe('the compact (zero-decode) backoff model answers exactly as the trie-based one', () => {
  it.each(models)('%s', (_, make) => {
    const { model, ids } = make();
    const compact = compactBackoff(model);
    expect(compact.size).toBe(model.trie.size);
    for (let n = 1; n <= model.order; n++) expect(compact.ngramCount(n)).toBe(model.ngramCount(n));
    // scoreIds takes the stateful path on the compact model, the per-position one on the trie
    const a = scoreIds(model, ids);
    const b = scoreIds(compact, ids);
    expect(maxAbsDiff(a.logProbs, b.logProbs)).toBeLessThan(1e-12);
    // random access and matched orders, position by position
    const seq = ids[0] as Int32Array;
    for (let i = 0; i < Math.min(seq.length, 3000); i += 7) {
      expect(compact.log10ProbAt(seq, i)).toBe(model.log10ProbAt(seq, i));
      expect(compact.matchedOrderAt(seq, i)).toBe(model.matchedOrderAt(seq, i));
    }
    for (let i = 0; i < Math.min(seq.length, 200); i += 13) {
      const ctx = seq.subarray(Math.max(0, i - model.order), i);
      expect(maxAbsDiff(compact.distribution(ctx), model.distribution(ctx))).toBeLessThan(1e-15);
    }
    expect(tokenScores(compact, ids.slice(0, 3))).toEqual(tokenScores(model, ids.slice(0, 3)));
    // ARPA written from either lists the same n-grams (in another order) and reads back to the same scores
    const escape = model.vocab.tokens.some((t) => /\s/.test(t));
    const back = readArpa(writeArpa(compact, { escape }), { escape });
    expect(maxAbsDiff(scoreIds(back, ids).logProbs, a.logProbs)).toBeLessThan(1e-12);
  });
});

describe('n-gram file version 2', () => {
  const model = trainNgram(lines.slice(0, 800), { order: 3, boundaries: true }) as BackoffModel;
  const ids = lines.slice(800, 900).map((l) => model.vocab.encode(l));

  it('is read where it lies: the columns are views over the file bytes', () => {
    const bytes = encodeNgram(model);
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(2);
    const loaded = decodeNgram(bytes);
    expect(loaded).toBeInstanceOf(CompactBackoffModel);
    const { arrays } = loaded as CompactBackoffModel;
    for (const column of [arrays.word, arrays.suffix, arrays.childStart, arrays.logp10, arrays.bow10]) expect(column.buffer).toBe(bytes.buffer);
    expect(maxAbsDiff(scoreIds(loaded, ids).logProbs, scoreIds(model, ids).logProbs)).toBeLessThan(1e-12);
    // encoding the loaded model gives the same bytes
    expect(Buffer.from(encodeNgram(loaded)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('still loads from misaligned bytes (one copy), and version 1 files keep loading', () => {
    const bytes = encodeNgram(model);
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    expect(maxAbsDiff(scoreIds(decodeNgram(shifted), ids).logProbs, scoreIds(model, ids).logProbs)).toBeLessThan(1e-12);
    const v1 = encodeNgram(model, { version: 1 });
    expect(new DataView(v1.buffer).getUint32(4, true)).toBe(1);
    const old = decodeNgram(v1);
    expect(old).toBeInstanceOf(BackoffModel);
    expect(maxAbsDiff(scoreIds(old, ids).logProbs, scoreIds(model, ids).logProbs)).toBeLessThan(1e-12);
    const f32 = decodeNgram(encodeNgram(model, { precision: 'float32' }));
    expect(maxAbsDiff(scoreIds(f32, ids).logProbs, scoreIds(model, ids).logProbs)).toBeLessThan(1e-5);
  });

  it('refuses an unknown version with a hint to re-build', () => {
    const bytes = encodeNgram(model).slice();
    new DataView(bytes.buffer).setUint32(4, 3, true);
    expect(() => decodeNgram(bytes)).toThrow(expect.objectContaining({ code: 'MODEL_INVALID', message: expect.stringMatching(/version 3.*re-build/) }));
  });

  // Each edit would make a query read out of bounds or loop forever; the linear check refuses it first.
  const arrays = (): CompactNgramArrays => {
    const a = compactBackoff(model).arrays;
    return { levelStart: a.levelStart.slice(), word: a.word.slice(), suffix: a.suffix.slice(), childStart: a.childStart.slice(), logp10: a.logp10.slice(), bow10: a.bow10.slice() };
  };
  const edits: [string, (a: CompactNgramArrays) => void][] = [
    ['a suffix pointing at itself', (a) => (a.suffix[a.suffix.length - 1] = a.suffix.length - 1)],
    ['a suffix on the same level', (a) => (a.suffix[(a.levelStart[3] as number) + 1] = a.levelStart[3] as number)],
    ['children out of token order', (a) => a.word.reverse()],
    ['a child run past the end', (a) => (a.childStart[a.childStart.length - 1] = a.word.length + 5)],
    ['a token outside the vocabulary', (a) => (a.word[a.word.length - 1] = 65535)],
    ['level bounds out of order', (a) => (a.levelStart[2] = 0)],
    ['a probability above 1', (a) => (a.logp10[5] = 0.5)],
  ];
  it.each(edits)('refuses %s', (_, edit) => {
    const a = arrays();
    expect(() => checkCompactArrays(a, 3, model.vocab.size, (m) => { throw new SeqlmError('MODEL_INVALID', m); })).not.toThrow();
    edit(a);
    expect(() => checkCompactArrays(a, 3, model.vocab.size, (m) => { throw new SeqlmError('MODEL_INVALID', m); })).toThrow(SeqlmError);
  });
});
