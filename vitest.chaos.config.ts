import { defineConfig } from 'vitest/config';

// The chaos suite kills processes, cuts SMTP and the database, and loads the service: it takes
// minutes, so it runs apart from `npm test` (`npm run test:chaos`; .ci/run runs both).
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
