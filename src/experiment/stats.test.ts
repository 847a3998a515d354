import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { experimentJsonSchema, lambdaExperimentJsonSchema } from './result.js'
import { prng } from '../core/prng.js'
import { bootstrapMean, bootstrapRatio, CONFIDENCE_LEVELS, pairedRatio, roundOrder, tQuantile } from './stats.js'

/** Student's t density, integrated by Simpson's rule: an independent check of the quantile table. */
function tCdf(x: number, df: number): number {
  const lgamma = (z: number): number => {
    // Lanczos (g = 7), accurate to ~1e-13 for z > 0.5.
    const c = [
      0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012,
      9.984369578019572e-6, 1.5056327351493116e-7,
    ]
    z -= 1
    let a = c[0]!
    const t = z + 7.5
    for (let i = 1; i < 9; i++) a += c[i]! / (z + i)
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a)
  }
  const k = Math.exp(lgamma((df + 1) / 2) - lgamma(df / 2)) / Math.sqrt(df * Math.PI)
  const pdf = (t: number) => k * (1 + (t * t) / df) ** (-(df + 1) / 2)
  const n = 20_000
  const h = x / n
  let s = pdf(0) + pdf(x)
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * pdf(i * h)
  return 0.5 + (s * h) / 3
}

/** A seeded normal generator for the coverage check (Box-Muller over mulberry32). */
function normals(seed: number): () => number {
  let a = seed
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296
  }
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u())
}

describe('experiment statistics', () => {
  it('the t table: each quantile has the two-sided tail it claims (numeric integration of the density)', () => {
    for (const level of CONFIDENCE_LEVELS)
      for (const df of [1, 2, 3, 4, 5, 9, 19, 30]) expect(tCdf(tQuantile(df, level), df)).toBeCloseTo(1 - (1 - level) / 2, 3)
    expect(tQuantile(200, 0.95)).toBe(1.96)
    expect(() => tQuantile(4, 0.8)).toThrow(/confidence 0.8 is not one of 0.9, 0.95, 0.99/)
  })

  it('pairedRatio: worked example, and identical arms are never a difference', () => {
    // b/a = 1.30, 1.28, 1.32: logs 0.26236, 0.24686, 0.27763, mean 0.26228 -> ratio 1.2999; sd 0.015385, se 0.0088826,
    // t(2, 95%) = 4.303: half-width 0.038222 -> 1.2512 .. 1.3505.
    const r = pairedRatio([100, 100, 100], [130, 128, 132], 0.95)!
    expect(r.mean).toBeCloseTo(1.2999, 4)
    expect(r.lo).toBeCloseTo(1.2512, 3)
    expect(r.hi).toBeCloseTo(1.3505, 3)
    expect(r.significant).toBe(true)
    expect(pairedRatio([5, 6, 7], [5, 6, 7], 0.95)).toEqual({ mean: 1, lo: 1, hi: 1, significant: false })
    expect(pairedRatio([5], [6], 0.95)).toBeUndefined()
    expect(pairedRatio([5, 0], [6, 1], 0.95)).toBeUndefined()
  })

  it('with no true difference, 5 noisy rounds claim one at about the stated rate (2,000 simulated experiments)', () => {
    const z = normals(7)
    for (const level of CONFIDENCE_LEVELS) {
      let claims = 0
      for (let e = 0; e < 2000; e++) {
        // Each round shares a drift (the machine got busier) and each run adds its own noise of 3%.
        const a: number[] = []
        const b: number[] = []
        for (let i = 0; i < 5; i++) {
          const drift = Math.exp(0.1 * z())
          a.push(1000 * drift * Math.exp(0.03 * z()))
          b.push(1000 * drift * Math.exp(0.03 * z()))
        }
        if (pairedRatio(a, b, level)!.significant) claims++
      }
      // Binomial(2000, 1 - level): +-4 standard deviations.
      const p = 1 - level
      const sd = Math.sqrt(2000 * p * (1 - p))
      expect(claims).toBeGreaterThan(2000 * p - 4 * sd)
      expect(claims).toBeLessThan(2000 * p + 4 * sd)
    }
  })

  it('bootstrapMean brackets the mean and repeats itself; roundOrder alternates', () => {
    const xs = [10, 12, 11, 15, 9]
    const r = bootstrapMean(xs, 0.95)
    expect(r.mean).toBeCloseTo(11.4, 10)
    expect(r.lo).toBeLessThanOrEqual(r.mean)
    expect(r.hi).toBeGreaterThanOrEqual(r.mean)
    expect(r.lo).toBeGreaterThanOrEqual(9)
    expect(r.hi).toBeLessThanOrEqual(15)
    expect(bootstrapMean(xs, 0.95)).toEqual(r)
    expect(bootstrapMean([3], 0.95)).toEqual({ mean: 3, lo: 3, hi: 3 })
    expect([0, 1, 2, 3].map((i) => roundOrder(['a', 'b'], i).join(''))).toEqual(['ab', 'ba', 'ab', 'ba'])
  })
})

describe('experiment result contract', () => {
  it('schema/experiment-result.schema.json is the one generated from the zod schema (npx tsx scripts/generate-json-schema.ts)', () => {
    const checkedIn = JSON.parse(readFileSync(new URL('../../schema/experiment-result.schema.json', import.meta.url), 'utf8')) as unknown
    expect(checkedIn).toEqual(experimentJsonSchema())
  })
  it('schema/lambda-experiment-result.schema.json is the one generated from the zod schema', () => {
    const checkedIn = JSON.parse(readFileSync(new URL('../../schema/lambda-experiment-result.schema.json', import.meta.url), 'utf8')) as unknown
    expect(checkedIn).toEqual(lambdaExperimentJsonSchema())
  })
})

describe('bootstrapRatio (independent samples)', () => {
  it('is mean(b) / mean(a) with an interval around it, significant only when it excludes 1', () => {
    const a = [100, 102, 98, 101, 99, 100, 103, 97]
    const b = a.map((x) => x * 0.8)
    const r = bootstrapRatio(a, b, 0.95)!
    expect(r.mean).toBeCloseTo(0.8, 10)
    expect(r.lo).toBeLessThanOrEqual(0.8)
    expect(r.hi).toBeGreaterThanOrEqual(0.8)
    expect(r.significant).toBe(true)
    expect(bootstrapRatio(a, [...a].reverse(), 0.95)!.significant).toBe(false)
    expect(bootstrapRatio([1], [1, 2], 0.95)).toBeUndefined()
    expect(bootstrapRatio([0, 0], [1, 2], 0.95)).toBeUndefined()
  })
  it('claims a difference between two samples of one distribution at about the stated rate', () => {
    // 400 pairs of samples (20 each) from one lognormal-ish distribution: at 95%, about 5% claims (a bootstrap of a
    // ratio of means undercovers a little at n = 20, so up to 10% is accepted; a broken interval claims far more).
    const rand = prng(7)
    const draw = () => Array.from({ length: 20 }, () => Math.exp(0.2 * (rand() + rand() + rand() - 1.5)) * 100)
    let claims = 0
    for (let i = 0; i < 400; i++) if (bootstrapRatio(draw(), draw(), 0.95, 1000, i + 1)!.significant) claims++
    expect(claims / 400).toBeLessThan(0.1)
    expect(claims).toBeGreaterThan(0)
  })
})
