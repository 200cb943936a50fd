import { describe, expect, it } from 'vitest';
import { COMMANDS } from './index.ts';
import { COMMAND_LOADERS, commandsFor } from './registry.ts';

describe('the lazy command registry', () => {
  it('names every command COMMANDS lists, in its order, and each loader loads that very command', async () => {
    expect(COMMAND_LOADERS.map((l) => l.name)).toEqual(COMMANDS.map((c) => c.name));
    for (const [i, loader] of COMMAND_LOADERS.entries()) expect(await loader.load()).toBe(COMMANDS[i]);
  });

  it('loads only the command argv names, and every command for help, a group or an unknown name', async () => {
    expect((await commandsFor(['ngram', 'eval', '--model', 'x'])).map((c) => c.name)).toEqual(['ngram eval']);
    expect((await commandsFor(['train', '--help'])).map((c) => c.name)).toEqual(['train']);
    for (const argv of [['--help'], ['ngram'], ['nope'], []]) expect(await commandsFor(argv)).toHaveLength(COMMANDS.length);
  });
});
