import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'core',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // vitest's 5 s default is too near for the corpus-sized tests on a busy 2-core machine:
    // 0.3-0.8 s idle took 2.4-4.9 s beside two CPU-bound processes.
    testTimeout: 30_000,
  },
});
