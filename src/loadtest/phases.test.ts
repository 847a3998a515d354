import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { arrivals, phaseArrivalAt, phaseArrivalCount, totalArrivals, type Phase } from './phases.js'

describe('arrival schedules', () => {
  it('constant rate: 5/s for 2 s is 10 arrivals 200 ms apart', () => {
    const p: Phase = { kind: 'rate', durationMs: 2000, arrivalRate: 5 }
    expect([...arrivals([p])].map((a) => a.at)).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800])
  })

  it('ramp 5 -> 50 over 60 s (the seed warm-up): (5 + 50) / 2 x 60 = 1,650 arrivals, rate rising linearly', () => {
    const p: Phase = { kind: 'rate', durationMs: 60_000, arrivalRate: 5, rampTo: 50 }
    const a = [...arrivals([p])]
    expect(a).toHaveLength(1650)
    // Cumulative count at t: 5t + k t^2 / 2 with k = 45 / 60 = 0.75/s^2. At t = 30 s: 150 + 337.5 = 487.5, so arrivals
    // 0..487 (488 of them) are due before 30 s.
    expect(a.filter((x) => x.at < 30_000)).toHaveLength(488)
    expect(a[a.length - 1]!.at).toBeLessThan(60_000)
  })

  it('arrivalCount spreads evenly; a pause adds time and no arrivals; phases follow each other', () => {
    const a = [
      ...arrivals([
        { kind: 'count', durationMs: 1000, arrivalCount: 4 },
        { kind: 'pause', durationMs: 5000 },
        { kind: 'rate', durationMs: 1000, arrivalRate: 2 },
      ]),
    ]
    expect(a.map((x) => [x.at, x.phase])).toEqual([
      [0, 0],
      [250, 0],
      [500, 0],
      [750, 0],
      [6000, 2],
      [6500, 2],
    ])
  })

  it('worker shares partition the schedule exactly', () => {
    const phases: Phase[] = [{ kind: 'rate', durationMs: 3000, arrivalRate: 7, rampTo: 20 }]
    const all = [...arrivals(phases)].map((x) => x.index)
    const shares = [0, 1, 2].flatMap((i) => [...arrivals(phases, { index: i, of: 3 })].map((x) => x.index))
    expect(shares.sort((x, y) => x - y)).toEqual(all)
  })

  it('property: arrivals are in time order, inside the phase, and number (a + b) / 2 x d', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 30 }), (a, b, d) => {
        const p: Phase = { kind: 'rate', durationMs: d * 1000, arrivalRate: a, rampTo: b }
        const n = phaseArrivalCount(p)
        expect(n).toBe(Math.floor(((a + b) / 2) * d + 1e-9))
        let prev = -1
        for (let i = 0; i < n; i++) {
          const t = phaseArrivalAt(p, i)
          expect(t).toBeGreaterThanOrEqual(prev)
          expect(t).toBeLessThanOrEqual(d * 1000 + 1e-6)
          prev = t
        }
        expect(totalArrivals([p])).toBe(n)
      }),
      { numRuns: 100 },
    )
  })
})
