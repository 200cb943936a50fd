import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atMost, choice, exclusive, existingDir, existingFile, outputFile, positiveInt } from './flags.ts';
import { withTempDir } from '../testing.test-util.ts';

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toMatchObject({ code: 'USAGE' });
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('positiveInt', () => {
  it('parses digits and falls back when the flag is absent', () => {
    expect(positiveInt('top', '12')).toBe(12);
    expect(positiveInt('top', undefined, 10)).toBe(10);
    expect(positiveInt('top', undefined)).toBeUndefined();
  });

  it('refuses anything but a positive integer, quoting the value', () => {
    expect(usageMessage(() => positiveInt('top', 'x'))).toBe('--top must be a positive integer (got "x")');
    for (const raw of ['0', '-3', '2.5', '1e3', ' 3', '', '99999999999999999999']) {
      expect(usageMessage(() => positiveInt('top', raw))).toContain(JSON.stringify(raw));
    }
  });
});

describe('atMost', () => {
  it('passes values up to the bound (and an absent flag) through, and refuses larger ones', () => {
    expect(atMost('hidden', 4096, 4096)).toBe(4096);
    expect(atMost('embedding', undefined, 4096)).toBeUndefined();
    expect(usageMessage(() => atMost('hidden', 4097, 4096))).toBe('--hidden must be at most 4096 (got 4097)');
  });
});

describe('choice', () => {
  it('accepts a listed value, falls back when absent, refuses others', () => {
    expect(choice('tokenizer', 'word', ['char', 'word'])).toBe('word');
    expect(choice('tokenizer', undefined, ['char', 'word'], 'char')).toBe('char');
    expect(usageMessage(() => choice('tokenizer', 'bpe', ['char', 'word']))).toBe('--tokenizer must be one of char, word (got "bpe")');
  });
});

describe('paths', () => {
  it('checks files, directories and output locations relative to cwd', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'a.txt'), 'a');
      await mkdir(join(dir, 'sub'));
      expect(existingFile('corpus-file', 'a.txt', dir)).toBe(join(dir, 'a.txt'));
      expect(usageMessage(() => existingFile('corpus-file', 'b.txt', dir))).toBe('--corpus-file: no such file "b.txt"');
      expect(usageMessage(() => existingFile('corpus-file', 'sub', dir))).toContain('not a file');
      expect(existingDir('data-dir', 'sub', dir)).toBe(join(dir, 'sub'));
      expect(usageMessage(() => existingDir('data-dir', 'a.txt', dir))).toContain('no such directory');
      expect(outputFile('plot', 'sub/out.svg', dir)).toBe(join(dir, 'sub', 'out.svg'));
      expect(usageMessage(() => outputFile('plot', 'missing/out.svg', dir))).toContain('does not exist');
      expect(usageMessage(() => outputFile('plot', 'sub', dir))).toContain('is a directory');
    });
  });
});

describe('exclusive', () => {
  it('refuses two exclusive flags given together', () => {
    expect(() => exclusive({ corpus: 'x' }, 'corpus', 'corpus-file')).not.toThrow();
    expect(usageMessage(() => exclusive({ corpus: 'x', 'corpus-file': 'y' }, 'corpus', 'corpus-file'))).toBe(
      '--corpus and --corpus-file cannot be used together',
    );
  });
});
