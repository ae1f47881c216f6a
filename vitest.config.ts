import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/integration/**", "node_modules/**"],
    setupFiles: ["test/helpers/setup.ts"],
    pool: "forks",
    testTimeout: 20_000,
  },
});
