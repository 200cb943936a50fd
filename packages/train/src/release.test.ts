// Releases: every workspace's dependency on a sibling is a semver range that admits the sibling's version
// (never "*"), and `changeset version` keeps those ranges in step when a sibling is bumped. It lives in
// @seqlm/train, the published package that depends on a sibling; it reads the whole repository.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './testing.test-util.ts';

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  scripts?: Record<string, string>;
  workspaces?: string[];
  [field: string]: unknown;
}

interface Workspace {
  /** Relative to the repository root, e.g. packages/train. */
  dir: string;
  manifest: Manifest;
}

/** The workspaces of the repository at `root` (npm's `workspaces` globs are all `<folder>/*`). */
async function workspaces(root: string): Promise<Workspace[]> {
  const rootManifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Manifest;
  const out: Workspace[] = [];
  for (const glob of rootManifest.workspaces ?? []) {
    const parent = glob.replace(/\/\*$/, '');
    for (const entry of (await readdir(join(root, parent), { withFileTypes: true })).filter((e) => e.isDirectory())) {
      const dir = `${parent}/${entry.name}`;
      const manifest = await readFile(join(root, dir, 'package.json'), 'utf8').then((t) => JSON.parse(t) as Manifest, () => null);
      if (manifest !== null) out.push({ dir, manifest });
    }
  }
  return out;
}

interface InternalDependency {
  from: string;
  field: string;
  name: string;
  range: string;
  version: string;
}

function internalDependencies(all: Workspace[]): InternalDependency[] {
  const versions = new Map(all.map((w) => [w.manifest.name, w.manifest.version]));
  const out: InternalDependency[] = [];
  for (const { manifest } of all) {
    for (const field of DEPENDENCY_FIELDS) {
      const deps = (manifest[field] ?? {}) as Record<string, string>;
      for (const [name, range] of Object.entries(deps)) {
        const version = versions.get(name);
        if (version !== undefined) out.push({ from: manifest.name, field, name, range, version });
      }
    }
  }
  return out;
}

/** What is wrong with each internal range: "*" (changesets never updates it) or a range that misses the sibling's version. */
function rangeProblems(deps: InternalDependency[]): string[] {
  return deps.flatMap((d) => {
    const where = `${d.from} ${d.field} "${d.name}": "${d.range}"`;
    if (semver.validRange(d.range) === null) return [`${where} is not a semver range`];
    if (new semver.Range(d.range).range === '') return [`${where} admits any version; changesets never moves it`];
    if (!semver.satisfies(d.version, d.range)) return [`${where} does not admit the workspace's version ${d.version}`];
    return [];
  });
}

describe('internal dependency ranges', () => {
  it('are semver ranges that admit the sibling workspace version, never "*"', async () => {
    const all = await workspaces(repoRoot);
    const deps = internalDependencies(all);
    // @seqlm/train and both apps depend on @seqlm/core; the edge API also on @seqlm/train.
    expect(deps.map((d) => `${d.from} -> ${d.name}`).sort()).toEqual(
      expect.arrayContaining(['@seqlm/edge-api -> @seqlm/core', '@seqlm/edge-api -> @seqlm/train', '@seqlm/playground -> @seqlm/core', '@seqlm/train -> @seqlm/core']),
    );
    expect(rangeProblems(deps)).toEqual([]);
  });

  it('the check refuses "*", a range that misses the version, and text that is no range', () => {
    const dep = (range: string): InternalDependency => ({ from: '@seqlm/train', field: 'dependencies', name: '@seqlm/core', range, version: '0.1.0' });
    expect(rangeProblems([dep('*'), dep('^0.0.0'), dep('workspace-ish'), dep('^0.1.0')])).toEqual([
      '@seqlm/train dependencies "@seqlm/core": "*" admits any version; changesets never moves it',
      '@seqlm/train dependencies "@seqlm/core": "^0.0.0" does not admit the workspace\'s version 0.1.0',
      '@seqlm/train dependencies "@seqlm/core": "workspace-ish" is not a semver range',
    ]);
  });
});

describe('the published packages', () => {
  it('carry the LICENSE, repository, homepage and bugs, and build before they are packed', async () => {
    const published = (await workspaces(repoRoot)).filter((w) => w.manifest.private !== true);
    expect(published.map((w) => w.manifest.name).sort()).toEqual(['@seqlm/core', '@seqlm/train']);
    for (const { dir, manifest } of published) {
      expect(existsSync(join(repoRoot, dir, 'LICENSE')), `${dir}/LICENSE`).toBe(true);
      expect(manifest['license']).toBe('MIT');
      expect(manifest['files'], dir).toContain('LICENSE');
      expect(manifest['repository'], dir).toMatchObject({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/github\.com\/.+\.git$/), directory: dir });
      expect(manifest['homepage'], dir).toMatch(/^https:\/\//);
      expect(manifest['bugs'], dir).toMatchObject({ url: expect.stringMatching(/^https:\/\//) });
      // npm pack and npm publish run prepack: a package folder never ships a stale dist/.
      expect(manifest.scripts?.['prepack'], dir).toBe('npm run build');
      expect(manifest.scripts?.['lint:types'], dir).toMatch(/^attw --pack \. /);
    }
    expect(await readFile(join(repoRoot, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
  });

  it('are published by `npm run release` only after typecheck, tests, publint and are-the-types-wrong', async () => {
    const root = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
    const steps = root.scripts!['release']!.split('&&').map((s) => s.trim());
    expect(steps.at(-1)).toBe('changeset publish');
    const before = steps.slice(0, -1).join(' ');
    for (const task of ['build', 'typecheck', 'test', 'lint:publish']) expect(before, task).toMatch(new RegExp(`turbo run [^&]*\\b${task}\\b`));
    expect(steps).toContain('npm run lint:types');
    expect(root.scripts!['lint:types']).toMatch(/^turbo run lint:types\b/);
  });
});

describe('a release dry run: `changeset version` on a scratch copy', () => {
  it('with a major @seqlm/core changeset, bumps every dependent and moves its range to the new core', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'seqlm-release-'));
    try {
      const all = await workspaces(repoRoot);
      // Only the manifests, the lockfile (changesets finds npm workspaces through it) and the changesets config.
      for (const file of ['package.json', 'package-lock.json', '.changeset/config.json']) await cp(join(repoRoot, file), join(scratch, file));
      for (const w of all) {
        await mkdir(join(scratch, w.dir), { recursive: true });
        await cp(join(repoRoot, w.dir, 'package.json'), join(scratch, w.dir, 'package.json'));
      }
      // The changelog generator named in config.json resolves from here.
      await symlink(join(repoRoot, 'node_modules'), join(scratch, 'node_modules'), 'dir');
      await writeFile(join(scratch, '.changeset', 'core-breaks.md'), '---\n"@seqlm/core": major\n---\n\nBreak the core API (release dry run).\n');

      await promisify(execFile)(process.execPath, [join(repoRoot, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'], { cwd: scratch, env: { ...process.env, CI: 'true' } });

      const before = new Map(all.map((w) => [w.manifest.name, w.manifest.version]));
      const after = await workspaces(scratch);
      const version = (name: string): string => after.find((w) => w.manifest.name === name)!.manifest.version;
      const core = semver.inc(before.get('@seqlm/core')!, 'major')!;
      expect(version('@seqlm/core')).toBe(core);
      for (const dependent of ['@seqlm/train', '@seqlm/edge-api', '@seqlm/playground']) {
        // Out of range of the new core, so each dependent gets a patch release of its own.
        expect(version(dependent), dependent).toBe(semver.inc(before.get(dependent)!, 'patch'));
      }
      const deps = internalDependencies(after);
      const range = (from: string, name: string): string | undefined => deps.find((d) => d.from === from && d.name === name)?.range;
      expect(range('@seqlm/train', '@seqlm/core')).toBe(`^${core}`);
      expect(range('@seqlm/playground', '@seqlm/core')).toBe(`^${core}`);
      expect(range('@seqlm/edge-api', '@seqlm/core')).toBe(`^${core}`);
      expect(range('@seqlm/edge-api', '@seqlm/train')).toBe(`^${version('@seqlm/train')}`);
      expect(rangeProblems(deps)).toEqual([]);
      expect(await readFile(join(scratch, 'packages', 'train', 'CHANGELOG.md'), 'utf8')).toContain(`@seqlm/core@${core}`);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
