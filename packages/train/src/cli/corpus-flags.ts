/**
 * The flags every command that reads a corpus shares (corpus stats, ngram
 * build, train), with one validation and one loader, so the commands cannot
 * drift apart in what they accept or where they look.
 */
import { resolve } from 'node:path';
import { CORPUS_NAMES, corpusFromBytes, loadCorpus, loadCorpusFile, type CorpusName, type LoadedCorpus } from '../corpus/index.ts';
import type { CliIO } from './command.ts';
import { choice, exclusive, existingDir, existingFile, readStdin, STDIN, usageError } from './flags.ts';

export const CORPUS_OPTIONS = {
  corpus: { type: 'string', valueName: 'name', description: `Registry corpus: ${CORPUS_NAMES.join(', ')}` },
  'corpus-file': { type: 'string', valueName: 'path', description: 'A local UTF-8 text file instead of a registry corpus ("-" reads standard input)' },
  'data-dir': { type: 'string', valueName: 'dir', description: 'Read registry corpora from this directory only (default: SEQLM_DATA_DIR)' },
  'cache-dir': { type: 'string', valueName: 'dir', description: 'Where downloads are kept (default: SEQLM_CACHE_DIR, $XDG_CACHE_HOME/seqlm or ~/.cache/seqlm)' },
  offline: { type: 'boolean', description: 'Fail instead of downloading a corpus that is not cached' },
} as const;

export interface CorpusFlagValues {
  corpus?: string | undefined;
  'corpus-file'?: string | undefined;
  'data-dir'?: string | undefined;
  'cache-dir'?: string | undefined;
  offline?: boolean | undefined;
}

/** Where the corpus comes from, checked before any work starts (usage errors exit 2). */
export type CorpusChoice =
  | { kind: 'registry'; name: CorpusName; dataDir: string | undefined; cacheDir: string | undefined; download: boolean }
  | { kind: 'file'; path: string }
  | { kind: 'stdin' };

export function corpusChoice(values: CorpusFlagValues, io: CliIO): CorpusChoice {
  exclusive(values as Record<string, unknown>, 'corpus', 'corpus-file');
  const name = choice('corpus', values.corpus, CORPUS_NAMES);
  if (values['corpus-file'] === STDIN) return { kind: 'stdin' };
  if (values['corpus-file'] !== undefined) return { kind: 'file', path: existingFile('corpus-file', values['corpus-file'], io.cwd) };
  if (name === undefined) throw usageError(`give --corpus <${CORPUS_NAMES.join('|')}> or --corpus-file <path>`);
  return {
    kind: 'registry',
    name,
    dataDir: values['data-dir'] === undefined ? undefined : existingDir('data-dir', values['data-dir'], io.cwd),
    cacheDir: values['cache-dir'] === undefined ? undefined : resolve(io.cwd, values['cache-dir']),
    download: values.offline !== true,
  };
}

/** Reads the corpus: a local file as it is, a registry corpus from the data directory, the cache or one verified download. */
export function loadCorpusChoice(source: CorpusChoice, io: CliIO): Promise<LoadedCorpus> {
  if (source.kind === 'file') return loadCorpusFile(source.path);
  if (source.kind === 'stdin') return readStdin('corpus-file', io.stdin).then((data) => corpusFromBytes('stdin', '<stdin>', data));
  return loadCorpus(source.name, {
    ...(source.dataDir !== undefined ? { dataDir: source.dataDir } : {}),
    ...(source.cacheDir !== undefined ? { cacheDir: source.cacheDir } : {}),
    download: source.download,
    env: io.env,
    onDownload: (url, dest) => io.stderr.write(`seqlm: downloading ${source.name} from ${url} to ${dest}\n`),
  });
}
