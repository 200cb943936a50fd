// The declarations a consumer's compiler reads must not reach TensorFlow.js's or onnx-proto's: their own .d.ts
// name a global `Long` that only @types/long@4 declares, so a consumer with `skipLibCheck: false` fails to build.
// This walks the built declarations from every entry of the exports map (globalSetup builds dist/);
// pack.test.ts compiles a real consumer against the packed package.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './testing.test-util.ts';

/** Modules whose declarations fail a `skipLibCheck: false` build (`Cannot find name 'Long'`). */
const UNCHECKABLE = ['@tensorflow/', 'onnx-proto', 'protobufjs'];

interface ExportEntry {
  types?: string;
}

/** Every .d.ts reachable from `entry` through relative imports, with the bare modules each one imports. */
function declarationGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (graph.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    graph.set(file, specifiers.filter((s) => !s.startsWith('.')));
    for (const s of specifiers.filter((x) => x.startsWith('.'))) pending.push(resolve(dirname(file), s.replace(/\.(ts|js)$/, '.d.ts')));
  }
  return graph;
}

describe('the public declarations', () => {
  const pkg = JSON.parse(readFileSync(resolve(packageRoot, 'package.json'), 'utf8')) as { exports: Record<string, ExportEntry | string> };
  const entries = Object.entries(pkg.exports).filter((e): e is [string, ExportEntry & { types: string }] => typeof e[1] === 'object' && e[1].types !== undefined);

  it('cover every subpath of the exports map', () => {
    expect(entries.map(([subpath]) => subpath)).toContain('.');
    expect(entries.length).toBeGreaterThan(3);
  });

  it.each(entries.map(([subpath, e]) => [subpath, e.types]))('%s never imports TensorFlow.js or onnx-proto types', (_subpath, types) => {
    const leaks: string[] = [];
    for (const [file, modules] of declarationGraph(resolve(packageRoot, types))) {
      for (const m of modules) if (UNCHECKABLE.some((u) => m.startsWith(u))) leaks.push(`${relative(packageRoot, file)} imports ${m}`);
    }
    expect(leaks).toEqual([]);
  });
});
