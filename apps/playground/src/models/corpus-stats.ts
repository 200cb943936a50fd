import { SeqlmError } from '@seqlm/core/errors';

/** One order's rank-frequency points as shipped in a model's `stats` file (core's `corpusStats` output). */
export interface ShippedOrderStats {
  order: number;
  total: number;
  distinct: number;
  zipf: { exponent: number; r2: number } | null;
  points: { rank: number; freq: number }[];
}

export interface ShippedCorpusStats {
  tokens: number;
  orders: ShippedOrderStats[];
}

const positive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/**
 * Checks a `stats` file (JSON of core's `CorpusStats`, computed from the corpus
 * at export time so the corpus itself never ships). Throws `MANIFEST_INVALID`
 * naming the first bad field; log-log plots need positive ranks and frequencies.
 */
export function parseCorpusStats(value: unknown): ShippedCorpusStats {
  const fail = (path: string, message: string): never => {
    throw new SeqlmError('MANIFEST_INVALID', `corpus statistics: ${path} ${message}`, { path });
  };
  const v = value as { tokens?: unknown; orders?: unknown } | null;
  if (v === null || typeof v !== 'object') return fail('$', 'must be an object');
  if (typeof v.tokens !== 'number' || !Number.isSafeInteger(v.tokens) || v.tokens < 0) return fail('$.tokens', 'must be an integer >= 0');
  if (!Array.isArray(v.orders)) return fail('$.orders', 'must be an array');
  const orders = v.orders.map((raw, i): ShippedOrderStats => {
    const at = `$.orders[${i}]`;
    const o = raw as Record<string, unknown> | null;
    if (o === null || typeof o !== 'object') return fail(at, 'must be an object');
    if (typeof o.order !== 'number' || !Number.isInteger(o.order) || o.order < 1) return fail(`${at}.order`, 'must be an integer >= 1');
    if (!Array.isArray(o.points)) return fail(`${at}.points`, 'must be an array');
    const points = o.points.map((p, j) => {
      const q = p as { rank?: unknown; freq?: unknown } | null;
      if (!positive(q?.rank) || !positive(q?.freq)) return fail(`${at}.points[${j}]`, 'needs a positive rank and freq');
      return { rank: q.rank, freq: q.freq };
    });
    const zipf = o.zipf as { exponent?: unknown; r2?: unknown } | null | undefined;
    const fit = zipf && typeof zipf.exponent === 'number' && typeof zipf.r2 === 'number' ? { exponent: zipf.exponent, r2: zipf.r2 } : null;
    return { order: o.order, total: Number(o.total) || 0, distinct: Number(o.distinct) || points.length, zipf: fit, points };
  });
  return { tokens: v.tokens, orders };
}
