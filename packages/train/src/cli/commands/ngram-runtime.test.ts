// `seqlm ngram eval|sample` read their model through the one runtime (loadModelDir): the numbers agree with
// `seqlm score` (LanguageModel.score), and a directory of another kind is refused with one line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelDir } from '../../runtime/index.ts';
import { repoRoot, sharedDataDir, withTempDir } from '../../testing.test-util.ts';
import type { CliIO } from '../command.ts';
import { main } from '../main.ts';
import { COMMANDS } from './index.ts';

async function seqlm(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {}, cwd };
  const code = await main(argv, io, COMMANDS);
  return { code, stdout, stderr };
}

async function json(argv: string[], cwd: string): Promise<Record<string, any>> {
  const run = await seqlm(argv, cwd);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, any>;
}

/** Two models of The Time Machine's first 60k characters: char 5-gram without boundaries, word 3-gram with `<s> … </s>` per line. */
async function withModels(fn: (dir: string) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const book = readFileSync(join(sharedDataDir, 'timemachine.txt'), 'utf8');
    writeFileSync(join(dir, 'train.txt'), book.slice(0, 60_000));
    // held-out lines, with words the word model has never seen
    writeFileSync(join(dir, 'text.txt'), book.slice(100_000, 103_000));
    for (const [out, flags] of [
      ['char5', ['--order', '5']],
      ['word3', ['--order', '3', '--tokenizer', 'word', '--boundaries', 'lines']],
    ] as const) {
      const build = await seqlm(['ngram', 'build', '--corpus-file', 'train.txt', '--out', out, '--quiet', ...flags], dir);
      expect(build.code, build.stderr).toBe(0);
    }
    await fn(dir);
  });
}

describe('seqlm ngram eval through the runtime', () => {
  it('with --boundaries none gives the perplexity `seqlm score` gives (LanguageModel.score), to 1e-12', async () => {
    await withModels(async (dir) => {
      for (const model of ['char5', 'word3']) {
        const ev = await json(['ngram', 'eval', '--model', model, '--text-file', 'text.txt', '--boundaries', 'none', '--json'], dir);
        const sc = await json(['score', '--model', model, '--text-file', 'text.txt', '--json'], dir);
        // the same tokens, </s> after the whole text included for the model with boundaries
        expect(ev['tokens'], model).toBe(sc['scored']);
        expect(ev['oov'], model).toBe(sc['oov']);
        expect(Math.abs(ev['perplexity'] - sc['perplexity']), model).toBeLessThanOrEqual(1e-12);
        // scoreIds takes the OOV tokens' sum away from the total, textScore adds up the others: the last bits may differ
        expect(Math.abs(ev['perplexityExcludingOov'] / sc['excludingOov'].perplexity - 1), model).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(ev['crossEntropyNats'] - sc['crossEntropy'].nats), model).toBeLessThanOrEqual(1e-12);
      }
      expect((await json(['ngram', 'eval', '--model', 'word3', '--text-file', 'text.txt', '--json'], dir))['oov']).toBeGreaterThan(0);
    });
  });

  it("with --boundaries lines scores each non-empty line as LanguageModel.score scores it alone (KenLM's per-line <s> … </s>)", async () => {
    await withModels(async (dir) => {
      const lines = readFileSync(join(dir, 'text.txt'), 'utf8').split('\n');
      for (const model of ['char5', 'word3']) {
        const ev = await json(['ngram', 'eval', '--model', model, '--text-file', 'text.txt', '--boundaries', 'lines', '--json'], dir);
        const lm = await loadModelDir(join(dir, model), { runtime: 'core' });
        let logProb = 0;
        let scored = 0;
        for (const line of lines) {
          const s = await lm.score(line);
          logProb += s.logProb;
          scored += s.scored;
        }
        expect(ev['tokens'], model).toBe(scored);
        expect(Math.abs(ev['crossEntropyNats'] + logProb / scored), model).toBeLessThan(1e-12);
      }
    });
  });
});

describe('seqlm ngram eval|sample on a model directory of another kind', () => {
  it.each([
    ['gru-tiny', 'gru', 'use "seqlm score" or "seqlm generate" for it'],
    ['mix-tiny', 'mixture', 'use "seqlm score" or "seqlm generate" for it'],
    ['ts-mlp-tiny', 'ts-mlp', 'it is a time-series model'],
  ])('%s: exit 1 with one line saying what serves it', async (name, kind, hint) => {
    const model = join(repoRoot, 'fixtures', 'models', name);
    for (const argv of [
      ['ngram', 'eval', '--model', model, '--text-file', join(repoRoot, 'package.json')],
      ['ngram', 'sample', '--model', model, '--seed', '1'],
    ]) {
      const run = await seqlm(argv, repoRoot);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`seqlm: error: ${model} holds a ${kind} model, and "seqlm ${argv[0]} ${argv[1]}" reads n-gram models only: ${hint}\n`);
    }
  });
});
