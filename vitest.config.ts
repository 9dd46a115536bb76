import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Each file opens its own database (a PGlite instance or a PostgreSQL schema).
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
