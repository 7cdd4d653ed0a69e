import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Store suites share one PostgreSQL database; files run in separate workers but each
    // suite creates its own schema, so parallel files do not collide.
    testTimeout: 20_000,
    // PostgreSQL and Redis on their default local ports, when TEST_DATABASE_URL / TEST_REDIS_URL are not set.
    globalSetup: ['test/global-setup.ts'],
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
