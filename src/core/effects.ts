/** Side effects come in through this object so tests never mock modules (HOUSE-STYLE §7.1.6). */
export interface Effects {
  stdout: { write(s: string): unknown; isTTY?: boolean }
  stderr: { write(s: string): unknown; isTTY?: boolean }
  now(): number
  env: Readonly<Record<string, string | undefined>>
  cwd: string
}

export function defaultEffects(): Effects {
  return { stdout: process.stdout, stderr: process.stderr, now: () => Date.now(), env: process.env, cwd: process.cwd() }
}
