import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'playground',
    // Unit tests beside the code; the browser tests in e2e/ build the site, start the edge API (wrangler dev) and drive Chromium.
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
