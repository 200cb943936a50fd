// What a user installing from npm gets must work: pack @seqlm/core and @seqlm/train as npm would
// publish them, install the tarballs into a fresh project outside the workspace, and use them from plain Node
// and from a TypeScript project that checks every declaration (`skipLibCheck: false`).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTrainedGruDir } from './cli/commands/trained-dir.test-util.ts';
import { packageRoot, repoRoot, sharedDataDir } from './testing.test-util.ts';

/** A file left in each copy's dist/ before packing: prepack's clean build must drop it. */
const STALE = 'dist/left-by-an-old-build.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The outer `npm run` exports npm_* settings (prefix, workspace...) that must not steer the nested npm. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && (!key.toLowerCase().startsWith('npm_') || keep.has(key.toLowerCase()))) env[key] = value;
  }
  return { ...env, NPM_CONFIG_AUDIT: 'false', NPM_CONFIG_FUND: 'false', NPM_CONFIG_UPDATE_NOTIFIER: 'false', ...extra };
}

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(env), shell: process.platform === 'win32' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function ok(command: string, args: string[], cwd: string, env?: Record<string, string>): Promise<Run> {
  const result = await run(command, args, cwd, env);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  return result;
}

interface PackedFile {
  path: string;
}

let work = '';
let copies = '';
let project = '';
const packed: Record<string, { filename: string; files: PackedFile[] }> = {};

/**
 * A copy of packages/<name> with a stale file in dist/, two levels below the repository root so that
 * tsconfig's `../../tsconfig.base.json` and node_modules resolve as they do in place. Packing runs
 * prepack (`npm run build`, which empties dist/) in the copy, never in the workspace, whose dist/
 * the other test files are running meanwhile.
 */
async function packageCopy(name: string): Promise<string> {
  const from = resolve(repoRoot, 'packages', name);
  const to = join(copies, name);
  await cp(from, to, { recursive: true, filter: (path) => !/(^|[\\/])(node_modules|\.turbo)$/.test(relative(from, path)) });
  await writeFile(join(to, STALE), 'export const stale = true;\n');
  return to;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'seqlm-pack-'));
  copies = await mkdtemp(join(repoRoot, '.pack-test-'));
  project = join(work, 'project');
  for (const name of ['core', 'train']) {
    const dir = await packageCopy(name);
    const { stdout } = await ok('npm', ['pack', '--json', '--pack-destination', work], dir);
    // npm prints prepack's output first; the JSON report is the last thing on stdout.
    const [info] = JSON.parse(stdout.slice(stdout.lastIndexOf('\n[\n') + 1)) as { filename: string; files: PackedFile[] }[];
    if (info === undefined) throw new Error(`npm pack printed no package for ${name}`);
    packed[name] = info;
  }
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'seqlm-pack-test', private: true, type: 'module' }));
  // Both tarballs in one install, so the train tarball's "@seqlm/core" dependency is met by the core tarball, not the
  // registry. Optional dependencies (tfjs-node, whose install script fetches a native library) are not what is tested here.
  // @types/node as a Node project has it, for the consumer type check below.
  const typesNode = (JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies['@types/node']!;
  await ok(
    'npm',
    ['install', '--prefer-offline', '--omit=optional', '--no-audit', '--no-fund', join(work, packed['core']!.filename), join(work, packed['train']!.filename), `@types/node@${typesNode}`],
    project,
  );
}, 600_000);

afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
  if (copies !== '') await rm(copies, { recursive: true, force: true });
});

describe('the packed packages, installed from their tarballs', () => {
  it('ship a fresh build, the LICENSE and no sources or tests', () => {
    for (const name of ['core', 'train']) {
      const paths = packed[name]!.files.map((f) => f.path);
      expect(paths).toContain('dist/index.js');
      expect(paths).toContain('dist/index.d.ts');
      expect(paths).toContain('LICENSE');
      // prepack rebuilt dist/ from the sources: nothing an earlier build left behind is shipped.
      expect(paths).not.toContain(STALE);
      expect(paths.filter((p) => p.startsWith('src/') || p.includes('.test.'))).toEqual([]);
    }
    expect(packed['train']!.files.map((f) => f.path)).toContain('bin/seqlm.js');
  });

  it('import from plain Node ESM, root and subpaths', async () => {
    const script = `
      const core = await import('@seqlm/core');
      const text = await import('@seqlm/core/text');
      const train = await import('@seqlm/train');
      const corpus = await import('@seqlm/train/corpus');
      const vocab = core.Vocab.build(text.charTokenizer.tokenize(text.normalize('Ab, ab!', 'd2l')));
      console.log(JSON.stringify({
        vocab: vocab.tokens,
        error: new core.SeqlmError('USAGE', 'x').code,
        train: [typeof train.loadCorpus, typeof train.main, typeof train.zipfChartSpec],
        corpora: corpus.CORPUS_NAMES,
        coreFromTarball: (await import('@seqlm/core/package.json', { with: { type: 'json' } })).default.name,
      }));`;
    const { stdout } = await ok(process.execPath, ['--input-type=module', '-e', script], project);
    expect(JSON.parse(stdout)).toEqual({
      // "ab ab": space once, a twice, b twice; ties by code unit: "a" < "b".
      vocab: ['<unk>', 'a', 'b', ' '],
      error: 'USAGE',
      train: ['function', 'function', 'function'],
      corpora: ['timemachine', 'tinyshakespeare'],
      coreFromTarball: '@seqlm/core',
    });
  });

  it('run `npx seqlm --help`', async () => {
    const result = await ok('npx', ['--no', '--', 'seqlm', '--help'], project);
    expect(result.stdout).toContain('corpus stats');
  });

  it('run `seqlm corpus stats` with a plot, vega resolved from the install', async () => {
    const svg = join(work, 'zipf.svg');
    const result = await ok(join(project, 'node_modules', '.bin', 'seqlm'), ['corpus', 'stats', '--corpus', 'timemachine', '--plot', svg], project, {
      SEQLM_DATA_DIR: sharedDataDir,
    });
    expect(result.stdout).toMatch(/vocab size\s+28 /);
    expect((await readFile(svg, 'utf8')).match(/class="mark-line role-mark/g)).toHaveLength(3);
  });

  it('type-check in a consumer with skipLibCheck: false, every entry of both packages', async () => {
    const entries: string[] = [];
    for (const name of ['core', 'train']) {
      const manifest = JSON.parse(await readFile(join(project, 'node_modules', '@seqlm', name, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
      for (const subpath of Object.keys(manifest.exports)) if (subpath !== './package.json') entries.push(`@seqlm/${name}${subpath.slice(1)}`);
    }
    const source = entries.map((e, i) => `import * as m${i} from '${e}';`).join('\n') + `\nexport const modules = [${entries.map((_, i) => `m${i}`).join(', ')}];\n`;
    await writeFile(join(project, 'consumer.ts'), source);
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false, noEmit: true, types: ['node'] },
        files: ['consumer.ts'],
      }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    expect(entries).toContain('@seqlm/train/lm');
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.code).toBe(0);
  });

  it('run `seqlm export` without onnxruntime-node and say it did not verify there', async () => {
    const dir = join(work, 'gru');
    writeTrainedGruDir(dir, { text: 'the time machine by h g wells', hiddenSize: 8, numLayers: 1 });
    const result = await ok(join(project, 'node_modules', '.bin', 'seqlm'), ['export', dir], project);
    expect(result.stdout).toMatch(/^verified on onnxruntime-web against core, tfjs /m);
    expect(result.stdout).toContain('not verified on onnxruntime-node: not installed (an optional dependency) (see "Install" in @seqlm/train\'s README)');
  });
});
