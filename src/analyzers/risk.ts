import type { PerformanceRisk } from '../core/report.js'
import { QUANTILE_LEVELS, type MetricUsage } from '../store/types.js'

/** What exceedance counting reads off a series' summary. */
export type ExceedanceSeries = Pick<MetricUsage, 'samples' | 'top' | 'quantiles'>

/**
 * Share of a series' intervals whose value is above `threshold`: the count of such intervals over the intervals
 * present (`samples`, not the window's length: a series with 93% coverage has 93% of the intervals).
 *
 * The count is exact whenever the share is at most TOP_SHARE (10%), which covers every edge of the risk bands: it is
 * read off the series' largest values (`top`, descending), and a threshold at or above the smallest of them is
 * exceeded only by the values kept. Below that the count is only known to exceed what was kept, and the share shown is
 * the quantile grid's interpolated estimate, never less than the kept count proves.
 */
export function shareAbove(u: ExceedanceSeries, threshold: number): number {
  const { count, exact } = exceedances(u, threshold)
  const n = u.samples
  if (n <= 0) return 0
  return exact ? count / n : Math.max(count / n, gridShareAbove(u.quantiles, threshold))
}

/**
 * How many intervals are above `threshold` (or at it too, with `inclusive`): `exact` when the series' kept largest
 * values decide it (always up to TOP_SHARE of the intervals); otherwise `count` is what was kept, a lower bound.
 */
export function exceedances(u: ExceedanceSeries, threshold: number, inclusive = false): { count: number; exact: boolean } {
  const top = u.top
  const counts = inclusive ? (v: number) => v >= threshold : (v: number) => v > threshold
  // first index whose value does not count (top is descending)
  let lo = 0
  let hi = top.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (counts(top[mid]!)) lo = mid + 1
    else hi = mid
  }
  return { count: lo, exact: lo < top.length || top.length >= u.samples }
}

/**
 * Share above `threshold` read off a quantile function (values at QUANTILE_LEVELS) by linear interpolation: exact only
 * at the grid points, so it serves shares beyond what shareAbove counts, for display.
 */
function gridShareAbove(quantiles: readonly number[], threshold: number, levels: readonly number[] = QUANTILE_LEVELS): number {
  const n = Math.min(quantiles.length, levels.length)
  if (n === 0) return 0
  const last = quantiles[n - 1]!
  if (threshold >= last) return 0
  if (threshold < quantiles[0]!) return 1
  // last index i with quantiles[i] <= threshold
  let lo = 0
  let hi = n - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (quantiles[mid]! <= threshold) lo = mid
    else hi = mid - 1
  }
  const v0 = quantiles[lo]!
  const v1 = quantiles[lo + 1]!
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
 * Both are counted exactly over the intervals present (shareAbove), so an option is in its band by the count:
 * 4 of 3,760 intervals above capacity is 0.106%, over the Low limit.
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
