/**
 * Uploads a model directory to an R2 bucket for the edge API to serve from
 * there (a models.config.json entry `{"id", "r2": {"binding", "prefix"}}`):
 * checks it first as the worker will (manifest schema, the served file's size
 * and sha256), then puts `manifest.json` and the served file under the prefix
 * with `wrangler r2 object put`, and prints the config entry to add.
 *
 *   node scripts/r2-upload.ts <model-dir> <bucket>/<prefix>/ [--local | --remote] [--config wrangler.jsonc] [--binding MODELS]
 *
 * --local writes wrangler dev's local R2 (the default, as for wrangler);
 * --remote writes the bucket on Cloudflare (after `wrangler login`).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { checkModelDir } from './model-dir.ts';

const appDir = resolve(import.meta.dirname, '..');
const wranglerBin = resolve(appDir, '..', '..', 'node_modules', 'wrangler', 'bin', 'wrangler.js');

function fail(message: string): never {
  console.error(`r2-upload: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const [dirArg, target] = args.filter((a, i) => !a.startsWith('--') && !['--config', '--binding'].includes(args[i - 1] ?? ''));
if (dirArg === undefined || target === undefined) fail('usage: node scripts/r2-upload.ts <model-dir> <bucket>/<prefix>/ [--local | --remote] [--config wrangler.jsonc] [--binding MODELS]');
const match = /^([a-z0-9][a-z0-9-]{1,61}[a-z0-9])\/((?:[^/]+\/)+)$/.exec(target);
if (match === null) fail(`"${target}" must be <bucket>/<prefix>/ (an R2 bucket name, then a key prefix ending in "/")`);
const [, bucket, prefix] = match as unknown as [string, string, string];

const abs = resolve(process.cwd(), dirArg);
const check = checkModelDir(abs, dirArg);
if (!check.ok) fail(`${dirArg} is not a servable model: ${check.reason}`);
if ('mixture' in check) fail(`${dirArg} is a mixture: the worker serves mixtures from bundled components, not from R2`);

const where = args.includes('--remote') ? '--remote' : '--local';
const config = flag('--config');
for (const [name, file] of [
  ['manifest.json', check.manifestPath],
  [check.served, check.filePath],
] as const) {
  const put = spawnSync(process.execPath, [wranglerBin, 'r2', 'object', 'put', `${bucket}/${prefix}${name}`, '--file', file, where, ...(config ? ['--config', config] : [])], {
    cwd: process.cwd(),
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  if (put.status !== 0) fail(`wrangler r2 object put ${bucket}/${prefix}${name} failed:\n${put.stderr || put.stdout}`);
  console.log(`r2-upload: put ${bucket}/${prefix}${name} (${where.slice(2)})`);
}

const id = prefix.split('/').filter(Boolean).at(-1) as string;
console.log(`r2-upload: add to models.config.json: ${JSON.stringify({ id, r2: { binding: flag('--binding') ?? 'MODELS', prefix } })}`);
console.log(`r2-upload: and bind the bucket in wrangler.jsonc: "r2_buckets": [{ "binding": "${flag('--binding') ?? 'MODELS'}", "bucket_name": "${bucket}" }]`);
