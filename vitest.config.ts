import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS entry for the libraries; make tests use the same copy,
    // or graphql's instanceof checks see two realms.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Each file opens its own database (a PGlite instance or a PostgreSQL schema).
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
