import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateManifest } from '@seqlm/core/manifest';
import type { NgramLm } from '@seqlm/core/lm';
import { readArpa, trainNgram } from '@seqlm/core/ngram';
import { loadModelDir } from '../runtime/index.ts';
import { sha256, withTempDir } from '../testing.test-util.ts';
import { NGRAM_ARPA_FILE, NGRAM_MODEL_FILE, writeNgramModelDir } from './index.ts';

/** The counting model of an n-gram directory, read back through the runtime (every file verified). */
const readBack = async (dir: string) => ((await loadModelDir(dir, { runtime: 'core' })) as NgramLm).ngram;

const chars = Array.from('the time traveller smiled round at us.\nthen he got up\n'.repeat(8));
const text = { tokenizer: 'char', normalization: 'raw' } as const;

describe('n-gram model directory', () => {
  it('writes a manifest that validates and lists each file with its size and sha256, and reads back the same model', async () => {
    await withTempDir(async (tmp) => {
      const model = trainNgram([chars], { order: 3, estimator: { kind: 'kneser-ney' } });
      const dir = join(tmp, 'm');
      const written = await writeNgramModelDir(dir, model, { text, arpa: true, name: 'tiny', training: { corpus: 'tiny', valFraction: 0.1, finalValPerplexity: 3 } });
      expect((await readdir(dir)).sort()).toEqual(['manifest.json', NGRAM_ARPA_FILE, NGRAM_MODEL_FILE].sort());
      // Nothing else is left in the parent: the temporary directory was renamed into place.
      expect(await readdir(tmp)).toEqual(['m']);

      const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as unknown;
      const validation = validateManifest(manifest);
      expect(validation.ok).toBe(true);
      expect(manifest).toMatchObject({ kind: 'ngram', name: 'tiny', text, training: { corpus: 'tiny', valFraction: 0.1, finalValPerplexity: 3 } });
      const files = (manifest as { files: { role: string; path: string; bytes: number; sha256: string }[] }).files;
      for (const f of files) {
        const bytes = await readFile(join(dir, f.path));
        expect(f.bytes).toBe(bytes.length);
        expect(f.sha256).toBe(sha256(bytes));
      }
      expect(files.map((f) => [f.role, f.path])).toEqual([
        ['ngram', NGRAM_MODEL_FILE],
        ['arpa', NGRAM_ARPA_FILE],
      ]);
      expect(written.bytes[NGRAM_MODEL_FILE]).toBe(files[0]?.bytes);
      expect(written.bytes).not.toHaveProperty('stats.json');

      const loaded = await readBack(dir);
      const fromArpa = readArpa(await readFile(join(dir, NGRAM_ARPA_FILE), 'utf8'), { escape: true });
      const context = Array.from(model.vocab.encode(['t', 'h']));
      expect(loaded.distribution(context)).toEqual(model.distribution(context));
      expect(fromArpa.vocab.tokens).toEqual(model.vocab.tokens);
      const p = fromArpa.distribution(context);
      model.distribution(context).forEach((q, w) => expect(p[w]).toBeCloseTo(q, 12));
    });
  });

  it('ships corpus statistics of the given tokens as stats.json, listed with role stats', async () => {
    await withTempDir(async (tmp) => {
      const dir = join(tmp, 'm');
      const written = await writeNgramModelDir(dir, trainNgram([chars], { order: 2, estimator: { kind: 'kneser-ney' } }), { text, statsTokens: chars });
      expect((await readdir(dir)).sort()).toEqual(['manifest.json', NGRAM_MODEL_FILE, 'stats.json']);
      const stats = await readFile(join(dir, 'stats.json'));
      const entry = written.manifest.files.find((f) => f.role === 'stats');
      expect(entry).toEqual({ role: 'stats', path: 'stats.json', bytes: stats.length, sha256: sha256(stats) });
      expect(written.bytes['stats.json']).toBe(stats.length);
      expect(validateManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))).ok).toBe(true);
      const parsed = JSON.parse(stats.toString('utf8')) as { tokens: number; orders: { order: number; total: number }[] };
      expect(parsed.tokens).toBe(chars.length);
      expect(parsed.orders.map((o) => o.total)).toEqual([chars.length, chars.length - 1, chars.length - 2]);
      expect(await readdir(tmp)).toEqual(['m']);
    });
  });

  it('replaces an existing model directory whole, and refuses a directory that is not one', async () => {
    await withTempDir(async (tmp) => {
      const dir = join(tmp, 'm');
      await writeNgramModelDir(dir, trainNgram([chars], { order: 2, estimator: { kind: 'kneser-ney' } }), { text, arpa: true });
      const addk = trainNgram([chars], { order: 4, estimator: { kind: 'add-k', k: 0.5 } });
      await writeNgramModelDir(dir, addk, { text });
      // The old ARPA file does not survive next to the new model.
      expect((await readdir(dir)).sort()).toEqual(['manifest.json', NGRAM_MODEL_FILE]);
      expect((await readBack(dir)).order).toBe(4);
      expect(await readdir(tmp)).toEqual(['m']);

      const other = join(tmp, 'notes');
      await mkdir(other);
      await writeFile(join(other, 'todo.txt'), 'keep me');
      await expect(writeNgramModelDir(other, addk, { text })).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('refusing to replace') });
      expect(await readFile(join(other, 'todo.txt'), 'utf8')).toBe('keep me');
    });
  });

  it('leaves nothing behind when writing fails (ARPA of an add-k model)', async () => {
    await withTempDir(async (tmp) => {
      const addk = trainNgram([chars], { order: 2, estimator: { kind: 'add-k', k: 1 } });
      await expect(writeNgramModelDir(join(tmp, 'm'), addk, { text, arpa: true })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
      expect(await readdir(tmp)).toEqual([]);
    });
  });
});
