/**
 * An order-independent sum of doubles as SQL, the same text for DuckDB and ClickHouse: the same values give the same
 * sum to the last bit whatever order an engine adds them in. A float sum depends on its order, and neither engine
 * keeps one (DuckDB combines threads' partial sums; ClickHouse follows shards and parts): one demo VM-day summed to
 * 404789.6999999996 from the daily table and 404789.7 from sum() over the same rows. Sorting first makes the order
 * canonical but cost 60% of an import (docs/benchmarks.md); this does not sort.
 *
 * Each value is split, exactly, into four integer-valued doubles on fixed power-of-two grids: the part above 2^32, the
 * integer part below it, then two 30-bit slices of the fraction (down to 2^-60; finer bits are dropped, the same way in
 * both engines). Dividing or multiplying by a power of two, floor and the subtractions involved are all exact, and a
 * sum of integers below 2^53 is exact in any order, so each of the four sums is the same in both engines (for |v| <
 * 2^63 and fewer than 2^21 values in a group). The four are then combined in one fixed expression. The result is
 * within a few units in the last place of the true sum, closer than a sequential sum.
 */
export function exactSum(v: string): string {
  const hi = `floor((${v}) / 4294967296)`
  const below = `((${v}) - ${hi} * 4294967296)`
  const mid = `floor(${below})`
  const frac = `((${below} - ${mid}) * 1073741824)`
  const lo = `floor(${frac})`
  const lower = `floor((${frac} - ${lo}) * 1073741824)`
  return `(((sum(${hi}) * 4294967296 + sum(${mid})) + sum(${lo}) / 1073741824) + sum(${lower}) / 1152921504606846976)`
}
