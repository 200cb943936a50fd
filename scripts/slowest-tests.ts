/**
 * Prints the slowest tests of a `npm test` run, from the JSON report each
 * workspace's vitest writes (`--reporter=json --outputFile.json=...`, see .ci/run),
 * so a test drifting towards its timeout is seen before it fails on a busy machine.
 * Usage: node scripts/slowest-tests.ts <report.json>... [--top 10]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { repoRoot } from './bench-kit.ts';

interface Report {
  testResults: { name: string; assertionResults: { fullName: string; duration?: number | null; status: string }[] }[];
}

export interface TestTime {
  file: string;
  name: string;
  ms: number;
}

/** Every test of the reports with its duration, slowest first. */
export function slowestTests(reports: readonly Report[]): TestTime[] {
  const all: TestTime[] = [];
  for (const report of reports) {
    for (const file of report.testResults) {
      for (const t of file.assertionResults) {
        if (typeof t.duration === 'number') all.push({ file: relative(repoRoot, file.name), name: t.fullName, ms: t.duration });
      }
    }
  }
  return all.sort((a, b) => b.ms - a.ms);
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt === -1 ? 10 : Number(args[topAt + 1]);
  const files = args.filter((_, i) => i !== topAt && i !== topAt + 1);
  const reports = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Report);
  const rows = slowestTests(reports).slice(0, top);
  console.log(`slowest ${rows.length} tests:`);
  for (const r of rows) console.log(`${(r.ms / 1000).toFixed(1).padStart(7)} s  ${r.file}  ${r.name.length > 110 ? `${r.name.slice(0, 109)}…` : r.name}`);
}
