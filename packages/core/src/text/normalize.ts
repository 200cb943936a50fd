import { SeqlmError } from '../errors/index.ts';

/** Named so a model manifest can record which one produced its training text. */
export const NORMALIZATIONS = ['d2l', 'raw'] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

// D2L's `re.sub('[^A-Za-z]+', ' ', line).strip().lower()`. A line break is a
// non-letter too, so lines are joined by one space: the corpus D2L builds from
// the lines is the same, and the char vocabulary is 26 letters + space.
const NON_LETTERS = /[^A-Za-z]+/g;

/**
 * `d2l`: keeps only ASCII letters; every run of other characters (line breaks
 * included) becomes one space; lowercased and trimmed.
 * `raw`: the text unchanged.
 */
export function normalize(text: string, normalization: Normalization): string {
  checkText(text);
  switch (normalization) {
    case 'raw':
      return text;
    case 'd2l':
      return text.replace(NON_LETTERS, ' ').trim().toLowerCase();
    default:
      throw new SeqlmError('INVALID_ARGUMENT', `unknown normalization "${String(normalization)}"; expected one of ${NORMALIZATIONS.join(', ')}`);
  }
}

/**
 * `normalize` for a prefix whose next token is wanted. `d2l`: as `normalize`,
 * but a trailing run of non-letters becomes one trailing space instead of being
 * trimmed, since a char model answers "the time " and "the time" differently
 * (a new word vs. the rest of this one); leading ones are still dropped.
 * `raw`: the text unchanged. A word tokenizer splits on whitespace, so for it
 * the kept space only says the last word is complete and yields no token.
 */
export function normalizePrefix(text: string, normalization: Normalization): string {
  checkText(text);
  switch (normalization) {
    case 'raw':
      return text;
    case 'd2l':
      // After the replacement every non-letter run is one ASCII space, so only a leading one needs removing.
      return text.replace(NON_LETTERS, ' ').trimStart().toLowerCase();
    default:
      throw new SeqlmError('INVALID_ARGUMENT', `unknown normalization "${String(normalization)}"; expected one of ${NORMALIZATIONS.join(', ')}`);
  }
}

/** Public entry points are called from plain JS and JSON too: refuse a non-string before `.replace` throws a TypeError. */
function checkText(text: unknown): asserts text is string {
  if (typeof text !== 'string') throw new SeqlmError('INVALID_ARGUMENT', `text must be a string, got ${text === null ? 'null' : typeof text}`);
}

export function isNormalization(value: unknown): value is Normalization {
  return typeof value === 'string' && (NORMALIZATIONS as readonly string[]).includes(value);
}
