import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'train',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // The CLI tests spawn Node and train small models: up to 23 s each beside two CPU-bound processes.
    testTimeout: 180_000,
    // Builds dist/ once: the CLI tests run bin/seqlm.js and the pack test packs the built package.
    globalSetup: ['src/build-dist.test-util.ts'],
  },
});
