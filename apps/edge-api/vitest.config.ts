import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineProject } from 'vitest/config';

// Tests run inside workerd with the same wrangler config as `wrangler dev` (its top level: no rate
// limit), plus a real local Rate Limiting binding under another name, which test/rate-limit.test.ts
// hands to a worker of its own as RATE_LIMITER so that no other test is counted.
export default defineProject({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: { ratelimits: { TEST_RATE_LIMITER: { namespace_id: '9001', simple: { limit: 3, period: 60 } } } },
    }),
  ],
  test: {
    name: 'edge-api',
    include: ['test/**/*.test.ts'],
  },
});
