/**
 * Per-minute demand from stored samples. A sample at time t with period p stands for [t, t + p) (CloudWatch
 * stamps a period with its start), so 5-minute data is held for its five minutes. Minutes no sample covers hold
 * the last value seen and are counted as gap minutes, which the result reports as evidence.
 */
export interface SeriesPoints {
  ts: Float64Array
  values: Float64Array
  periodSec: number
  /** Multiplier into capacity units (e.g. vCPUs x recorded instances / 100 for a group's average CPU). */
  weight: number
}

export function minuteDemand(
  series: readonly SeriesPoints[],
  window: { start: number; end: number },
): { demand: Float64Array; startMs: number; gapMinutes: number } {
  const startMs = Math.floor(window.start / 60_000) * 60_000 + 60_000
  const minutes = Math.max(0, Math.floor((window.end - startMs) / 60_000) + 1)
  const demand = new Float64Array(minutes)
  let gapMinutes = 0
  for (const s of series) {
    const covered = new Uint8Array(minutes)
    let last = 0
    let i = 0
    for (let t = 0; t < minutes; t++) {
      const at = startMs + t * 60_000
      while (i + 1 < s.ts.length && s.ts[i + 1]! <= at) i++
      const ts = s.ts[i]
      if (ts !== undefined && ts <= at) {
        last = s.values[i]!
        if (at < ts + s.periodSec * 1000) covered[t] = 1
      }
      demand[t]! += last * s.weight
    }
    for (let t = 0; t < minutes; t++) if (!covered[t]) gapMinutes++
  }
  return { demand, startMs, gapMinutes }
}
