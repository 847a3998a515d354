import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import { QUANTILE_LEVELS, type UsageSummary } from '../../store/types.js'
import { repeat, usage } from '../test-utils.js'
import { breakEvenUtilization, ColdStartOptionsSchema, lambdaColdStarts, provisionedCost, quantileCurve } from './index.js'

const services = loadServiceCatalogs()
const catalog = loadCatalog()
const N = 14 * 288

/** A function over 14 days: invocations/s per 5-minute interval, cold starts/s, a constant duration and init. */
function fn(o: { rate: number[]; cold: number[]; ms: number; initMs?: number; memoryMB?: number; arch?: string }): UsageSummary {
  let b = usage('fn-1', undefined)
    .series('lambda.duration_ms', 'avg', repeat([o.ms], N))
    .series('lambda.invocations_per_s', 'avg', repeat(o.rate, N))
    .series('lambda.cold_starts_per_s', 'sum', repeat(o.cold, N))
  if (o.initMs !== undefined)
    b = b.series('lambda.init_duration_ms', 'avg', repeat([o.initMs], N)).series('lambda.init_duration_ms', 'max', repeat([o.initMs * 1.5], N))
  const u = b.build()
  return {
    ...u,
    window: { start: 0, end: 14 * 86_400_000 },
    resource: { ...u.resource, kind: 'lambda-function', attributes: { memorySizeMB: o.memoryMB ?? 1024, architecture: o.arch ?? 'x86_64' } },
  }
}
const run = (u: UsageSummary) => lambdaColdStarts.analyze({ usage: u, catalog, services }, ColdStartOptionsSchema.parse({})).recommendations

describe('provisioned concurrency prices', () => {
  it('are the published ones, and break even at 60% utilization on both architectures', () => {
    const p = services.lambda.provisioned
    expect(p.gbSecondUsd).toEqual({ x86_64: 0.0000041667, arm64: 0.0000033333 })
    expect(p.durationGbSecondUsd).toEqual({ x86_64: 0.0000097222, arm64: 0.0000077778 })
    // 0.0000041667 / (0.0000166667 - 0.0000097222) = 0.6000; arm64: 0.0000033333 / (0.0000133334 - 0.0000077778) = 0.6000.
    expect(breakEvenUtilization('x86_64', services.lambda)).toBeCloseTo(0.6, 4)
    expect(breakEvenUtilization('arm64', services.lambda)).toBeCloseTo(0.6, 3)
  })
})

describe('lambda.cold-starts worked examples', () => {
  it('steady load: 2% cold starts of 400 ms; 2 provisioned environments save $14.60 a month', () => {
    // 10 invocations/s x 0.2 s = 2 environments busy all the time. Cold starts 0.2/s = 2% of invocations.
    const [rec] = run(fn({ rate: [10], cold: [0.2], ms: 200, initMs: 400 }))
    expect(rec!.finding).toBe('Flagged')
    expect(rec!.reasons).toEqual(['ColdStarts', 'ProvisionedConcurrencyPaysOff'])
    expect(rec!.current.coldStartPct).toBe(2)
    // On demand: 2 x 1 GB x 2,628,000 s x $0.0000166667 = $87.60 a month of duration.
    expect(rec!.current.durationMonthlyCost).toBe(87.6)
    // Provisioned 2: 2 x 1 GB x 2,628,000 s x ($0.0000041667 + $0.0000097222) = $73.00; saves $14.60.
    expect(rec!.options).toHaveLength(1)
    expect(rec!.options[0]!.change).toEqual({ provisionedConcurrency: 2, memorySizeMB: 1024, architecture: 'x86_64' })
    expect(rec!.options[0]!.monthlyCost).toBe(73)
    expect(rec!.options[0]!.monthlySavings).toBe(14.6)
    expect(rec!.estimatedMonthlySavings).toBe(14.6)
    // 2% x 400 ms = 8 ms added to the mean invocation (4% of its 200 ms: under the 5% latency threshold, Low risk);
    // init billed: 0.2/s x 86,400 x 30.42 days = 525,600 cold starts x 0.4 s x 1 GB x $0.0000166667 = $3.50 a month.
    expect(rec!.evidence.find((e) => e.stat === 'mean latency cold starts add per invocation')!.value).toBe(8)
    expect(rec!.currentPerformanceRisk).toBe('Low')
    expect(rec!.summary).toBe(
      '2% of invocations start cold, mean init 400 ms (adds 8 ms to the mean invocation), $3.50/month of init billed. 2 provisioned environments pay for themselves ($14.6/month less) and remove cold starts in 100% of intervals.',
    )
  })

  it('bursty load: provisioned concurrency does not pay, and the summary says what covering the bursts would cost', () => {
    // 19 intervals in 20 at 0.5/s, one at 50/s; 0.5 s each: concurrency 0.25 mostly, 25 in the burst.
    const [rec] = run(fn({ rate: [...repeat([0.5], 19), 50], cold: [...repeat([0.05], 19), 5], ms: 500, initMs: 900, memoryMB: 512, arch: 'arm64' }))
    expect(rec!.finding).toBe('Flagged')
    expect(rec!.reasons).toEqual(['ColdStarts'])
    expect(rec!.estimatedMonthlySavings).toBe(0)
    expect(rec!.options.every((o) => (o.monthlySavings ?? 0) < 0)).toBe(true)
    expect(rec!.summary).toMatch(
      /^10% of invocations start cold, mean init 900 ms \(adds 90 ms to the mean invocation\).*Provisioned concurrency does not pay here/,
    )
    // 90 ms added to a 500 ms mean: 18%, over the 5% threshold.
    expect(rec!.currentPerformanceRisk).toBe('Medium')
  })

  it('rare cold starts are not a finding; no cold-start data, no recommendation; too few invocations, InsufficientData', () => {
    const [ok] = run(fn({ rate: [10], cold: [0.01], ms: 200, initMs: 300 }))
    expect(ok!.finding).toBe('Optimized')
    expect(ok!.options).toEqual([])
    expect(ok!.summary).toBe('Cold starts are 0.1% of invocations, mean init 300 ms (adds 0.3 ms to the mean invocation): not a finding.')
    const u = fn({ rate: [10], cold: [0.2], ms: 200 })
    delete u.metrics['lambda.cold_starts_per_s']
    expect(run(u)).toEqual([])
    // 0.00001/s for 14 days: 12 invocations, under the 50 needed.
    const few = fn({ rate: [0.00001], cold: [0.000001], ms: 200, initMs: 300 })
    expect(run(few)[0]!.finding).toBe('InsufficientData')
  })
})

describe('quantileCurve and provisionedCost', () => {
  it('the mean of min(Q, n) and the share at or below n, on a worked curve', () => {
    // Values at levels 0, .5, .9, .95, .99, .995, 1: 0, 10, 10, 10, 10, 10, 20.
    const c = quantileCurve([0, 10, 10, 10, 10, 10, 20])
    // Mean: 0.5 x 5 + 0.495 x 10 + 0.005 x 15 = 7.525.
    expect(c.meanMin(Infinity)).toBeCloseTo(7.525, 10)
    // min(Q, 5): 0.5 x (0 .. 10 capped at 5: 0.5 x 2.5 + 0.5 x 5 = 3.75) + 0.5 x 5 = 1.875 + 2.5 = 4.375.
    expect(c.meanMin(5)).toBeCloseTo(4.375, 10)
    expect(c.cdf(5)).toBeCloseTo(0.25, 10)
    expect(c.cdf(10)).toBe(0.995)
    expect(c.cdf(20)).toBe(1)
    expect(c.cdf(-1)).toBe(0)
    expect(QUANTILE_LEVELS).toHaveLength(7)
  })
  it('more provisioned environments never cover less, never use more than they are, and 0 is the on-demand cost', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 7, maxLength: 7 }), fc.integer({ min: 0, max: 50 }), (raw, n) => {
        const q = [...raw].sort((a, b) => a - b)
        const curve = quantileCurve(q)
        const mean = curve.meanMin(Infinity)
        const a = provisionedCost(n, mean, curve, 1, 'x86_64', services.lambda)
        const b = provisionedCost(n + 1, mean, curve, 1, 'x86_64', services.lambda)
        expect(b.coveredShare).toBeGreaterThanOrEqual(a.coveredShare - 1e-12)
        expect(a.utilization).toBeLessThanOrEqual(1 + 1e-12)
        expect(a.coveredShare).toBeLessThanOrEqual(1 + 1e-12)
        const zero = provisionedCost(0, mean, curve, 1, 'x86_64', services.lambda)
        expect(zero.monthly).toBeCloseTo(mean * 2_628_000 * services.lambda.gbSecondUsd.x86_64, 6)
      }),
    )
  })
})
