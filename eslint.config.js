import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'bin/**',
      'bench-out/**',
      'scripts/bench.mjs',
      'scripts/bench-scaling.mjs',
      'scripts/bench-loadtest.mjs',
      'scripts/bench-target.mjs',
      'scripts/bench-cache.mjs',
      'scripts/bench-shards.mjs',
      'scripts/bench-report.mjs',
      'scripts/bench-fleet.mjs',
      'scripts/bench-clickhouse.mjs',
      'scripts/bench-clickhouse-step.mjs',
      'examples/**/*.mjs',
      'test/fixtures/**/*.mjs',
      'eslint.config.js',
      // The report page's browser script: plain JS with no types to check; test/e2e/html.test.ts runs it in Chromium.
      'assets/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Import boundaries (HOUSE-STYLE §7.2). Nothing below the CLI imports it (it parses flags and prints; the library
    // must work without it), and only src/store/ talks to DuckDB. The rules for narrower layers follow and replace this.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/cli/**', 'src/store/**', 'src/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@duckdb/*', '**/cli/**'] }],
    },
  },
  {
    files: ['src/store/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/cli/**', '**/app/**'] }],
    },
  },
  {
    // Catalogs are data and lookups; catalog/load.ts alone reads the bundled files (loadServiceCatalogs), once, at the edge.
    files: ['src/catalog/**/*.ts'],
    ignores: ['src/catalog/**/*.test.ts', 'src/catalog/load.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@duckdb/*', '**/cli/**', 'node:fs', 'node:fs/*'] }],
    },
  },
  {
    // Analyzers and simulators are pure: no store, no files, no CLI; core imports nothing else.
    files: ['src/analyzers/**/*.ts', 'src/simulators/**/*.ts'],
    ignores: ['src/analyzers/**/*.test.ts', 'src/simulators/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@duckdb/*', '**/store/duckdb/**', 'node:fs', 'node:fs/*', '**/cli/**'] }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../*/**', '!../core/**', '@duckdb/*'] }],
    },
  },
  {
    files: ['scripts/**', 'test/**', 'src/**/*.test.ts', 'eslint.config.js', 'vitest.config.ts'],
    rules: { 'no-console': 'off' },
  },
)
