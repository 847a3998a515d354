/**
 * The one table of process exit codes (HOUSE-STYLE §7.5, after k6's errext/exitcodes).
 * docs/exit-codes.md is checked against this table by a test.
 */
export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  SOURCE: 3,
  GATE: 4,
  THRESHOLDS: 5,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export const EXIT_CODE_TABLE: readonly { code: ExitCode; name: keyof typeof EXIT; meaning: string }[] = [
  { code: 0, name: 'OK', meaning: 'success' },
  { code: 1, name: 'INTERNAL', meaning: 'unexpected internal error (a bug: please report it with --debug output)' },
  { code: 2, name: 'USAGE', meaning: 'usage, configuration or input data invalid (nothing was written)' },
  { code: 3, name: 'SOURCE', meaning: 'source or store error: auth, network, locked or newer workspace' },
  { code: 4, name: 'GATE', meaning: '`--fail-on` gate tripped by a finding or risk' },
  { code: 5, name: 'THRESHOLDS', meaning: 'load-test thresholds failed' },
]
