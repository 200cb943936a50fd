import { SeqlmError } from '../errors/index.ts';

export const UNK = '<unk>';
export const UNK_ID = 0;

export interface VocabOptions {
  /** Tokens seen fewer times than this are left out (they encode as `<unk>`). Default 0. */
  minFreq?: number;
  /** Tokens that always get the ids right after `<unk>`, in this order (e.g. `<s>`, `</s>`, `<pad>`). */
  reserved?: readonly string[];
}

/** The JSON form of a vocabulary; `tokens[id]` is the token with that id. */
export interface VocabJSON {
  format: 'seqlm-vocab';
  version: 1;
  reserved: string[];
  tokens: string[];
}

/**
 * A bijection between tokens and integer ids.
 *
 * Ids are deterministic: `<unk>` is 0, reserved tokens follow in the order
 * given, then every other token by frequency, most frequent first, ties broken
 * by comparing the tokens' UTF-16 code units (not the locale), so the same
 * corpus gives the same ids on every machine.
 */
export class Vocab {
  readonly tokens: readonly string[];
  readonly reserved: readonly string[];
  readonly #ids: Map<string, number>;

  private constructor(tokens: string[], reserved: string[]) {
    this.tokens = Object.freeze(tokens);
    this.reserved = Object.freeze(reserved);
    this.#ids = new Map(tokens.map((t, i) => [t, i]));
  }

  /** Builds a vocabulary from a token sequence (or several). */
  static build(tokens: Iterable<string> | Iterable<readonly string[]>, options: VocabOptions = {}): Vocab {
    const minFreq = options.minFreq ?? 0;
    if (!Number.isFinite(minFreq) || minFreq < 0) {
      throw new SeqlmError('INVALID_ARGUMENT', `minFreq must be a non-negative number, got ${minFreq}`);
    }
    const reserved = [...(options.reserved ?? [])];
    checkReserved(reserved);
    const counts = countTokens(tokens);
    const skip = new Set([UNK, ...reserved]);
    const ranked = [...counts.entries()]
      .filter(([token, n]) => n >= minFreq && !skip.has(token))
      .sort(([a, na], [b, nb]) => nb - na || (a < b ? -1 : a > b ? 1 : 0))
      .map(([token]) => token);
    return new Vocab([UNK, ...reserved, ...ranked], reserved);
  }

  /** Rebuilds a vocabulary from its JSON form, refusing anything inconsistent. */
  static fromJSON(value: unknown): Vocab {
    const json = value as Partial<VocabJSON> | null;
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new SeqlmError('VOCAB_INVALID', 'vocab JSON must be an object');
    }
    if (json.format !== 'seqlm-vocab' || json.version !== 1) {
      throw new SeqlmError('VOCAB_INVALID', `vocab JSON must have format "seqlm-vocab" and version 1, got ${String(json.format)} v${String(json.version)}`);
    }
    const { tokens, reserved } = json;
    if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string')) {
      throw new SeqlmError('VOCAB_INVALID', 'vocab "tokens" must be an array of strings');
    }
    if (!Array.isArray(reserved) || reserved.some((t) => typeof t !== 'string')) {
      throw new SeqlmError('VOCAB_INVALID', 'vocab "reserved" must be an array of strings');
    }
    if (tokens[0] !== UNK) {
      throw new SeqlmError('VOCAB_INVALID', `vocab token 0 must be "${UNK}", got ${JSON.stringify(tokens[0])}`);
    }
    const seen = new Set<string>();
    tokens.forEach((t, i) => {
      if (seen.has(t)) throw new SeqlmError('VOCAB_INVALID', `vocab token ${JSON.stringify(t)} appears twice (again at id ${i})`, { id: i });
      seen.add(t);
    });
    reserved.forEach((t, i) => {
      if (tokens[i + 1] !== t) {
        throw new SeqlmError('VOCAB_INVALID', `reserved token ${JSON.stringify(t)} must have id ${i + 1}`, { id: i + 1 });
      }
    });
    return new Vocab([...tokens], [...reserved]);
  }

  /** Parses the text written by `serialize()`. */
  static parse(text: string): Vocab {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new SeqlmError('VOCAB_INVALID', `vocab is not valid JSON: ${(error as Error).message}`, undefined, { cause: error });
    }
    return Vocab.fromJSON(value);
  }

  get size(): number {
    return this.tokens.length;
  }

  has(token: string): boolean {
    return this.#ids.has(token);
  }

  /** The id of `token`, or `<unk>`'s id (0) when it is not in the vocabulary. */
  idOf(token: string): number {
    return this.#ids.get(token) ?? UNK_ID;
  }

  tokenOf(id: number): string {
    const token = this.tokens[id];
    if (token === undefined) {
      throw new SeqlmError('VOCAB_OOV', `token id ${id} is outside the vocabulary of size ${this.size}`, { id });
    }
    return token;
  }

  encode(tokens: readonly string[]): Int32Array {
    const ids = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) ids[i] = this.#ids.get(tokens[i] as string) ?? UNK_ID;
    return ids;
  }

  decode(ids: ArrayLike<number>): string[] {
    const out = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = this.tokenOf(ids[i] as number);
    return out;
  }

  /** How many of `tokens` are not in the vocabulary (they encode as `<unk>`). */
  countUnknown(tokens: readonly string[]): number {
    let n = 0;
    for (const t of tokens) if (!this.#ids.has(t) || t === UNK) n++;
    return n;
  }

  toJSON(): VocabJSON {
    return { format: 'seqlm-vocab', version: 1, reserved: [...this.reserved], tokens: [...this.tokens] };
  }

  serialize(): string {
    return JSON.stringify(this.toJSON());
  }
}

function checkReserved(reserved: readonly string[]): void {
  const seen = new Set<string>();
  for (const t of reserved) {
    if (typeof t !== 'string' || t.length === 0) throw new SeqlmError('INVALID_ARGUMENT', 'reserved tokens must be non-empty strings');
    if (t === UNK) throw new SeqlmError('INVALID_ARGUMENT', `"${UNK}" is always id 0 and cannot be reserved again`);
    if (seen.has(t)) throw new SeqlmError('INVALID_ARGUMENT', `reserved token ${JSON.stringify(t)} is listed twice`);
    seen.add(t);
  }
}

/** Counts tokens, refusing (INVALID_ARGUMENT) anything but strings or arrays of strings, which plain JS callers can pass. */
function countTokens(tokens: Iterable<string> | Iterable<readonly string[]>): Map<string, number> {
  if (typeof (tokens as Partial<Iterable<unknown>> | null | undefined)?.[Symbol.iterator] !== 'function') {
    throw new SeqlmError('INVALID_ARGUMENT', `tokens must be an iterable of strings or of string arrays, got ${kindOf(tokens)}`);
  }
  const counts = new Map<string, number>();
  let i = 0;
  for (const item of tokens as Iterable<unknown>) {
    if (typeof item === 'string') {
      counts.set(item, (counts.get(item) ?? 0) + 1);
    } else if (Array.isArray(item)) {
      for (const t of item as unknown[]) {
        if (typeof t !== 'string') throw new SeqlmError('INVALID_ARGUMENT', `sequence ${i} holds a ${kindOf(t)} where a token string belongs`, { index: i });
        counts.set(t, (counts.get(t) ?? 0) + 1);
      }
    } else {
      throw new SeqlmError('INVALID_ARGUMENT', `token ${i} is ${kindOf(item)}, expected a string (or an array of strings per sequence)`, { index: i });
    }
    i++;
  }
  return counts;
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}
