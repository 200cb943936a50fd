import type { Normalization } from '@seqlm/core/text';

/** Quoted characters, each once, in order of first appearance, at most `max` of them. */
function listChars(chars: string[], max = 8): string {
  const unique = [...new Set(chars)];
  const shown = unique.slice(0, max).map((c) => (c === '\n' ? 'line break' : c === '\t' ? 'tab' : `“${c}”`));
  return unique.length > max ? `${shown.join(', ')} and ${unique.length - max} more` : shown.join(', ');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What a model's normalisation did to `text`, in words, so nothing is changed
 * silently. `d2l` (D2L's `re.sub('[^A-Za-z]+', ' ', line).strip().lower()`)
 * lower-cases, turns every run of non-letters into one space and trims;
 * whitespace is reported only when it did more than stay a single space.
 * `oov` counts tokens the model's vocabulary does not have (`<unk>`).
 */
export function describeNormalization(text: string, normalization: Normalization, oov = 0): string {
  const parts: string[] = [];
  if (normalization === 'd2l') {
    const chars = Array.from(text);
    const upper = chars.filter((c) => /[A-Z]/.test(c)).length;
    const dropped = chars.filter((c) => !/[A-Za-z\s]/.test(c));
    const collapsed = /\s{2,}|[\n\t\r]|^\s|\s$/.test(text);
    if (upper > 0) parts.push(`lower-cased ${plural(upper, 'letter')}`);
    if (dropped.length > 0) parts.push(`dropped ${plural(dropped.length, 'character')}: ${listChars(dropped)}`);
    if (collapsed) parts.push('line breaks and runs of spaces became one space');
  }
  if (oov > 0) parts.push(`${plural(oov, 'token')} not in the model's vocabulary (scored as <unk>)`);
  if (parts.length === 0) return normalization === 'raw' ? 'Scored as typed (no normalisation).' : `Scored as typed: "${normalization}" normalisation changed nothing.`;
  const sentence = parts.join('; ');
  return `${normalization === 'd2l' ? 'D2L normalisation ' : ''}${sentence}.`.replace(/^./, (c) => c.toUpperCase());
}
