import { runLoadTest } from '../loadtest/engine.js'
import { errorRatePct } from '../loadtest/render.js'
import type { Phase } from '../loadtest/phases.js'
import type { QuickSpec } from '../loadtest/run-share.js'
import type { Plan } from '../loadtest/script.js'

export interface Slo {
  metric: 'p50' | 'p90' | 'p95' | 'p99'
  thresholdMs: number
}

export interface CapacityStep {
  rate: number
  /** The SLO metric's value in that run (ms, from the intended start: queueing counts). */
  latencyMs: number
  errorsPct: number
  achieved: number | null
  held: boolean
  generatorSaturated: boolean
}

export interface Capacity {
  /** The highest arrival rate (requests/s) at which the SLO held; 0 when it failed at the first rate. */
  rate: number
  /** The lowest rate that failed, when one did: the capacity lies between `rate` and this. */
  failedAt: number | null
  /** 'server': a rate failed the SLO; 'generator': the load generator could not send more (the server can do at least `rate`); 'max-rate': --max-rate reached. */
  limitedBy: 'server' | 'generator' | 'max-rate'
  steps: CapacityStep[]
}

/** Errors above this share of requests fail a step whatever the latency: fast errors are not capacity. */
const MAX_ERRORS_PCT = 1

/** A scenario's peak arrival rate (virtual users a second): the highest of its rate phases' rates and ramps, and of its count phases' averages. */
export function peakArrivalRate(phases: readonly Phase[]): number {
  return Math.max(
    0,
    ...phases.map((p) =>
      p.kind === 'rate' ? Math.max(p.arrivalRate, p.rampTo ?? 0) : p.kind === 'count' && p.durationMs > 0 ? (p.arrivalCount / p.durationMs) * 1000 : 0,
    ),
  )
}

/** The scenario with every arrival rate (and count) multiplied by `factor`; durations, pauses and user caps unchanged. */
export function scalePlan(plan: Plan, factor: number): Plan {
  return {
    ...plan,
    phases: plan.phases.map((p) =>
      p.kind === 'rate'
        ? { ...p, arrivalRate: p.arrivalRate * factor, ...(p.rampTo !== undefined ? { rampTo: p.rampTo * factor } : {}) }
        : p.kind === 'count'
          ? { ...p, arrivalCount: Math.max(1, Math.round(p.arrivalCount * factor)) }
          : p,
    ),
  }
}

/**
 * The highest arrival rate at which the SLO holds, on the open model (every request timed from its scheduled start,
 * so queueing at the server shows as latency: no coordinated omission). The rate doubles from `startRate` until a run
 * fails the SLO (or errs on more than 1% of requests), then is bisected (geometrically) until the bracket is within
 * `precision`. A rate at which the generator itself fell behind (late arrivals, achieved rate under 99%) three times
 * in a row ends the search as "the generator's limit": the server did at least that, and no server limit is claimed. Arrivals
 * skipped because the requests in flight hit their cap are the server's doing: that step fails like an SLO breach.
 */
export async function findCapacity(o: {
  /** URL mode: one request, at `rate` requests a second. */
  url?: string
  request?: Omit<QuickSpec, 'url' | 'rate' | 'durationMs' | 'amount'>
  /**
   * Scenario mode: the scenario (its target set), run with its arrival rates scaled so that its peak is `rate` virtual
   * users a second; its phases' durations are each step's length.
   */
  plan?: Plan
  slo: Slo
  runMs: number
  startRate: number
  maxRate: number
  precision: number
  workers?: number
  timeoutMs?: number
  now: () => number
  onStep?: (s: CapacityStep) => void
  stop?: { requested: boolean }
}): Promise<Capacity> {
  const steps: CapacityStep[] = []
  const run = async (rate: number): Promise<CapacityStep> => {
    const peak = o.plan ? peakArrivalRate(o.plan.phases) : 0
    const r = await runLoadTest({
      ...(o.plan
        ? { plan: scalePlan(o.plan, rate / peak) }
        : {
            // At least 20 requests a step, or a p99 is one request's latency.
            // One warm-up request per connection: the busy warm-up would hand the server a backlog before the step starts.
            quick: { ...o.request!, url: o.url!, rate, durationMs: Math.max(o.runMs, (20 / rate) * 1000), warmRepeat: false },
            // Connections by Little's law with room: twice the rate x the SLO's latency, so the client never queues while
            // the SLO can hold. The engine's default (64 a worker, opened as needed) put the connects of a low-rate step's
            // first requests in its p99 (146 ms at 50/s against a 10 ms server, 14.6 ms with 4 connections).
            connections: Math.ceil(2 * rate * (o.slo.thresholdMs / 1000)) + 4,
          }),
      ...(o.workers ? { workers: o.workers } : {}),
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      now: o.now,
      ...(o.stop ? { stop: o.stop } : {}),
    })
    const latencyMs = r.latency.corrected[o.slo.metric]
    const errorsPct = errorRatePct(r)
    const step = {
      rate: Math.round(rate * 100) / 100,
      latencyMs,
      errorsPct: Math.round(errorsPct * 1000) / 1000,
      achieved: r.rate.achieved,
      held: (r.counters['http.responses'] ?? 0) > 0 && latencyMs < o.slo.thresholdMs && errorsPct <= MAX_ERRORS_PCT && !r.generator.saturated,
      // Arrivals skipped at the in-flight cap were waiting on the server, not on the client: the step failed at the
      // server (the engine counts it as saturation too, and an overloaded scenario step once ended a search in CI as
      // "the generator's limit").
      generatorSaturated: r.generator.saturated && (r.counters['vusers.skipped'] ?? 0) === 0,
    }
    steps.push(step)
    o.onStep?.(step)
    return step
  }
  // A step where the generator fell behind is run again, up to twice: a pause on a shared machine (a GC, a neighbour)
  // is not a client limit, and one such step ended a search in CI; three saturated runs at the same rate are.
  const step = async (rate: number): Promise<CapacityStep> => {
    let s = await run(rate)
    for (let again = 0; again < 2 && s.generatorSaturated; again++) s = await run(rate)
    return s
  }
  let lo = 0
  let rate = o.startRate
  // 1. Double until a rate fails.
  for (;;) {
    if (o.stop?.requested) return { rate: lo, failedAt: null, limitedBy: 'server', steps }
    const s = await step(rate)
    if (s.generatorSaturated) return { rate: lo, failedAt: null, limitedBy: 'generator', steps }
    if (!s.held) break
    lo = rate
    if (rate >= o.maxRate) return { rate: lo, failedAt: null, limitedBy: 'max-rate', steps }
    rate = Math.min(rate * 2, o.maxRate)
  }
  let hi = rate
  // 2. Bisect the bracket (lo held, hi failed) down to the precision.
  while (lo > 0 ? hi / lo > 1 + o.precision : hi > o.startRate / 64) {
    if (o.stop?.requested) break
    const mid: number = lo > 0 ? Math.sqrt(lo * hi) : hi / 2
    const s = await step(mid)
    if (s.generatorSaturated) return { rate: lo, failedAt: hi, limitedBy: 'generator', steps }
    if (s.held) lo = mid
    else hi = mid
  }
  return { rate: Math.round(lo * 100) / 100, failedAt: Math.round(hi * 100) / 100, limitedBy: 'server', steps }
}
