// Runs the built `seqlm` bin (bin/seqlm.js -> dist/, built by the vitest globalSetup) in a child process.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, sharedDataDir, withTempDir } from '../testing.test-util.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function seqlm(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, fail) => {
    // A cache in a directory that does not exist: nothing may be downloaded into the developer's home.
    const child = spawn(process.execPath, [join(packageRoot, 'bin', 'seqlm.js'), ...args], {
      cwd: packageRoot,
      env: { PATH: process.env['PATH'] ?? '', SEQLM_DATA_DIR: sharedDataDir, SEQLM_CACHE_DIR: '/nonexistent/seqlm-cache', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** D2L's preprocessing of The Time Machine, written out here independently of the library. */
function d2lChars(text: string): string {
  return text.replace(/[^A-Za-z]+/g, ' ').trim().toLowerCase();
}

describe('seqlm corpus stats (built bin)', () => {
  it('reports The Time Machine with vocab 28, Zipf exponents and an SVG with three series', async () => {
    await withTempDir(async (dir) => {
      const svgPath = join(dir, 'zipf.svg');
      const run = await seqlm(['corpus', 'stats', '--corpus', 'timemachine', '--plot', svgPath]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const tokens = d2lChars(await readFile(join(sharedDataDir, 'timemachine.txt'), 'utf8')).length;
      expect(run.stdout).toMatch(new RegExp(`tokens\\s+${tokens}\\n`));
      expect(run.stdout).toMatch(/vocab size\s+28 /);
      expect(run.stdout).toContain('Zipf exponents');
      for (const order of ['unigram', 'bigram', 'trigram']) expect(run.stdout).toMatch(new RegExp(`${order}\\s+s = \\d+\\.\\d{3}\\s+R² = 0\\.\\d{3}`));
      const svg = await readFile(svgPath, 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg.match(/class="mark-line role-mark/g)).toHaveLength(3);
      for (const label of ['unigram', 'bigram', 'trigram']) expect(svg).toContain(`>${label}</text>`);
    });
  });

  it('prints JSON whose counts match the text', async () => {
    const run = await seqlm(['corpus', 'stats', '--corpus', 'timemachine', '--json', '--top', '3']);
    expect(run.code).toBe(0);
    const chars = d2lChars(await readFile(join(sharedDataDir, 'timemachine.txt'), 'utf8'));
    const report = JSON.parse(run.stdout) as {
      tokens: number;
      vocabSize: number;
      normalization: string;
      orders: { order: number; total: number; top: { gram: string[]; count: number }[]; zipf: { exponent: number; r2: number } }[];
    };
    expect(report.normalization).toBe('d2l');
    expect(report.tokens).toBe(chars.length);
    expect(report.vocabSize).toBe(28);
    expect(report.orders.map((o) => [o.order, o.total, o.top.length])).toEqual([
      [1, chars.length, 3],
      [2, chars.length - 1, 3],
      [3, chars.length - 2, 3],
    ]);
    // The most frequent character of normalised English text is the space between words.
    expect(report.orders[0]?.top[0]).toEqual({ gram: [' '], count: chars.split(' ').length - 1 });
    for (const o of report.orders) {
      expect(o.zipf.exponent).toBeGreaterThan(0);
      expect(o.zipf.r2).toBeGreaterThan(0);
      expect(o.zipf.r2).toBeLessThanOrEqual(1);
    }
  });

  it('reads a local file with --corpus-file, raw by default', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'tiny.txt');
      await writeFile(file, 'abab');
      const run = await seqlm(['corpus', 'stats', '--corpus-file', file, '--json']);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ normalization: 'raw', tokens: 4, vocabSize: 3 });
    });
  });
});

describe('seqlm command line errors (built bin)', () => {
  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['corpus', 'stats', '--corpus', 'timemachine', '--colour'], 'unknown option --colour'],
    [['corpus', 'stats', '--corpus', 'timemachine', '--top', 'x'], '--top must be a positive integer (got "x")'],
    [['corpus', 'stats', '--corpus', 'timemachine', '--top', '-1'], '--top must be a positive integer (got "-1")'],
    [['corpus', 'stats', '--corpus', 'atlantis'], '--corpus must be one of timemachine, tinyshakespeare (got "atlantis")'],
    [['corpus', 'stats', '--corpus-file', 'no/such/file.txt'], '--corpus-file: no such file "no/such/file.txt"'],
  ])('%j exits 2 with one stderr line', async (args, message) => {
    const run = await seqlm(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^seqlm: error: [^\n]+\n$/);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 with one line when the data directory lacks the corpus', async () => {
    await withTempDir(async (dir) => {
      const run = await seqlm(['corpus', 'stats', '--corpus', 'timemachine', '--data-dir', dir]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`seqlm: error: corpus "timemachine" not found: no timemachine.txt in data directory ${dir}\n`);
    });
  });

  it('with --offline and an empty cache, exits 1 without downloading', async () => {
    await withTempDir(async (dir) => {
      const run = await seqlm(['corpus', 'stats', '--corpus', 'tinyshakespeare', '--cache-dir', dir, '--offline'], { SEQLM_DATA_DIR: '' });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `seqlm: error: corpus "tinyshakespeare" is not in the cache ${dir} and downloads are off; without internet, set SEQLM_DATA_DIR (or --data-dir) to a directory holding tinyshakespeare.txt, or train on any text file with --corpus-file\n`,
      );
    });
  });

  it('prints help and version with exit 0', async () => {
    const help = await seqlm(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('corpus stats');
    const commandHelp = await seqlm(['corpus', 'stats', '--help']);
    expect(commandHelp.code).toBe(0);
    for (const flag of ['--corpus <name>', '--corpus-file', '--data-dir', '--tokenizer', '--normalization', '--top', '--plot', '--json', '--help']) {
      expect(commandHelp.stdout).toContain(flag);
    }
    const version = await seqlm(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
