import { describe, expect, it } from 'vitest';
import { randomSeed, readUrlState, withUrlState } from './url-state.ts';

describe('url state', () => {
  it('round-trips every field through the query string, text with spaces and symbols included', () => {
    const state = { model: 'tm-gru', text: 'the time & "space"?', seed: '4294967295', temperature: '0.8', topK: '5', topP: '0.9', length: '60' };
    const url = withUrlState('https://example.org/play/?other=1', state);
    expect(new URL(url).searchParams.get('other')).toBe('1');
    expect(new URL(url).pathname).toBe('/play/');
    expect(readUrlState(new URL(url).search)).toEqual(state);
  });

  it('drops blank fields and reads absent ones as undefined', () => {
    const url = withUrlState('https://example.org/?topk=5&seed=3', { topK: '', seed: '9', text: '  ' });
    expect(readUrlState(new URL(url).search)).toEqual({ seed: '9' });
    expect(readUrlState('')).toEqual({});
  });

  it('draws seeds over the whole 32-bit range', () => {
    const seeds = Array.from({ length: 64 }, randomSeed);
    for (const s of seeds) expect(Number.isSafeInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
    expect(new Set(seeds).size).toBeGreaterThan(60);
    expect(Math.max(...seeds)).toBeGreaterThan(2 ** 16);
  });
});
