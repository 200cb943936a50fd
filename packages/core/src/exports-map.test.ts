import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every concept folder is one public entry (`@seqlm/core/<concept>`); the map and the folders must not drift.
const pkgDir = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
};

const concepts = readdirSync(join(pkgDir, 'src'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(pkgDir, 'src', d.name, 'index.ts')))
  .map((d) => d.name)
  .sort();

describe('@seqlm/core exports map', () => {
  it('has one subpath per concept folder, types first, pointing at the built entry', () => {
    const subpaths = Object.keys(pkg.exports)
      .filter((k) => k !== '.' && k !== './package.json')
      .map((k) => k.slice(2))
      .sort();
    expect(subpaths).toEqual(concepts);
    for (const concept of concepts) {
      const entry = pkg.exports[`./${concept}`];
      expect(typeof entry === 'object' && Object.keys(entry)).toEqual(['types', 'default']);
      expect(entry).toEqual({ types: `./dist/${concept}/index.d.ts`, default: `./dist/${concept}/index.js` });
    }
  });

  it('re-exports every concept from the root entry', () => {
    const root = readFileSync(join(pkgDir, 'src', 'index.ts'), 'utf8');
    for (const concept of concepts) expect(root).toContain(`./${concept}/index.ts`);
  });
});
