import { z } from 'zod'
import { costPerInvocation, LAMBDA } from '../../catalog/lambda.js'
import type { Evidence, Finding, PerformanceRisk, Recommendation, RecommendationOption } from '../../core/report.js'
import { countOf, recommendationId, round } from '../kit.js'
import { defineAnalyzer } from '../types.js'
import { lambdaPresent } from './present.js'

export const LambdaOptionsSchema = z.object({
  memoryHeadroomPct: z.number().min(0).max(100).default(20),
  minInvocations: z.number().min(0).default(50).describe('Invocations in the window below which the finding is InsufficientData'),
  /** Elasticity (-d ln duration / d ln memory) at or above which a function counts as CPU-bound, at or below which as I/O-bound. */
  cpuBoundElasticity: z.number().default(0.7),
  ioBoundElasticity: z.number().default(0.2),
})

const DAYS_PER_MONTH = 730 / 24

/** `"512:840,1024:430"` (memory MB : average duration ms, e.g. from aws-lambda-power-tuning) into sorted points. */
function parseDurationByMemory(s: string): { mb: number; ms: number }[] {
  return s
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const [mb, ms] = p.split(':').map(Number)
      return { mb: mb!, ms: ms! }
    })
    .filter((p) => p.mb > 0 && p.ms > 0)
    .sort((a, b) => a.mb - b.mb)
}

/**
 * Duration at memory m, from measured points (log-log interpolation between them). Outside the measured range it is
 * conservative: below the smallest size, duration grows as CPU share falls (x smallest / m); above the largest,
 * no further speed-up is assumed.
 */
export function durationAt(points: readonly { mb: number; ms: number }[], m: number): number {
  const first = points[0]!
  const last = points[points.length - 1]!
  if (m <= first.mb) return first.ms * (first.mb / m)
  if (m >= last.mb) return last.ms
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!
    const b = points[i + 1]!
    if (m >= a.mb && m <= b.mb) {
      const t = Math.log(m / a.mb) / Math.log(b.mb / a.mb)
      return Math.exp(Math.log(a.ms) + t * Math.log(b.ms / a.ms))
    }
  }
  return last.ms
}

/** -d ln(duration) / d ln(memory) between two measured points: 1 = fully CPU-bound, 0 = not at all. */
export function elasticity(a: { mb: number; ms: number }, b: { mb: number; ms: number }): number {
  return -Math.log(b.ms / a.ms) / Math.log(b.mb / a.mb)
}

/**
 * Lambda memory right-sizing. Cost per invocation = GB x seconds x price + request price, for x86_64 and arm64.
 * CPU share grows with memory (1,769 MB = 1 vCPU), so how duration responds to memory decides: with durations measured
 * at several sizes (attribute durationByMemory, e.g. from aws-lambda-power-tuning), the function is classed CPU-bound or
 * I/O-bound from that evidence and durations are interpolated; with only today's size, options are priced as a range
 * from "duration unchanged" (I/O-bound) to "duration grows as CPU share falls" (CPU-bound), as Compute Optimizer shows a
 * low and high recommended cost. Memory never goes below peak memory used x (1 + headroom).
 */
export const lambdaMemory = defineAnalyzer({
  meta: {
    id: 'lambda.memory',
    title: 'Lambda memory and architecture',
    resourceKinds: ['lambda-function'],
    requires: ['lambda.duration_ms', 'lambda.invocations_per_s'],
    since: '0.1.0',
    docs: 'docs/analyzers/lambda.md',
    recommended: true,
    bestPractices: ['PERF02-BP04', 'PERF02-BP01', 'PERF01-BP03'],
  },
  options: LambdaOptionsSchema,
  present: lambdaPresent,
  analyze({ usage: u, services }, o) {
    const analyzer = 'lambda.memory'
    const r = u.resource
    const bp = ['PERF02-BP04', 'PERF02-BP01', 'PERF01-BP03']
    const memoryMB = Number(r.attributes.memorySizeMB)
    const arch: 'x86_64' | 'arm64' = r.attributes.architecture === 'arm64' ? 'arm64' : 'x86_64'
    const timeoutMs = r.attributes.timeoutSec !== undefined ? Number(r.attributes.timeoutSec) * 1000 : undefined
    const base = {
      id: recommendationId(analyzer, r.id, u.window),
      analyzer,
      resource: r,
      window: u.window,
      bestPractices: bp,
      memoryBlind: false,
      currentDimensions: [],
    }
    const duration = u.metrics['lambda.duration_ms']?.avg ?? u.metrics['lambda.duration_ms']?.max
    // Timeout exposure is a tail, not an average: the longest invocation seen (Duration Maximum per interval) and the
    // p99 where collected. A function peaking at 2,990 ms under a 3 s timeout looks safe on 5-minute averages.
    const durMax = u.metrics['lambda.duration_ms']?.max
    const durP99 = u.metrics['lambda.duration_ms']?.p99
    const inv = u.metrics['lambda.invocations_per_s']?.avg ?? u.metrics['lambda.invocations_per_s']?.sum
    const windowDays = (u.window.end - u.window.start) / 86_400_000
    const invocations = inv ? countOf(inv) : 0
    const insufficient = (reason: string, summary: string): Recommendation => ({
      ...base,
      finding: 'InsufficientData',
      reasons: [reason],
      current: { memorySizeMB: memoryMB > 0 ? memoryMB : null, architecture: arch },
      currentPerformanceRisk: 'Unknown',
      options: [],
      evidence: [],
      summary,
      estimatedMonthlySavings: null,
    })
    if (!(memoryMB >= LAMBDA.minMemoryMB))
      return { recommendations: [insufficient('MemoryUnknown', 'Configured memory unknown: set memorySizeMB (and architecture) in the manifest.')], issues: [] }
    if (!duration || !inv || invocations < o.minInvocations)
      return {
        recommendations: [insufficient('InsufficientData', `${Math.round(invocations)} invocations in the window; at least ${o.minInvocations} are needed.`)],
        issues: [],
      }

    const recs: Recommendation[] = []
    // Trusted Advisor: AWS Lambda Functions with High Error Rates (L4dfs2Q3C2), > 10% of invocations in error on any
    // day within the last 7 days.
    const dayTotals = (m: string) =>
      new Map(
        u.daily
          .filter((d) => d.metric === m && d.stat === (u.daily.some((x) => x.metric === m && x.stat === 'avg') ? 'avg' : d.stat))
          .map((d) => [d.day, d.total]),
      )
    const invDays = dayTotals('lambda.invocations_per_s')
    const errDays = dayTotals('lambda.errors_per_s')
    const badDays = [...invDays.keys()]
      .sort()
      .slice(-7)
      .filter((d) => (invDays.get(d) ?? 0) > 0 && (errDays.get(d) ?? 0) / invDays.get(d)! > 0.1)
    if (badDays.length > 0)
      recs.push({
        ...base,
        id: recommendationId('lambda.errors', r.id, u.window),
        analyzer,
        check: 'high-error-rate',
        finding: 'Flagged',
        reasons: ['TrustedAdvisor:HighErrorRate'],
        current: { memorySizeMB: memoryMB, architecture: arch },
        currentPerformanceRisk: 'Unknown',
        options: [],
        evidence: badDays.map((d) => ({
          metric: 'lambda.errors_per_s / lambda.invocations_per_s',
          stat: `error share on ${d}`,
          value: round(((errDays.get(d) ?? 0) / invDays.get(d)!) * 100, 1),
          unit: 'percent',
          samples: 1,
          threshold: 10,
        })),
        summary: `High error rate (Trusted Advisor L4dfs2Q3C2): more than 10% of invocations failed on ${badDays.length} of the last ${Math.min(7, invDays.size)} days.`,
        estimatedMonthlySavings: null,
      })

    const memUsed = u.metrics['lambda.memory_used_mb']?.max
    const memFloor = memUsed ? Math.min(LAMBDA.maxMemoryMB, Math.max(LAMBDA.minMemoryMB, Math.ceil(memUsed.max * (1 + o.memoryHeadroomPct / 100)))) : undefined
    const measured = typeof r.attributes.durationByMemory === 'string' ? parseDurationByMemory(r.attributes.durationByMemory) : []
    const hasCurve = measured.length >= 2
    const points = hasCurve ? measured : [{ mb: memoryMB, ms: duration.avg }]
    // Classification from the evidence: the elasticity between the measured sizes around today's.
    let kind: 'CPU-bound' | 'I/O-bound' | 'mixed' | 'unknown' = 'unknown'
    let kindEvidence = 'only today’s memory size is measured, so how duration responds to memory is unknown'
    if (hasCurve) {
      // The two measured sizes around today's (or the nearest two at either end).
      let i = measured.findLastIndex((p) => p.mb <= memoryMB)
      i = Math.min(Math.max(i, 0), measured.length - 2)
      const below = measured[i]!
      const above = measured[i + 1]!
      const e = elasticity(below, above)
      kind = e >= o.cpuBoundElasticity ? 'CPU-bound' : e <= o.ioBoundElasticity ? 'I/O-bound' : 'mixed'
      kindEvidence = `duration ${Math.round(below.ms)} ms at ${below.mb} MB and ${Math.round(above.ms)} ms at ${above.mb} MB: elasticity ${round(e, 2)} (1 = halving memory doubles duration)`
    }
    const monthlyInvocations = (invocations / Math.max(windowDays, 1e-9)) * DAYS_PER_MONTH
    const monthly = (mb: number, ms: number, a: 'x86_64' | 'arm64') => costPerInvocation(mb, ms, a, services.lambda) * monthlyInvocations
    const currentMonthly = monthly(memoryMB, duration.avg, arch)
    const evidence: Evidence[] = [
      { metric: 'lambda.duration_ms', stat: 'average', value: round(duration.avg, 1), unit: 'ms', samples: duration.samples },
      { metric: 'lambda.duration_ms', stat: 'p99 of 5-minute values', value: round(duration.p99, 1), unit: 'ms', samples: duration.samples },
      ...(durMax && durMax !== duration
        ? [
            {
              metric: 'lambda.duration_ms',
              stat: 'longest invocation (max of 5-minute maxima)',
              value: round(durMax.max, 1),
              unit: 'ms',
              samples: durMax.samples,
            },
          ]
        : []),
      ...(durP99 ? [{ metric: 'lambda.duration_ms', stat: 'highest 5-minute p99', value: round(durP99.max, 1), unit: 'ms', samples: durP99.samples }] : []),
      ...(timeoutMs !== undefined
        ? [{ metric: 'lambda.duration_ms', stat: 'timeout (configured)', value: timeoutMs, unit: 'ms', samples: 0, threshold: 0.9 * timeoutMs }]
        : []),
      { metric: 'lambda.invocations_per_s', stat: 'invocations in the window', value: Math.round(invocations), unit: 'count', samples: inv.samples },
      { metric: 'lambda.duration_ms', stat: 'classification', value: 0, unit: '', samples: measured.length, note: `${kind}: ${kindEvidence}` },
      ...(memUsed ? [{ metric: 'lambda.memory_used_mb', stat: 'peak', value: round(memUsed.max, 1), unit: 'MB', samples: memUsed.samples }] : []),
    ]
    const errors = u.metrics['lambda.errors_per_s']?.avg ?? u.metrics['lambda.errors_per_s']?.sum
    const throttles = u.metrics['lambda.throttles_per_s']?.avg ?? u.metrics['lambda.throttles_per_s']?.sum
    if (errors)
      evidence.push({
        metric: 'lambda.errors_per_s',
        stat: 'errors per invocation',
        value: round((countOf(errors) / invocations) * 100, 2),
        unit: 'percent',
        samples: errors.samples,
      })
    if (throttles)
      evidence.push({
        metric: 'lambda.throttles_per_s',
        stat: 'throttled invocations',
        value: Math.round(countOf(throttles)),
        unit: 'count',
        samples: throttles.samples,
      })

    // Candidate sizes: the measured ones, the memory floor, today's, one vCPU, and the powers of two in between.
    const sizes = new Set<number>(
      [memoryMB, ...measured.map((p) => p.mb), 128, 256, 512, 1024, LAMBDA.oneVcpuMB, 2048, 3008, 4096].filter(
        (m) => m >= (memFloor ?? LAMBDA.minMemoryMB) && m <= LAMBDA.maxMemoryMB,
      ),
    )
    if (memFloor) sizes.add(memFloor)
    const scale = duration.avg / durationAt(points, memoryMB) // measured curve vs today's observed average
    const tailMs = Math.max(duration.p99, durMax?.max ?? 0, durP99?.max ?? 0)
    const nearTimeout = timeoutMs !== undefined && tailMs > 0.9 * timeoutMs
    const candidates: (RecommendationOption & { _cost: number; _ms: number; _tailMs: number })[] = []
    for (const mb of sizes) {
      for (const a of ['x86_64', 'arm64'] as const) {
        if (mb === memoryMB && a === arch) continue
        // Never less memory (so less CPU) for a function already within 10% of its timeout.
        if (nearTimeout && mb < memoryMB) continue
        const expectedMs = hasCurve ? durationAt(points, mb) * scale : duration.avg // without a curve: the I/O-bound case, unchanged
        const worstMs = hasCurve
          ? expectedMs
          : mb >= memoryMB
            ? duration.avg
            : duration.avg * (Math.min(memoryMB, LAMBDA.oneVcpuMB) / Math.min(mb, LAMBDA.oneVcpuMB)) // CPU-bound case
        const low = monthly(mb, expectedMs, a)
        const high = monthly(mb, worstMs, a)
        const p99Worst = tailMs * (worstMs / duration.avg)
        // More memory is more CPU: the longest invocation if the function is CPU-bound (the measured curve when there is one).
        const tailIfCpuBound = hasCurve ? p99Worst : tailMs * (Math.min(memoryMB, LAMBDA.oneVcpuMB) / Math.min(mb, LAMBDA.oneVcpuMB))
        const risk: PerformanceRisk =
          timeoutMs !== undefined && p99Worst > 0.9 * timeoutMs ? 'High' : !hasCurve && mb < memoryMB ? 'Medium' : a !== arch ? 'Low' : 'VeryLow'
        candidates.push({
          _ms: worstMs, // at equal cost, prefer the size whose worst-case latency is lowest
          rank: 0,
          change: { memorySizeMB: mb, architecture: a },
          performanceRisk: risk,
          bindingDimension: 'memory',
          dimensions: [],
          monthlyCost: round(high),
          monthlySavings: round(currentMonthly - high),
          migrationEffort: a !== arch ? 'Medium' : 'VeryLow',
          platformDifferences: a !== arch ? ['Architecture'] : [],
          notes: [
            hasCurve
              ? `Expected duration ${Math.round(expectedMs)} ms (interpolated from the measured sizes).`
              : mb < memoryMB
                ? `Duration between ${Math.round(expectedMs)} ms (I/O-bound) and ${Math.round(worstMs)} ms (CPU-bound): $${round(low)}-$${round(high)}/month; measure with aws-lambda-power-tuning to narrow it.`
                : `Duration assumed unchanged (${Math.round(expectedMs)} ms).`,
            ...(a !== arch
              ? ['arm64 (Graviton) is about 20% cheaper per GB-s; native dependencies need arm64 builds, and duration can differ: benchmark.']
              : []),
            ...(timeoutMs !== undefined && p99Worst > 0.9 * timeoutMs
              ? [`The longest invocations would reach ${Math.round(p99Worst)} ms, within 10% of the ${timeoutMs / 1000} s timeout.`]
              : []),
            ...(nearTimeout && !hasCurve && mb > memoryMB
              ? [
                  `If it is CPU-bound, its longest invocations fall to about ${Math.round(tailIfCpuBound)} ms here; if it waits on I/O, more memory does not help: raise the timeout instead.`,
                ]
              : []),
          ],
          _cost: high,
          _tailMs: tailIfCpuBound,
        })
      }
    }
    // Cheapest to the cent first; at the same cost the faster size (a CPU-bound function costs the same at every size
    // below one vCPU, so it should run at the fastest of them), then less memory.
    candidates.sort((a, b) => round(a._cost) - round(b._cost) || a._ms - b._ms || Number(a.change.memorySizeMB) - Number(b.change.memorySizeMB))
    const reasons: string[] = []
    let finding: Finding = 'Optimized'
    const oomRisk = memUsed && memUsed.max > 0.9 * memoryMB
    if (oomRisk || nearTimeout) {
      finding = 'Underprovisioned'
      if (oomRisk) reasons.push('MemoryUnderprovisioned')
      if (nearTimeout) reasons.push('DurationNearTimeout')
    }
    const cheaper = candidates.filter((c) => c._cost < currentMonthly - 0.005 && c.performanceRisk !== 'High')
    // At risk: more memory, on the same architecture first (no migration on top of a risk), the most relief for the
    // longest invocations, then the cheapest.
    const sameArchFirst = (c: (typeof candidates)[number]) => (c.change.architecture === arch ? 0 : 1)
    const picked =
      finding === 'Underprovisioned'
        ? candidates
            .filter((c) => Number(c.change.memorySizeMB) > memoryMB)
            .sort((a, b) => sameArchFirst(a) - sameArchFirst(b) || Math.round(a._tailMs) - Math.round(b._tailMs) || round(a._cost) - round(b._cost))
            .slice(0, 3)
        : cheaper.slice(0, 3)
    if (finding !== 'Underprovisioned' && picked.length > 0) {
      finding = 'Overprovisioned'
      if (Number(picked[0]!.change.memorySizeMB) < memoryMB) reasons.push('MemoryOverprovisioned')
      if (picked[0]!.change.architecture !== arch) reasons.push('ArchitectureChange')
    }
    const options = picked.map(({ _cost, _ms, _tailMs, ...rest }, i) => ({ ...rest, rank: i + 1 }))
    const top = options[0]
    const summary =
      finding === 'Underprovisioned'
        ? `${memoryMB} MB ${arch} is at risk (${reasons.join(', ')})${top ? `; ${top.change.memorySizeMB} MB ${top.change.architecture} costs $${top.monthlyCost}/month` : ''}.${nearTimeout ? ` The longest invocation took ${Math.round(tailMs)} ms of the ${timeoutMs / 1000} s timeout: raise the timeout, or give it more CPU (more memory) if it is CPU-bound.` : ''} ${kind === 'unknown' ? '' : `It is ${kind}.`}`.trim()
        : top
          ? `${memoryMB} MB ${arch} -> ${top.change.memorySizeMB} MB ${top.change.architecture} saves up to $${top.monthlySavings}/month of $${round(currentMonthly)} (${top.performanceRisk} risk). ${kind === 'unknown' ? 'CPU sensitivity unknown: the saving is the worst case.' : `It is ${kind}: ${kindEvidence}.`}`
          : `${memoryMB} MB ${arch} fits ($${round(currentMonthly)}/month). ${kind === 'unknown' ? '' : `It is ${kind}.`}`.trim()
    recs.push({
      ...base,
      finding,
      reasons,
      current: { memorySizeMB: memoryMB, architecture: arch, monthlyCost: round(currentMonthly) },
      currentPerformanceRisk: oomRisk || nearTimeout ? 'High' : 'Low',
      options,
      evidence,
      summary,
      estimatedMonthlySavings: finding === 'Overprovisioned' && top ? top.monthlySavings : 0,
    })
    return { recommendations: recs, issues: [] }
  },
})
