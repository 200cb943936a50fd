/**
 * `seqlm ngram build` and `seqlm ngram eval` end to end, as a user runs them:
 * the built CLI (dist/, `npm run build` first) in a fresh Node process, wall
 * time from spawn to exit (the best of three, since the machine is shared)
 * and the process's peak RSS. Goals and the figures before this work are
 * issue #13's, measured on the bench machine against lmplz and query.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDataDir, type BenchRow } from '../../../scripts/bench-kit.ts';

const mainUrl = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'cli', 'main.js')).href;

interface Run {
  seconds: number;
  /** User + system CPU seconds of the process: less disturbed than wall time when the machine is shared. */
  cpu: number;
  maxRssMB: number;
}

/** Runs `seqlm args` in a fresh process that reports its own peak RSS on fd 3. */
function seqlm(args: string[]): Run {
  const script = `import { writeSync } from 'node:fs';
    import { main } from ${JSON.stringify(mainUrl)};
    const code = await main(${JSON.stringify(args)}, { stdout: { write() {} }, stderr: process.stderr, env: process.env, cwd: process.cwd(), stdin: process.stdin });
    const u = process.resourceUsage();
    writeSync(3, JSON.stringify({ code, maxRssMB: u.maxRSS / 1024, cpu: (u.userCPUTime + u.systemCPUTime) / 1e6 }));`;
  const start = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: { ...process.env, SEQLM_DATA_DIR: benchDataDir() } });
  const seconds = (performance.now() - start) / 1000;
  const report = JSON.parse((child.output[3] as string) || '{}') as { code?: number; maxRssMB?: number; cpu?: number };
  if (child.status !== 0 || report.code !== 0) throw new Error(`seqlm ${args.join(' ')} failed: ${child.stderr}`);
  return { seconds, cpu: report.cpu ?? Number.NaN, maxRssMB: report.maxRssMB ?? Number.NaN };
}

function best(args: string[], runs = 3): Run {
  const all = Array.from({ length: runs }, () => seqlm(args));
  return { seconds: Math.min(...all.map((r) => r.seconds)), cpu: Math.min(...all.map((r) => r.cpu)), maxRssMB: Math.max(...all.map((r) => r.maxRssMB)) };
}

export default async (): Promise<BenchRow[]> => {
  const dir = await mkdtemp(join(tmpdir(), 'seqlm-ngram-cli-bench-'));
  try {
    const build = (extra: string[]): Run => best(['ngram', 'build', '--corpus', 'tinyshakespeare', '--out', join(dir, 'm'), '--quiet', ...extra]);
    const char6 = build(['--order', '6']);
    const char6arpa = build(['--order', '6', '--arpa']);
    const word3 = build(['--order', '3', '--tokenizer', 'word']);
    // the model eval serves, and the last 10% of the corpus as the text (111k chars)
    best(['ngram', 'build', '--corpus', 'tinyshakespeare', '--order', '6', '--out', join(dir, 'c6'), '--quiet'], 1);
    const text = await readFile(join(benchDataDir(), 'tinyshakespeare.txt'), 'utf8');
    await writeFile(join(dir, 'val.txt'), text.slice(Math.floor(text.length * 0.9)));
    const evalRun = best(['ngram', 'eval', '--model', join(dir, 'c6'), '--text-file', join(dir, 'val.txt')]);
    const help = best(['--help']);
    const oneCommand = best(['ngram', 'eval', '--help']);
    return [
      { name: 'CLI ngram build, char 6-gram KN, Tiny Shakespeare', value: char6.seconds, unit: 's', goal: { op: '<=', value: 1.2 }, note: `before: 2.25 s (lmplz -S 10%: 1.6 s); spawn to exit, best of 3; CPU ${char6.cpu.toFixed(2)} s` },
      { name: 'CLI ngram build, char 6-gram KN --arpa', value: char6arpa.seconds, unit: 's', goal: { op: '<=', value: 1.6 }, note: `before: 4.6 s; CPU ${char6arpa.cpu.toFixed(2)} s` },
      { name: 'CLI ngram build, word 3-gram KN', value: word3.seconds, unit: 's', goal: { op: '<=', value: 1.2 }, note: `before: 3.0 s (lmplz: 1.0 s); CPU ${word3.cpu.toFixed(2)} s` },
      { name: 'CLI ngram build peak RSS (largest of the three)', value: Math.max(char6.maxRssMB, char6arpa.maxRssMB, word3.maxRssMB), unit: 'MB', goal: { op: '<=', value: 300 } },
      { name: 'CLI ngram eval, char 6-gram, 111k tokens', value: evalRun.seconds, unit: 's', goal: { op: '<=', value: 0.6 }, note: `before: 1.32 s (0.25 s last session, with every command imported); load, hash check, score; CPU ${evalRun.cpu.toFixed(2)} s` },
      { name: 'CLI start-up of one command (seqlm ngram eval --help)', value: oneCommand.seconds, unit: 's', note: `only the command that runs is imported (was 0.18 s: every command and TF.js); CPU ${oneCommand.cpu.toFixed(2)} s` },
      { name: 'CLI start-up listing every command (seqlm --help)', value: help.seconds, unit: 's', note: `imports every command, TF.js and the ONNX encoder included; CPU ${help.cpu.toFixed(2)} s` },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
