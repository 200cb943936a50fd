/**
 * Writes src/models/generated.ts from models.config.json: for every listed
 * model directory, the manifest is validated against the schema and the served
 * file (the ONNX graph or the n-gram file) against the manifest's size and
 * sha256, with the same `checkSource` the worker runs on a model it did not
 * get from this script. The bytes checked here are the bytes bundled, so the
 * sources are marked `verified: 'build'` and not hashed again on a cold start.
 * Valid models are imported statically so wrangler bundles them (.onnx and
 * .ngram through `Data` rules in wrangler.jsonc); invalid ones are reported
 * here and listed in the module as rejected, never served.
 *
 *   node scripts/gen-models.ts [--config models.config.json] [--out src/models/generated.ts] [--strict]
 *
 * --strict exits 1 when any model is rejected (for CI and deploys); --out
 * writes the module elsewhere (the benchmark's worker uses its own models, and
 * the tests check the production list from test/generated/production-models.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import type { R2ModelRef } from '../src/models/r2-source.ts';
import { checkModelDir } from './model-dir.ts';

/** File types wrangler.jsonc bundles as `Data` modules; a served file must have one of them. */
export const DATA_EXTENSIONS = ['.onnx', '.ngram'];

interface Accepted {
  id: string;
  dir: string;
  manifestPath: string;
  /** The one file the runtime reads; a mixture has none (its components are served models). */
  file?: { path: string; served: string };
}

const appDir = resolve(import.meta.dirname, '..');
const repoRoot = resolve(appDir, '..', '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return resolve(appDir, at >= 0 ? (args[at + 1] ?? '') : fallback);
};
const configPath = option('--config', 'models.config.json');
const outPath = option('--out', 'src/models/generated.ts');
const modelsDir = resolve(appDir, 'src', 'models');

/**
 * A directory path, or `{dir, optional}`: an optional directory that does not exist yet (a model `npm start` trains)
 * is skipped, not rejected. Or `{id, r2: {binding, prefix}}`: a model directory in an R2 bucket, read by the worker.
 */
type DirEntry = string | { dir: string; optional?: boolean };
type ConfigEntry = DirEntry | { id: string; r2: { binding: string; prefix: string } };
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const isR2Entry = (m: unknown): m is Extract<ConfigEntry, { r2: unknown }> => {
  const r2 = (m as { r2?: { binding?: unknown; prefix?: unknown } } | null)?.r2;
  return typeof (m as { id?: unknown }).id === 'string' && typeof r2?.binding === 'string' && typeof r2.prefix === 'string';
};
const isEntry = (m: unknown): m is ConfigEntry =>
  typeof m === 'string' ||
  (typeof m === 'object' && m !== null && typeof (m as { dir?: unknown }).dir === 'string' && ['undefined', 'boolean'].includes(typeof (m as { optional?: unknown }).optional)) ||
  (typeof m === 'object' && m !== null && isR2Entry(m));

const config = JSON.parse(readFileSync(configPath, 'utf8')) as { models?: unknown };
if (!Array.isArray(config.models) || !config.models.every(isEntry)) {
  console.error(`${configPath}: "models" must be an array of directory paths, {"dir", "optional"} or {"id", "r2": {"binding", "prefix"}} objects`);
  process.exit(1);
}

const accepted: Accepted[] = [];
const rejected: { id: string; dir: string; reason: string }[] = [];
const skipped: string[] = [];
const r2Models: R2ModelRef[] = [];
for (const item of config.models as ConfigEntry[]) {
  if (typeof item !== 'string' && 'r2' in item) {
    const { id, r2 } = item;
    const dir = `r2://${r2.binding}/${r2.prefix}`;
    if (!ID.test(id)) rejected.push({ id, dir, reason: `"${id}" is not usable as a URL id (letters, digits, ".", "_", "-")` });
    else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(r2.binding)) rejected.push({ id, dir, reason: `"${r2.binding}" is not a binding name` });
    else if (!/^([^/]+\/)+$/.test(r2.prefix)) rejected.push({ id, dir, reason: `the prefix "${r2.prefix}" must be a key prefix ending in "/"` });
    else r2Models.push({ id, binding: r2.binding, prefix: r2.prefix });
    continue;
  }
  const entry = typeof item === 'string' ? item : item.dir;
  const abs = resolve(dirname(configPath), entry);
  if (typeof item !== 'string' && item.optional === true && !existsSync(abs)) {
    skipped.push(relative(repoRoot, abs));
    continue;
  }
  const id = basename(abs);
  const dir = relative(repoRoot, abs);
  const reject = (reason: string): void => {
    rejected.push({ id, dir, reason });
  };
  if (!ID.test(id)) {
    reject(`the directory name "${id}" is not usable as a URL id (letters, digits, ".", "_", "-")`);
    continue;
  }
  if (accepted.some((a) => a.id === id) || rejected.some((r) => r.id === id) || r2Models.some((r) => r.id === id)) {
    reject(`another configured directory is also named "${id}"`);
    continue;
  }
  const check = checkModelDir(abs, dir);
  if (!check.ok) {
    reject(check.reason);
    continue;
  }
  if ('mixture' in check) {
    accepted.push({ id, dir, manifestPath: check.manifestPath });
    continue;
  }
  const { manifestPath, served, filePath } = check;
  if (!DATA_EXTENSIONS.some((ext) => served.endsWith(ext))) {
    reject(`${served}: only ${DATA_EXTENSIONS.join(', ')} files are bundled (see the Data rules in wrangler.jsonc)`);
    continue;
  }
  accepted.push({ id, dir, manifestPath, file: { path: filePath, served } });
}

// A mixture is served from bundled components: each must be a served (non-mixture) model whose
// manifest has the hash the mixture was fitted with. Checked here, on the bytes that are bundled.
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
for (const mix of accepted.filter((a) => a.file === undefined)) {
  const manifest = JSON.parse(readFileSync(mix.manifestPath, 'utf8')) as { mixture: { components: { path: string; manifestSha256: string }[] } };
  const problem = manifest.mixture.components
    .map((c) => {
      const componentDir = resolve(dirname(mix.manifestPath), c.path);
      const component = accepted.find((a) => resolve(repoRoot, a.dir) === componentDir);
      if (component === undefined) return `its component ${c.path} is not a configured, valid model`;
      if (component.file === undefined) return `its component ${c.path} is itself a mixture`;
      if (sha256(component.manifestPath) !== c.manifestSha256) return `its component ${c.path} has changed since the mixture was fitted (manifest sha256); run seqlm mix again`;
      return undefined;
    })
    .find((p) => p !== undefined);
  if (problem !== undefined) {
    accepted.splice(accepted.indexOf(mix), 1);
    rejected.push({ id: mix.id, dir: mix.dir, reason: problem });
  }
}

const importPath = (file: string): string => {
  const rel = relative(dirname(outPath), file).split('\\').join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
};
const lines = [
  '// Generated by scripts/gen-models.ts from models.config.json; do not edit.',
  `import type { ModelSource } from '${importPath(resolve(modelsDir, 'source.ts'))}';`,
  `import type { RejectedModel } from '${importPath(resolve(modelsDir, 'registry.ts'))}';`,
  `import type { R2ModelRef } from '${importPath(resolve(modelsDir, 'r2-source.ts'))}';`,
  ...accepted.flatMap((a, i) => [
    `import manifest${i} from '${importPath(a.manifestPath)}' with { type: 'json' };`,
    ...(a.file ? [`import file${i} from '${importPath(a.file.path)}';`] : []),
  ]),
  '',
  'export const MODEL_SOURCES: ModelSource[] = [',
  ...accepted.map(
    (a, i) => `  { id: ${JSON.stringify(a.id)}, dir: ${JSON.stringify(a.dir)}, manifest: manifest${i}, files: { ${a.file ? `${JSON.stringify(a.file.served)}: file${i}` : ''} }, verified: 'build' },`,
  ),
  '];',
  '',
  `export const REJECTED_MODELS: RejectedModel[] = ${JSON.stringify(rejected, null, 2)};`,
  '',
  '// Read from R2 by the worker on first use (src/models/r2-source.ts), not bundled.',
  `export const R2_MODELS: R2ModelRef[] = ${JSON.stringify(r2Models, null, 2)};`,
  '',
];
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, lines.join('\n'));

for (const a of accepted) console.log(`gen-models: serving ${a.id} (${a.dir})`);
for (const r of r2Models) console.log(`gen-models: serving ${r.id} from R2 (r2://${r.binding}/${r.prefix}), checked when first used`);
for (const dir of skipped) console.log(`gen-models: skipping optional ${dir} (not built yet)`);
for (const r of rejected) console.error(`gen-models: NOT serving ${r.id} (${r.dir}): ${r.reason}`);
if (rejected.length > 0 && args.includes('--strict')) process.exit(1);
