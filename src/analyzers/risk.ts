import type { PerformanceRisk } from '../core/report.js'
import { EXCEEDANCE_LIMITS, QUANTILE_LEVELS, type MetricUsage } from '../store/types.js'

/** What exceedance shares read off a series' summary. */
export type ExceedanceSeries = Pick<MetricUsage, 'samples' | 'max' | 'edges' | 'quantiles'>

/** Intervals allowed above the edge of share x among n: floor(x n), in integers (x has at most 4 decimals). */
export const allowedAbove = (x: number, n: number): number => Math.floor((Math.round(x * 10_000) * n) / 10_000)

/**
 * Share of a series' intervals whose value is above `threshold`, over the intervals present (`samples`, not the
 * window's length: a series with 93% coverage has 93% of the intervals).
 *
 * Exact on which side of every band limit it lies: for each limit x in EXCEEDANCE_LIMITS the store keeps the edge
 * value v_x (the (floor(x n) + 1)-th largest), and more than floor(x n) intervals are above the threshold exactly when
 * it is below v_x; none are when it is at or above the max. Between those bounds the share shown is the quantile grid's
 * interpolation, clamped into them: 4 of 3,760 intervals above a capacity is at least 4/3,760 = 0.106%, over the 0.1%
 * Low limit, whatever the grid says.
 */
export function shareAbove(u: ExceedanceSeries, threshold: number): number {
  const n = u.samples
  if (n <= 0 || threshold >= u.max) return 0
  let lo = 1 / n
  let hi = 1
  EXCEEDANCE_LIMITS.forEach((x, i) => {
    const m = allowedAbove(x, n)
    if (threshold >= u.edges[i]!) hi = Math.min(hi, m / n)
    else lo = Math.max(lo, (m + 1) / n)
  })
  return Math.min(hi, Math.max(lo, gridShareAbove(u, threshold)))
}

/**
 * A series' quantile function as points (level, value), ascending: the quantile grid (QUANTILE_LEVELS) and the exact
 * edges, each at its own level (v_x is the order statistic at position n - 1 - floor(x n), level that over n - 1).
 * Cached per summary: shareAbove is called for every dimension of every candidate type.
 */
const pointsCache = new WeakMap<ExceedanceSeries, { levels: number[]; values: number[] }>()
function quantilePoints(u: ExceedanceSeries): { levels: number[]; values: number[] } {
  let p = pointsCache.get(u)
  if (!p) {
    const n = u.samples
    const pts: [number, number][] = QUANTILE_LEVELS.map((l, i) => [l, u.quantiles[i]!])
    if (n > 1) EXCEEDANCE_LIMITS.forEach((x, i) => pts.push([(n - 1 - allowedAbove(x, n)) / (n - 1), u.edges[i]!]))
    pts.sort((a, b) => a[0] - b[0] || a[1] - b[1])
    const values = pts.map((x) => x[1])
    for (let i = 1; i < values.length; i++) values[i] = Math.max(values[i]!, values[i - 1]!)
    pointsCache.set(u, (p = { levels: pts.map((x) => x[0]), values }))
  }
  return p
}

/** Share above `threshold` read off the quantile points by linear interpolation: exact only at the points. */
function gridShareAbove(u: ExceedanceSeries, threshold: number): number {
  const { levels, values } = quantilePoints(u)
  const n = values.length
  if (n === 0 || threshold >= values[n - 1]!) return 0
  if (threshold < values[0]!) return 1
  // last index i with values[i] <= threshold
  let lo = 0
  let hi = n - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (values[mid]! <= threshold) lo = mid
    else hi = mid - 1
  }
  const v0 = values[lo]!
  const v1 = values[lo + 1]!
  const l0 = levels[lo]!
  const l1 = levels[lo + 1]!
  const f = v1 > v0 ? l0 + ((l1 - l0) * (threshold - v0)) / (v1 - v0) : l1
  return Math.max(0, Math.min(1, 1 - f))
}

/**
 * Exceedance shares for a series recorded in percent of today's capacity `current`, against a candidate capacity `c`
 * (same units as `current`): s counts intervals whose demand exceeds c / (1 + headroom), s100 those exceeding c.
 * Interval i exceeds x when pct_i x current / 100 > x, i.e. pct_i > x / current x 100.
 */
export function percentShares(u: ExceedanceSeries, current: number, c: number, headroom: number): { s: number; s100: number } {
  return { s: shareAbove(u, (c / (1 + headroom) / current) * 100), s100: shareAbove(u, (c / current) * 100) }
}

/**
 * headroom's published performance-risk formula (docs/analyzers/ec2-rightsize.md), per dimension:
 * - `s` = share of recorded 5-minute intervals whose projected demand exceeds the capacity left after
 *   headroom (capacity / (1 + headroom)): the intervals that would break the sizing rule;
 * - `s100` = share whose projected demand exceeds the whole capacity: the intervals that would saturate.
 *
 * Both are over the intervals present and exact at every limit below (shareAbove), so an option is in its band by
 * the count: 4 of 3,760 intervals above capacity is 0.106%, over the Low limit.
 *
 * VeryLow: s100 = 0 and s <= 0.5%   (what P99.5 sizing tolerates by construction)
 * Low:     s100 <= 0.1% and s <= 2%
 * Medium:  s100 <= 1% and s <= 10%
 * High:    otherwise
 * (0.1% of 14 full days of 5-minute intervals, 4,032, is 4.03: 4 intervals, about 20 minutes, are allowed.)
 */
export function riskFromShares(s: number, s100: number): PerformanceRisk {
  if (s100 <= 0 && s <= 0.005) return 'VeryLow'
  if (s100 <= 0.001 && s <= 0.02) return 'Low'
  if (s100 <= 0.01 && s <= 0.1) return 'Medium'
  return 'High'
}

/** Risk when only a demand/capacity ratio is known (dimensions summarised without a distribution). */
export function riskFromRatio(demand: number, need: number, capacity: number): PerformanceRisk {
  if (need <= capacity) return 'VeryLow'
  if (demand <= capacity) return 'Medium'
  return 'High'
}

const ORDER: readonly PerformanceRisk[] = ['VeryLow', 'Low', 'Medium', 'High']
export function maxRisk(risks: readonly PerformanceRisk[]): PerformanceRisk {
  return risks.reduce<PerformanceRisk>((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a), 'VeryLow')
}
export function riskRank(r: PerformanceRisk): number {
  return ORDER.indexOf(r)
}
