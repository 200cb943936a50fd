import { describe, expect, it } from 'vitest';
import { SeqlmError } from '@seqlm/core/errors';
import { readSettings } from './generate.ts';

const form = { prompt: 'the time', temperature: '0.8', topK: '', topP: '0.9', seed: '7', length: '50' };

function messageOf(values: typeof form): string {
  try {
    readSettings(values);
  } catch (error) {
    expect(error).toBeInstanceOf(SeqlmError);
    expect((error as SeqlmError).code).toBe('INVALID_ARGUMENT');
    return (error as SeqlmError).message;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('readSettings', () => {
  it('reads numbers and leaves top-k out when blank (all tokens)', () => {
    expect(readSettings(form)).toEqual({ prompt: 'the time', temperature: 0.8, topP: 0.9, seed: 7, maxTokens: 50 });
    expect(readSettings({ ...form, topK: '5' }).topK).toBe(5);
  });

  it.each([
    [{ temperature: 'hot' }, 'temperature must be a number, got "hot"'],
    [{ temperature: '-1' }, 'temperature must be a finite number >= 0'],
    [{ topK: '2.5' }, 'topK must be an integer >= 1'],
    [{ topP: '0' }, 'topP must be in (0, 1]'],
    [{ topP: '1.5' }, 'topP must be in (0, 1]'],
    [{ seed: '-3' }, 'seed must be an integer in [0, 2^32)'],
    [{ seed: '' }, 'seed must be a number, got ""'],
    [{ length: '0' }, 'length must be an integer from 1 to 2000'],
    [{ length: '2001' }, 'length must be an integer from 1 to 2000'],
  ])('rejects %j', (change, message) => {
    expect(messageOf({ ...form, ...change })).toContain(message);
  });
});
