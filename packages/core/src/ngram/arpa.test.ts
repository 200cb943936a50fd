import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { charTokenizer, normalize, wordTokenizer } from '../text/index.ts';
import { readArpa, writeArpa } from './arpa.ts';
import type { BackoffModel } from './backoff-model.ts';
import { scoreTokens } from './score.ts';
import { trainNgram } from './train.ts';
import { readCorpus } from './ngram.test-util.ts';

const text = readCorpus('timemachine.txt');
const lines = text
  .split('\n')
  .map((l) => wordTokenizer.tokenize(normalize(l, 'd2l')))
  .filter((l) => l.length > 0);
const train = lines.slice(0, 1500);
const heldOut = lines.slice(1500, 1700);

function expectSameModel(a: BackoffModel, b: BackoffModel, contexts: number[][]): void {
  expect(b.vocab.tokens).toEqual(a.vocab.tokens);
  expect(b.order).toBe(a.order);
  expect(b.boundaries).toBe(a.boundaries);
  for (const ctx of contexts) expect(b.distribution(ctx)).toEqual(a.distribution(ctx));
}

describe('ARPA write → read round trip', () => {
  it('gives identical probabilities for Kneser-Ney with sentence boundaries', () => {
    const m = trainNgram(train, { order: 3, boundaries: true }) as BackoffModel;
    const arpa = writeArpa(m);
    const back = readArpa(arpa);
    expect(back.estimator).toEqual({ kind: 'backoff' });
    for (let n = 1; n <= 3; n++) expect(back.ngramCount(n)).toBe(m.ngramCount(n));
    const s1 = scoreTokens(m, heldOut);
    const s2 = scoreTokens(back, heldOut);
    expect(s2.logProbs).toEqual(s1.logProbs);
    expect(s2.oov).toBeGreaterThan(0);
    const ids = (ws: string[]): number[] => Array.from(m.vocab.encode(ws));
    expectSameModel(m, back, [[], [1], ids(['the']), ids(['of', 'the']), ids(['zzz', 'time']), [1, ...ids(['i'])]]);
    expect(writeArpa(back)).toBe(arpa);
  });

  it('gives identical probabilities for MLE, whose zeros are written as -99', () => {
    const m = trainNgram(train, { order: 2, boundaries: true, estimator: { kind: 'mle' } }) as BackoffModel;
    const arpa = writeArpa(m);
    expect(arpa).toContain('-99\t<s>');
    const back = readArpa(arpa);
    expect(scoreTokens(back, heldOut).logProbs).toEqual(scoreTokens(m, heldOut).logProbs);
    expect(scoreTokens(back, heldOut).perplexity).toBe(Number.POSITIVE_INFINITY);
  });

  it('escapes whitespace tokens of a char model when asked, and refuses them otherwise', () => {
    const chars = charTokenizer.tokenize('the time machine\nby h g wells\\ \tend');
    const m = trainNgram([chars], { order: 4 }) as BackoffModel;
    expect(() => writeArpa(m)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    const back = readArpa(writeArpa(m, { escape: true }), { escape: true });
    const ids = Array.from(m.vocab.encode(chars));
    expectSameModel(m, back, [[], ids.slice(0, 3), ids.slice(10, 13), ids.slice(-3)]);
  });

  it('refuses add-k, which has no exact backoff form', () => {
    const m = trainNgram(train.slice(0, 10), { order: 2, estimator: { kind: 'add-k' } });
    expect(() => writeArpa(m)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });
});

/**
 * The rules KenLM's ARPA reader (lm/read_arpa.cc, lm/vocab.cc) applies with its
 * default configuration, returning the first one broken: a \\data\\ header
 * with counts for orders 1..N, sections of exactly that many lines of
 * `log10p w1..wn [log10bow]` (no backoff on the top order), log10 p ≤ 0,
 * <s> and </s> among the unigrams with <s> at -99, no duplicate, every word a
 * unigram, every n-gram's context listed one order down, then \\end\\.
 */
function kenlmRuleBroken(arpa: string): string | undefined {
  const lines = arpa.split('\n').filter((l) => l.trim() !== '');
  let i = lines.indexOf('\\data\\');
  if (i < 0) return 'no \\data\\';
  const counts: number[] = [];
  for (i++; /^ngram \d+=\d+$/.test(lines[i] ?? ''); i++) {
    const [n, c] = (lines[i] as string).slice(6).split('=').map(Number) as [number, number];
    if (n !== counts.length + 1) return `count of order ${n} out of sequence`;
    counts.push(c);
  }
  const N = counts.length;
  const seen: Set<string>[] = [];
  for (let n = 1; n <= N; n++) {
    if (lines[i++] !== `\\${n}-grams:`) return `no \\${n}-grams: section`;
    const set = new Set<string>();
    for (let k = 0; k < (counts[n - 1] as number); k++, i++) {
      const f = (lines[i] ?? '').split(/[ \t]+/);
      if (f.length !== n + 1 && !(n < N && f.length === n + 2)) return `line "${lines[i]}": wrong field count for order ${n}`;
      const logp = Number(f[0]);
      if (!(logp <= 0)) return `line "${lines[i]}": log10 p must be ≤ 0`;
      if (f.length === n + 2 && !Number.isFinite(Number(f[n + 1]))) return `line "${lines[i]}": bad backoff`;
      const words = f.slice(1, n + 1);
      const key = words.join(' ');
      if (set.has(key)) return `duplicate ${n}-gram ${key}`;
      set.add(key);
      if (n === 1 && key === '<s>' && logp !== -99) return '<s> must have log10 p = -99';
      if (n > 1 && words.some((w) => !(seen[0] as Set<string>).has(w))) return `${key}: a word is not a unigram`;
      if (n > 1 && !(seen[n - 2] as Set<string>).has(words.slice(0, -1).join(' '))) return `${key}: its context is not listed`;
    }
    seen.push(set);
    if (n === 1 && !set.has('<s>')) return 'The ARPA file is missing <s>';
    if (n === 1 && !set.has('</s>')) return 'The ARPA file is missing </s>';
  }
  if (lines[i] !== '\\end\\') return 'no \\end\\';
  return undefined;
}

describe('the ARPA files writeArpa writes pass the rules KenLM applies', () => {
  const chars = charTokenizer.tokenize(normalize(text.slice(0, 20000), 'd2l'));
  const models: [string, () => BackoffModel, boolean][] = [
    ['a word Kneser-Ney 3-gram with sentence boundaries', () => trainNgram(train, { order: 3, boundaries: true }) as BackoffModel, false],
    ['a word MLE 2-gram with sentence boundaries', () => trainNgram(train, { order: 2, boundaries: true, estimator: { kind: 'mle' } }) as BackoffModel, false],
    ['a char Kneser-Ney 5-gram of one running text (no <s>, </s>)', () => trainNgram([chars], { order: 5 }) as BackoffModel, true],
    ['a word Kneser-Ney 3-gram without sentence boundaries', () => trainNgram(train, { order: 3 }) as BackoffModel, false],
  ];

  it.each(models)('%s', (_, make, escape) => {
    const m = make();
    const arpa = writeArpa(m, { escape });
    expect(kenlmRuleBroken(arpa)).toBeUndefined();
    expect(arpa).toMatch(/^-99\t<s>(\t-?[\d.e-]+)?$/m);
    // and it reads back as the same model, the markers dropped again where the model had none
    const back = readArpa(arpa, { escape });
    expect(back.boundaries).toBe(m.boundaries);
    expect(back.vocab.tokens).toEqual(m.vocab.tokens);
    expect(writeArpa(back, { escape })).toBe(arpa);
  });

  it('the checker itself catches a file without <s>', () => {
    const arpa = writeArpa(trainNgram(train.slice(0, 50), { order: 2 }) as BackoffModel);
    const without = arpa.replace('ngram 1=', 'ngram 1=X').replace(/^-99\t<s>\n/m, '');
    const count = Number(/ngram 1=X(\d+)/.exec(without)?.[1]);
    expect(kenlmRuleBroken(without.replace(/ngram 1=X\d+/, `ngram 1=${count - 1}`))).toBe('The ARPA file is missing <s>');
  });
});

describe('reading ARPA files from other toolkits', () => {
  // SRILM/KenLM conventions: text before \data\, -99 for the <s> unigram, omitted
  // backoff weights, spaces or tabs, CRLF line ends, extra blank lines.
  const srilm = [
    'Produced by some toolkit',
    '',
    '\\data\\',
    'ngram 1=5',
    'ngram  2 = 3',
    '',
    '\\1-grams:',
    '-1.0\t<unk>',
    '-99\t<s>\t-0.5',
    '-0.5 </s>',
    '-0.301  a  -0.2',
    '-0.6\tb',
    '',
    '',
    '\\2-grams:',
    '-0.1\t<s> a',
    '-0.2\ta\tb',
    '-0.3 a </s>',
    '',
    '\\end\\',
    '',
  ].join('\r\n');

  it('parses every convention and queries by backoff', () => {
    const m = readArpa(srilm);
    expect(m.vocab.tokens).toEqual(['<unk>', '<s>', '</s>', 'a', 'b']);
    expect(m.boundaries).toBe(true);
    const [s, a, b] = [1, 3, 4];
    expect(m.log10Prob(a, [s])).toBeCloseTo(-0.1, 12); // listed
    expect(m.log10Prob(b, [s])).toBeCloseTo(-0.5 + -0.6, 12); // bow(<s>) + log p(b)
    expect(m.log10Prob(b, [a])).toBeCloseTo(-0.2, 12);
    expect(m.log10Prob(a, [a])).toBeCloseTo(-0.2 + -0.301, 12); // bow(a) + log p(a)
    expect(m.log10Prob(0, [a])).toBeCloseTo(-0.2 + -1.0, 12);
    expect(m.log10Prob(a, [b])).toBeCloseTo(-0.301, 12); // omitted bow(b) = 0
    expect(m.log10Prob(s, [])).toBe(Number.NEGATIVE_INFINITY); // -99: <s> is impossible
    expect(m.logProb(a, [b])).toBeCloseTo(-0.301 * Math.LN10, 12);
  });

  it('reads a file without <unk>: unknown tokens get probability 0', () => {
    const m = readArpa('\\data\\\nngram 1=4\n\n\\1-grams:\n-99 <s>\n-99 </s>\n-0.30103 x\n-0.30103 y\n\n\\end\\\n');
    expect(m.vocab.tokens).toEqual(['<unk>', 'x', 'y']);
    expect(m.boundaries).toBe(false);
    expect(m.logProb(0, [])).toBe(Number.NEGATIVE_INFINITY);
    expect(scoreTokens(m, ['x', 'q']).perplexity).toBe(Number.POSITIVE_INFINITY);
    expect(scoreTokens(m, ['x', 'q']).perplexityExcludingOov).toBeCloseTo(2, 4);
  });

  it('reads -inf, exponents, a backoff on the top order and n-grams whose prefix was pruned', () => {
    const m = readArpa(
      [
        '\\data\\',
        'ngram 1=5',
        'ngram 2=1',
        'ngram 3=1',
        '\\1-grams:',
        '-inf <unk>',
        '-99 <s>',
        '-inf </s>',
        '-3.0103e-1 x -1e-1',
        '-0.30103 y -0.2',
        '\\2-grams:',
        '-0.05 x y -0.3',
        '\\3-grams:',
        '-0.01 y x y 0',
        '\\end\\',
      ].join('\n'),
    );
    const [x, y] = [1, 2];
    expect(m.log10Prob(0, [])).toBe(Number.NEGATIVE_INFINITY);
    expect(m.log10Prob(y, [y, x])).toBeCloseTo(-0.01, 12);
    // "y x" is not listed (pruned): its weight is 1, so p(x | y x) = p(x | x) = bow(x) + p(x)
    expect(m.log10Prob(x, [y, x])).toBeCloseTo(-0.1 + -0.30103, 12);
    expect(m.log10Prob(x, [x, y])).toBeCloseTo(-0.3 + -0.2 + -0.30103, 12);
  });
});

describe('malformed ARPA files fail with the line number', () => {
  const good = ['\\data\\', 'ngram 1=4', 'ngram 2=1', '', '\\1-grams:', '-99 <s>', '-99 </s>', '-0.3 a -0.1', '-0.3 b', '', '\\2-grams:', '-0.1 a b', '', '\\end\\'];
  const cases: [string, (lines: string[]) => string[] | Uint8Array, number][] = [
    ['no \\data\\ header', (l) => l.slice(1), 1],
    ['a bad header line', (l) => with_(l, 2, 'ngram 2=one'), 3],
    ['an order missing from the header', (l) => with_(l, 2, 'ngram 3=1'), 3],
    ['a section holding fewer n-grams than declared', (l) => with_(l, 1, 'ngram 1=5'), 11],
    ['a section holding more n-grams than declared', (l) => with_(l, 2, 'ngram 2=0'), 12],
    ['a non-numeric probability', (l) => with_(l, 8, 'abc b'), 9],
    ['a non-numeric backoff weight', (l) => with_(l, 7, '-0.3 a 1.2.3'), 8],
    ['a probability above 1', (l) => with_(l, 7, '0.5 a'), 8],
    ['a wrong number of fields', (l) => with_(l, 11, '-0.1 a b c d'), 12],
    ['a token missing from the unigrams', (l) => with_(l, 11, '-0.1 a c'), 12],
    ['a duplicated unigram', (l) => with_(l, 8, '-0.3 a'), 9],
    ['sections out of order', (l) => with_(l, 4, '\\2-grams:'), 5],
    // the file now ends at line 13, where \end\ was due
    ['a missing \\end\\', (l) => l.slice(0, -1), 13],
    // KenLM refuses these too ("The ARPA file is missing <s>"); the line is the \1-grams: header
    ['no <s> unigram', (l) => with_(with_(l, 1, 'ngram 1=3'), 5, ''), 5],
    ['no </s> unigram', (l) => with_(with_(l, 1, 'ngram 1=3'), 6, ''), 5],
    ['a marker in a 2-gram of a model without sentence boundaries', (l) => with_(l, 11, '-0.1 a </s>'), 12],
    // a 167-byte file declaring 4e8 bigrams once allocated 16.8 GB before failing; 99999999999 threw a raw RangeError
    ['a header count the file cannot hold', (l) => with_(l, 2, 'ngram 2=400000000'), 3],
    ['a header count beyond any array', (l) => with_(l, 2, 'ngram 2=99999999999'), 3],
    ['a huge unigram count', (l) => with_(l, 1, `ngram 1=${'9'.repeat(400)}`), 2],
    ['token bytes that are not UTF-8', (l) => latin1(with_(l, 8, '-0.3 b\u00e9')), 9],
  ];

  it.each(cases)('%s', (_, edit, line) => {
    const edited = edit([...good]);
    const text = edited instanceof Uint8Array ? edited : edited.join('\n');
    let error: unknown;
    try {
      readArpa(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SeqlmError);
    expect((error as SeqlmError).code).toBe('ARPA_INVALID');
    expect((error as SeqlmError).details?.line).toBe(line);
    expect((error as SeqlmError).message).toContain(`line ${line}`);
  });

  it('the unedited file parses, as text and as UTF-8 bytes', () => {
    expect(readArpa(good.join('\n')).log10Prob(2, [1])).toBeCloseTo(-0.1, 12);
    expect(readArpa(new TextEncoder().encode(good.join('\n'))).log10Prob(2, [1])).toBeCloseTo(-0.1, 12);
  });

  it('two tokens differing only in invalid bytes are refused, not merged into one U+FFFD token', () => {
    const text = with_(with_([...good], 7, '-0.3 a\u00e9 -0.1'), 8, '-0.3 a\u00e8');
    expect(() => readArpa(latin1(text))).toThrow(expect.objectContaining({ code: 'ARPA_INVALID', details: { line: 8 } }));
  });
});

/** The lines as Latin-1 bytes: any char above U+007F becomes one byte that is not valid UTF-8 on its own. */
function latin1(lines: string[]): Uint8Array {
  return Uint8Array.from(lines.join('\n'), (c) => c.charCodeAt(0));
}

function with_(lines: string[], index: number, line: string): string[] {
  lines[index] = line;
  return lines;
}
