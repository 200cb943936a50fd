import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineProject } from 'vitest/config';

// Tests run inside workerd with the same wrangler config as `wrangler dev` (its top level: no rate
// limit, no R2), plus real local simulations of a Rate Limiting binding and an R2 bucket under
// other names, which test/rate-limit.test.ts and test/r2.test.ts hand to workers of their own.
export default defineProject({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: {
        ratelimits: { TEST_RATE_LIMITER: { namespace_id: '9001', simple: { limit: 3, period: 60 } } },
        // A local R2 simulation (workerd's own, in memory) that test/r2.test.ts uploads models to.
        r2Buckets: ['TEST_MODELS'],
      },
    }),
  ],
  test: {
    name: 'edge-api',
    include: ['test/**/*.test.ts'],
  },
});
