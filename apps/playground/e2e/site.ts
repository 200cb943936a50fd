/**
 * Builds the playground into a temporary directory and adds the models the
 * browser tests and the benchmark need beside the bundled fixtures: a char
 * trigram trained here with @seqlm/core (with corpus statistics, so the corpus
 * view has something to plot), a copy of gru-tiny whose ONNX file has one byte
 * flipped, one whose manifest has an unknown schema version, and one whose
 * manifest predates the graph's hidden-states output.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { corpusStats, normalize, serializeManifest, fileEntry, parseManifest } from '@seqlm/core';
import { encodeNgram, ngramManifest, trainNgram } from '@seqlm/core/ngram';
import { catalogEntry, parseCatalog } from '../src/models/catalog.ts';

export const appDir = resolve(import.meta.dirname, '..');
export const repoRoot = resolve(appDir, '..', '..');
export const fixturesDir = join(repoRoot, 'fixtures', 'models');
export const artifactsDir = join(repoRoot, 'test-artifacts', 'playground');
export const chromiumPath = process.env.SEQLM_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export function dataDir(): string {
  return process.env.SEQLM_DATA_DIR ?? resolve(repoRoot, '..', 'shared', 'data');
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): void {
  const r = spawnSync(cmd, args, { cwd: appDir, encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** The lines of The Time Machine as D2L normalises them, first `maxLines` non-empty ones. */
export function timeMachineLines(maxLines: number): string[] {
  return readFileSync(join(dataDir(), 'timemachine.txt'), 'utf8')
    .split('\n')
    .map((line) => normalize(line, 'd2l'))
    .filter((line) => line.length > 0)
    .slice(0, maxLines);
}

function writeNgramModel(dir: string): void {
  const lines = timeMachineLines(1500);
  const model = trainNgram(
    lines.map((l) => Array.from(l)),
    { order: 3, estimator: { kind: 'kneser-ney' }, boundaries: true },
  );
  const bytes = encodeNgram(model, { precision: 'float64' });
  const stats = new TextEncoder().encode(JSON.stringify(corpusStats(Array.from(lines.join(' ')), { maxOrder: 3, plotPoints: 120 })));
  const manifest = ngramManifest(model, bytes, {
    text: { tokenizer: 'char', normalization: 'd2l' },
    name: 'ngram-char3',
    description: 'Char trigram (Kneser-Ney) on the first 1500 lines of The Time Machine; built by the playground tests.',
    training: { corpus: 'timemachine (first 1500 lines)' },
  });
  manifest.files.push(fileEntry('stats', 'stats.json', stats));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.ngram'), bytes);
  writeFileSync(join(dir, 'stats.json'), stats);
  writeFileSync(join(dir, 'manifest.json'), serializeManifest(parseManifest(manifest)));
}

export interface Site {
  /** The directory to serve. */
  root: string;
  modelIds: string[];
  /** Deletes the temporary build. */
  dispose(): void;
}

export interface SiteOptions {
  /** `test` (default): the fixtures of e2e/models.config.json plus the models below; `production`: models.config.json as `npm start` builds it. */
  models?: 'test' | 'production';
  /**
   * `.br`/`.gz` files beside the build: `fast` (default: brotli quality 5, seconds on a cold cache),
   * `production` (quality 11, as `npm run build`; about a minute for the wasm the first time), or `none`.
   */
  compression?: 'fast' | 'production' | 'none';
}

/** Collects the models, builds with Vite into a temp dir and, for `test`, adds the test models. */
export function prepareSite(options: SiteOptions = {}): Site {
  const root = mkdtempSync(join(tmpdir(), 'seqlm-playground-'));
  const site = join(root, 'site');
  const production = options.models === 'production';
  const collected = join(root, 'models');
  run(process.execPath, ['scripts/collect-models.ts', '--out', collected, ...(production ? [] : ['--config', 'e2e/models.config.json'])]);
  const compression = options.compression ?? 'fast';
  const env = { SEQLM_MODELS_DIR: collected, ...(compression === 'none' ? { SEQLM_PRECOMPRESS: 'off' } : { SEQLM_BROTLI_QUALITY: compression === 'fast' ? '5' : '11' }) };
  run(process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', site, '--emptyOutDir', '--logLevel', 'warn'], env);
  const models = join(site, 'models');
  if (production) {
    const catalog = parseCatalog(JSON.parse(readFileSync(join(models, 'index.json'), 'utf8')));
    return { root: site, modelIds: catalog.models.map((e) => e.id), dispose: () => rmSync(root, { recursive: true, force: true }) };
  }
  writeNgramModel(join(models, 'ngram-char3'));

  const corrupt = join(models, 'gru-corrupt');
  cpSync(join(fixturesDir, 'gru-tiny'), corrupt, { recursive: true });
  const onnx = readFileSync(join(corrupt, 'model.onnx'));
  onnx[onnx.length - 5] = (onnx[onnx.length - 5] as number) ^ 0xff;
  writeFileSync(join(corrupt, 'model.onnx'), onnx);

  const badManifest = join(models, 'gru-bad-manifest');
  cpSync(join(fixturesDir, 'gru-tiny'), badManifest, { recursive: true });
  const m = JSON.parse(readFileSync(join(badManifest, 'manifest.json'), 'utf8'));
  m.schemaVersion = 99;
  writeFileSync(join(badManifest, 'manifest.json'), JSON.stringify(m));

  // A model exported before graphs returned their hidden states: the manifest's contract has no `hidden`.
  const oldExport = join(models, 'gru-old-export');
  cpSync(join(fixturesDir, 'gru-tiny'), oldExport, { recursive: true });
  const old = JSON.parse(readFileSync(join(oldExport, 'manifest.json'), 'utf8'));
  delete old.onnx.io.hidden;
  old.onnx.outputs = old.onnx.outputs.filter((o: { name: string }) => o.name !== 'hidden');
  writeFileSync(join(oldExport, 'manifest.json'), serializeManifest(parseManifest(old)));

  const catalog = parseCatalog(JSON.parse(readFileSync(join(models, 'index.json'), 'utf8')));
  for (const id of ['ngram-char3', 'gru-corrupt', 'gru-bad-manifest', 'gru-old-export']) {
    catalog.models.push(catalogEntry(id, JSON.parse(readFileSync(join(models, id, 'manifest.json'), 'utf8'))));
  }
  writeFileSync(join(models, 'index.json'), JSON.stringify(catalog));
  // The build precompressed the list it had (once it is over 1 KB); those copies would be served instead of this one.
  for (const ext of ['.br', '.gz']) rmSync(join(models, `index.json${ext}`), { force: true });
  return { root: site, modelIds: catalog.models.map((e) => e.id), dispose: () => rmSync(root, { recursive: true, force: true }) };
}
