import { describe, expect, it } from 'vitest';
import { SeqlmError } from '@seqlm/core/errors';
import { CORPORA, CORPUS_NAMES, getCorpusEntry, isCorpusName } from './registry.ts';

describe('corpus registry', () => {
  it('lists timemachine and tinyshakespeare, each under its own name with a sha256', () => {
    expect(CORPUS_NAMES).toEqual(['timemachine', 'tinyshakespeare']);
    for (const name of CORPUS_NAMES) {
      const entry = getCorpusEntry(name);
      expect(entry.name).toBe(name);
      expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(entry.url).toMatch(/^https?:\/\//);
    }
    expect(CORPORA.timemachine.defaultNormalization).toBe('d2l');
    expect(CORPORA.tinyshakespeare.defaultNormalization).toBe('raw');
  });

  it('refuses other names, including inherited object keys', () => {
    for (const name of ['shakespeare', 'toString', '__proto__', '']) {
      expect(isCorpusName(name)).toBe(false);
      expect(() => getCorpusEntry(name)).toThrow(SeqlmError);
    }
    const error = (() => {
      try {
        getCorpusEntry('nope');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ code: 'CORPUS_UNKNOWN' });
  });
});
