import { platform } from '../platform.ts';
import { SeqlmError } from '../errors/index.ts';
import { UNK, Vocab } from '../vocab/index.ts';
import { BackoffModel } from './backoff-model.ts';
import { CompactBackoffModel } from './compact-model.ts';
import { BOS, EOS, type NgramModel } from './model.ts';
import { NgramTrie, ensureFloat64 } from './trie.ts';

/** ARPA's log10(0): SRILM and KenLM write -99 for a probability of zero (e.g. the `<s>` unigram). */
export const ARPA_LOG_ZERO = -99;

export interface ArpaOptions {
  /**
   * ARPA separates fields by whitespace, so tokens holding whitespace (the
   * space and newline of a char model) need escaping: `\s` space, `\t`, `\n`,
   * `\r`, `\f`, `\v`, `\\` backslash. Use the same setting to write and read.
   * Default false: writing such a token throws, and reading takes tokens literally.
   */
  escape?: boolean;
}

/**
 * Writes a backoff model (Kneser-Ney, MLE, or one read from ARPA) as ARPA text:
 * `\data\`, `ngram n=count` lines, then per order `log10 P  w1..wn  [log10 bow]`,
 * and `\end\`. Probability 0 is written as -99; a backoff weight of 1 (log 0)
 * is omitted. Numbers are written with full precision, so reading the file
 * back gives the same probabilities bit for bit.
 */
export function writeArpa(model: NgramModel, options: ArpaOptions = {}): string {
  return new platform.TextDecoder().decode(writeArpaBytes(model, options));
}

/**
 * `writeArpa` as UTF-8 bytes, written straight into one growing buffer: a
 * string per line would keep millions of strings alive until the final join,
 * and the garbage collector then costs more than the formatting.
 */
export function writeArpaBytes(model: NgramModel, options: ArpaOptions = {}): Uint8Array {
  if (!(model instanceof BackoffModel || model instanceof CompactBackoffModel)) {
    throw new SeqlmError('UNSUPPORTED', `ARPA stores backoff models; a ${model.estimator.kind} model has no exact backoff form`);
  }
  const escape = options.escape ?? false;
  const utf8 = new platform.TextEncoder();
  const names = model.vocab.tokens.map((t) => utf8.encode(arpaToken(t, escape)));
  const N = model.order;
  // KenLM and SRILM refuse a file without <s> and </s>; a model that has none lists them with probability 0.
  const missing = [BOS, EOS].filter((t) => !model.vocab.has(t) || !model.isListed([model.vocab.idOf(t)]));
  const out = new ByteWriter(1 << 16);
  out.ascii('\\data\\\n');
  for (let n = 1; n <= N; n++) out.ascii(`ngram ${n}=${model.ngramCount(n) + (n === 1 ? missing.length : 0)}\n`);
  const TAB = 9;
  const NL = 10;
  for (let n = 1; n <= N; n++) {
    out.ascii(`\n\\${n}-grams:\n`);
    if (n === 1) for (const t of missing) out.ascii(`${ARPA_LOG_ZERO}\t${t}\n`);
    // unigrams in token id order so that reading the file rebuilds the same vocabulary
    const lines = n === 1 ? new ByteWriter(1 << 12) : out;
    const unigramStart = new Int32Array(names.length).fill(-1);
    const unigramEnd = new Int32Array(names.length);
    model.forEachNgram(n, (words, log10p, log10bow) => {
      const start = lines.length;
      lines.ascii(formatLog(log10p));
      for (let k = 0; k < words.length; k++) {
        lines.byte(TAB);
        lines.bytes(names[words[k] as number] as Uint8Array);
      }
      if (n < N && log10bow !== 0) {
        lines.byte(TAB);
        lines.ascii(formatLog(log10bow));
      }
      lines.byte(NL);
      if (n === 1) {
        unigramStart[words[0] as number] = start;
        unigramEnd[words[0] as number] = lines.length;
      }
    });
    if (n === 1) {
      const all = lines.result();
      for (let w = 0; w < names.length; w++) if ((unigramStart[w] as number) >= 0) out.bytes(all.subarray(unigramStart[w], unigramEnd[w]));
    }
  }
  out.ascii('\n\\end\\\n');
  return out.result();
}

/** A growing byte buffer (ASCII strings, single bytes, byte runs). */
class ByteWriter {
  #buf: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.#buf = new Uint8Array(capacity);
  }

  #room(n: number): void {
    if (this.length + n <= this.#buf.length) return;
    let capacity = this.#buf.length * 2;
    while (capacity < this.length + n) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#buf.subarray(0, this.length));
    this.#buf = grown;
  }

  /** `text` must be ASCII (numbers, section headers). */
  ascii(text: string): void {
    this.#room(text.length);
    const buf = this.#buf;
    for (let i = 0; i < text.length; i++) buf[this.length++] = text.charCodeAt(i);
  }

  byte(b: number): void {
    this.#room(1);
    this.#buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.#room(b.length);
    this.#buf.set(b, this.length);
    this.length += b.length;
  }

  result(): Uint8Array {
    return this.#buf.subarray(0, this.length);
  }
}

function formatLog(x: number): string {
  return x === Number.NEGATIVE_INFINITY ? String(ARPA_LOG_ZERO) : String(x + 0);
}

function arpaToken(token: string, escape: boolean): string {
  if (!escape) {
    if (/[\s]/.test(token) || token.length === 0) {
      throw new SeqlmError('UNSUPPORTED', `token ${JSON.stringify(token)} holds whitespace, which ARPA cannot store; write with { escape: true }`);
    }
    return token;
  }
  return token.replace(/[\\ \t\n\r\f\v]/g, (c) => ESCAPES[c] as string);
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', ' ': '\\s', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f', '\v': '\\v' };
const UNESCAPES: Record<string, string> = { '\\': '\\', s: ' ', t: '\t', n: '\n', r: '\r', f: '\f', v: '\v' };

function unescapeToken(token: string, line: number): string {
  return token.replace(/\\(.?)/g, (_, c: string) => {
    const u = UNESCAPES[c];
    if (u === undefined) throw arpaError(line, `unknown escape "\\${c}" in token ${JSON.stringify(token)}`);
    return u;
  });
}

function arpaError(line: number, message: string): SeqlmError {
  return new SeqlmError('ARPA_INVALID', `ARPA line ${line}: ${message}`, { line });
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NEG_INF = /^-(?:inf|infinity)$/i;

function parseLog(field: string, line: number, what: string): number {
  if (NEG_INF.test(field)) return Number.NEGATIVE_INFINITY;
  if (!NUMBER.test(field)) throw arpaError(line, `${what} ${JSON.stringify(field)} is not a number`);
  const x = Number(field);
  return x === ARPA_LOG_ZERO ? Number.NEGATIVE_INFINITY : x;
}

/**
 * Reads an ARPA backoff model, as written by `writeArpa`, SRILM, KenLM or
 * IRSTLM. Conventions: text before `\data\` is ignored; fields are separated
 * by spaces or tabs; an omitted backoff weight is 0 (weight 1); -99 (or -inf)
 * is probability 0, as for the `<s>` unigram; `<unk>` becomes id 0 (with
 * probability 0 when the file does not list it), `<s>` and `</s>` the
 * reserved ids after it, the other unigrams follow in file order. Any
 * malformed line throws `ARPA_INVALID` with its 1-based line number.
 */
export function readArpa(source: string | Uint8Array, options: ArpaOptions = {}): BackoffModel {
  const escape = options.escape ?? false;
  const text = typeof source === 'string' ? source : decodeUtf8(source);
  const lines = text.split('\n');
  let i = 0;
  const lineText = (k: number): string => (lines[k] as string).replace(/\r$/, '').trim();

  while (i < lines.length && lineText(i) !== '\\data\\') i++;
  if (i === lines.length) throw arpaError(1, 'no "\\data\\" header found');
  i++;

  const declared: number[] = [];
  for (; i < lines.length; i++) {
    const l = lineText(i);
    if (l === '') continue;
    if (l.startsWith('\\')) break;
    const m = /^ngram\s+(\d+)\s*=\s*(\d+)$/.exec(l);
    if (!m) throw arpaError(i + 1, `expected "ngram <order>=<count>" in the \\data\\ header, got ${JSON.stringify(l)}`);
    const n = Number(m[1]);
    if (n !== declared.length + 1) throw arpaError(i + 1, `expected the count of order ${declared.length + 1}, got order ${n}`);
    const count = Number(m[2]);
    // Each n-gram takes a line of its own: a count above the lines left cannot be honest, and
    // refusing it here bounds every allocation below by the file's size.
    if (count > lines.length - i) {
      throw arpaError(i + 1, `the header declares ${m[2]} ${n}-grams, more than the ${lines.length - i - 1} lines left in the file`);
    }
    declared.push(count);
  }
  const N = declared.length;
  if (N === 0) throw arpaError(i + 1, 'the \\data\\ header declares no n-gram counts');
  if (N > 255) throw arpaError(i + 1, `order ${N} is larger than 255`);
  const total = declared.reduce((a, b) => a + b, 0);
  if (total > lines.length - i) throw arpaError(i, `the header declares ${total} n-grams in all, more than the ${lines.length - i} lines left in the file`);

  // Unigrams first: they fix the vocabulary and so the key space of every order.
  const readSection = (n: number, onEntry: (fields: string[], line: number) => void): number => {
    while (i < lines.length && lineText(i) === '') i++;
    const header = i < lines.length ? lineText(i) : '';
    if (header !== `\\${n}-grams:`) throw arpaError(i + 1, `expected "\\${n}-grams:", got ${JSON.stringify(header)}`);
    const headerLine = i + 1;
    i++;
    let seen = 0;
    for (; i < lines.length; i++) {
      const l = lineText(i);
      if (l === '') continue;
      if (l.startsWith('\\')) break;
      const fields = l.split(/[ \t]+/);
      if (fields.length !== n + 1 && fields.length !== n + 2) {
        throw arpaError(i + 1, `a ${n}-gram line needs ${n + 1} or ${n + 2} fields, got ${fields.length}`);
      }
      seen++;
      if (seen > (declared[n - 1] as number)) {
        throw arpaError(i + 1, `more ${n}-grams than the ${declared[n - 1]} declared in the header`);
      }
      onEntry(fields, i + 1);
    }
    if (seen !== declared[n - 1]) {
      throw arpaError(i + 1, `section "\\${n}-grams:" (line ${headerLine}) has ${seen} entries, the header declares ${declared[n - 1]}`);
    }
    return headerLine;
  };

  const unigrams: { token: string; logp: number; bow: number }[] = [];
  const tokenLine = new Map<string, number>();
  const unigramHeader = readSection(1, (f, line) => {
    const token = escape ? unescapeToken(f[1] as string, line) : (f[1] as string);
    if (tokenLine.has(token)) throw arpaError(line, `unigram ${JSON.stringify(token)} is listed twice (first at line ${tokenLine.get(token)})`);
    tokenLine.set(token, line);
    unigrams.push({ token, logp: checkedLogp(f[0] as string, line), bow: f.length === 3 ? parseLog(f[2] as string, line, 'backoff weight') : 0 });
  });
  for (const marker of [BOS, EOS]) {
    if (!tokenLine.has(marker)) {
      throw arpaError(unigramHeader, `the unigrams do not list ${marker}; KenLM and SRILM need <s> and </s> (a model without sentence boundaries lists both with log10 p = -99)`);
    }
  }
  const boundaries = markersInUse(unigrams);
  const markers = new Set([BOS, EOS]);
  const reserved = boundaries ? [BOS, EOS] : [];
  const special = new Set([UNK, BOS, EOS]);
  const tokens = [UNK, ...reserved, ...unigrams.map((u) => u.token).filter((t) => !special.has(t))];
  const vocab = Vocab.fromJSON({ format: 'seqlm-vocab', version: 1, reserved, tokens });
  const ids = new Map(tokens.map((t, id) => [t, id]));

  const trie = new NgramTrie(vocab.size, N, total);
  let logp10 = new Float64Array(trie.size + 1024).fill(Number.NaN);
  let bow10 = new Float64Array(trie.size + 1024);
  const set = (words: Int32Array, logp: number, bow: number, line: number, n: number): void => {
    const before = trie.size;
    const id = trie.ensure(words, 0, words.length);
    if (trie.size > logp10.length) {
      const grown = ensureFloat64(logp10, trie.size);
      grown.fill(Number.NaN, logp10.length);
      logp10 = grown;
      bow10 = ensureFloat64(bow10, trie.size);
    }
    if (id < before && !Number.isNaN(logp10[id] as number)) throw arpaError(line, `${n}-gram listed twice`);
    logp10[id] = logp;
    bow10[id] = bow;
  };
  const words1 = new Int32Array(1);
  unigrams.forEach((u) => {
    if (!boundaries && markers.has(u.token)) return;
    words1[0] = ids.get(u.token) as number;
    set(words1, u.logp, u.bow, tokenLine.get(u.token) as number, 1);
  });

  for (let n = 2; n <= N; n++) {
    const words = new Int32Array(n);
    readSection(n, (f, line) => {
      for (let k = 0; k < n; k++) {
        const raw = f[k + 1] as string;
        const token = escape ? unescapeToken(raw, line) : raw;
        const id = ids.get(token);
        if (id === undefined && markers.has(token)) {
          throw arpaError(line, `${token} appears in a ${n}-gram although <s> and </s> both have probability 0 (the mark of a model without sentence boundaries)`);
        }
        if (id === undefined) throw arpaError(line, `token ${JSON.stringify(raw)} is not among the unigrams`);
        words[k] = id;
      }
      // A backoff weight on the highest order has no use; KenLM ignores it too.
      const bow = f.length === n + 2 && n < N ? parseLog(f[n + 1] as string, line, 'backoff weight') : 0;
      set(words, checkedLogp(f[0] as string, line), bow, line, n);
    });
  }
  while (i < lines.length && lineText(i) === '') i++;
  if (i >= lines.length || lineText(i) !== '\\end\\') {
    throw arpaError(Math.min(i + 1, lines.length), `expected "\\end\\", got ${JSON.stringify(i < lines.length ? lineText(i) : '<end of file>')}`);
  }

  return new BackoffModel({
    vocab,
    order: N,
    estimator: { kind: 'backoff' },
    boundaries,
    trie,
    logp10: logp10.slice(0, trie.size),
    bow10: bow10.slice(0, trie.size),
  });
}

/**
 * Policy for the sentence markers, which every ARPA file lists: when `</s>`
 * can never be predicted (log10 p = -99) and `<s>` is never a context (-99,
 * no backoff weight), the model was trained without sentence boundaries, as
 * `writeArpa` writes a char model of one running text. Both markers are then
 * left out of the vocabulary, so such a model reads back with the vocabulary
 * it was written with; a longer n-gram that mentions one of them is refused.
 */
function markersInUse(unigrams: readonly { token: string; logp: number; bow: number }[]): boolean {
  const bos = unigrams.find((u) => u.token === BOS);
  const eos = unigrams.find((u) => u.token === EOS);
  return !(eos?.logp === Number.NEGATIVE_INFINITY && bos?.logp === Number.NEGATIVE_INFINITY && bos.bow === 0);
}

/**
 * Strict UTF-8: a byte sequence that is not UTF-8 would otherwise become U+FFFD
 * and two distinct tokens could collide. The error names the first bad line.
 */
function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new platform.TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const lineDecoder = new platform.TextDecoder('utf-8', { fatal: true });
    let line = 1;
    for (let start = 0; start < bytes.length; line++) {
      let end = bytes.indexOf(0x0a, start);
      if (end < 0) end = bytes.length;
      try {
        lineDecoder.decode(bytes.subarray(start, end));
      } catch {
        throw arpaError(line, 'the line is not valid UTF-8');
      }
      start = end + 1;
    }
    throw arpaError(line, 'the file is not valid UTF-8');
  }
}

function checkedLogp(field: string, line: number): number {
  const x = parseLog(field, line, 'log10 probability');
  if (x > 0) throw arpaError(line, `log10 probability ${field} is above 0 (a probability above 1)`);
  return x;
}
