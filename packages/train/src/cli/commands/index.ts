import type { Command } from '../command.ts';
import { corpusStats } from './corpus-stats.ts';
import { exportCommand } from './export.ts';
import { generate } from './generate.ts';
import { mix } from './mix.ts';
import { ngramBuild } from './ngram-build.ts';
import { ngramEval } from './ngram-eval.ts';
import { ngramImport } from './ngram-import.ts';
import { ngramSample } from './ngram-sample.ts';
import { score } from './score.ts';
import { timeseries } from './timeseries.ts';
import { train } from './train.ts';
import { validate } from './validate.ts';

/** Every `seqlm` command; a new command is one module in this folder and one line here. */
export const COMMANDS: readonly Command[] = [
  corpusStats,
  ngramBuild,
  ngramEval,
  ngramImport,
  ngramSample,
  train,
  generate,
  score,
  mix,
  exportCommand,
  validate,
  timeseries,
];
