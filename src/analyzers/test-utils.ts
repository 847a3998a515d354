import { quantileLinear } from '../core/quantile.js'
import type { MetricName, Statistic } from '../core/metrics.js'
import type { ResourceRef } from '../core/report.js'
import { allowedAbove } from './risk.js'
import { CEILING_LEVELS, EXCEEDANCE_LIMITS, QUANTILE_LEVELS, type DailyUsage, type MetricUsage, type UsageSummary } from '../store/types.js'

/**
 * In-memory builder for analyzer tests: `usage('i-1', 'm5.2xlarge').series('cpu.utilization', 'max', values).build()`.
 * Quantiles are computed here with the same linear interpolation DuckDB's quantile_cont uses
 * (position (n - 1) x level), so fixtures can be written as plain value lists.
 */
export { quantileLinear }

const DAY = 86_400_000
const T0 = Date.UTC(2024, 0, 1)

export function seriesUsage(metric: MetricName, stat: Statistic, values: readonly number[], periodSec = 300): MetricUsage {
  const sorted = [...values].sort((a, b) => a - b)
  const q = QUANTILE_LEVELS.map((l) => quantileLinear(sorted, l))
  const at = (l: number) => q[QUANTILE_LEVELS.indexOf(l)]!
  const hours = (values.length * periodSec) / 3600
  return {
    metric,
    stat,
    samples: values.length,
    periodSec,
    coverage: Math.min(1, hours / (14 * 24)),
    hours,
    avg: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length),
    p50: at(0.5),
    p90: at(0.9),
    p95: at(0.95),
    p99: at(0.99),
    p995: at(0.995),
    max: sorted[sorted.length - 1] ?? NaN,
    quantiles: q,
    // the (floor(x n) + 1)-th largest value, by the definition in store/types.ts
    edges: EXCEEDANCE_LIMITS.map((x) => sorted[sorted.length - 1 - allowedAbove(x, sorted.length)] ?? NaN),
    atOrAbove: CEILING_LEVELS.map((l) => values.filter((v) => v >= l).length),
    first: T0,
    last: T0 + (values.length - 1) * periodSec * 1000,
  }
}

/** Per-day rows from a value list laid out from T0 at the period (what the store's daily SQL returns). */
function dailyOf(metric: MetricName, stat: Statistic, values: readonly number[], periodSec = 300): DailyUsage[] {
  const perDay = (86_400 / periodSec) | 0
  const out: DailyUsage[] = []
  for (let d = 0; d * perDay < values.length; d++) {
    const v = values.slice(d * perDay, (d + 1) * perDay)
    out.push({
      day: new Date(T0 + d * DAY).toISOString().slice(0, 10),
      metric,
      stat,
      samples: v.length,
      avg: v.reduce((a, b) => a + b, 0) / v.length,
      max: Math.max(...v),
      total: v.reduce((a, b) => a + b * periodSec, 0),
    })
  }
  return out
}

export function usage(id: string, instanceType: string | undefined, region = 'us-east-1') {
  const resource: ResourceRef = { provider: 'file', kind: 'ec2-instance', id, region, attributes: instanceType ? { instanceType } : {}, tags: {} }
  const metrics: UsageSummary['metrics'] = {}
  const daily: DailyUsage[] = []
  const b = {
    series(metric: MetricName, stat: Statistic, values: readonly number[], opts: { daily?: boolean } = {}) {
      metrics[metric] = { ...(metrics[metric] ?? {}), [stat]: seriesUsage(metric, stat, values) }
      if (opts.daily !== false) daily.push(...dailyOf(metric, stat, values))
      return b
    },
    build(): UsageSummary {
      return { resource, window: { start: T0 - DAY, end: T0 + 13 * DAY }, metrics, daily }
    },
  }
  return b
}

/** 14 days of 5-minute samples: `n` copies of a value list cycled. */
export function repeat(pattern: readonly number[], n = 14 * 288): number[] {
  return Array.from({ length: n }, (_, i) => pattern[i % pattern.length]!)
}

/** Adds a native-resolution series (what the store attaches for SERIES_KINDS) and its summary to a usage. */
export function withSeries(u: UsageSummary, metric: MetricName, stat: Statistic, values: readonly number[], periodSec = 300): UsageSummary {
  const ts = Float64Array.from(values, (_, i) => T0 + i * periodSec * 1000)
  return {
    ...u,
    window: { start: T0 - periodSec * 1000, end: T0 + (values.length - 1) * periodSec * 1000 },
    metrics: { ...u.metrics, [metric]: { ...(u.metrics[metric] ?? {}), [stat]: seriesUsage(metric, stat, values, periodSec) } },
    series: { ...(u.series ?? {}), [metric]: { stat, periodSec, ts, values: Float64Array.from(values) } },
  }
}

export function resourceUsage(resource: ResourceRef): UsageSummary {
  return { resource, window: { start: T0 - DAY, end: T0 + 13 * DAY }, metrics: {}, daily: [] }
}
