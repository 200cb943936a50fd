import { describe, expect, it } from 'vitest';
import { SeqlmError } from '@seqlm/core/errors';
import { catalogEntry, isNeuralKind, parseCatalog } from './catalog.ts';

function errorOf(fn: () => unknown): SeqlmError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SeqlmError) return error;
    throw error;
  }
  throw new Error('expected a SeqlmError');
}

describe('parseCatalog', () => {
  it('accepts a list of entries and keeps their fields', () => {
    const catalog = parseCatalog({ models: [{ id: 'gru-tiny', kind: 'gru', bytes: 10, name: 'GRU' }, { id: 'broken', kind: null, bytes: 0 }] });
    expect(catalog.models).toEqual([
      { id: 'gru-tiny', kind: 'gru', bytes: 10, name: 'GRU' },
      { id: 'broken', kind: null, bytes: 0 },
    ]);
  });

  it.each([
    [null, '$ must be an object'],
    [{ models: {} }, '$ must be an object'],
    [{ models: [1] }, '$.models[0] must be an object'],
    [{ models: [{ id: '../etc', kind: 'gru', bytes: 1 }] }, '$.models[0].id must be a directory name'],
    [{ models: [{ id: 'a', kind: 'gru', bytes: 1 }, { id: 'a', kind: 'gru', bytes: 1 }] }, '$.models[1].id repeats "a"'],
    [{ models: [{ id: 'a', kind: 'transformer', bytes: 1 }] }, '$.models[0].kind must be null or one of'],
    [{ models: [{ id: 'a', kind: 'gru', bytes: -1 }] }, '$.models[0].bytes must be an integer >= 0'],
    [{ models: [{ id: 'a', kind: 'gru', bytes: 1, name: 3 }] }, '$.models[0].name must be a string'],
  ])('rejects %j with MANIFEST_INVALID naming the field', (value, message) => {
    const error = errorOf(() => parseCatalog(value));
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message).toContain(message);
  });
});

describe('catalogEntry', () => {
  it('reads kind, name and the total size of the listed files', () => {
    const entry = catalogEntry('m', { kind: 'ngram', name: 'N', files: [{ bytes: 100 }, { bytes: 23 }] });
    expect(entry).toEqual({ id: 'm', kind: 'ngram', name: 'N', bytes: 123 });
  });

  it('lists an unreadable manifest with kind null rather than dropping it', () => {
    expect(catalogEntry('x', null)).toEqual({ id: 'x', kind: null, bytes: 0 });
    expect(catalogEntry('y', { kind: 'nope', files: 'no' })).toEqual({ id: 'y', kind: null, bytes: 0 });
  });
});

describe('isNeuralKind', () => {
  it('is true for the recurrent kinds only', () => {
    expect(['rnn', 'gru', 'lstm', 'ngram', 'ts-mlp', null].map((k) => isNeuralKind(k as never))).toEqual([true, true, true, false, false, false]);
  });
});
