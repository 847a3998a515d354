import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { maxRisk, riskFromShares, shareAbove } from './risk.js'
import { quantileLinear } from './test-utils.js'
import { QUANTILE_LEVELS } from '../store/types.js'

const qOf = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b)
  return QUANTILE_LEVELS.map((l) => quantileLinear(s, l))
}

describe('shareAbove', () => {
  it('is exact at the quantile grid points and 0 at or above the max', () => {
    // 1001 evenly spaced values 0..1000: Q(level) = 1000 x level exactly.
    const q = qOf(Array.from({ length: 1001 }, (_, i) => i))
    expect(shareAbove(q, 900)).toBeCloseTo(0.1, 12)
    expect(shareAbove(q, 995)).toBeCloseTo(0.005, 12)
    expect(shareAbove(q, 1000)).toBe(0)
    expect(shareAbove(q, 5000)).toBe(0)
    expect(shareAbove(q, -1)).toBe(1)
  })

  it('never increases as the threshold rises, and stays within [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: -10, max: 110, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (values, t, dt) => {
          const q = qOf(values)
          const a = shareAbove(q, t)
          const b = shareAbove(q, t + dt)
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
