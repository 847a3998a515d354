/**
 * Arrival schedules for Artillery's three phase forms, computed analytically so every arrival carries the time it was
 * due (the "intended" start that corrects coordinated omission). Unlike Artillery, a ramp is continuous (the rate
 * rises linearly within each second instead of in 1-second steps) and nothing busy-polls: the engine sleeps until the
 * next arrival is due.
 */
export type Phase =
  | { kind: 'rate'; durationMs: number; arrivalRate: number; rampTo?: number; maxVusers?: number; name?: string }
  | { kind: 'count'; durationMs: number; arrivalCount: number; maxVusers?: number; name?: string }
  | { kind: 'pause'; durationMs: number; name?: string }

export interface Arrival {
  /** ms after the run's start */
  at: number
  phase: number
  /** global arrival number, 0-based */
  index: number
}

/** Arrivals of one phase, relative to its own start (ms). */
export function phaseArrivalCount(p: Phase): number {
  if (p.kind === 'pause') return 0
  if (p.kind === 'count') return Math.max(0, Math.floor(p.arrivalCount))
  const a = p.arrivalRate
  const b = p.rampTo ?? a
  return Math.max(0, Math.floor(((a + b) / 2) * (p.durationMs / 1000) + 1e-9))
}

/** Time (ms from the phase start) of arrival i of a phase: the inverse of its cumulative arrival count. */
export function phaseArrivalAt(p: Phase, i: number): number {
  if (p.kind === 'count') return (i * p.durationMs) / Math.max(1, p.arrivalCount)
  if (p.kind === 'pause') return 0
  const a = p.arrivalRate
  const b = p.rampTo ?? a
  const d = p.durationMs / 1000
  if (Math.abs(b - a) < 1e-12) return (i / a) * 1000
  const k = (b - a) / d
  // N(t) = a t + k t^2 / 2 = i  ->  t = (sqrt(a^2 + 2 k i) - a) / k
  const disc = Math.max(0, a * a + 2 * k * i)
  return ((Math.sqrt(disc) - a) / k) * 1000
}

export function totalDurationMs(phases: readonly Phase[]): number {
  return phases.reduce((s, p) => s + p.durationMs, 0)
}

export function totalArrivals(phases: readonly Phase[]): number {
  return phases.reduce((s, p) => s + phaseArrivalCount(p), 0)
}

/** Arrivals in time order; with `share` only every `of`-th arrival starting at `index` (one worker's share). */
export function* arrivals(phases: readonly Phase[], share: { index: number; of: number } = { index: 0, of: 1 }): Generator<Arrival> {
  let start = 0
  let global = 0
  for (let pi = 0; pi < phases.length; pi++) {
    const p = phases[pi]!
    const n = phaseArrivalCount(p)
    for (let i = 0; i < n; i++, global++) if (global % share.of === share.index) yield { at: start + phaseArrivalAt(p, i), phase: pi, index: global }
    start += p.durationMs
  }
}
