/**
 * What a hidden unit might track, and how strongly it does: features of a
 * token sequence (one number per token) and the Pearson correlation of each
 * unit's activation with one, as Karpathy, Johnson and Fei-Fei (2015) looked
 * for units that follow quotes or the end of a line.
 */
import type { HiddenStates } from '@seqlm/core/lm';

export interface TokenFeature {
  id: string;
  label: string;
  /** The feature after reading each token; null where it does not apply to this text (no quote marks). */
  values(tokens: readonly string[]): Float64Array | null;
}

const isSpace = (t: string | undefined): boolean => t === undefined || /^\s+$/.test(t);

export const TOKEN_FEATURES: readonly TokenFeature[] = [
  {
    id: 'word-end',
    label: 'end of a word',
    values: (tokens) => Float64Array.from(tokens, (t, i) => (!isSpace(t) && isSpace(tokens[i + 1]) ? 1 : 0)),
  },
  {
    id: 'space',
    label: 'a space',
    values: (tokens) => Float64Array.from(tokens, (t) => (t === ' ' ? 1 : 0)),
  },
  {
    id: 'word-position',
    label: 'position in the word',
    values: (tokens) => {
      const out = new Float64Array(tokens.length);
      let n = 0;
      tokens.forEach((t, i) => {
        n = isSpace(t) ? 0 : n + 1;
        out[i] = n;
      });
      return out;
    },
  },
  {
    id: 'vowel',
    label: 'a vowel',
    values: (tokens) => Float64Array.from(tokens, (t) => (/^[aeiou]$/i.test(t) ? 1 : 0)),
  },
  {
    id: 'quotes',
    label: 'inside quotes',
    values: (tokens) => {
      if (!tokens.some((t) => t.includes('"'))) return null;
      const out = new Float64Array(tokens.length);
      let inside = false;
      tokens.forEach((t, i) => {
        for (const ch of t) if (ch === '"') inside = !inside;
        out[i] = inside ? 1 : 0;
      });
      return out;
    },
  },
];

/** Pearson's r = cov(x, y) / (σ_x σ_y); NaN when either is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length || n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** Unit j's activation over the text: column j of the [T, H] states. */
export function unitActivations(hidden: HiddenStates, unit: number): Float64Array {
  return Float64Array.from({ length: hidden.steps }, (_, t) => hidden.data[t * hidden.size + unit] as number);
}

/** The `k` units whose activation correlates most with `feature` (largest |r|, then lower unit), constant units left out. */
export function rankUnits(hidden: HiddenStates, feature: ArrayLike<number>, k: number): { unit: number; r: number }[] {
  const all: { unit: number; r: number }[] = [];
  for (let j = 0; j < hidden.size; j++) {
    const r = pearson(unitActivations(hidden, j), feature);
    if (!Number.isNaN(r)) all.push({ unit: j, r });
  }
  return all.sort((a, b) => Math.abs(b.r) - Math.abs(a.r) || a.unit - b.unit).slice(0, k);
}

/**
 * Colour of an activation in [−1, 1] (tanh-bounded h_t): blue below zero, red
 * above, pale near zero. Lightness carries the magnitude and stops at 60 % so
 * dark text keeps 4.5:1 contrast (WCAG AA).
 */
export function activationColor(a: number): string {
  const m = Math.min(1, Math.abs(a));
  return `hsl(${a < 0 ? 212 : 8} 85% ${Math.round(96 - 36 * m)}%)`;
}
