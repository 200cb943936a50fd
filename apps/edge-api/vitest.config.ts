import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineProject } from 'vitest/config';

// Tests run inside workerd with the same wrangler config as `wrangler dev`.
export default defineProject({
  plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.jsonc' } })],
  test: {
    name: 'edge-api',
    include: ['test/**/*.test.ts'],
  },
});
