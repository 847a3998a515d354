import { describe, expect, it } from 'vitest'
import type { Plan } from '../loadtest/script.js'
import { peakArrivalRate, scalePlan } from './capacity.js'

describe('scenario scaling for --find-capacity', () => {
  const plan = {
    phases: [
      { kind: 'rate', durationMs: 10_000, arrivalRate: 5, rampTo: 50 },
      { kind: 'pause', durationMs: 2_000 },
      { kind: 'rate', durationMs: 20_000, arrivalRate: 40 },
      { kind: 'count', durationMs: 4_000, arrivalCount: 100 },
    ],
  } as unknown as Plan
  it('the peak is the highest rate, ramp end or count average (100 arrivals over 4 s = 25/s)', () => {
    expect(peakArrivalRate(plan.phases)).toBe(50)
    expect(peakArrivalRate([{ kind: 'count', durationMs: 2_000, arrivalCount: 300 }])).toBe(150)
    expect(peakArrivalRate([{ kind: 'pause', durationMs: 1_000 }])).toBe(0)
  })
  it('scaling to a peak of 200/s multiplies every rate, ramp and count by 4 and keeps durations and pauses', () => {
    const s = scalePlan(plan, 200 / peakArrivalRate(plan.phases))
    expect(s.phases).toEqual([
      { kind: 'rate', durationMs: 10_000, arrivalRate: 20, rampTo: 200 },
      { kind: 'pause', durationMs: 2_000 },
      { kind: 'rate', durationMs: 20_000, arrivalRate: 160 },
      { kind: 'count', durationMs: 4_000, arrivalCount: 400 },
    ])
    expect(peakArrivalRate(s.phases)).toBe(200)
    // The scenario itself is not changed.
    expect(plan.phases[0]).toEqual({ kind: 'rate', durationMs: 10_000, arrivalRate: 5, rampTo: 50 })
  })
})
