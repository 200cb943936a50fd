import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../command.ts';
import { main } from '../main.ts';
import { COMMANDS } from './index.ts';
import { withTempDir } from '../../testing.test-util.ts';

async function cli(argv: string[], cwd: string, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    cwd,
    ...(stdin !== undefined ? { stdin: (async function* () { yield new TextEncoder().encode(stdin); })() } : {}),
  };
  const code = await main(argv, io, COMMANDS);
  return { code, stdout, stderr };
}

// Two corpora that differ in style (each line once spells the alphabet, so both vocabularies hold every letter):
// a mixture of models trained on each beats either on text of both.
const ABC = 'abcdefghijklmnopqrstuvwxyz';
const A = [ABC, ...Array.from({ length: 300 }, (_, i) => `the time traveller spoke of the fourth dimension ${i % 5 === 0 ? 'again' : ''}`)].join('\n');
const B = [ABC, ...Array.from({ length: 300 }, (_, i) => `a quiet jazz quartet played by the zoo ${i % 3 === 0 ? 'at dusk' : ''}`)].join('\n');

describe('seqlm score and seqlm mix', () => {
  it('fits a mixture by EM that beats both components on held-out text, and serves it like any model', async () => {
    await withTempDir(async (dir) => {
      writeFileSync(join(dir, 'a.txt'), A);
      writeFileSync(join(dir, 'b.txt'), B);
      // Held-out text mixes both styles line by line.
      const both = Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? A : B).split('\n')[1 + (i % 300)]).join('\n');
      writeFileSync(join(dir, 'both.txt'), both);
      for (const [name, file, order] of [['ng-a', 'a.txt', '3'], ['ng-b', 'b.txt', '2']] as const) {
        const r = await cli(['ngram', 'build', '--corpus-file', file, '--order', order, '--out', name], dir);
        expect(r.code, r.stderr).toBe(0);
      }
      const r = await cli(['mix', '--model', 'ng-a', '--model', 'ng-b', '--corpus-file', 'both.txt', '--out', 'mix'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/EM +0 +held-out perplexity/);
      const ppl = (label: string) => Number(new RegExp(`${label}\\s.*val perplexity ([0-9.]+)`).exec(r.stdout)?.[1]);
      expect(ppl('mixture')).toBeLessThan(ppl('ng-a'));
      expect(ppl('mixture')).toBeLessThan(ppl('ng-b'));
      const manifest = JSON.parse(readFileSync(join(dir, 'mix', 'manifest.json'), 'utf8'));
      expect(manifest.kind).toBe('mixture');
      expect(manifest.mixture.components.map((c: { path: string }) => c.path)).toEqual(['../ng-a', '../ng-b']);

      const scored = await cli(['score', '--model', 'mix', '--text', 'the jazz traveller', '--json'], dir);
      expect(scored.code, scored.stderr).toBe(0);
      const json = JSON.parse(scored.stdout);
      expect(json.tokens).toHaveLength('the jazz traveller'.length);
      expect(json.perplexity).toBeGreaterThan(1);

      const ranked = await cli(['score', '--model', 'mix', '--text-file', '-', '--rank'], dir, 'a tqeiu zjaz rqtueat\na quiet jazz quartet\n');
      expect(ranked.code, ranked.stderr).toBe(0);
      expect(ranked.stdout.split('\n')[1]).toMatch(/^1\t.*a quiet jazz quartet$/);

      const generated = await cli(['generate', '--model', 'mix', '--prefix', 'the ', '--len', '30', '--stop', 'z'], dir);
      expect(generated.code, generated.stderr).toBe(0);
      expect(generated.stdout.slice('the '.length)).not.toContain('z');

      // A component changed after fitting is refused, with one line and exit 1.
      const path = join(dir, 'ng-b', 'manifest.json');
      writeFileSync(path, readFileSync(path, 'utf8').replace('"kind"', ' "kind"'));
      const refused = await cli(['score', '--model', 'mix', '--text', 'the'], dir);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/HASH_MISMATCH|has changed/);
    });
  });

  it('refuses bad usage with exit 2 and one line', async () => {
    await withTempDir(async (dir) => {
      for (const argv of [
        ['mix', '--model', '.', '--out', 'x', '--corpus-file', 'nope.txt'],
        ['score', '--model', '.'],
        ['score', '--model', '.', '--text', 'a', '--text-file', 'b'],
        ['generate', '--model', '.', '--stop', ''],
      ]) {
        const r = await cli(argv, dir);
        expect(r.code, argv.join(' ')).toBe(2);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
      }
    });
  });
});
