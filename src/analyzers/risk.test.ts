import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { maxRisk, percentShares, riskFromShares, shareAbove } from './risk.js'
import { seriesUsage } from './test-utils.js'

const of = (values: number[]) => seriesUsage('cpu.utilization', 'max', values)
/** The reference: count the intervals above the threshold, one by one. */
const bruteShare = (values: readonly number[], t: number) => values.filter((v) => v > t).length / values.length

describe('shareAbove (exact at every band limit)', () => {
  it('decides the band on the count over the intervals present: 4 of 3,760 is over 0.1%, Medium, not Low', () => {
    // The case the 217-VM recomputation found: 3,760 five-minute intervals (93% coverage of 14 days), 4 of them above
    // the option's capacity (60%). A 9-level quantile grid put the share at 0.093% (Low); the count says 0.106%.
    const values = Array.from({ length: 3760 }, (_, i) => (i < 4 ? 61 + i : 20 + (i % 30)))
    // The 0.1% edge is the 4th largest value (floor(3.76) = 3 intervals may lie above it): 61..64 are above 60, so the
    // share is at least 4/3,760; the 0.5% edge (19th largest, a 49) is below 60, so at most 18/3,760.
    const s100 = shareAbove(of(values), 60)
    expect(s100).toBeGreaterThanOrEqual(4 / 3760)
    expect(s100).toBeLessThanOrEqual(18 / 3760)
    expect(riskFromShares(0, s100)).toBe('Medium')
    // and with 3 above, 0.0798%: Low
    expect(riskFromShares(0, shareAbove(of(values.map((v) => (v === 64 ? 50 : v))), 60))).toBe('Low')
  })

  it('is 0 at or above the max and 1 below the min; "above" is strict', () => {
    const u = of(Array.from({ length: 1001 }, (_, i) => i))
    expect(shareAbove(u, 1000)).toBe(0)
    expect(shareAbove(u, 5000)).toBe(0)
    expect(shareAbove(u, 999)).toBe(1 / 1001)
    expect(shareAbove(u, -1)).toBe(1)
  })

  it('lies on the brute-force count’s side of every band limit, so the risk band always equals the brute-force band', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(0, 50, 100)), { minLength: 1, maxLength: 600 }),
        fc.double({ min: -10, max: 110, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, t, h) => {
          const u = of(values)
          const exact = bruteShare(values, t)
          const share = shareAbove(u, t)
          expect(share === 0).toBe(exact === 0)
          for (const x of [0.001, 0.005, 0.01, 0.02, 0.1]) expect(share <= x, `limit ${x}: ${share} vs ${exact}`).toBe(exact <= x)
          // the band of a candidate with capacity t x (1 + h) against the series (current = 100)
          const c = Math.max(0.001, t) * (1 + h)
          const { s, s100 } = percentShares(u, 100, c, h)
          expect(riskFromShares(s, s100)).toBe(riskFromShares(bruteShare(values, c / (1 + h)), bruteShare(values, c)))
        },
      ),
    )
  })

  it('never increases as the threshold rises, and stays within [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: -10, max: 110, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (values, t, dt) => {
          const u = of(values)
          const a = shareAbove(u, t)
          const b = shareAbove(u, t + dt)
          expect(a).toBeGreaterThanOrEqual(0)
          expect(a).toBeLessThanOrEqual(1)
          expect(b).toBeLessThanOrEqual(a + 1e-12)
        },
      ),
    )
  })
})

describe('riskFromShares (published formula)', () => {
  it('maps the band edges as documented', () => {
    expect(riskFromShares(0, 0)).toBe('VeryLow')
    expect(riskFromShares(0.005, 0)).toBe('VeryLow')
    expect(riskFromShares(0.0051, 0)).toBe('Low')
    expect(riskFromShares(0.001, 0.0005)).toBe('Low')
    expect(riskFromShares(0.02, 0.001)).toBe('Low')
    expect(riskFromShares(0.03, 0)).toBe('Medium')
    expect(riskFromShares(0.1, 0.01)).toBe('Medium')
    expect(riskFromShares(0.11, 0)).toBe('High')
    expect(riskFromShares(0.05, 0.02)).toBe('High')
    expect(maxRisk(['Low', 'High', 'VeryLow'])).toBe('High')
  })
})
