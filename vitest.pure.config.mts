import { defineConfig } from 'vitest/config';

// Pure-logic tests only (no database): handy while iterating on a domain module.
// `npm test` runs everything through vitest.config.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
