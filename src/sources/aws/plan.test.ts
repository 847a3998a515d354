import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_POINTS_PER_CALL, MAX_QUERIES_PER_CALL, planCalls, seriesFor, estimateCostUsd } from './plan.js'

const END = Date.UTC(2026, 10, 23)
const DAY = 86_400_000

describe('GetMetricData packing', () => {
  it('a 2,000-instance fleet, 14 days: 16,000 series x 4,032 points in exactly the minimum 640 calls', () => {
    const n = 2000 * seriesFor('ec2-instance', 'i-1').length
    const p = planCalls(n, END - 14 * DAY, END, 14)
    // 4,032 points per series (14 d x 288); 100,800 / 4,032 = 25 series per call; 16,000 / 25 = 640.
    expect([p.periodSec, p.pointsPerSeries, p.minimumCalls, p.calls.length]).toEqual([300, 4032, 640, 640])
    expect(estimateCostUsd(p)).toBeCloseTo(0.16, 6) // 16,000 metrics x $0.01 / 1,000
  })

  it('windows that divide badly are split in time: within 5% of the minimum for 1-400 days and fleets of 1-2,000 instances', () => {
    for (const days of [1, 7, 14, 15, 30, 45, 62, 63, 64, 90, 180, 400])
      for (const instances of [1, 7, 100, 2000]) {
        const n = instances * 8
        const p = planCalls(n, END - days * DAY, END, days)
        // Small fleets can never be within 5% of a fractional minimum (1 call vs 1); the bound is one call of slack.
        expect(p.calls.length, `${days} d, ${instances} instances`).toBeLessThanOrEqual(Math.max(p.minimumCalls + 1, Math.ceil(p.minimumCalls * 1.05)))
      }
    // The 63-day case: 18,144 points; whole windows fit 5 per call (3,200 calls for 16,000 series, 10% over 2,880).
    const p = planCalls(16_000, END - 63 * DAY, END, 63)
    expect(p.chunks).toBeGreaterThan(1)
    expect(p.calls.length / p.minimumCalls).toBeLessThanOrEqual(1.05)
  })

  it('property: every call respects both limits, and every series covers the whole window exactly once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 455 }), (n, days) => {
        const p = planCalls(n, END - days * DAY, END, days)
        const covered = new Map<number, number>()
        for (const c of p.calls) {
          const pts = (c.end - c.start) / (c.periodSec * 1000)
          expect(c.series.length).toBeLessThanOrEqual(MAX_QUERIES_PER_CALL)
          expect(c.series.length * pts).toBeLessThanOrEqual(MAX_POINTS_PER_CALL)
          for (const s of c.series) covered.set(s, (covered.get(s) ?? 0) + pts)
        }
        expect(covered.size).toBe(n)
        for (const v of covered.values()) expect(v).toBe(p.pointsPerSeries)
        expect(p.periodSec).toBe(days > 63 ? 3600 : 300)
      }),
      { numRuns: 200 },
    )
  })
})
