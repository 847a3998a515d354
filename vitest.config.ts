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
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: ['test/e2e/experiment.test.ts'] } },
      // The experiment tests measure small differences between servers on this machine and count false claims: run
      // with another test file beside them (2 files at once on 2 cores), bursts of that file's load hit one arm's run
      // and not the other's, and 4 of 20 identical-server experiments claimed a difference (CI, 2026-12-03). `npm test`
      // runs this project alone, after the others.
      { extends: true, test: { name: 'e2e-alone', include: ['test/e2e/experiment.test.ts'] } },
    ],
  },
})
