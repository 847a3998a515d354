import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // DuckDB, Prometheus and the spawned CLI are real; give slow shared machines room without timing anything. Every
    // test and hook fits in 120 s with 3x margin on the worst case measured on 2 cores with both cores busy (a spinning
    // process beside the whole suite, docs/benchmarks.md "The test suite under load"); the few longer ones set their
    // own timeout by the same rule, next to the measurement.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'test/golden/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
})
