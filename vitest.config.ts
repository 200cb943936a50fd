import { defineConfig } from 'vitest/config';

// One entry per workspace; each keeps its own vitest config (the edge API runs inside workerd).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
