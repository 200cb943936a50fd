// `seqlm ngram build|eval|sample` through the built bin (bin/seqlm.js -> dist/, built by the vitest globalSetup) in a child process.
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNgram, scoreTokens } from '@seqlm/core/ngram';
import { validateManifest } from '@seqlm/core/manifest';
import { Rng } from '@seqlm/core/random';
import { generatedText, packageRoot, sharedDataDir, withTempDir } from '../../testing.test-util.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function seqlm(args: string[], cwd = packageRoot, input?: string | Uint8Array): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(packageRoot, 'bin', 'seqlm.js'), ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', SEQLM_DATA_DIR: sharedDataDir, SEQLM_CACHE_DIR: '/nonexistent/seqlm-cache' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** The characters of `text` in a seeded random order: same unigram counts, no n-gram structure. */
function shuffled(text: string, seed: number): string {
  const a = Array.from(text);
  const rng = new Rng(seed);
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j] as string, a[i] as string];
  }
  return a.join('');
}

interface EvalJSON {
  tokens: number;
  oov: number;
  perplexity: number | null;
  perplexityUndefined: string | null;
  perplexityExcludingOov: number | null;
  crossEntropyBits: number | null;
  crossEntropyNats: number | null;
}

/** A corpus file, a model built from it with the CLI, and the directory they live in. */
async function withBuiltModel(extra: string[], fn: (paths: { dir: string; corpus: string; model: string; build: Run }) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const corpus = join(dir, 'corpus.txt');
    await writeFile(corpus, generatedText(600));
    const model = join(dir, 'model');
    const build = await seqlm(['ngram', 'build', '--corpus-file', corpus, '--order', '4', '--out', model, ...extra]);
    await fn({ dir, corpus, model, build });
  });
}

describe('seqlm ngram build (built bin)', () => {
  it('writes a model directory that validates, with training metadata, and reports progress on stderr', async () => {
    await withBuiltModel(['--arpa', '--json'], async ({ dir, model, build }) => {
      expect(build.code).toBe(0);
      for (const phase of ['tokenizing', 'counting', 'estimating', 'validating', 'writing']) expect(build.stderr).toMatch(new RegExp(`^seqlm: ${phase} +\\d+\\.\\d\\d s `, 'm'));
      expect((await readdir(model)).sort()).toEqual(['manifest.json', 'model.arpa', 'model.ngram', 'stats.json']);
      expect(await readdir(dir)).toEqual(['corpus.txt', 'model']);

      const manifest = JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8')) as Record<string, any>;
      expect(validateManifest(manifest).ok).toBe(true);
      const loaded = loadNgram(manifest, await readFile(join(model, 'model.ngram')));
      expect(loaded.order).toBe(4);
      expect(manifest.text).toEqual({ tokenizer: 'char', normalization: 'raw' });
      expect(manifest.files.map((f: { role: string }) => f.role)).toEqual(['ngram', 'arpa', 'stats']);
      const text = generatedText(600);
      const trainChars = Math.floor(text.length * 0.9);
      // The statistics describe the training part: every character of it is a unigram position.
      const stats = JSON.parse(await readFile(join(model, 'stats.json'), 'utf8')) as { tokens: number; orders: { order: number; total: number }[] };
      expect(stats.tokens).toBe(trainChars);
      expect(stats.orders.map((o) => [o.order, o.total])).toEqual([[1, trainChars], [2, trainChars - 1], [3, trainChars - 2]]);
      expect(manifest.training).toMatchObject({
        corpus: 'corpus.txt',
        valFraction: 0.1,
        hyperparameters: { order: 4, tokenizer: 'char', normalization: 'raw', smoothing: 'kn', trainFraction: 0.9, trainingTokens: trainChars, valTokens: text.length - trainChars },
      });
      expect(manifest.training.wallTimeSeconds).toBeGreaterThan(0);

      // The reported validation perplexity is the model's on the last 10% of the file.
      const report = JSON.parse(build.stdout) as { validation: { perplexity: number; tokens: number } };
      const expected = scoreTokens(loaded, Array.from(text.slice(trainChars))).perplexity;
      expect(report.validation.perplexity).toBeCloseTo(expected as number, 10);
      expect(manifest.training.finalValPerplexity).toBeCloseTo(expected as number, 10);
      expect(report.validation.tokens).toBe(text.length - trainChars);
    });
  });

  it('uses the corpus default normalisation (d2l for The Time Machine) and reports MLE as ∞ with the reason', async () => {
    await withTempDir(async (dir) => {
      const run = await seqlm(['ngram', 'build', '--corpus', 'timemachine', '--order', '6', '--smoothing', 'mle', '--out', join(dir, 'tm'), '--quiet']);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/vocabulary 28 /);
      expect(run.stdout).toMatch(/val perplexity ∞ \(\d+ validation token\(s\) have probability 0 under mle\)/);
      const manifest = JSON.parse(await readFile(join(dir, 'tm', 'manifest.json'), 'utf8')) as Record<string, any>;
      expect(manifest.text.normalization).toBe('d2l');
      expect(manifest.training.finalValPerplexity).toBeUndefined();
      expect(manifest.training.hyperparameters.valZeroProbabilityTokens).toBeGreaterThan(0);
    });
  });
});

describe('seqlm ngram build --smoothing addk (built bin)', () => {
  it('with a huge k predicts the uniform 1/V, so the validation perplexity is V instead of ∞', async () => {
    await withTempDir(async (dir) => {
      // k·V = 28e308 overflows a double; (n + k) / (n(h) + kV) → 1/V as k grows. Char tokens have no <s>, so V' = V.
      const run = await seqlm(['ngram', 'build', '--corpus', 'timemachine', '--order', '3', '--smoothing', 'addk', '--k', '1e308', '--out', join(dir, 'm'), '--quiet', '--json']);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as { vocabSize: number; validation: { perplexity: number | null; perplexityInfinite: boolean }; warnings: string[] };
      expect(report.validation.perplexityInfinite).toBe(false);
      expect(report.validation.perplexity).toBeCloseTo(report.vocabSize, 6);
      // a uniform model is what was asked for, but rarely what was meant: said on stderr even with --quiet
      expect(run.stderr).toMatch(/^seqlm: warning: k = 1e\+308 outweighs all \d+ training tokens/m);
      expect(report.warnings).toHaveLength(1);
    });
  });

  it('with a subnormal k still gives every token a probability above 0 (a finite perplexity)', async () => {
    await withTempDir(async (dir) => {
      const run = await seqlm(['ngram', 'build', '--corpus', 'timemachine', '--order', '3', '--smoothing', 'addk', '--k', '1e-320', '--out', join(dir, 'm'), '--quiet', '--json']);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as { validation: { perplexity: number | null; perplexityInfinite: boolean } };
      expect(report.validation.perplexityInfinite).toBe(false);
      expect(report.validation.perplexity).toBeGreaterThan(1);
    });
  });

  it('warns when a one-line corpus leaves a handful of validation tokens', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'one.txt'), 'to be or not to be\n');
      const run = await seqlm(['ngram', 'build', '--corpus-file', join(dir, 'one.txt'), '--order', '2', '--out', join(dir, 'm'), '--quiet']);
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/^seqlm: warning: validation holds only 2 char token\(s\)/m);
    });
  });
});

describe('sentence boundaries, standard input and per-token scores (built bin)', () => {
  const lines = ['the time traveller smiled', 'the time machine', '', 'it was the time of the traveller'];
  const corpus = Array.from({ length: 60 }, (_, i) => `${lines[i % lines.length]}${i % 7 === 0 ? ' again' : ''}`).join('\n');

  it('builds from stdin with <s> … </s> per line and scores each line as KenLM does, token by token', async () => {
    await withTempDir(async (dir) => {
      const model = join(dir, 'm');
      const build = await seqlm(['ngram', 'build', '--corpus-file', '-', '--tokenizer', 'word', '--boundaries', 'lines', '--order', '3', '--out', model, '--quiet', '--json'], packageRoot, corpus);
      expect(build.code).toBe(0);
      const report = JSON.parse(build.stdout) as { boundaries: string; trainTokens: number; validation: { tokens: number } };
      expect(report.boundaries).toBe('lines');
      const manifest = JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8')) as Record<string, any>;
      expect(manifest.ngram.sentenceBoundaries).toBe(true);
      expect(manifest.vocab.reserved).toEqual(['<s>', '</s>']);

      const text = 'the time machine\n\nthe zebra smiled\n';
      const run = await seqlm(['ngram', 'eval', '--model', model, '--text-file', '-', '--per-token', '--json'], packageRoot, text);
      expect(run.code).toBe(0);
      const out = JSON.parse(run.stdout) as EvalJSON & { boundaries: string; perToken: { token: string; log10Prob: number; order: number; oov: boolean }[] };
      expect(out.boundaries).toBe('lines');
      // two non-empty lines of 3 words, each closed by </s>
      expect(out.tokens).toBe(8);
      expect(out.perToken.map((t) => t.token)).toEqual(['the', 'time', 'machine', '</s>', 'the', 'zebra', 'smiled', '</s>']);
      expect(out.perToken.map((t) => t.oov)).toEqual([false, false, false, false, false, true, false, false]);
      // "<s> the time" and "the time machine" were seen: full trigrams match
      expect(out.perToken.slice(0, 3).map((t) => t.order)).toEqual([2, 3, 3]);
      const nats = -out.perToken.reduce((a, t) => a + t.log10Prob, 0) * Math.LN10;
      expect(out.crossEntropyNats).toBeCloseTo(nats / 8, 10);

      // the same through the library: each line wrapped, </s> scored
      const loaded = loadNgram(manifest, await readFile(join(model, 'model.ngram')));
      const expected = scoreTokens(loaded, [['the', 'time', 'machine'], ['the', 'zebra', 'smiled']]);
      expect(out.perplexity).toBeCloseTo(expected.perplexity as number, 10);

      // text mode: one row per token, then the summary; --boundaries none scores one sequence instead
      const rows = await seqlm(['ngram', 'eval', '--model', model, '--text-file', '-', '--per-token'], packageRoot, text);
      expect(rows.stdout.split('\n').filter((l) => /\t-?\d/.test(l))).toHaveLength(8);
      expect(rows.stdout).toMatch(/^zebra\t-\d+\.\d{6}\t1\tOOV$/m);
      const whole = await seqlm(['ngram', 'eval', '--model', model, '--text-file', '-', '--boundaries', 'none', '--json'], packageRoot, text);
      expect((JSON.parse(whole.stdout) as EvalJSON).tokens).toBe(7);
    });
  });

  it('refuses a bad --boundaries and text on stdin that is not UTF-8, with one line each', async () => {
    await withBuiltModel(['--quiet'], async ({ model }) => {
      const bad = await seqlm(['ngram', 'eval', '--model', model, '--text-file', '-', '--boundaries', 'sentences'], packageRoot, 'abc');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--boundaries must be one of none, lines/);
      const latin1 = await seqlm(['ngram', 'eval', '--model', model, '--text-file', '-'], packageRoot, Uint8Array.from([0x61, 0xe9, 0x62]));
      expect(latin1.code).toBe(1);
      expect(latin1.stderr.trim().split('\n')).toHaveLength(1);
      expect(latin1.stderr).toMatch(/<stdin>: not valid UTF-8/);
    });
  });
});

describe('seqlm ngram build --prune / --limit-vocab (built bin)', () => {
  it('prunes trigrams seen once as lmplz does, reports the counts before and after, and the smaller model still serves', async () => {
    await withTempDir(async (dir) => {
      const args = ['ngram', 'build', '--corpus', 'timemachine', '--tokenizer', 'word', '--boundaries', 'lines', '--order', '3', '--quiet', '--json'];
      const full = await seqlm([...args, '--out', join(dir, 'full')]);
      const pruned = await seqlm([...args, '--prune', '0', '0', '1', '--out', join(dir, 'pruned')]);
      expect(pruned.code).toBe(0);
      const a = JSON.parse(full.stdout) as { ngramCounts: number[]; validation: { perplexity: number } };
      const b = JSON.parse(pruned.stdout) as { ngramCounts: number[]; ngramCountsBeforePruning: number[]; validation: { perplexity: number }; files: { path: string; bytes: number }[] };
      expect(b.ngramCountsBeforePruning).toEqual(a.ngramCounts);
      expect(b.ngramCounts.slice(0, 2)).toEqual(a.ngramCounts.slice(0, 2));
      expect(b.ngramCounts[2]).toBeLessThan((a.ngramCounts[2] as number) / 2);
      expect(Math.abs(b.validation.perplexity / a.validation.perplexity - 1)).toBeLessThan(0.1);
      const size = async (m: string): Promise<number> => (await readFile(join(dir, m, 'model.ngram'))).length;
      expect(await size('pruned')).toBeLessThan((await size('full')) * 0.7);
      const manifest = JSON.parse(await readFile(join(dir, 'pruned', 'manifest.json'), 'utf8')) as Record<string, any>;
      expect(manifest.training.hyperparameters.prune).toBe('0 0 1');
      const text = await seqlm(['ngram', 'build', '--corpus', 'timemachine', '--tokenizer', 'word', '--order', '3', '--prune', '0', '1', '--out', join(dir, 'p2'), '--quiet']);
      expect(text.stdout).toMatch(/^ {2}unpruned {5}1: \d+, 2: \d+, 3: \d+ \(\d+\.\d% of the n-grams kept\)$/m);
      const ev = await seqlm(['ngram', 'eval', '-m', join(dir, 'pruned'), '--text-file', '-', '--json'], packageRoot, 'the time traveller\n');
      expect(ev.code).toBe(0);
    });
  });

  it('limits the vocabulary to a word list, reading other words as <unk>', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'vocab.txt'), 'the time\ntraveller machine nonexistentword\n');
      const run = await seqlm(['ngram', 'build', '--corpus', 'timemachine', '--tokenizer', 'word', '--order', '2', '--limit-vocab', join(dir, 'vocab.txt'), '--out', join(dir, 'm'), '--quiet', '--json']);
      expect(run.code).toBe(0);
      const manifest = JSON.parse(await readFile(join(dir, 'm', 'manifest.json'), 'utf8')) as Record<string, any>;
      expect([...manifest.vocab.tokens].sort()).toEqual(['<unk>', 'machine', 'the', 'time', 'traveller']);
      const report = JSON.parse(run.stdout) as { validation: { oov: number; tokens: number } };
      expect(report.validation.oov).toBeGreaterThan(report.validation.tokens / 2);
    });
  });

  it('refuses bad cutoffs: a usage error (exit 2) for the flag, a coded one (exit 1) for lmplz\'s rules', async () => {
    await withTempDir(async (dir) => {
      const base = ['ngram', 'build', '--corpus', 'timemachine', '--order', '3', '--out', join(dir, 'm'), '--quiet'];
      const word = await seqlm([...base, '--prune', '0', 'x']);
      expect(word.code).toBe(2);
      expect(word.stderr).toMatch(/--prune takes one count cutoff/);
      const mle = await seqlm([...base, '--prune', '0', '1', '--smoothing', 'mle']);
      expect(mle.code).toBe(2);
      expect(mle.stderr).toMatch(/--prune keeps Kneser-Ney statistics consistent and needs --smoothing kn/);
      const unigrams = await seqlm([...base, '--prune', '1']);
      expect(unigrams.code).toBe(1);
      expect(unigrams.stderr).toMatch(/unigrams cannot be pruned/);
    });
  });
});

describe('seqlm ngram import (built bin)', () => {
  // SRILM/KenLM conventions (spaces and tabs, omitted backoffs, -99 for <s>); probabilities chosen by hand
  const arpa = ['\\data\\', 'ngram 1=5', 'ngram 2=3', '', '\\1-grams:', '-1.0\t<unk>', '-99\t<s>\t-0.5', '-0.5 </s>', '-0.301  a  -0.2', '-0.6\tb', '', '\\2-grams:', '-0.1\t<s> a', '-0.2\ta\tb', '-0.3 a </s>', '', '\\end\\', ''].join('\n');

  it('turns a KenLM-style ARPA file into a model directory that eval scores by backoff, as query would', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'lm.arpa'), arpa);
      const run = await seqlm(['ngram', 'import', join(dir, 'lm.arpa'), '--out', join(dir, 'lm'), '--json']);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as { tokenizer: string; sentenceBoundaries: boolean; ngramCounts: number[] };
      expect(report).toMatchObject({ tokenizer: 'char', sentenceBoundaries: true, ngramCounts: [5, 3] });
      const manifest = JSON.parse(await readFile(join(dir, 'lm', 'manifest.json'), 'utf8')) as Record<string, any>;
      expect(validateManifest(manifest).ok).toBe(true);
      expect(manifest.ngram.estimator).toBe('backoff');
      // "ab": <s> a = -0.1 (listed), a b = -0.2 (listed), b </s> = bow(b) 0 + p(</s>) -0.5
      const ev = await seqlm(['ngram', 'eval', '--model', join(dir, 'lm'), '--text-file', '-', '--per-token', '--json'], packageRoot, 'ab\n');
      expect(ev.code).toBe(0);
      const out = JSON.parse(ev.stdout) as EvalJSON & { perToken: { log10Prob: number; order: number }[] };
      expect(out.perToken.map((t) => t.log10Prob)).toEqual([-0.1, -0.2, -0.5].map((x) => expect.closeTo(x, 12)));
      expect(out.perToken.map((t) => t.order)).toEqual([2, 2, 1]);
      expect(out.perplexity).toBeCloseTo(10 ** (0.8 / 3), 10);
    });
  });

  it('round-trips what build --arpa wrote: the imported model scores a text exactly as the built one', async () => {
    await withBuiltModel(['--arpa', '--quiet'], async ({ dir, corpus, model }) => {
      const copy = join(dir, 'copy');
      const run = await seqlm(['ngram', 'import', join(model, 'model.arpa'), '--escape', '--out', copy]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^text +char tokens, raw normalisation/m);
      const a = JSON.parse((await seqlm(['ngram', 'eval', '-m', model, '--text-file', corpus, '--json'])).stdout) as EvalJSON;
      const b = JSON.parse((await seqlm(['ngram', 'eval', '-m', copy, '--text-file', corpus, '--json'])).stdout) as EvalJSON;
      expect(b.tokens).toBe(a.tokens);
      expect(b.perplexity).toBeCloseTo(a.perplexity as number, 10);
      const sample = await seqlm(['ngram', 'sample', '-m', copy, '--len', '20', '--seed', '3']);
      expect(sample.code).toBe(0);
      expect(sample.stdout.length).toBeGreaterThan(0);
    });
  });

  it('refuses hostile files with exit 1 and one line naming the file and line, before allocating', async () => {
    await withTempDir(async (dir) => {
      // 167 bytes that once made the reader allocate 16.8 GB
      const bomb = `\\data\\\nngram 1=3\nngram 2=400000000\n\n\\1-grams:\n-99 <s>\n-1 </s>\n-1 a\n\n\\2-grams:\n-1 <s> a\n\n\\end\\\n${' '.repeat(50)}`;
      const cases: [string, string | Uint8Array, RegExp][] = [
        ['bomb.arpa', bomb, /bomb\.arpa: ARPA line 3: the header declares 400000000 2-grams, more than the \d+ lines left/],
        ['no-bos.arpa', arpa.replace('ngram 1=5', 'ngram 1=4').replace('-99\t<s>\t-0.5\n', '').replace('-0.1\t<s> a\n', '').replace('ngram 2=3', 'ngram 2=2'), /ARPA line 5: the unigrams do not list <s>/],
        ['latin1.arpa', Uint8Array.from(arpa.replace('-0.6\tb', '-0.6\tb\u00e9'), (c) => c.charCodeAt(0)), /ARPA line 10: the line is not valid UTF-8/],
      ];
      for (const [name, data, message] of cases) {
        await writeFile(join(dir, name), data);
        const run = await seqlm(['ngram', 'import', join(dir, name), '--out', join(dir, 'out')]);
        expect(run.code, name).toBe(1);
        expect(run.stderr.trim().split('\n'), name).toHaveLength(1);
        expect(run.stderr, name).toMatch(message);
      }
      expect(await readdir(dir)).not.toContain('out');
      const word = await seqlm(['ngram', 'import', '-', '--tokenizer', 'char', '--out', join(dir, 'w')], packageRoot, arpa.replace(/\bb\b/g, 'bee'));
      expect(word.code).toBe(2);
      expect(word.stderr).toMatch(/--tokenizer char: 1 of the model's tokens are not single characters \(e\.g\. "bee"\)/);
    });
  });
});

describe('seqlm ngram eval (built bin)', () => {
  it('gives the training text a lower perplexity than the same characters shuffled', async () => {
    await withBuiltModel(['--quiet'], async ({ dir, corpus, model }) => {
      const mixed = join(dir, 'shuffled.txt');
      await writeFile(mixed, shuffled(await readFile(corpus, 'utf8'), 7));
      const own = await seqlm(['ngram', 'eval', '--model', model, '--text-file', corpus, '--json']);
      const other = await seqlm(['ngram', 'eval', '--model', model, '--text-file', mixed, '--json']);
      expect(own.code).toBe(0);
      expect(other.code).toBe(0);
      const a = JSON.parse(own.stdout) as EvalJSON;
      const b = JSON.parse(other.stdout) as EvalJSON;
      expect(a.tokens).toBe(generatedText(600).length);
      expect(b.tokens).toBe(a.tokens);
      expect(a.perplexity as number).toBeLessThan(b.perplexity as number);
      // Perplexity is 2 to the cross-entropy in bits and e to it in nats.
      expect(Math.log2(a.perplexity as number)).toBeCloseTo(a.crossEntropyBits as number, 10);
      expect(Math.log(b.perplexity as number)).toBeCloseTo(b.crossEntropyNats as number, 10);
    });
  });

  it('counts OOV tokens, and gives an MLE model ∞ (null in JSON) with the reason', async () => {
    await withBuiltModel(['--quiet', '--smoothing', 'mle'], async ({ dir, model }) => {
      const file = join(dir, 'oov.txt');
      // "Z" and "#" never occur in the generated corpus; "line" does.
      await writeFile(file, 'line Z#');
      const json = await seqlm(['ngram', 'eval', '--model', model, '--text-file', file, '--json']);
      expect(json.code).toBe(0);
      const r = JSON.parse(json.stdout) as EvalJSON;
      expect(r).toMatchObject({ tokens: 7, oov: 2, perplexity: null, perplexityUndefined: 'zero-probability', crossEntropyBits: null });
      const text = await seqlm(['ngram', 'eval', '--model', model, '--text-file', file]);
      expect(text.stdout).toMatch(/^oov +2$/m);
      expect(text.stdout).toMatch(/^perplexity +∞ \(including OOV\)/m);
    });
  });
});

describe('seqlm ngram eval on an empty text (built bin)', () => {
  it('exits 1 with one line instead of an "n/a" perplexity', async () => {
    await withBuiltModel(['--quiet'], async ({ dir, model }) => {
      const file = join(dir, 'empty.txt');
      await writeFile(file, '');
      for (const format of [[], ['--json']]) {
        const run = await seqlm(['ngram', 'eval', '--model', model, '--text-file', file, ...format]);
        expect(run.code).toBe(1);
        expect(run.stdout).toBe('');
        expect(run.stderr).toBe(`seqlm: error: the text has no tokens to score: ${file} is empty after raw normalisation\n`);
      }
    });
  });
});

describe('seqlm ngram sample (built bin)', () => {
  it('is deterministic for a seed, continues the prefix and generates --len tokens', async () => {
    await withBuiltModel(['--quiet'], async ({ model }) => {
      const args = ['ngram', 'sample', '--model', model, '--prefix', 'line 1', '--len', '60', '--seed', '3', '--json'];
      const [first, second] = await Promise.all([seqlm(args), seqlm(args)]);
      expect(first.code).toBe(0);
      expect(first.stdout).toBe(second.stdout);
      const r = JSON.parse(first.stdout) as { text: string; continuation: string; tokens: number; seed: number };
      expect(r.text).toBe(`line 1${r.continuation}`);
      expect(Array.from(r.continuation)).toHaveLength(60);
      expect(r.tokens).toBe(60);
      expect(r.seed).toBe(3);
      // Greedy decoding (T = 0) does not depend on the seed.
      const greedy = await Promise.all([1, 2].map((s) => seqlm(['ngram', 'sample', '-m', model, '-p', 'the time', '-n', '30', '-t', '0', '-s', String(s)])));
      expect(greedy[0]?.stdout).toBe(greedy[1]?.stdout);
      expect(greedy[0]?.stdout.startsWith('the time')).toBe(true);
    });
  });
});

describe('seqlm ngram errors (built bin)', () => {
  it.each([
    [['ngram', 'build', '--corpus', 'timemachine', '--order', '0', '--out', 'x'], '--order must be a positive integer (got "0")'],
    [['ngram', 'build', '--corpus', 'timemachine', '--order', '2.5', '--out', 'x'], '--order must be a positive integer (got "2.5")'],
    [['ngram', 'build', '--corpus', 'timemachine', '--out', 'x'], 'give --order <N>'],
    [['ngram', 'build', '--corpus', 'timemachine', '--order', '3', '--smoothing', 'addk', '--k', '0', '--out', 'x'], '--k must be a number > 0 (got "0")'],
    [['ngram', 'build', '--corpus', 'timemachine', '--order', '3', '--smoothing', 'addk', '--k=-1', '--out', 'x'], '--k must be a number > 0 (got "-1")'],
    [['ngram', 'build', '--corpus', 'timemachine', '--order', '3', '--k', '1', '--out', 'x'], '--k is the pseudo-count of --smoothing addk and does not apply to kn'],
    [['ngram', 'build', '--corpus', 'timemachine', '--order', '3', '--smoothing', 'wb', '--out', 'x'], '--smoothing must be one of mle, addk, kn (got "wb")'],
    [['ngram', 'build', '--corpus', 'timemachine', '--order', '3', '--smoothing', 'addk', '--arpa', '--out', 'x'], '--arpa needs --smoothing mle or kn'],
    [['ngram', 'build', '--corpus', 'timemachine', '--order', '3', '--out', 'no/such/parent/x'], '--out: directory of "no/such/parent/x" does not exist'],
    [['ngram', 'eval', '--model', 'no/such/model', '--text-file', 'package.json'], '--model: no such directory "no/such/model"'],
    [['ngram', 'sample', '--model', 'no/such/model'], '--model: no such directory "no/such/model"'],
    [['ngram', 'sample', '--model', 'src', '--temperature=-1'], '--temperature must be a number ≥ 0 (got "-1")'],
    [['ngram', 'sample', '--model', 'src', '--seed', 'x'], '--seed must be an integer in 0..4294967295 (got "x")'],
    [['ngram', 'sample', '--model', 'src', '-n', '100000000'], '--len must be at most 100000 (got 100000000)'],
    [['ngram', 'sample', '--model', 'src', '-n', '-5'], '--len must be a positive integer (got "-5")'],
    [['ngram', 'sample', '--model', 'src', '--seed', '-1'], '--seed must be an integer in 0..4294967295 (got "-1")'],
    [['ngram', 'sample', '--model', 'src', '-p', '-hello'], '-p needs a value (got the option-like "-hello"; to pass it as the value write --prefix=-hello)'],
  ])('%j exits 2 with one stderr line', async (args, message) => {
    const run = await seqlm(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^seqlm: error: [^\n]+\n$/);
    expect(run.stderr).toContain(message);
  });

  it('refuses to replace a directory that is not a model directory, before building', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'notes.txt'), 'keep me');
      const run = await seqlm(['ngram', 'build', '--corpus', 'timemachine', '--order', '3', '--out', dir]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`seqlm: error: --out: ${dir} is a non-empty directory without a manifest.json; refusing to replace it\n`);
      expect(await readdir(dir)).toEqual(['notes.txt']);
    });
  });

  it('refuses a changed model file or a corrupted manifest with exit 1 and one line naming the file', async () => {
    await withBuiltModel(['--quiet'], async ({ corpus, model }) => {
      const modelFile = join(model, 'model.ngram');
      const bytes = await readFile(modelFile);
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
      await writeFile(modelFile, bytes);
      const tampered = await seqlm(['ngram', 'eval', '--model', model, '--text-file', corpus]);
      expect(tampered.code).toBe(1);
      expect(tampered.stdout).toBe('');
      expect(tampered.stderr).toMatch(/^seqlm: error: [^\n]+\n$/);
      expect(tampered.stderr).toContain(`${modelFile} does not match`);

      const manifestFile = join(model, 'manifest.json');
      await writeFile(manifestFile, '{"format": "seqlm-manifest",');
      const corrupted = await seqlm(['ngram', 'sample', '--model', model, '--seed', '1']);
      expect(corrupted.code).toBe(1);
      expect(corrupted.stderr).toMatch(/^seqlm: error: [^\n]+\n$/);
      expect(corrupted.stderr).toContain(`${manifestFile}: manifest is not valid JSON`);

      const empty = join(model, '..', 'empty');
      await mkdir(empty);
      const missing = await seqlm(['ngram', 'eval', '--model', empty, '--text-file', corpus]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(`${join(empty, 'manifest.json')}: no such file`);
    });
  });

  it('lists the ngram commands in help', async () => {
    const help = await seqlm(['ngram', '--help']);
    expect(help.code).toBe(0);
    for (const name of ['ngram build', 'ngram eval', 'ngram sample']) expect(help.stdout).toContain(name);
    const sample = await seqlm(['ngram', 'sample', '--help']);
    expect(sample.stdout.replace(/\s+/g, ' ')).toContain('How many tokens to generate, at most 100000');
    const build = await seqlm(['ngram', 'build', '--help']);
    for (const flag of ['--corpus <name>', '--corpus-file', '--order <N>', '--tokenizer', '--smoothing', '--k <k>', '--out <dir>', '--arpa', '--normalization', '--json']) {
      expect(build.stdout).toContain(flag);
    }
  });
});
