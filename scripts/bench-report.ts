/** Prints every workspace's latest benchmark rows (bench-results/*.json) as one table. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatNumber, goalMet, repoRoot, type BenchRow } from './bench-kit.ts';

const dir = join(repoRoot, 'bench-results');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'summary.json') : [];
const table: Array<Record<string, string>> = [];
const all: Array<BenchRow & { workspace: string }> = [];
for (const file of files.sort()) {
  const record = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { workspace: string; rows: BenchRow[] };
  for (const row of record.rows) {
    all.push({ ...row, workspace: record.workspace });
    const met = goalMet(row);
    table.push({
      workspace: record.workspace,
      benchmark: row.name,
      value: `${formatNumber(row.value)} ${row.unit}`,
      goal: row.goal ? `${row.goal.op} ${row.goal.value}` : '',
      met: met === undefined ? '' : met ? 'yes' : 'NO',
    });
  }
}
if (table.length === 0) {
  console.log('no benchmark results yet: run `npm run bench`');
} else {
  console.table(table);
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify({ date: new Date().toISOString(), rows: all }, null, 2)}\n`);
  console.log(`written ${join('bench-results', 'summary.json')}`);
}
