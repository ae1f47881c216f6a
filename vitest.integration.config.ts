import { defineConfig } from "vitest/config";

/** Tests that need a real Redis and load tests: `npm run test:integration` (CI runs it after `npm test`). */
export default defineConfig({
  test: {
    include: ["test/integration/**/*.test.ts"],
    setupFiles: ["test/helpers/setup.ts"],
    globalSetup: ["test/integration/redis-server.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
