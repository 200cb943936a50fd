// The model directory of `seqlm ngram eval|sample`, read through the one language-model runtime.
import { isSeqlmError, SeqlmError } from '@seqlm/core/errors';
import type { NgramLm } from '@seqlm/core/lm';
import type { LoadedNgramModel } from '@seqlm/core/ngram';
import { loadModelDir } from '../../runtime/index.ts';

/** An n-gram model directory as the `seqlm ngram` commands use it. */
export interface NgramModelDir {
  /** The directory as given on the command line. */
  dir: string;
  lm: NgramLm;
  /** The counting model underneath, for KenLM's per-line scoring and the matched n-gram order. */
  model: LoadedNgramModel;
}

/**
 * Loads `dir` with `loadModelDir` (manifest, sizes and sha256 checked by core)
 * as an n-gram model; a directory of another kind is refused (`UNSUPPORTED`)
 * before its model files are read, pointing to the commands that serve every kind.
 */
export async function loadNgramModelDir(dir: string, command: string): Promise<NgramModelDir> {
  try {
    const lm = (await loadModelDir(dir, { runtime: 'core', kinds: ['ngram'] })) as NgramLm;
    // loadModel decodes an n-gram file with loadNgram, so the model is one of the kinds it returns.
    return { dir, lm, model: lm.ngram as LoadedNgramModel };
  } catch (error) {
    // core's refusal of another kind (loadModel's `kinds`) carries the kind it found
    const kind = isSeqlmError(error) && error.code === 'UNSUPPORTED' ? error.details?.['kind'] : undefined;
    if (!isSeqlmError(error) || typeof kind !== 'string') throw error;
    const other = kind === 'ts-mlp' ? 'it is a time-series model' : 'use "seqlm score" or "seqlm generate" for it';
    throw new SeqlmError('UNSUPPORTED', `${dir} holds a ${kind} model, and "seqlm ${command}" reads n-gram models only: ${other}`, error.details, { cause: error });
  }
}
