// The `seqlm train` command line where a user trips: flag ranges that --help states, an --out that cannot
// be created, and Ctrl-C in the middle of a run.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir, packageRoot, runCli } from '../../lm/lm.test-util.ts';
import { withTempDir } from '../../testing.test-util.ts';
import { formatInterval } from './train.ts';

/** A small corpus file: 20k characters of The Time Machine. */
function smallCorpus(dir: string): string {
  const file = join(dir, 'tm.txt');
  writeFileSync(file, readFileSync(join(dataDir, 'timemachine.txt'), 'utf8').slice(0, 20_000));
  return file;
}

function checkpointEpochs(out: string): number | null {
  try {
    return (JSON.parse(readFileSync(join(out, 'checkpoint', 'checkpoint.json'), 'utf8')) as { epochsDone: number }).epochsDone;
  } catch {
    return null;
  }
}

const TINY = ['--cell', 'rnn', '--hidden', '8', '--batch-size', '8', '--num-steps', '10', '--backend', 'wasm', '--no-export'];

describe('seqlm train --val-fraction', () => {
  it('states the same interval in --help and in the error', async () => {
    const help = await runCli(['train', '--help']);
    // Help wraps its descriptions; read it as one line.
    const stated = /--val-fraction <f> Fraction at the end of the corpus held out for validation, in ([[(][^,]+, [^\])]+[\])])/.exec(help.stdout.replace(/\s+/g, ' '))?.[1];
    expect(stated).toBe('(0, 0.5]');
    for (const bad of ['0.9', '0', '-0.1', 'x']) {
      const r = await runCli(['train', '--corpus', 'timemachine', '--val-fraction', bad, '--out', 'never-created']);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toBe(`seqlm: error: --val-fraction must be a number in ${stated} (got "${bad}")\n`);
    }
  });

  it('formats open and closed ends', () => {
    expect(formatInterval({ min: 0, max: 1, maxOpen: true })).toBe('[0, 1)');
    expect(formatInterval({ min: 0, max: 0.5, minOpen: true })).toBe('(0, 0.5]');
  });
});

describe('seqlm train --out that cannot be created', () => {
  it.runIf(process.platform === 'linux')('fails at once with one line under /proc, which refuses new directories', async () => {
    await withTempDir(async (dir) => {
      const started = performance.now();
      const r = await runCli(['train', '--corpus-file', smallCorpus(dir), ...TINY, '--out', '/proc/seqlm-x/run']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^seqlm: error: cannot create \/proc\/seqlm-x: ENOENT[^\n]*\n$/);
      // Node's recursive mkdir spun here for minutes; one level at a time fails on the first.
      expect(performance.now() - started).toBeLessThan(20_000);
    });
  });

  it('fails with one line when a parent is a file', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'a-file');
      writeFileSync(file, 'x');
      const r = await runCli(['train', '--corpus-file', smallCorpus(dir), ...TINY, '--out', join(file, 'run')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^seqlm: error: cannot create .*a-file\/run: ENOTDIR[^\n]*\n$/);
    });
  });
});

describe('Ctrl-C during seqlm train', () => {
  it('ends the progress with the epoch it stopped in and how to continue, and exits 130', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'run');
      const child = spawn(process.execPath, [join(packageRoot, 'bin', 'seqlm.js'), 'train', '--corpus-file', smallCorpus(dir), ...TINY, '--epochs', '1000', '--out', out], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      const exit = new Promise<number | null>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => resolve(code));
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Interrupt once the first epoch is checkpointed, so the second is the one in progress.
      const timer = setInterval(() => {
        if (checkpointEpochs(out) === 1 && !child.killed) child.kill('SIGINT');
      }, 5);
      exit.finally(() => clearInterval(timer)).catch(() => undefined);
      expect(await exit).toBe(130);
      const lines = stderr.split('\n');
      expect(lines.at(-1)).toBe('');
      expect(lines.at(-2)).toBe(`seqlm: interrupted in epoch 2; continue with --resume (epoch 1 is checkpointed in ${join(out, 'checkpoint')})`);
      expect(checkpointEpochs(out)).toBe(1);
    });
  });
});
