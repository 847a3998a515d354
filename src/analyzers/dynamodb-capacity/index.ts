import { z } from 'zod'
import { breakEvenUtilization, type DynamoDbPrices } from '../../catalog/dynamodb.js'
import { HOURS_PER_MONTH } from '../../catalog/catalog.js'
import type { DimensionAssessment, Evidence, Finding, PerformanceRisk, Recommendation, RecommendationOption } from '../../core/report.js'
import type { SeriesData, UsageSummary } from '../../store/types.js'
import { recommendationId, round, sig } from '../kit.js'
import { defineAnalyzer } from '../types.js'
import { DEFAULT_POLICY, perMinute, simulateCapacity, type AutoScalingPolicy, type SimOutcome } from '../../simulators/dynamodb/capacity.js'
import { dynamoDbPresent } from './present.js'

export const DynamoDbOptionsSchema = z.object({
  targetPct: z.number().min(20).max(90).default(70).describe('Auto scaling target utilization for the provisioned option (AWS default 70)'),
  minCapacity: z.number().int().min(1).default(5).describe('Auto scaling minimum for tables without one (console default 5)'),
  minHours: z.number().min(0).default(24),
  /** Savings below both of these are not worth a mode change (switching back to provisioned is limited). */
  minSavingsPct: z.number().min(0).default(10),
  minSavingsUsd: z.number().min(0).default(1),
})
type DynamoDbOptions = z.output<typeof DynamoDbOptionsSchema>

type Dim = 'read' | 'write'
const DIMS: readonly Dim[] = ['read', 'write']
const usd = (x: number) => `$${x.toFixed(2)}`
const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const METRIC = { read: 'ddb.read.consumed_per_s', write: 'ddb.write.consumed_per_s' } as const
const PROVISIONED = { read: 'ddb.read.provisioned', write: 'ddb.write.provisioned' } as const
const THROTTLED = { read: 'ddb.read.throttled_per_s', write: 'ddb.write.throttled_per_s' } as const
const ATTR = { read: 'readCapacity', write: 'writeCapacity' } as const

/** Share of demanded units throttled -> risk (same bands as the EC2 exceedance risk: 0.1% / 1% / 2%). */
function throttleRisk(share: number): PerformanceRisk {
  return share <= 0 ? 'VeryLow' : share <= 0.001 ? 'Low' : share <= 0.01 ? 'Medium' : 'High'
}
const worse = (a: PerformanceRisk, b: PerformanceRisk): PerformanceRisk =>
  ['VeryLow', 'Low', 'Medium', 'High'].indexOf(a) >= ['VeryLow', 'Low', 'Medium', 'High'].indexOf(b) ? a : b

interface DimResult {
  dim: Dim
  minutes: number
  covered: number
  demandUnits: number
  peak: number
  avg: number
  onDemandUsd: number
  auto: SimOutcome
  autoUsd: number
  fixed: SimOutcome
  fixedCap: number
  fixedUsd: number
  current: { usd: number; how: string; throttledUnits: number | null } | null
  recordedThrottles: number
  breakEven: number
}

/** Scale a window's cost to a 730-hour month. */
const monthly = (usdInWindow: number, minutes: number) => (minutes > 0 ? (usdInWindow * HOURS_PER_MONTH * 60) / minutes : 0)

function currentPolicy(attrs: Record<string, string | number>, d: Dim, o: DynamoDbOptions): AutoScalingPolicy | null {
  const on = String(attrs.autoScaling ?? attrs[`${d}AutoScaling`] ?? '').toLowerCase()
  if (on !== 'true' && on !== '1' && on !== 'enabled') return null
  const num = (k: string, dflt: number) => (attrs[k] === undefined || attrs[k] === '' ? dflt : Number(attrs[k]))
  return {
    ...DEFAULT_POLICY,
    targetPct: num(`${d}Target`, num('autoScalingTarget', o.targetPct)),
    min: num(`${d}Min`, o.minCapacity),
    max: num(`${d}Max`, DEFAULT_POLICY.max),
  }
}

function analyzeDim(u: UsageSummary, d: Dim, s: SeriesData, o: DynamoDbOptions, p: DynamoDbPrices, provisionedMode: boolean): DimResult {
  const { startMs, demand, covered } = perMinute(s.ts, s.values, s.periodSec, u.window.end)
  const n = demand.length
  let total = 0
  let peak = 0
  for (const x of demand) {
    total += x * 60
    peak = Math.max(peak, x)
  }
  const policy: AutoScalingPolicy = { ...DEFAULT_POLICY, targetPct: o.targetPct, min: o.minCapacity }
  const t = o.targetPct / 100
  const auto = simulateCapacity(demand, startMs, Math.max(o.minCapacity, Math.ceil((demand[0] ?? 0) / t)), policy)
  const fixedCap = Math.max(1, Math.ceil(peak / t))
  const fixed = simulateCapacity(demand, startMs, fixedCap, null)
  const hourly = p.provisionedHour[d]
  const onDemandUsd = monthly(total * p.onDemandUnit[d], n)
  let current: DimResult['current'] = null
  const attrs = u.resource.attributes
  const recorded = u.series?.[PROVISIONED[d]]
  if (!provisionedMode) current = { usd: onDemandUsd, how: 'on-demand', throttledUnits: null }
  else if (recorded && recorded.values.length > 0) {
    // Recorded ProvisionedCapacityUnits: bill each clock hour at its highest recorded value.
    const hours = new Map<number, number>()
    recorded.ts.forEach((ts, i) => hours.set(Math.floor(ts / 3_600_000), Math.max(hours.get(Math.floor(ts / 3_600_000)) ?? 0, recorded.values[i]!)))
    const unitHours = [...hours.values()].reduce((a, b) => a + b, 0)
    current = {
      usd: (unitHours * hourly * HOURS_PER_MONTH) / Math.max(1, hours.size),
      how: `provisioned, recorded capacity (${round(Math.max(...recorded.values), 0)} units at most)`,
      throttledUnits: null,
    }
  } else {
    const pol = currentPolicy(attrs, d, o)
    const cap = Number(attrs[ATTR[d]] ?? NaN)
    if (pol) {
      const sim = simulateCapacity(demand, startMs, Number.isFinite(cap) ? cap : pol.min, pol)
      current = {
        usd: monthly(sim.billedUnitHours * hourly, n),
        how: `provisioned with auto scaling (target ${pol.targetPct}%, min ${pol.min}, max ${pol.max}), simulated`,
        throttledUnits: sim.throttledUnits,
      }
    } else if (Number.isFinite(cap) && cap > 0) {
      const sim = simulateCapacity(demand, startMs, cap, null)
      current = { usd: monthly(sim.billedUnitHours * hourly, n), how: `provisioned, fixed ${cap} units`, throttledUnits: sim.throttledUnits }
    }
  }
  const thr = u.metrics[THROTTLED[d]]
  const recordedThrottles = thr ? ((thr.avg ?? thr.sum ?? thr.max)?.avg ?? 0) : 0
  return {
    dim: d,
    minutes: n,
    covered,
    demandUnits: total,
    peak,
    avg: n > 0 ? total / (n * 60) : 0,
    onDemandUsd,
    auto,
    autoUsd: monthly(auto.billedUnitHours * hourly, n),
    fixed,
    fixedCap,
    fixedUsd: monthly(fixed.billedUnitHours * hourly, n),
    current,
    recordedThrottles,
    breakEven: breakEvenUtilization(d, p),
  }
}

/**
 * DynamoDB capacity mode: on-demand vs provisioned with auto scaling vs provisioned fixed, from the consumed read and
 * write capacity series. The provisioned option is sized by replaying the series minute by minute through a model of
 * DynamoDB auto scaling (./simulate.ts) including its scale-in limits and burst capacity; each mode is priced from the
 * catalog (data/pricing/published-prices-us-east-1.csv) and the break-even utilization derived from those prices is
 * stated. Idle tables (nothing consumed) are Compute Optimizer's DynamoDB idle kind.
 */
export const dynamoDbCapacity = defineAnalyzer({
  meta: {
    id: 'dynamodb.capacity',
    title: 'DynamoDB capacity mode',
    resourceKinds: ['dynamodb-table'],
    requires: ['ddb.read.consumed_per_s', 'ddb.write.consumed_per_s'],
    since: '0.1.0',
    docs: 'docs/analyzers/dynamodb.md',
    recommended: true,
    bestPractices: ['PERF03-BP02', 'PERF02-BP04', 'PERF02-BP06'],
  },
  options: DynamoDbOptionsSchema,
  present: dynamoDbPresent,
  analyze({ usage: u, services }, o) {
    const analyzer = 'dynamodb.capacity'
    const r = u.resource
    const bp = ['PERF03-BP02', 'PERF02-BP04', 'PERF02-BP06']
    const mode = String(r.attributes.billingMode ?? '').toUpperCase()
    const provisionedMode = mode === 'PROVISIONED'
    const base = { id: recommendationId(analyzer, r.id, u.window), analyzer, resource: r, window: u.window, bestPractices: bp, memoryBlind: false }
    const currentAttrs = { billingMode: mode || null, readCapacity: r.attributes.readCapacity ?? null, writeCapacity: r.attributes.writeCapacity ?? null }
    const series = DIMS.map((d) => u.series?.[METRIC[d]])
    const hours = Math.max(...DIMS.map((d) => (u.metrics[METRIC[d]] ? Math.max(...Object.values(u.metrics[METRIC[d]]!).map((m) => m.hours)) : 0)))
    const insufficient = (reason: string, summary: string): Recommendation => ({
      ...base,
      finding: 'InsufficientData',
      reasons: [reason],
      current: currentAttrs,
      currentPerformanceRisk: 'Unknown',
      currentDimensions: [],
      options: [],
      evidence: [],
      summary,
      estimatedMonthlySavings: null,
    })
    if (!series[0] || !series[1])
      return {
        recommendations: [
          insufficient('InsufficientData', 'Both ConsumedReadCapacityUnits and ConsumedWriteCapacityUnits are needed to compare capacity modes.'),
        ],
        issues: [],
      }
    if (hours < o.minHours)
      return {
        recommendations: [insufficient('InsufficientData', `${round(hours, 1)} h of consumed-capacity data; at least ${o.minHours} h are needed.`)],
        issues: [],
      }
    if (mode !== 'PROVISIONED' && mode !== 'PAY_PER_REQUEST')
      return {
        recommendations: [
          insufficient(
            'BillingModeUnknown',
            `Billing mode unknown: set billingMode (PROVISIONED or PAY_PER_REQUEST) in the manifest${mode ? `, not '${mode}'` : ''}.`,
          ),
        ],
        issues: [],
      }
    const prices = services.dynamodb
    const res = DIMS.map((d, i) => analyzeDim(u, d, series[i]!, o, prices, provisionedMode))
    const [rd, wr] = res as [DimResult, DimResult]
    if (provisionedMode && res.some((x) => x.current === null))
      return {
        recommendations: [
          insufficient(
            'ProvisionedCapacityUnknown',
            'Provisioned table without its capacity: store ProvisionedRead/WriteCapacityUnits or set readCapacity and writeCapacity (and autoScaling=true with readMin/readMax/readTarget when it scales).',
          ),
        ],
        issues: [],
      }
    const sum = (f: (x: DimResult) => number) => round(f(rd) + f(wr))
    const currentUsd = sum((x) => x.current!.usd)
    const throttleShare = (f: (x: DimResult) => number) => {
      const dem = rd.demandUnits + wr.demandUnits
      return dem > 0 ? (f(rd) + f(wr)) / dem : 0
    }

    const dims = (kind: 'on-demand' | 'auto' | 'fixed'): DimensionAssessment[] =>
      res.map((x) => {
        const sim = kind === 'auto' ? x.auto : kind === 'fixed' ? x.fixed : null
        const share = sim && x.demandUnits > 0 ? sim.throttledUnits / x.demandUnits : 0
        return {
          dimension: x.dim === 'read' ? 'read-capacity' : 'write-capacity',
          measured: true,
          demand: round(x.peak),
          need: sim ? round(x.peak / (o.targetPct / 100)) : round(x.peak),
          capacity: sim ? sim.maxCapacity : null,
          unit: 'units/s',
          projectedUtilization: sim ? round(sim.utilization * 100, 1) : null,
          exceedanceShare: sim ? share : null,
          risk: throttleRisk(share),
          note: sim
            ? `${kind === 'auto' ? `capacity ${sim.minCapacity}-${sim.maxCapacity}, ${sim.increases} increases, ${sim.decreases} decreases${sim.blockedDecreaseMinutes ? `, ${sim.blockedDecreaseMinutes} min over-provisioned while the daily decrease quota blocked scale-in` : ''}` : `fixed ${sim.maxCapacity} units`}; ${round(sim.throttledUnits)} units throttled`
            : 'on-demand: serves up to double the previous peak instantly',
        }
      })
    const option = (rank: number, kind: 'on-demand' | 'auto' | 'fixed'): RecommendationOption => {
      const cost = kind === 'on-demand' ? sum((x) => x.onDemandUsd) : kind === 'auto' ? sum((x) => x.autoUsd) : sum((x) => x.fixedUsd)
      const d = dims(kind)
      const risk = d.reduce<PerformanceRisk>((a, x) => worse(a, x.risk === 'Unknown' ? 'VeryLow' : x.risk), 'VeryLow')
      const binding = (d[0]!.projectedUtilization ?? 0) >= (d[1]!.projectedUtilization ?? 0) ? d[0]!.dimension : d[1]!.dimension
      const change: Record<string, string | number> =
        kind === 'on-demand'
          ? { billingMode: 'PAY_PER_REQUEST' }
          : kind === 'auto'
            ? {
                billingMode: 'PROVISIONED',
                autoScaling: 'true',
                targetPct: o.targetPct,
                readMin: o.minCapacity,
                writeMin: o.minCapacity,
                readCapacityRange: `${rd.auto.minCapacity}-${rd.auto.maxCapacity}`,
                writeCapacityRange: `${wr.auto.minCapacity}-${wr.auto.maxCapacity}`,
              }
            : { billingMode: 'PROVISIONED', readCapacity: rd.fixedCap, writeCapacity: wr.fixedCap }
      const notes =
        kind === 'on-demand'
          ? [
              `Consumed units priced as request units: $${(prices.onDemandUnit.read * 1e6).toFixed(3)} per million reads, $${(prices.onDemandUnit.write * 1e6).toFixed(3)} per million writes (${prices.sources[2]!.status}).`,
            ]
          : [
              `Provisioned at $${prices.provisionedHour.read} per RCU-hour and $${prices.provisionedHour.write} per WCU-hour, each clock hour billed at its highest capacity.`,
            ]
      return {
        rank,
        change,
        performanceRisk: risk,
        bindingDimension: binding,
        dimensions: d,
        monthlyCost: cost,
        monthlySavings: round(currentUsd - cost),
        migrationEffort: 'VeryLow',
        platformDifferences: [],
        notes,
      }
    }
    const kinds: ('on-demand' | 'auto' | 'fixed')[] = ['on-demand', 'auto', 'fixed']
    const all = kinds.map((k) => option(0, k))
    // Options: cheapest first among those that throttle no more than Low; the rest after.
    const ok = all.filter((x) => x.performanceRisk === 'VeryLow' || x.performanceRisk === 'Low').sort((a, b) => a.monthlyCost! - b.monthlyCost!)
    const rest = all.filter((x) => !ok.includes(x)).sort((a, b) => a.monthlyCost! - b.monthlyCost!)
    const options = [...ok, ...rest].map((x, i) => ({ ...x, rank: i + 1 }))
    const best = options[0]!

    const recordedThrottled = res.some((x) => x.recordedThrottles > 0)
    const curShare = provisionedMode ? throttleShare((x) => x.current!.throttledUnits ?? 0) : 0
    const currentRisk: PerformanceRisk = recordedThrottled ? 'High' : throttleRisk(curShare)
    const idle = rd.demandUnits === 0 && wr.demandUnits === 0
    const saving = round(currentUsd - best.monthlyCost!)
    const worth = saving >= o.minSavingsUsd && saving >= (currentUsd * o.minSavingsPct) / 100
    const sameAsCurrent = !provisionedMode && best.change.billingMode === 'PAY_PER_REQUEST'
    let finding: Finding = 'Optimized'
    const reasons: string[] = []
    if (idle) {
      finding = 'Flagged'
      reasons.push('Idle')
    } else if (currentRisk === 'High' || currentRisk === 'Medium') {
      finding = 'Underprovisioned'
      reasons.push(recordedThrottled ? 'ThrottledRequests' : 'SimulatedThrottling')
    } else if (worth && !sameAsCurrent) {
      finding = provisionedMode ? 'Overprovisioned' : 'Flagged'
      reasons.push(provisionedMode ? 'ProvisionedCapacityUnderused' : 'OnDemandCostlierThanProvisioned')
    }
    const modeName = provisionedMode ? 'provisioned' : 'on-demand'
    const bestName =
      best.change.billingMode === 'PAY_PER_REQUEST'
        ? 'on-demand'
        : best.change.autoScaling
          ? `provisioned with auto scaling at ${o.targetPct}%`
          : 'provisioned at a fixed capacity'
    const utilLine = `reads ${pct(rd.auto.utilization)} and writes ${pct(wr.auto.utilization)} of auto-scaled capacity used vs break-even ${pct(rd.breakEven)}`
    const summary = idle
      ? `Idle table (Compute Optimizer's DynamoDB idle kind): no reads or writes consumed in ${round(rd.minutes / 1440, 1)} days${provisionedMode ? `; it costs ${usd(currentUsd)}/month provisioned, 0 on-demand` : ''}. Delete it if nothing needs it.`
      : finding === 'Underprovisioned'
        ? `${recordedThrottled ? 'Requests were throttled' : `The current capacity would throttle ${pct(curShare)} of units`}: ${best.change.billingMode === 'PAY_PER_REQUEST' ? 'on-demand' : bestName} serves the recorded load (${usd(best.monthlyCost!)}/month vs ${usd(currentUsd)}).`
        : finding === 'Optimized'
          ? `${modeName === 'on-demand' ? 'On-demand' : 'Provisioned'} is the right mode: ${utilLine}; the best alternative (${bestName}) ${saving > 0 ? `saves only ${usd(saving)}/month` : `costs ${usd(-saving)}/month more`}.`
          : `Switch from ${modeName} to ${bestName}: ${usd(best.monthlyCost!)}/month vs ${usd(currentUsd)} (${utilLine}).`
    const evidence: Evidence[] = res.flatMap((x) => [
      {
        metric: METRIC[x.dim],
        stat: 'mean of per-minute consumption',
        value: sig(x.avg),
        unit: 'units/s',
        samples: x.covered,
        note: `${x.covered} of ${x.minutes} minutes have data`,
      },
      { metric: METRIC[x.dim], stat: 'highest minute', value: sig(x.peak), unit: 'units/s', samples: x.covered },
      {
        metric: METRIC[x.dim],
        stat: 'break-even utilization (provisioned cheaper above it)',
        value: round(x.breakEven * 100, 2),
        unit: '%',
        samples: x.covered,
        note: 'hourly price / (3,600 s x on-demand price per unit), from the catalog',
      },
      {
        metric: METRIC[x.dim],
        stat: `utilization under simulated auto scaling at ${o.targetPct}%`,
        value: round(x.auto.utilization * 100, 2),
        unit: '%',
        samples: x.covered,
        threshold: round(x.breakEven * 100, 2),
        note: `current: ${x.current!.how}`,
      },
      ...(x.recordedThrottles > 0
        ? [
            {
              metric: THROTTLED[x.dim],
              stat: 'mean throttle events',
              value: round(x.recordedThrottles, 4),
              unit: 'events/s',
              samples: x.covered,
              note: 'consumed capacity under-states demand while throttled',
            },
          ]
        : []),
    ])
    const rec: Recommendation = {
      ...base,
      finding,
      reasons,
      current: { ...currentAttrs, monthlyCost: currentUsd, readMode: rd.current!.how, writeMode: wr.current!.how },
      currentPerformanceRisk: currentRisk,
      currentDimensions: [],
      options,
      evidence,
      summary,
      estimatedMonthlySavings: finding === 'Optimized' || saving <= 0 ? 0 : saving,
    }
    return { recommendations: [rec], issues: [] }
  },
})
