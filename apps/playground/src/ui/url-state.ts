/**
 * What the address bar keeps, so a result can be shared and reproduced: the
 * model, the text, and every generation setting including the seed. Values
 * stay strings here; the form validates them as it validates typing.
 */
export interface UrlState {
  model?: string;
  text?: string;
  seed?: string;
  temperature?: string;
  topK?: string;
  topP?: string;
  length?: string;
}

/** Query parameter for each field, short because the link is meant to be pasted. */
const PARAMS: Record<keyof UrlState, string> = {
  model: 'model',
  text: 'text',
  seed: 'seed',
  temperature: 'temp',
  topK: 'topk',
  topP: 'topp',
  length: 'len',
};

export function readUrlState(search: string): UrlState {
  const params = new URLSearchParams(search);
  const state: UrlState = {};
  for (const [key, param] of Object.entries(PARAMS) as [keyof UrlState, string][]) {
    const value = params.get(param);
    if (value !== null) state[key] = value;
  }
  return state;
}

/** `url` with the state's parameters set, blank ones removed, and any other parameter left alone. */
export function withUrlState(url: string, state: UrlState): string {
  const next = new URL(url);
  for (const [key, param] of Object.entries(PARAMS) as [keyof UrlState, string][]) {
    const value = state[key];
    if (value === undefined || value.trim() === '') next.searchParams.delete(param);
    else next.searchParams.set(param, value);
  }
  return next.href;
}

/** A fresh seed in [0, 2^32), from the platform's CSPRNG. */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}
