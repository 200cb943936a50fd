// vitest globalSetup: the CLI and pack tests run the built package (bin/seqlm.js imports dist/),
// and turbo builds only this package's dependencies before its tests, so build it here once.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

// tsc's exit status 2 means "type errors, but the JavaScript was written"; those errors are
// `npm run typecheck`'s to report, and the tests still check what the code does.
const EMITTED_WITH_ERRORS = 2;

export default function setup(): void {
  const packageRoot = resolve(import.meta.dirname, '..');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: packageRoot, encoding: 'utf8' });
  const built = existsSync(resolve(packageRoot, 'dist', 'cli', 'main.js'));
  if (result.status === EMITTED_WITH_ERRORS && built) {
    console.warn(`@seqlm/train built with type errors (see npm run typecheck):\n${result.stdout}`);
  } else if (result.status !== 0 || !built) {
    throw new Error(`building @seqlm/train for its tests failed:\n${result.stdout}${result.stderr}`);
  }
}
