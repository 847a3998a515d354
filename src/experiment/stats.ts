import { prng } from '../core/prng.js'

/**
 * The statistics of an experiment: rounds are few (3-10), so every interval here is honest about small samples.
 *
 * - Per arm, a metric's mean over rounds with a percentile-bootstrap interval (resampling rounds), as the issue asks
 *   for the latency percentiles: it shows how much the figure moved from round to round.
 * - Between two arms, the verdict: rounds are interleaved (A B, B A, A B, ...), so round i's two runs share the
 *   generator's and the network's state. The test is on the paired log-ratios ln(b_i / a_i): their mean +- Student's t
 *   quantile x standard error, turned back into a ratio. With 5 rounds the percentile bootstrap of a mean covers a
 *   95% interval only ~85% of the time (it ignores that the spread itself is estimated from 5 values); the t interval
 *   does not, which is what keeps "no significant difference" the answer for two identical servers 95% of the time.
 */

/** Student's t quantiles t(df, 1 - (1 - level) / 2) for two-sided intervals, df 1..30 (the usual table); then normal. */
const T_TABLE: Record<string, { df: readonly number[]; inf: number }> = {
  '0.9': {
    df: [
      6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.74, 1.734, 1.729, 1.725, 1.721, 1.717,
      1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697,
    ],
    inf: 1.645,
  },
  '0.95': {
    df: [
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074,
      2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
    ],
    inf: 1.96,
  },
  '0.99': {
    df: [
      63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.25, 3.169, 3.106, 3.055, 3.012, 2.977, 2.947, 2.921, 2.898, 2.878, 2.861, 2.845, 2.831, 2.819,
      2.807, 2.797, 2.787, 2.779, 2.771, 2.763, 2.756, 2.75,
    ],
    inf: 2.576,
  },
}
export const CONFIDENCE_LEVELS = [0.9, 0.95, 0.99] as const

export function tQuantile(df: number, level: number): number {
  const t = T_TABLE[String(level)]
  if (!t) throw new RangeError(`confidence ${level} is not one of ${CONFIDENCE_LEVELS.join(', ')}`)
  return df >= 1 && df <= 30 ? t.df[df - 1]! : t.inf
}

export interface Interval {
  mean: number
  lo: number
  hi: number
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

/** The mean of `xs` with a percentile-bootstrap interval at `level` (2,000 resamples, seeded). */
export function bootstrapMean(xs: readonly number[], level: number, resamples = 2000, seed = 1): Interval {
  const m = mean(xs)
  if (xs.length < 2) return { mean: m, lo: m, hi: m }
  const rand = prng(seed)
  const means = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    let s = 0
    for (let i = 0; i < xs.length; i++) s += xs[Math.floor(rand() * xs.length)]!
    means[r] = s / xs.length
  }
  means.sort()
  const tail = (1 - level) / 2
  return { mean: m, lo: means[Math.floor(tail * (resamples - 1))]!, hi: means[Math.ceil((1 - tail) * (resamples - 1))]! }
}

export interface RatioInterval extends Interval {
  /** True when the interval excludes 1: the arms differ at this confidence. */
  significant: boolean
}

/**
 * b / a from paired rounds: the geometric mean of b_i / a_i with a t interval on the log scale. `mean` is that ratio
 * (1.23 = b is 23% higher), `lo`/`hi` its bounds. Undefined when a pair has a zero or fewer than two pairs exist.
 */
export function pairedRatio(a: readonly number[], b: readonly number[], level: number): RatioInterval | undefined {
  const n = Math.min(a.length, b.length)
  if (n < 2) return undefined
  const logs: number[] = []
  for (let i = 0; i < n; i++) {
    if (!(a[i]! > 0) || !(b[i]! > 0)) return undefined
    logs.push(Math.log(b[i]! / a[i]!))
  }
  const m = mean(logs)
  const sd = Math.sqrt(logs.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1))
  const half = (tQuantile(n - 1, level) * sd) / Math.sqrt(n)
  const lo = Math.exp(m - half)
  const hi = Math.exp(m + half)
  return { mean: Math.exp(m), lo, hi, significant: lo > 1 || hi < 1 }
}

/** The order of the arms in each round: forward, then backward (A B, B A, A B, ...), so neither arm always goes first. */
export function roundOrder<T>(arms: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...arms] : [...arms].reverse()
}

/**
 * mean(b) / mean(a) for two independent samples (a Lambda setting's invocations against another's: nothing pairs
 * them), with a percentile-bootstrap interval resampling each sample apart (2,000 resamples, seeded). Undefined when
 * either has fewer than two values or a mean that is not positive.
 */
export function bootstrapRatio(a: readonly number[], b: readonly number[], level: number, resamples = 2000, seed = 1): RatioInterval | undefined {
  if (a.length < 2 || b.length < 2) return undefined
  const ma = mean(a)
  const mb = mean(b)
  if (!(ma > 0) || !(mb > 0)) return undefined
  const rand = prng(seed)
  const draw = (xs: readonly number[]) => {
    let s = 0
    for (let i = 0; i < xs.length; i++) s += xs[Math.floor(rand() * xs.length)]!
    return s / xs.length
  }
  const ratios = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) ratios[r] = draw(b) / draw(a)
  ratios.sort()
  const tail = (1 - level) / 2
  const lo = ratios[Math.floor(tail * (resamples - 1))]!
  const hi = ratios[Math.ceil((1 - tail) * (resamples - 1))]!
  return { mean: mb / ma, lo, hi, significant: lo > 1 || hi < 1 }
}
