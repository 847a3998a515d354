import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // DuckDB and the spawned CLI are real; give slow shared machines room without timing anything.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'test/golden/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
})
