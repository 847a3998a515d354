/**
 * Lambda's REPORT log line, read by `experiment --lambda` (from each invocation's log tail) and by
 * `collect lambda-logs` (from exported logs).
 */

/** One invocation as the REPORT line of its log tail tells it (Lambda's own measurement, not the round trip). */
export interface Report {
  durationMs: number
  billedMs: number
  memoryMB: number
  maxMemoryUsedMB: number
  /** Present on a cold start: the environment's init phase. */
  initMs: number | null
}

/**
 * The REPORT line of an invocation's log tail: `REPORT RequestId: id\tDuration: 395.99 ms\tBilled Duration: 662 ms\t
 * Memory Size: 512 MB\tMax Memory Used: 301 MB\tInit Duration: 265.72 ms`, anywhere in a line (exports prefix a
 * timestamp and the log stream). The values are decimals (Billed Duration
 * too, in some runtimes' logs); Init Duration only on a cold start. Undefined when the tail has no REPORT line (the
 * 4 KB tail can lose it behind a long log: the invocation then counts as unmeasured, not as 0 ms).
 */
export function parseReport(log: string): Report | undefined {
  const line = log
    .split('\n')
    .map((l) => l.slice(Math.max(0, l.indexOf('REPORT RequestId:'))))
    .find((l) => l.startsWith('REPORT '))
  if (!line) return undefined
  const num = (label: string) => {
    const m = new RegExp(`${label}: ([\\d.]+) (?:ms|MB)`).exec(line)
    return m ? Number(m[1]) : undefined
  }
  const durationMs = num('(?<!Billed |Init |Restore )Duration')
  const billedMs = num('(?<!Restore )Billed Duration')
  if (durationMs === undefined || billedMs === undefined) return undefined
  // A SnapStart function's cold start restores a snapshot instead of initialising: its Restore Duration is that start's cost.
  const initMs = num('Init Duration') ?? num('(?<!Billed )Restore Duration') ?? null
  return { durationMs, billedMs, memoryMB: num('Memory Size') ?? 0, maxMemoryUsedMB: num('Max Memory Used') ?? 0, initMs }
}
