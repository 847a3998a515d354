/**
 * The `level` quantile of ascending `sorted` values by linear interpolation between order statistics (position
 * (n - 1) x level): DuckDB's quantile_cont and numpy's default, so a figure computed here matches the store's.
 */
export function quantileLinear(sorted: readonly number[], level: number): number {
  if (sorted.length === 0) return NaN
  const pos = (sorted.length - 1) * level
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}
