/** Side effects come in through this object so tests never mock modules (HOUSE-STYLE §7.1.6). */
export interface Effects {
  stdout: { write(s: string): unknown; isTTY?: boolean }
  stderr: { write(s: string): unknown; isTTY?: boolean }
  now(): number
  env: Readonly<Record<string, string | undefined>>
  cwd: string
}

/**
 * The process's effects. SOURCE_DATE_EPOCH (seconds; the reproducible-builds convention) fixes the clock, so two runs
 * over the same workspace write byte-identical reports (`generatedAt` is the only clock a report carries).
 */
export function defaultEffects(): Effects {
  const fixed =
    process.env.SOURCE_DATE_EPOCH !== undefined && /^\d+$/.test(process.env.SOURCE_DATE_EPOCH) ? Number(process.env.SOURCE_DATE_EPOCH) * 1000 : undefined
  return { stdout: process.stdout, stderr: process.stderr, now: fixed === undefined ? () => Date.now() : () => fixed, env: process.env, cwd: process.cwd() }
}
