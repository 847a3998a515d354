import { z } from 'zod'
import type { LambdaPrices } from '../../catalog/lambda.js'
import type { Evidence, Recommendation, RecommendationOption } from '../../core/report.js'
import { QUANTILE_LEVELS, type MetricUsage } from '../../store/types.js'
import { countOf, recommendationId, round } from '../kit.js'
import { defineAnalyzer } from '../types.js'
import { coldStartPresent } from './present.js'

export const ColdStartOptionsSchema = z.object({
  minColdSharePct: z.number().min(0).max(100).default(1).describe('Cold starts, percent of invocations, from which they are a finding'),
  minLatencySharePct: z
    .number()
    .min(0)
    .default(5)
    .describe('Or: the mean latency cold starts add, percent of the mean duration, from which they are a finding'),
  minInvocations: z.number().min(0).default(50),
})

/** Seconds in a billing month of 730 hours. */
const MONTH_S = 730 * 3600
const DAYS_PER_MONTH = 730 / 24

/**
 * The quantile function of a series as the store keeps it (values at QUANTILE_LEVELS), read as piecewise linear
 * between the levels. `meanMin(n)` is the mean of min(Q(u), n) over u in [0, 1]; `cdf(n)` the share of intervals at or
 * below n. Both exact for that piecewise-linear function; its coarsest piece is between the minimum and the median.
 */
export function quantileCurve(q: readonly number[], scale = 1) {
  const pts = QUANTILE_LEVELS.map((l, i) => ({ l, v: q[i]! * scale }))
  return {
    meanMin(n: number): number {
      let s = 0
      for (let i = 0; i + 1 < pts.length; i++) {
        const { l: l0, v: a } = pts[i]!
        const { l: l1, v: b } = pts[i + 1]!
        const w = l1 - l0
        if (b <= n) s += w * ((a + b) / 2)
        else if (a >= n) s += w * n
        else {
          const t = (n - a) / (b - a)
          s += w * (a * t + ((b - a) * t * t) / 2 + (1 - t) * n)
        }
      }
      return s
    },
    cdf(n: number): number {
      if (n < pts[0]!.v) return 0
      for (let i = pts.length - 1; i > 0; i--) {
        const { l: l0, v: a } = pts[i - 1]!
        const { l: l1, v: b } = pts[i]!
        if (n >= b) return l1
        if (n >= a) return l0 + (b > a ? ((n - a) / (b - a)) * (l1 - l0) : 0)
      }
      return pts[0]!.l
    },
  }
}

export interface ProvisionedCost {
  /** USD a month for the function's duration with `n` provisioned (configured + duration on it + overflow on demand). */
  monthly: number
  /** Share of the concurrency-seconds served by the provisioned environments. */
  coveredShare: number
  /** Of the provisioned GB-seconds, the share used. */
  utilization: number
}

/**
 * Duration cost of a month with `n` environments provisioned, from the mean concurrency and the concurrency's
 * quantile curve (Little's law: invocations per second x mean duration in seconds): `n` x GB x month x the provisioned
 * price, the concurrency within `n` at the provisioned duration price, the rest on demand. Requests cost the same
 * either way and are left out.
 */
export function provisionedCost(
  n: number,
  meanConcurrency: number,
  curve: ReturnType<typeof quantileCurve>,
  gb: number,
  arch: 'x86_64' | 'arm64',
  p: LambdaPrices,
): ProvisionedCost {
  const curveMean = curve.meanMin(Infinity)
  const covered = n <= 0 || curveMean <= 0 ? 0 : Math.min(meanConcurrency, (curve.meanMin(n) / curveMean) * meanConcurrency)
  const monthly =
    (n * p.provisioned.gbSecondUsd[arch] + covered * p.provisioned.durationGbSecondUsd[arch] + (meanConcurrency - covered) * p.gbSecondUsd[arch]) * gb * MONTH_S
  return { monthly, coveredShare: meanConcurrency > 0 ? covered / meanConcurrency : 0, utilization: n > 0 ? covered / n : 0 }
}

/** The utilization from which provisioned concurrency is cheaper than on demand: pc / (on-demand - pc duration). 60.0% with both architectures' prices. */
export const breakEvenUtilization = (arch: 'x86_64' | 'arm64', p: LambdaPrices) =>
  p.provisioned.gbSecondUsd[arch] / (p.gbSecondUsd[arch] - p.provisioned.durationGbSecondUsd[arch])

const pick = (m: Partial<Record<string, MetricUsage>> | undefined, ...stats: string[]) => stats.map((s) => m?.[s]).find((x) => x !== undefined)

/**
 * Lambda cold starts: their share of invocations, the latency and the init time they add, and whether provisioned
 * concurrency pays off. Reads Lambda Insights' init_duration (its SampleCount per period is the cold starts; collect
 * aws does it for functions that report it) or the same from files (REPORT lines' Init Duration), with invocations and
 * duration. A function without cold-start data gets no recommendation from this analyzer.
 */
export const lambdaColdStarts = defineAnalyzer({
  meta: {
    id: 'lambda.cold-starts',
    title: 'Lambda cold starts and provisioned concurrency',
    resourceKinds: ['lambda-function'],
    requires: ['lambda.cold_starts_per_s', 'lambda.invocations_per_s', 'lambda.duration_ms'],
    since: '0.1.0',
    docs: 'docs/analyzers/lambda-cold-starts.md',
    recommended: true,
    bestPractices: ['PERF02-BP04', 'PERF05-BP02'],
  },
  options: ColdStartOptionsSchema,
  present: coldStartPresent,
  analyze({ usage: u, services }, o) {
    const analyzer = 'lambda.cold-starts'
    const r = u.resource
    const cold = pick(u.metrics['lambda.cold_starts_per_s'], 'sum', 'avg')
    const inv = pick(u.metrics['lambda.invocations_per_s'], 'avg', 'sum')
    const dur = pick(u.metrics['lambda.duration_ms'], 'avg', 'max')
    if (!cold || !inv || !dur) return { recommendations: [], issues: [] }
    const init = u.metrics['lambda.init_duration_ms']
    const initAvg = pick(init, 'avg', 'max')
    const initMax = pick(init, 'max', 'avg')
    const memoryMB = Number(r.attributes.memorySizeMB)
    const arch: 'x86_64' | 'arm64' = r.attributes.architecture === 'arm64' ? 'arm64' : 'x86_64'
    const p = services.lambda
    const invocations = countOf(inv)
    const colds = countOf(cold)
    const windowDays = Math.max((u.window.end - u.window.start) / 86_400_000, 1e-9)
    const base = {
      id: recommendationId(analyzer, r.id, u.window),
      analyzer,
      check: 'cold-starts',
      resource: r,
      window: u.window,
      bestPractices: ['PERF02-BP04', 'PERF05-BP02'],
      memoryBlind: false,
      currentDimensions: [],
    }
    if (invocations < o.minInvocations || !(memoryMB > 0))
      return {
        recommendations: [
          {
            ...base,
            finding: 'InsufficientData',
            reasons: [memoryMB > 0 ? 'InsufficientData' : 'MemoryUnknown'],
            current: { memorySizeMB: memoryMB > 0 ? memoryMB : null, architecture: arch },
            currentPerformanceRisk: 'Unknown',
            options: [],
            evidence: [],
            summary:
              memoryMB > 0
                ? `${Math.round(invocations)} invocations in the window; at least ${o.minInvocations} are needed.`
                : 'Configured memory unknown: set memorySizeMB in the manifest.',
            estimatedMonthlySavings: null,
          },
        ],
        issues: [],
      }
    const share = colds / invocations
    const initMs = initAvg?.avg ?? null
    const addedMs = initMs === null ? null : share * initMs
    const gb = memoryMB / 1024
    // Little's law per interval: concurrency = invocations per second x mean duration in seconds.
    const d = dur.avg / 1000
    const meanConcurrency = inv.avg * d
    const curve = quantileCurve(inv.quantiles, d)
    const onDemand = meanConcurrency * gb * MONTH_S * p.gbSecondUsd[arch]
    const coldsPerMonth = (colds / windowDays) * DAYS_PER_MONTH
    // Lambda bills the init phase of on-demand cold starts (the REPORT line's Billed Duration includes it).
    const initCost = initMs === null ? null : coldsPerMonth * (initMs / 1000) * gb * p.gbSecondUsd[arch]
    const breakEven = breakEvenUtilization(arch, p)

    // Provisioned levels worth showing: the most that still pays for itself, and what covers 99% of intervals.
    const peak = inv.max * d
    const candidates = new Map<number, ProvisionedCost>()
    let paying = 0
    for (let n = 1; n <= Math.max(1, Math.ceil(peak)); n++) {
      const c = provisionedCost(n, meanConcurrency, curve, gb, arch, p)
      if (c.monthly <= onDemand) paying = n
    }
    if (paying > 0) candidates.set(paying, provisionedCost(paying, meanConcurrency, curve, gb, arch, p))
    const p99n = Math.max(1, Math.ceil(inv.p99 * d))
    candidates.set(p99n, provisionedCost(p99n, meanConcurrency, curve, gb, arch, p))

    const material = share * 100 >= o.minColdSharePct || (addedMs !== null && (addedMs / dur.avg) * 100 >= o.minLatencySharePct)
    const options: RecommendationOption[] = [...candidates.entries()]
      .sort((a, b) => a[1].monthly - b[1].monthly || a[0] - b[0])
      .map(([n, c], i) => ({
        rank: i + 1,
        change: { provisionedConcurrency: n, memorySizeMB: memoryMB, architecture: arch },
        performanceRisk: 'VeryLow',
        bindingDimension: 'cpu' as const,
        dimensions: [],
        monthlyCost: round(c.monthly),
        monthlySavings: round(onDemand - c.monthly),
        migrationEffort: 'Low' as const,
        platformDifferences: [],
        notes: [
          `${n} provisioned environment${n === 1 ? '' : 's'}: concurrency fits within ${n} in ${round(curve.cdf(n) * 100, 1)}% of the 5-minute intervals (no cold start there); above it invocations run on demand and can start cold.`,
          `Provisioned utilization ${round(c.utilization * 100, 1)}% (it pays for itself from ${round(breakEven * 100, 1)}%); ${round(c.coveredShare * 100, 1)}% of the function's running time on it.`,
          'Provisioned concurrency is set on a version or alias; with Application Auto Scaling it can follow a schedule or the utilization.',
        ],
      }))
    const evidence: Evidence[] = [
      { metric: 'lambda.cold_starts_per_s', stat: 'cold starts in the window', value: Math.round(colds), unit: 'count', samples: cold.samples },
      { metric: 'lambda.invocations_per_s', stat: 'invocations in the window', value: Math.round(invocations), unit: 'count', samples: inv.samples },
      {
        metric: 'lambda.cold_starts_per_s',
        stat: 'cold starts per invocation',
        value: round(share * 100, 3),
        unit: 'percent',
        samples: cold.samples,
        threshold: o.minColdSharePct,
      },
      ...(initAvg ? [{ metric: 'lambda.init_duration_ms', stat: 'mean init', value: round(initAvg.avg, 1), unit: 'ms', samples: initAvg.samples }] : []),
      ...(initMax ? [{ metric: 'lambda.init_duration_ms', stat: 'longest init', value: round(initMax.max, 1), unit: 'ms', samples: initMax.samples }] : []),
      { metric: 'lambda.duration_ms', stat: 'mean duration', value: round(dur.avg, 1), unit: 'ms', samples: dur.samples },
      ...(addedMs !== null
        ? [{ metric: 'lambda.init_duration_ms', stat: 'mean latency cold starts add per invocation', value: round(addedMs, 2), unit: 'ms', samples: 0 }]
        : []),
      {
        metric: 'lambda.invocations_per_s',
        stat: 'concurrency (invocations/s x mean duration): mean, p50, p99, peak',
        value: round(meanConcurrency, 2),
        unit: 'environments',
        samples: inv.samples,
        note: `p50 ${round(inv.p50 * d, 2)}, p99 ${round(inv.p99 * d, 2)}, peak ${round(inv.max * d, 2)}`,
      },
    ]
    const best = options[0]
    const pays = best !== undefined && (best.monthlySavings ?? 0) > 0
    const reasons = material ? ['ColdStarts', ...(pays ? ['ProvisionedConcurrencyPaysOff'] : [])] : []
    const initText = initMs === null ? 'init time unknown' : `mean init ${Math.round(initMs)} ms (adds ${round(addedMs!, 1)} ms to the mean invocation)`
    const summary = material
      ? `${round(share * 100, 2)}% of invocations start cold, ${initText}${initCost !== null ? `, $${initCost.toFixed(2)}/month of init billed` : ''}. ${
          pays
            ? `${String(best.change.provisionedConcurrency)} provisioned environments pay for themselves ($${best.monthlySavings}/month less) and remove cold starts in ${round(curve.cdf(Number(best.change.provisionedConcurrency)) * 100)}% of intervals.`
            : `Provisioned concurrency does not pay here (mean concurrency ${round(meanConcurrency, 2)}, break-even at ${round(breakEven * 100)}% utilization): ${p99n} environment${p99n === 1 ? '' : 's'} cost $${round(-(options.find((x) => x.change.provisionedConcurrency === p99n)?.monthlySavings ?? 0))}/month more.`
        }`
      : `Cold starts are ${round(share * 100, 2)}% of invocations, ${initText}: not a finding.`
    const rec: Recommendation = {
      ...base,
      finding: material ? 'Flagged' : 'Optimized',
      reasons,
      current: {
        memorySizeMB: memoryMB,
        architecture: arch,
        coldStartPct: round(share * 100, 3),
        meanInitMs: initMs === null ? null : round(initMs, 1),
        // The duration cost only (requests cost the same either way); lambda.memory's monthlyCost is the whole function's.
        durationMonthlyCost: round(onDemand),
      },
      currentPerformanceRisk: addedMs !== null && (addedMs / dur.avg) * 100 >= o.minLatencySharePct ? 'Medium' : 'Low',
      options: material ? options : [],
      evidence,
      summary,
      estimatedMonthlySavings: material && pays ? best.monthlySavings : 0,
    }
    return { recommendations: [rec], issues: [] }
  },
})
