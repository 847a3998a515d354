import { createHash } from 'node:crypto'
import type { Evidence } from '../core/report.js'
import type { MetricUsage } from '../store/types.js'

/**
 * What every analyzer shares: the sizing percentiles and how to read one off a summary, the stable recommendation id,
 * and rounding for displayed figures. One copy here instead of one per analyzer.
 */
export const PERCENTILES = ['p90', 'p95', 'p99', 'p99.5', 'max'] as const
export type Percentile = (typeof PERCENTILES)[number]

/** The summary's value at a sizing percentile (quantiles computed by the store with linear interpolation). */
export function atPercentile(s: MetricUsage, p: Percentile): number {
  return p === 'max' ? s.max : p === 'p99.5' ? s.p995 : p === 'p99' ? s.p99 : p === 'p95' ? s.p95 : s.p90
}

/** Stable across runs and releases: a hash of the analyzer's (or check's) name, the resource and the window. */
export function recommendationId(analyzer: string, resourceId: string, window: { start: number; end: number }): string {
  return createHash('sha256').update(`${analyzer}\0${resourceId}\0${window.start}\0${window.end}`).digest('hex').slice(0, 16)
}

/** Rounds to `digits` decimals for display and JSON (money to cents, shares to basis points). */
export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits

/**
 * Rounds for display to `digits` significant digits under 1 (0.26569 -> 0.2657, 0.0012345 -> 0.001235) and to
 * `decimals` decimals from 1 up (61.23456 -> 61.235): a small share or a fraction of a vCPU keeps its digits where a
 * fixed number of decimals would round it away.
 */
export function sig(x: number, digits = 4, decimals = 3): number {
  if (!Number.isFinite(x) || x === 0) return x
  return Math.abs(x) < 1 ? Number(x.toPrecision(digits)) : round(x, decimals)
}

/** The fields of a recommendation that says its resource could not be judged: `reason` (a code) and what to collect. */
export const insufficientData = (reason: string, summary: string, evidence: Evidence[] = []) => ({
  finding: 'InsufficientData' as const,
  reasons: [reason],
  currentPerformanceRisk: 'Unknown' as const,
  options: [],
  evidence,
  summary,
  estimatedMonthlySavings: null,
})

/** Events in the window of a per-second rate series: mean rate x intervals with data x their length (invocations, errors). */
export const countOf = (m: MetricUsage): number => m.avg * m.samples * m.periodSec
