import type { Catalog } from '../catalog/catalog.js'
import { VERSION } from '../core/version.js'
import { runLoadTest } from '../loadtest/engine.js'
import { errorRatePct } from '../loadtest/render.js'
import type { LoadTestResult } from '../loadtest/result.js'
import type { QuickSpec } from '../loadtest/run-share.js'
import type { Plan } from '../loadtest/script.js'
import { EXPERIMENT_SCHEMA_VERSION, type ExperimentMetric, type ExperimentResult } from './result.js'
import { findCapacity, type Capacity, type CapacityStep, type Slo } from './capacity.js'
import { bootstrapMean, pairedRatio, roundOrder } from './stats.js'

export interface Arm {
  name: string
  /** Base URL (scenario mode: the scenario's target) or the full URL (URL mode). */
  target: string
  type?: string
}

export interface ExperimentOptions {
  arms: readonly Arm[]
  /** Scenario mode: the plan, retargeted at each arm. */
  plan?: Plan
  /** URL mode: the request and the load; `url` is replaced by each arm's. */
  quick?: Omit<QuickSpec, 'url'>
  rounds: number
  confidence: number
  region: string
  catalog: Catalog
  slo?: Slo
  /** --find-capacity: search each arm's highest rate at which `slo` holds instead of running rounds (URL mode: requests/s; scenario: peak arrivals/s). */
  capacity?: { runMs: number; startRate: number; maxRate: number; precision: number }
  onStep?: (arm: string, s: CapacityStep) => void
  workers?: number
  connections?: number
  timeoutMs?: number
  now: () => number
  /** URL mode: run each arm once, unrecorded, before round 1 (a JIT-compiled or cache-backed server starts cold). */
  warmup?: boolean
  /** Each finished run, for a progress line. */
  onRun?: (arm: string, round: number, r: LoadTestResult) => void
  stop?: { requested: boolean }
}

const pct = (r: number) => Math.abs((r - 1) * 100)
/** The metrics rounds compare (a capacity search compares capacity instead). */
type RoundMetric = Exclude<ExperimentMetric, 'capacity' | 'capacityPerDollar'>
const f1 = (x: number) => x.toFixed(1)

/** How one arm compares to the baseline on one metric, in words, with the interval. */
function statement(metric: RoundMetric, arm: string, base: string, r: { mean: number; lo: number; hi: number; significant: boolean }, level: number) {
  const ci = `${(level * 100).toFixed(0)}% interval ${f1((r.lo - 1) * 100)}% .. ${f1((r.hi - 1) * 100)}%`
  const what: Record<RoundMetric, string> = { requestsPerSec: 'throughput', p50: 'p50 latency', p99: 'p99 latency', costPerMillion: 'cost per request' }
  if (!r.significant) return `${arm} vs ${base}: no significant difference in ${what[metric]} (${r.mean >= 1 ? '+' : '-'}${f1(pct(r.mean))}%, ${ci})`
  const by = `${f1(pct(r.mean))}% +- ${f1(((r.hi - r.lo) / 2) * 100)}%`
  const up = r.mean > 1
  const says: Record<RoundMetric, string> = {
    requestsPerSec: `${arm} serves ${by} ${up ? 'more' : 'fewer'} requests per second than ${base}`,
    p50: `${arm}'s p50 latency is ${by} ${up ? 'higher' : 'lower'} than ${base}'s`,
    p99: `${arm}'s p99 latency is ${by} ${up ? 'higher' : 'lower'} than ${base}'s`,
    costPerMillion: `${arm} is ${by} ${up ? 'dearer' : 'cheaper'} per request than ${base}`,
  }
  return `${says[metric]} (${ci})`
}

/** The fields every experiment result starts with. */
const header = (startedAt: number) => ({
  schemaVersion: EXPERIMENT_SCHEMA_VERSION,
  tool: 'headroom' as const,
  version: VERSION,
  kind: 'experiment' as const,
  startedAt,
})
/** The request every arm is sent in URL mode, as `GET /path?query`. */
const requestLine = (o: ExperimentOptions) => {
  const u = new URL(o.arms[0]!.target)
  return `${o.quick!.method} ${u.pathname}${u.search}`
}
/** The on-demand price of an arm's type in the region, or null (no type, or none in the catalog). */
const priceOf = (o: ExperimentOptions, a: Arm) => (a.type ? (o.catalog.priceUsd(a.type, o.region) ?? null) : null)

/** Higher is better for throughput; lower for latency and cost. */
const BETTER_HIGH: Record<RoundMetric, boolean> = { requestsPerSec: true, p50: false, p99: false, costPerMillion: false }

/**
 * Runs the same load against every arm, round after round, alternating the order (A B, B A, ...), then compares each
 * arm with the first on paired rounds. The verdict rests on one metric: cost per request when every arm is priced and
 * the model is closed (throughput is what the arm can do), else throughput (closed) or p99 latency (open: the same
 * arrival rate everywhere, so the latency at that load is what differs).
 */
export async function runExperiment(o: ExperimentOptions): Promise<ExperimentResult> {
  const startedAt = o.now()
  const runs = new Map<string, ExperimentResult['arms'][number]['runs']>(o.arms.map((a) => [a.name, []]))
  const warnings: string[] = []
  const capacities = new Map<string, Capacity>()
  if (o.capacity) {
    if (!o.slo || (!o.quick && !o.plan)) throw new Error('a capacity search needs an SLO and a request or a scenario')
    const quick = o.quick
    const unit = o.plan ? 'arrivals/s' : 'req/s'
    for (const arm of o.arms) {
      if (o.stop?.requested) break
      const c = await findCapacity({
        ...(o.plan
          ? { plan: { ...o.plan, target: arm.target } }
          : {
              url: arm.target,
              request: { method: quick!.method, headers: quick!.headers, ...(quick!.body !== undefined ? { body: quick!.body } : {}), pipelining: 1 },
            }),
        slo: o.slo,
        ...o.capacity,
        ...(o.workers ? { workers: o.workers } : {}),
        ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
        now: o.now,
        ...(o.stop ? { stop: o.stop } : {}),
        onStep: (s) => o.onStep?.(arm.name, s),
      })
      capacities.set(arm.name, c)
      if (c.limitedBy === 'generator')
        warnings.push(
          `${arm.name}: the load generator could not send more than it did: the server held the SLO up to at least ${c.rate} ${unit}; use more --workers or another client machine`,
        )
      if (c.limitedBy === 'max-rate') warnings.push(`${arm.name}: the SLO still held at --max-rate ${c.rate} ${unit}: its capacity is higher`)
    }
    return capacityResult(o, startedAt, capacities, warnings)
  }
  // A cold arm (JIT, caches, connection pools) would lose round 1 for a reason that is not its configuration.
  if (o.warmup && o.quick)
    for (const arm of o.arms) {
      if (o.stop?.requested) break
      await runLoadTest({
        quick: { ...o.quick, url: arm.target },
        ...(o.workers ? { workers: o.workers } : {}),
        ...(o.connections ? { connections: o.connections } : {}),
        ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
        now: o.now,
        ...(o.stop ? { stop: o.stop } : {}),
      })
    }
  for (let round = 0; round < o.rounds; round++) {
    for (const [position, arm] of roundOrder(o.arms, round).entries()) {
      if (o.stop?.requested) break
      const r = await runLoadTest({
        ...(o.plan ? { plan: { ...o.plan, target: arm.target } } : {}),
        ...(o.quick ? { quick: { ...o.quick, url: arm.target } } : {}),
        ...(o.workers ? { workers: o.workers } : {}),
        ...(o.connections ? { connections: o.connections } : {}),
        ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
        now: o.now,
        ...(o.stop ? { stop: o.stop } : {}),
      })
      if (r.generator.saturated)
        warnings.push(`${arm.name}, round ${round + 1}: the load generator was saturated (${r.generator.reasons.join('; ')}): that run measured the client too`)
      const c = r.latency.corrected
      runs.get(arm.name)!.push({
        round,
        position,
        requestsPerSec: r.rate.requestsPerSec,
        p50: c.p50,
        p90: c.p90,
        p95: c.p95,
        p99: c.p99,
        errorsPct: Math.round(errorRatePct(r) * 1000) / 1000,
        generatorSaturated: r.generator.saturated,
      })
      o.onRun?.(arm.name, round, r)
    }
  }
  const closed = o.quick ? o.quick.rate === undefined : false
  const arms = o.arms.map((a) => {
    const rs = [...runs.get(a.name)!].sort((x, y) => x.round - y.round)
    const price = priceOf(o, a)
    const costs = price === null ? null : rs.map((r) => (r.requestsPerSec > 0 ? (price / (r.requestsPerSec * 3600)) * 1e6 : Infinity))
    const rps = bootstrapMean(
      rs.map((r) => r.requestsPerSec),
      o.confidence,
    )
    return {
      name: a.name,
      target: a.target,
      type: a.type ?? null,
      pricePerHourUsd: price,
      runs: rs,
      requestsPerSec: rps,
      p50: bootstrapMean(
        rs.map((r) => r.p50),
        o.confidence,
      ),
      p99: bootstrapMean(
        rs.map((r) => r.p99),
        o.confidence,
      ),
      errorsPct: bootstrapMean(
        rs.map((r) => r.errorsPct),
        o.confidence,
      ),
      costPerMillionUsd: costs && costs.every(Number.isFinite) ? bootstrapMean(costs, o.confidence) : null,
      requestsPerUsd: price === null || price === 0 ? null : Math.round((rps.mean * 3600) / price),
      sloHeld: o.slo ? rs.filter((r) => r[o.slo!.metric] < o.slo!.thresholdMs).length : null,
      capacity: null,
    }
  })
  const priced = arms.every((a) => a.costPerMillionUsd !== null)
  const primary: RoundMetric = closed ? (priced ? 'costPerMillion' : 'requestsPerSec') : 'p99'
  const base = arms[0]!
  const series = (a: (typeof arms)[number], m: RoundMetric) =>
    m === 'costPerMillion' ? a.runs.map((r) => (a.pricePerHourUsd! / (r.requestsPerSec * 3600)) * 1e6) : a.runs.map((r) => r[m])
  const comparisons: ExperimentResult['comparisons'] = []
  for (const a of arms.slice(1))
    for (const m of ['requestsPerSec', 'p50', 'p99', ...(priced ? (['costPerMillion'] as const) : [])] as RoundMetric[]) {
      const ratio = pairedRatio(series(base, m), series(a, m), o.confidence)
      if (ratio)
        comparisons.push({
          arm: a.name,
          baseline: base.name,
          metric: m,
          ratio,
          primary: m === primary,
          statement: statement(m, a.name, base.name, ratio, o.confidence),
        })
    }
  const main = comparisons.filter((c) => c.primary)
  // The objective the verdict holds at: named when it held in every round of every arm, else said where it did not.
  const sloText = o.slo ? `${o.slo.metric} < ${o.slo.thresholdMs} ms` : ''
  const sloMissed = o.slo ? arms.filter((a) => a.sloHeld! < a.runs.length) : []
  const sloNote = !o.slo
    ? ''
    : sloMissed.length
      ? `; ${sloText} did not hold in every round (${sloMissed.map((a) => `${a.name} ${a.sloHeld} of ${a.runs.length}`).join(', ')})`
      : ` at ${sloText} (held in every round)`
  const better = main.filter((c) => c.ratio.significant && c.ratio.mean > 1 === BETTER_HIGH[primary]).map((c) => c.arm)
  const worse = main.filter((c) => c.ratio.significant && c.ratio.mean > 1 !== BETTER_HIGH[primary]).map((c) => c.arm)
  if (o.rounds < 3) warnings.push(`${o.rounds} round(s): an interval from so few pairs is wide; 5 or more rounds give a useful one`)
  if (closed && !priced)
    warnings.push('not every arm has a priced type (type=... in --arm, in the catalog for the region): the verdict compares throughput, not cost')
  return {
    ...header(startedAt),
    load: {
      mode: o.plan ? 'scenario' : 'url',
      model: closed ? 'closed' : 'open',
      what: o.plan ? (o.plan.source ?? 'scenario') : requestLine(o),
      runMs: o.quick ? o.quick.durationMs : 0,
      connections: closed ? (o.connections ?? null) : null,
      rate: o.quick?.rate ?? null,
    },
    rounds: o.rounds,
    capacitySearch: null,
    confidence: o.confidence,
    region: o.region,
    slo: o.slo ?? null,
    arms,
    comparisons,
    verdict: {
      metric: primary,
      statement: main.length ? main.map((c) => c.statement).join('; ') + sloNote : 'too few rounds to compare',
      better,
      worse,
    },
    warnings,
  }
}

/**
 * The result of a capacity search. A difference is claimed only when the two brackets do not overlap: an arm that
 * failed at a rate the baseline held is worse; one that held above the rate where the baseline failed is better. Per
 * dollar, the same with each bracket divided by the arm's price.
 */
function capacityResult(o: ExperimentOptions, startedAt: number, caps: Map<string, Capacity>, warnings: string[]): ExperimentResult {
  const slo = o.slo!
  const arms = o.arms.map((a) => {
    const price = priceOf(o, a)
    const c = caps.get(a.name)
    const perUsd = price && c ? Math.round((c.rate * 3600) / price) : null
    return {
      name: a.name,
      target: a.target,
      type: a.type ?? null,
      pricePerHourUsd: price,
      runs: [],
      requestsPerSec: null,
      p50: null,
      p99: null,
      errorsPct: null,
      costPerMillionUsd: null,
      requestsPerUsd: perUsd,
      sloHeld: null,
      capacity: c
        ? {
            rate: c.rate,
            failedAt: c.failedAt,
            limitedBy: c.limitedBy,
            requestsPerUsd: perUsd,
            steps: c.steps,
          }
        : null,
    }
  })
  const priced = arms.every((a) => a.pricePerHourUsd !== null)
  const metric: ExperimentMetric = priced ? 'capacityPerDollar' : 'capacity'
  const per = (a: (typeof arms)[number], x: number) => (priced ? x / a.pricePerHourUsd! : x)
  const base = arms[0]!
  const better: string[] = []
  const worse: string[] = []
  const parts: string[] = []
  const sloText = `${slo.metric} < ${slo.thresholdMs} ms`
  const bracket = (a: (typeof arms)[number]) =>
    `${a.capacity!.rate} ${o.plan ? 'arrivals/s' : 'req/s'}${a.capacity!.failedAt !== null ? ` (failed at ${a.capacity!.failedAt})` : ` (${a.capacity!.limitedBy} limit)`}`
  for (const a of arms.slice(1)) {
    if (!a.capacity || !base.capacity) continue
    const ratio = per(a, a.capacity.rate) / per(base, base.capacity.rate)
    const isWorse = a.capacity.failedAt !== null && per(a, a.capacity.failedAt) <= per(base, base.capacity.rate)
    const isBetter = base.capacity.failedAt !== null && per(a, a.capacity.rate) >= per(base, base.capacity.failedAt)
    if (isWorse) worse.push(a.name)
    if (isBetter) better.push(a.name)
    const what = priced ? 'capacity per dollar' : 'capacity'
    parts.push(
      isWorse || isBetter
        ? `${a.name} has ${f1(pct(ratio))}% ${ratio > 1 ? 'more' : 'less'} ${what} at ${sloText} than ${base.name}: ${bracket(a)} vs ${bracket(base)}`
        : `${a.name} vs ${base.name}: no difference in ${what} at ${sloText} beyond the search's precision: ${bracket(a)} vs ${bracket(base)}`,
    )
  }
  return {
    ...header(startedAt),
    load: {
      mode: o.plan ? 'scenario' : 'url',
      model: 'open',
      what: o.plan ? (o.plan.source ?? 'scenario') : requestLine(o),
      runMs: o.capacity!.runMs,
      connections: null,
      rate: null,
    },
    rounds: 0,
    capacitySearch: { ...o.capacity!, unit: o.plan ? 'arrivals/s' : 'requests/s' },
    confidence: o.confidence,
    region: o.region,
    slo,
    arms,
    comparisons: [],
    verdict: { metric, statement: parts.join('; ') || 'one arm: nothing to compare', better, worse },
    warnings,
  }
}
