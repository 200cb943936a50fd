import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'train',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // Builds dist/ once: the CLI tests run bin/seqlm.js and the pack test packs the built package.
    globalSetup: ['src/build-dist.test-util.ts'],
  },
});
