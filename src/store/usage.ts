import { METRIC_NAMES, STATISTICS, type MetricName, type Statistic } from '../core/metrics.js'
import { CEILING_LEVELS, QUANTILE_LEVELS, type DailyUsage, type DisplaySeries, type MetricUsage, type UsageSummary } from './types.js'

/** One series' figures over its window as an engine computed them (DuckDB or ClickHouse), before MetricUsage's rules. */
interface SeriesFigures {
  /** 5-minute intervals (rolled-up buckets and coarser samples). */
  n: number
  /** The series' largest period in the window, seconds. */
  maxPeriodSec: number
  avg: number
  min: number
  max: number
  /** Values at the interior QUANTILE_LEVELS (0 < level < 1), interpolated as DuckDB's quantile_cont. */
  interior: readonly number[]
  /** Order statistics at EXCEEDANCE_LIMITS. */
  edges: readonly number[]
  /** Counts at or above CEILING_LEVELS. */
  atOrAbove: readonly number[]
  /** epoch ms */
  first: number
  last: number
}

/**
 * The MetricUsage of one series, the same from every store: both engines hand over the same figures and this turns
 * them into the summary analyzers read, so a difference between stores can only be a difference in the figures.
 */
function metricUsage(metric: MetricName, stat: Statistic, f: SeriesFigures, window: { start: number; end: number }): MetricUsage {
  // Interpolation computes lo x (1 - frac) + hi x frac in floating point, which can come out a last-bit lower at a higher
  // level (found by the property test: p99 = 100, p99.5 = 99.99999999999999). A quantile function never decreases, so
  // take the running maximum. The same rounding can also land a last bit above the largest value when two equal values
  // are interpolated (another counterexample: p99.5 = 99.99999999999974 over values whose max is 99.99999999999973); no
  // quantile exceeds the max, so cap there.
  const max = f.max
  const q = [f.min, ...f.interior, max]
  for (let i = 1; i < q.length; i++) q[i] = Math.max(q[i]!, q[i - 1]!)
  for (let i = 0; i < q.length; i++) q[i] = Math.min(q[i]!, max)
  const at = (level: number) => q[QUANTILE_LEVELS.indexOf(level)] ?? NaN
  const periodSec = Math.max(300, f.maxPeriodSec)
  return {
    metric,
    stat,
    samples: f.n,
    periodSec,
    coverage: Math.min(1, (f.n * periodSec * 1000) / (window.end - window.start)),
    hours: (f.n * periodSec) / 3600,
    avg: f.avg,
    p50: at(0.5),
    p90: at(0.9),
    p95: at(0.95),
    p99: at(0.99),
    p995: at(0.995),
    max,
    quantiles: q,
    edges: [...f.edges],
    atOrAbove: CEILING_LEVELS.map((_, i) => f.atOrAbove[i] ?? 0),
    first: f.first,
    last: f.last,
  }
}

/**
 * One row of a store's usage query into its summary: metric_id, stat_id, n, period_s, avg, min, max, q (interior
 * quantiles), e (edges), c0.. (counts at CEILING_LEVELS), first, last. Both stores' queries name their columns so.
 */
export function addSeriesRow(s: UsageSummary, row: Record<string, unknown>): void {
  const metric = METRIC_NAMES[Number(row.metric_id) - 1]
  const stat = STATISTICS[Number(row.stat_id) - 1]
  if (!metric || !stat) return
  const usage = metricUsage(
    metric,
    stat,
    {
      n: Number(row.n),
      maxPeriodSec: Number(row.period_s),
      avg: Number(row.avg),
      min: Number(row.min),
      max: Number(row.max),
      interior: (row.q as number[]).map(Number),
      edges: (row.e as number[]).map(Number),
      atOrAbove: CEILING_LEVELS.map((_, i) => Number(row[`c${i}`])),
      first: Number(row.first),
      last: Number(row.last),
    },
    s.window,
  )
  s.metrics[metric] = { ...(s.metrics[metric] ?? {}), [stat]: usage }
}

/** One row of a store's day query (metric_id, stat_id, day as days since the epoch, n, avg, max, total) into its summary. */
export function addDailyRow(s: UsageSummary, row: Record<string, unknown>): void {
  const metric = METRIC_NAMES[Number(row.metric_id) - 1]
  const stat = STATISTICS[Number(row.stat_id) - 1]
  if (!metric || !stat) return
  ;(s.daily as DailyUsage[]).push({
    day: new Date(Number(row.day) * 86_400_000).toISOString().slice(0, 10),
    metric,
    stat,
    samples: Number(row.n),
    avg: Number(row.avg),
    max: Number(row.max),
    total: Number(row.total),
  })
}

/**
 * A display query's rows (id, m = metric id, s = statistic id, p = period, then per time bucket tmin, vmin, tmax, vmax;
 * ordered by id, m, s, bucket) as series of at most two points a bucket, each at its own time, in time order.
 */
export function displayRows(rows: readonly Record<string, unknown>[]): DisplaySeries[] {
  const out: DisplaySeries[] = []
  let cur: DisplaySeries | undefined
  for (const row of rows) {
    const id = String(row.id)
    const metric = METRIC_NAMES[Number(row.m) - 1]
    const stat = STATISTICS[Number(row.s) - 1]
    if (!metric || !stat) continue
    if (!cur || cur.resourceId !== id || cur.metric !== metric || cur.stat !== stat) {
      cur = { resourceId: id, metric, stat, periodSec: Number(row.p), t: [], v: [] }
      out.push(cur)
    }
    const a: [number, number] = [Number(row.tmin), Number(row.vmin)]
    const b: [number, number] = [Number(row.tmax), Number(row.vmax)]
    for (const [t, v] of a[0] === b[0] ? [a] : a[0] < b[0] ? [a, b] : [b, a]) {
      cur.t.push(t)
      cur.v.push(v)
    }
  }
  return out
}
