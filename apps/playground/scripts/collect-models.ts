/**
 * Copies the model directories named in models.config.json into
 * public/models/<id>/ (manifest.json plus the files it lists) and writes
 * public/models/index.json, the list the picker reads. Runs before `vite build`.
 *
 *   node scripts/collect-models.ts [--config models.config.json] [--out public/models]
 *
 * Manifests are not validated here beyond a warning: the playground validates
 * every manifest and hash when it loads a model, and shows the user what is wrong.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { validateManifest } from '@seqlm/core/manifest';
import { catalogEntry, type Catalog } from '../src/models/catalog.ts';

interface ConfigEntry {
  dir: string;
  /** Skip with a note, rather than fail, when the directory is missing. */
  optional?: boolean;
  /** Directory name under models/; default: the source directory's name. */
  id?: string;
}

const appDir = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { config: { type: 'string' }, out: { type: 'string' } } });
const configPath = resolve(appDir, values.config ?? 'models.config.json');
const outDir = resolve(appDir, values.out ?? 'public/models');

const config = JSON.parse(readFileSync(configPath, 'utf8')) as { models?: ConfigEntry[] };
if (!Array.isArray(config.models)) throw new Error(`${configPath}: expected a "models" array`);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const catalog: Catalog = { models: [] };
let failed = false;

for (const entry of config.models) {
  const src = resolve(dirname(configPath), entry.dir);
  const id = entry.id ?? basename(src);
  const manifestPath = resolve(src, 'manifest.json');
  if (!existsSync(manifestPath)) {
    if (entry.optional) {
      console.log(`collect-models: skipping ${entry.dir} (not built yet)`);
      continue;
    }
    console.error(`collect-models: ${manifestPath} does not exist`);
    failed = true;
    continue;
  }
  const dest = resolve(outDir, id);
  mkdirSync(dest, { recursive: true });
  copyFileSync(manifestPath, resolve(dest, 'manifest.json'));
  let manifest: unknown = null;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    console.warn(`collect-models: ${id}: manifest.json is not JSON (${(error as Error).message}); the playground will say so`);
  }
  const check = validateManifest(manifest);
  if (!check.ok) console.warn(`collect-models: ${id}: invalid manifest (${check.problems.length} problems); the playground will say so`);
  const files = (manifest as { files?: { path?: unknown }[] } | null)?.files ?? [];
  for (const file of Array.isArray(files) ? files : []) {
    if (typeof file?.path !== 'string') continue;
    const from = resolve(src, file.path);
    const to = resolve(dest, file.path);
    // A manifest path must stay inside its directory; anything else is not copied.
    if (!from.startsWith(src + sep) || !to.startsWith(dest + sep) || !existsSync(from)) {
      console.warn(`collect-models: ${id}: not copying "${file.path}" (missing or outside the model directory)`);
      continue;
    }
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
  catalog.models.push(catalogEntry(id, manifest));
  console.log(`collect-models: ${id} (${catalog.models.at(-1)?.kind ?? 'unknown kind'})`);
}

writeFileSync(resolve(outDir, 'index.json'), `${JSON.stringify(catalog, null, 2)}\n`);
if (failed) process.exit(1);
