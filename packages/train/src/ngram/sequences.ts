import { getTokenizer, normalize, type Normalization, type TokenizerKind } from '@seqlm/core/text';

/** How a text becomes sequences: `none` one running sequence (D2L), `lines` one `<s> … </s>` sequence per non-empty line (KenLM, SRILM). */
export const NGRAM_BOUNDARIES = ['none', 'lines'] as const;
export type NgramBoundaries = (typeof NGRAM_BOUNDARIES)[number];

/**
 * The token sequences of `text`: with `none` the whole normalised text is one
 * sequence; with `lines` each line is normalised on its own (a trailing `\r`
 * dropped) and lines left without tokens are skipped, as KenLM skips them.
 */
export function textSequences(text: string, normalization: Normalization, tokenizer: TokenizerKind, boundaries: NgramBoundaries): string[][] {
  const t = getTokenizer(tokenizer);
  if (boundaries === 'none') return [t.tokenize(normalize(text, normalization))];
  const out: string[][] = [];
  for (const line of text.split('\n')) {
    const tokens = t.tokenize(normalize(line.endsWith('\r') ? line.slice(0, -1) : line, normalization));
    if (tokens.length > 0) out.push(tokens);
  }
  return out;
}

/** The total number of tokens in `sequences`. */
export function tokenCount(sequences: readonly { length: number }[]): number {
  let n = 0;
  for (const s of sequences) n += s.length;
  return n;
}
