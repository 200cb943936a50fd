import type { Command } from '../command.ts';

/** A command by name, its module imported only when that command runs. */
export interface CommandLoader {
  name: string;
  load(): Promise<Command>;
}

/**
 * Every `seqlm` command as `COMMANDS` lists them, in the same order, each behind
 * a dynamic import: training, export and validation load TensorFlow.js and the
 * ONNX encoder (~0.1 s), which `seqlm ngram eval` or `seqlm score` never need.
 */
export const COMMAND_LOADERS: readonly CommandLoader[] = [
  { name: 'corpus stats', load: async () => (await import('./corpus-stats.ts')).corpusStats },
  { name: 'ngram build', load: async () => (await import('./ngram-build.ts')).ngramBuild },
  { name: 'ngram eval', load: async () => (await import('./ngram-eval.ts')).ngramEval },
  { name: 'ngram import', load: async () => (await import('./ngram-import.ts')).ngramImport },
  { name: 'ngram sample', load: async () => (await import('./ngram-sample.ts')).ngramSample },
  { name: 'train', load: async () => (await import('./train.ts')).train },
  { name: 'generate', load: async () => (await import('./generate.ts')).generate },
  { name: 'score', load: async () => (await import('./score.ts')).score },
  { name: 'mix', load: async () => (await import('./mix.ts')).mix },
  { name: 'export', load: async () => (await import('./export.ts')).exportCommand },
  { name: 'validate', load: async () => (await import('./validate.ts')).validate },
  { name: 'timeseries', load: async () => (await import('./timeseries.ts')).timeseries },
];

/**
 * The commands `argv` needs: the one whose name matches the most leading
 * words, alone; every command when none matches (help, a group without its
 * subcommand, an unknown name), since those answers list them.
 */
export async function commandsFor(argv: readonly string[]): Promise<Command[]> {
  const best = longestMatch(argv, COMMAND_LOADERS);
  return best !== undefined ? [await best.load()] : Promise.all(COMMAND_LOADERS.map((l) => l.load()));
}

/** The entry whose name (space-separated words) matches the most leading words of `argv`. */
export function longestMatch<T extends { name: string }>(argv: readonly string[], entries: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const entry of entries) {
    const words = entry.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && words.length > (best?.name.split(' ').length ?? 0)) best = entry;
  }
  return best;
}
