import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_POLICY, perMinute, simulateCapacity, type AutoScalingPolicy } from './capacity.js'

const T0 = Date.UTC(2024, 0, 1) // a UTC midnight, so minute 0 starts clock hour 0 and UTC day 0
const seq = (...parts: [number, number][]) => parts.flatMap(([n, v]) => Array<number>(n).fill(v))

describe('simulateCapacity', () => {
  it('fixed capacity: bills the hour at its capacity and serves demand at or below it', () => {
    const r = simulateCapacity([10, 10, 10], T0, 10, null)
    expect(r).toMatchObject({ billedUnitHours: 10, throttledUnits: 0, utilization: 1, increases: 0, decreases: 0 })
  })

  it('burst capacity: 300 s of unused capacity absorbs a short spike, the rest is throttled', () => {
    // cap 10: five minutes at 5/s leave 5 x 60 = 300 unit-s each, 1,500 in all (the bucket holds up to 10 x 300 = 3,000).
    // Minute 5 at 30/s needs 1,800, has 600: short 1,200, all from the bucket (1,500 -> 300).
    // Minute 6 at 30/s: short 1,200, bucket 300 -> 900 units throttled.
    const r = simulateCapacity(seq([5, 5], [2, 30]), T0, 10, null)
    expect(r.throttledUnits).toBe(900)
    expect(r.throttledMinutes).toBe(1)
  })

  it('worked trace: scale-out after 2 minutes, scale-in after 15, and a decrease blocked by the daily quota', () => {
    // target 70%, min 5, one free decrease a day, then one per 60 minutes without a decrease.
    const p: AutoScalingPolicy = { ...DEFAULT_POLICY, targetPct: 70, min: 5, freeDecreasesPerDay: 1 }
    // m0-1: 100/s; m2-16: 1/s; m17-18: 100/s; m19-99: 1/s.
    const demand = seq([2, 100], [15, 1], [2, 100], [81, 1])
    const r = simulateCapacity(demand, T0, 5, p)
    // m1: 2nd minute above 70% of 5 -> ceil(100 / 0.7) = 143 from m2.
    // m16: 15th minute below 50% of 143 -> max(5, ceil(1 / 0.7)) = 5 from m17 (the free decrease; last decrease m16).
    // m18: above again -> 143 from m19. m33: 15 minutes below, but the free decrease is used and m33 - m16 < 60:
    // blocked every minute m33..m75 (43 minutes); m76 - m16 = 60 -> allowed, 5 from m77.
    expect(r.increases).toBe(2)
    expect(r.decreases).toBe(2)
    expect(r.blockedDecreaseMinutes).toBe(43)
    expect([r.minCapacity, r.maxCapacity]).toEqual([5, 143])
    // Hour 0 (m0-59) and hour 1 (m60-99) both reach 143: 286 unit-hours.
    expect(r.billedUnitHours).toBe(286)
    // Throttling: m0, m1 at cap 5 with an empty bucket: (100 - 5) x 60 = 5,700 each. m17: bucket clipped to 5 x 300 =
    // 1,500 when capacity fell, so 5,700 - 1,500 = 4,200; m18: 5,700. Total 21,300 in 4 minutes.
    expect(r.throttledUnits).toBe(21_300)
    expect(r.throttledMinutes).toBe(4)
  })

  it('never makes more than maxDecreasesPerDay decreases in a UTC day, and the quota never lowers the bill', () => {
    // 10 minutes at 100/s then 20 at 1/s, all day: a decrease is due every 30 minutes (48 a day).
    const day = Array.from({ length: 1440 * 2 }, (_, i) => (i % 30 < 10 ? 100 : 1))
    const limited = simulateCapacity(day, T0, 5, DEFAULT_POLICY)
    const free = simulateCapacity(day, T0, 5, { ...DEFAULT_POLICY, freeDecreasesPerDay: Infinity, maxDecreasesPerDay: Infinity })
    expect(free.decreases).toBe(96)
    expect(limited.decreases).toBeLessThanOrEqual(27 * 2)
    expect(limited.decreases).toBeGreaterThan(4 * 2)
    expect(limited.billedUnitHours).toBeGreaterThanOrEqual(free.billedUnitHours)
    expect(limited.blockedDecreaseMinutes).toBeGreaterThan(0)
  })

  it('property: capacity stays within [min, max]; once load holds at its peak, more load never ends with less capacity', () => {
    // Path dependence is real in target tracking (a found counterexample: [1, 4, 15, 0] scales once to 22, x3.5 scales
    // earlier, to 21, and the window ends before the next alarm), so the monotone property is stated for load that
    // settles: the peak held for 3 minutes at the end, after which capacity reaches ceil(peak / target) in both runs.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 400 }), fc.double({ min: 1, max: 4, noNaN: true }), (raw, k) => {
        const peak = Math.max(...raw)
        const d = [...raw, peak, peak, peak]
        const more = d.map((x) => x * k)
        const a = simulateCapacity(d, T0, 5, DEFAULT_POLICY)
        const b = simulateCapacity(more, T0, 5, DEFAULT_POLICY)
        for (const r of [a, b]) {
          expect(r.minCapacity).toBeGreaterThanOrEqual(DEFAULT_POLICY.min)
          expect(r.maxCapacity).toBeLessThanOrEqual(DEFAULT_POLICY.max)
        }
        expect(a.maxCapacity).toBeGreaterThanOrEqual(Math.min(DEFAULT_POLICY.max, Math.ceil(peak / 0.7)))
        expect(b.maxCapacity).toBeGreaterThanOrEqual(a.maxCapacity)
        const fa = simulateCapacity(d, T0, 50, null)
        const fb = simulateCapacity(more, T0, 50, null)
        expect(fb.throttledUnits).toBeGreaterThanOrEqual(fa.throttledUnits - 1e-6)
      }),
      { numRuns: 500 },
    )
  })
})

describe('perMinute', () => {
  it('spreads 5-minute averages over their minutes and counts gaps', () => {
    const r = perMinute([T0, T0 + 600_000], [2, 4], 300, T0 + 900_000)
    expect(Array.from(r.demand)).toEqual([2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4])
    expect(r.covered).toBe(10)
  })
  it('averages finer samples per minute', () => {
    const r = perMinute([T0, T0 + 30_000], [2, 4], 30, T0 + 60_000)
    expect(Array.from(r.demand)).toEqual([3])
  })
})
