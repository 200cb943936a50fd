import type { Command } from '../command.ts';
import { corpusStats } from './corpus-stats.ts';

/** Every `seqlm` command; a new command is one module in this folder and one line here. */
export const COMMANDS: readonly Command[] = [corpusStats];
