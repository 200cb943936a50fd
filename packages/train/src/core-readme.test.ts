import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './testing.test-util.ts';

/** The ```ts blocks of one `## ` section of a README, in order. */
function snippets(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

describe("@seqlm/core's README", () => {
  it('runs its "Run a model directory" examples as written, against the built package', () => {
    const blocks = snippets(readFileSync(join(repoRoot, 'packages', 'core', 'README.md'), 'utf8'), 'Run a model directory');
    expect(blocks).toHaveLength(4);
    for (const block of blocks.slice(1)) expect(block.trim().split('\n').length).toBeLessThanOrEqual(5);
    // In the repository root, so `@seqlm/core` resolves to the workspace's build and paths to the fixtures.
    const file = join(repoRoot, `.core-readme-${process.pid}.ts`);
    writeFileSync(file, blocks.join('\n'));
    try {
      const run = spawnSync(process.execPath, [file], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^next: ".*" p=0\.\d{3}\n/);
      expect(run.stdout).toMatch(/\nperplexity \d+\.\d{3} over \d+ tokens, \d+\.\d{3} bits\/token\n$/);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
