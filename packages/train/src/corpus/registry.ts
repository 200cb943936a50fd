import { SeqlmError } from '@seqlm/core/errors';
import type { Normalization } from '@seqlm/core/text';

/** A corpus the project knows by name: where to fetch it and how to recognise the right bytes. */
export interface CorpusEntry {
  /** Registry name, e.g. `timemachine`. */
  name: string;
  /** File name in a data directory or the cache. */
  fileName: string;
  /** Exact size in bytes. */
  bytes: number;
  /** Lowercase hex sha256 of the file; a file with any other hash is refused. */
  sha256: string;
  /** Public source the file is downloaded from when it is neither in a data directory nor cached. */
  url: string;
  /** The normalisation its usual experiments use (D2L's for The Time Machine, none for Tiny Shakespeare). */
  defaultNormalization: Normalization;
  description: string;
}

export const CORPORA = {
  timemachine: {
    name: 'timemachine',
    fileName: 'timemachine.txt',
    bytes: 178_979,
    sha256: '8424dbd9532ac81f7e5f0b6add90e6952baea29158309d7d1bf3884f4e12c516',
    url: 'http://d2l-data.s3-accelerate.amazonaws.com/timemachine.txt',
    defaultNormalization: 'd2l',
    description: "H. G. Wells, The Time Machine (public domain), the corpus of D2L's sequence chapters",
  },
  tinyshakespeare: {
    name: 'tinyshakespeare',
    fileName: 'tinyshakespeare.txt',
    bytes: 1_115_394,
    sha256: '86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed',
    url: 'https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt',
    defaultNormalization: 'raw',
    description: "Shakespeare excerpts (public domain) as distributed with Karpathy's char-rnn",
  },
} as const satisfies Record<string, CorpusEntry>;

export type CorpusName = keyof typeof CORPORA;

export const CORPUS_NAMES = Object.keys(CORPORA) as CorpusName[];

export function isCorpusName(value: unknown): value is CorpusName {
  return typeof value === 'string' && Object.hasOwn(CORPORA, value);
}

/** The registry entry for `name`; `CORPUS_UNKNOWN` for any other name. */
export function getCorpusEntry(name: string): CorpusEntry {
  if (!isCorpusName(name)) {
    throw new SeqlmError('CORPUS_UNKNOWN', `unknown corpus "${name}"; expected one of ${CORPUS_NAMES.join(', ')}`, { name });
  }
  return CORPORA[name];
}
