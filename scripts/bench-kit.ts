/**
 * The shared harness behind every workspace's `npm run bench`.
 *
 * A benchmark file (`bench/*.bench.ts`) default-exports an async function that
 * measures and returns rows; it never asserts. `runBenchDir` runs each file,
 * prints its rows and writes them to `<repo>/bench-results/<workspace>.json`,
 * which `scripts/bench-report.ts` gathers into one table.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpus } from 'node:os';

export interface BenchGoal {
  /** `<=` when lower is better (latency, memory), `>=` when higher is better (throughput). */
  op: '<=' | '>=';
  value: number;
}

export interface BenchRow {
  /** What was measured, e.g. `gru train tokens/s (V=28,H=256,B=32,T=35)`. */
  name: string;
  value: number;
  unit: string;
  goal?: BenchGoal;
  /** What limits the figure, or how it was measured. */
  note?: string;
}

export type BenchFn = () => Promise<BenchRow[]>;

export const repoRoot = resolve(import.meta.dirname, '..');

export function goalMet(row: BenchRow): boolean | undefined {
  if (!row.goal) return undefined;
  return row.goal.op === '<=' ? row.value <= row.goal.value : row.value >= row.goal.value;
}

export function formatRow(row: BenchRow): string {
  const met = goalMet(row);
  const goal = row.goal ? ` (goal ${row.goal.op} ${row.goal.value} ${row.unit}: ${met ? 'met' : 'NOT met'})` : '';
  return `${row.name}: ${formatNumber(row.value)} ${row.unit}${goal}${row.note ? ` — ${row.note}` : ''}`;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** Runs every `*.bench.ts` in `dir` (or those named on the command line) and records the rows. */
export async function runBenchDir(dir: string, workspace: string, only: string[] = process.argv.slice(2)): Promise<BenchRow[]> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const rows: BenchRow[] = [];
  for (const file of files) {
    console.log(`# ${workspace} ${basename(file, '.bench.ts')}`);
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default: BenchFn };
    const fileRows = await mod.default();
    for (const row of fileRows) console.log(`  ${formatRow(row)}`);
    rows.push(...fileRows);
  }
  const outDir = join(repoRoot, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const record = {
    workspace,
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    rows,
  };
  writeFileSync(join(outDir, `${workspace.replace(/^@/, '').replace(/\//g, '-')}.json`), `${JSON.stringify(record, null, 2)}\n`);
  return rows;
}

/** Times `fn` over `iterations` runs after `warmup` runs; returns milliseconds per run. */
export async function timeIt(fn: () => unknown, iterations: number, warmup = Math.min(3, iterations)): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  return (performance.now() - start) / iterations;
}

/** The directory that holds the corpora for benchmarks (SEQLM_DATA_DIR, else ../shared/data beside the repo). */
export function benchDataDir(): string {
  return process.env.SEQLM_DATA_DIR ?? resolve(repoRoot, '..', 'shared', 'data');
}
