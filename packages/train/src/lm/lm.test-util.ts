// Helpers shared by the language-model tests (excluded from the build by the `.test-util.ts` suffix).
import { resolve } from 'node:path';
import { decodeWeights } from '@seqlm/core/manifest';
import { readFileSync } from 'node:fs';
import { main } from '../cli/main.ts';
import type { CliIO } from '../cli/command.ts';
import { train } from '../cli/commands/train.ts';
import { generate } from '../cli/commands/generate.ts';
import { validate } from '../cli/commands/validate.ts';
import { timeseries } from '../cli/commands/timeseries.ts';

export const packageRoot = resolve(import.meta.dirname, '..', '..');
export const repoRoot = resolve(packageRoot, '..', '..');
export const dataDir = process.env['SEQLM_DATA_DIR'] || resolve(repoRoot, '..', 'shared', 'data');
/** The commands of this area, for `main` (the command table is registered elsewhere). */
export const LM_COMMANDS = [train, generate, validate, timeseries];

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `seqlm <argv>` in this process with captured output. */
export async function runCli(argv: string[], cwd = process.cwd(), env: Record<string, string | undefined> = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: { SEQLM_DATA_DIR: dataDir, ...env },
    cwd,
  };
  const code = await main(argv, io, LM_COMMANDS);
  return { code, stdout, stderr };
}

/** The tensors of a weights container file as plain arrays by name. */
export function readWeights(path: string): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, t] of decodeWeights(new Uint8Array(readFileSync(path)))) out.set(name, t.data);
  return out;
}
