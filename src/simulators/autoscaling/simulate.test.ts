import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { applyAdjustment, findStep, roundPercentChange, simulateScaling } from './simulate.js'
import type { GroupSpec, PolicySet, TargetTrackingPolicy } from './types.js'

const M5_LARGE = { name: 'm5.large', capacity: 2, pricePerHour: 0.096 }
const group = (o: Partial<GroupSpec> = {}): GroupSpec => ({
  name: 'g',
  minSize: 1,
  maxSize: 4,
  desiredCapacity: 1,
  instanceTypes: [M5_LARGE],
  launchDelaySec: 120,
  ...o,
})
const tt = (targetValue: number, o: Partial<TargetTrackingPolicy> = {}): TargetTrackingPolicy => ({
  type: 'TargetTracking',
  name: `tt${targetValue}`,
  targetValue,
  disableScaleIn: false,
  scaleOutDatapoints: 3,
  scaleInDatapoints: 15,
  scaleInRatio: 0.9,
  ...o,
})
const T0 = Date.UTC(2024, 0, 1)

describe('step adjustments, as the EC2 Auto Scaling User Guide works them out', () => {
  // Breach threshold 50%; scale-out steps [0,10) +0%, [10,20) +10%, [20,inf) +30%; scale-in mirrored.
  const out = [
    { lower: 0, upper: 10, adjustment: 0 },
    { lower: 10, upper: 20, adjustment: 10 },
    { lower: 20, upper: null, adjustment: 30 },
  ]
  const inn = [
    { lower: -10, upper: 0, adjustment: 0 },
    { lower: -20, upper: -10, adjustment: -10 },
    { lower: null, upper: -20, adjustment: -30 },
  ]
  it('scales 10 -> 11 at 60%, 11 -> 14 at 70%, 14 -> 13 at 40%, 13 -> 10 at 30%', () => {
    expect(applyAdjustment('PercentChangeInCapacity', findStep(out, 60 - 50)!.adjustment, 10)).toBe(11) // 10% of 10 = 1
    expect(applyAdjustment('PercentChangeInCapacity', findStep(out, 70 - 50)!.adjustment, 11)).toBe(14) // 30% of 11 = 3.3 -> 3
    expect(applyAdjustment('PercentChangeInCapacity', findStep(inn, 40 - 50)!.adjustment, 14)).toBe(13) // 10% of 14 = 1.4 -> 1
    expect(applyAdjustment('PercentChangeInCapacity', findStep(inn, 30 - 50)!.adjustment, 13)).toBe(10) // 30% of 13 = 3.9 -> 3
    expect(findStep(out, 55 - 50)!.adjustment).toBe(0) // between 50 and 60: unchanged
  })
  it('rounds percentages and honours MinAdjustmentMagnitude', () => {
    expect([roundPercentChange(12.7), roundPercentChange(0.67), roundPercentChange(-0.58), roundPercentChange(-6.67)]).toEqual([12, 1, -1, -6])
    expect(applyAdjustment('PercentChangeInCapacity', 25, 4, 2)).toBe(6) // 25% of 4 = 1, raised to the minimum of 2
    expect(applyAdjustment('ExactCapacity', 5, 3)).toBe(5)
    expect(applyAdjustment('ChangeInCapacity', -2, 3)).toBe(1)
  })
})

describe('simulateScaling: a 25-minute trace worked out by hand', () => {
  it('target tracking 50% on one m5.large (2 vCPU), launch delay 2 min, limit 75%', () => {
    // Demand in vCPUs: 0.5 for 2 min, 1.6 for 8 min, 0.5 for 15 min.
    const demand = Float64Array.from([0.5, 0.5, ...Array<number>(8).fill(1.6), ...Array<number>(15).fill(0.5)])
    const r = simulateScaling({ group: group(), demand, startMs: T0, utilizationLimitPct: 75 }, { name: 'tt50', policies: [tt(50)] }, { timeline: true })
    // t2..t4: 80% > 50% three times -> at t4 desired = ceil(1 x 80 / 50) = 2; the new instance serves from t6.
    // t2..t5: demand 1.6 > 2 vCPU x 75% = 1.5 -> 4 breach minutes. From t6: 1.6 / 4 = 40%, then 0.5 / 4 = 12.5%.
    // t6..t20: 15 points below 0.9 x 50 = 45% -> at t20 desired = max(1, ceil(2 x 12.5 / 50)) = 1.
    // Instance-minutes: t0..t4 one (5), t5..t20 two (32), t21..t24 one (4) = 41 -> 0.6833 h x $0.096 = $0.0656.
    expect(Array.from(r.timeline!.desired)).toEqual([1, 1, 1, 1, 2, ...Array<number>(15).fill(2), ...Array<number>(5).fill(1)])
    expect(Array.from(r.timeline!.serving).slice(4, 8)).toEqual([1, 1, 2, 2])
    expect(r.breachMinutes).toBe(4)
    expect(r.instanceHours).toBeCloseTo(41 / 60, 12)
    expect(r.cost).toBeCloseTo((41 / 60) * 0.096, 12)
    expect([r.scalingActions, r.minInstances, r.maxInstances, r.peakUtilizationPct]).toEqual([2, 1, 2, 80])
  })

  it('simple scaling waits for the activity and the cooldown before acting again', () => {
    // Alarm: >= 70% for 1 of 1 one-minute points, +1 instance, cooldown 3 min, launch delay 2 min.
    const demand = new Float64Array(12).fill(1.9) // 95% of one instance, and still high after adding
    const set: PolicySet = {
      name: 'simple',
      policies: [
        {
          type: 'SimpleScaling',
          name: 's',
          adjustmentType: 'ChangeInCapacity',
          adjustment: 1,
          cooldownSec: 180,
          alarm: { threshold: 70, comparison: 'GreaterThanOrEqualToThreshold', evaluationPeriods: 1, datapointsToAlarm: 1, periodSec: 60 },
        },
      ],
    }
    const r = simulateScaling({ group: group({ maxSize: 10 }), demand, startMs: T0, utilizationLimitPct: 100 }, set, { timeline: true })
    // t0: +1 (2). Blocked until t0 + 2 (activity) + 3 (cooldown) = t5; the metric is 1.9/4 = 47.5% from t2, so no
    // further alarm: exactly one action.
    expect(Array.from(r.timeline!.desired)).toEqual(Array<number>(12).fill(2))
    expect(r.scalingActions).toBe(1)
  })

  it('scheduled actions set min, max and desired at their cron times (UTC)', () => {
    const demand = new Float64Array(24 * 60).fill(0.2)
    const set: PolicySet = {
      name: 'sched',
      policies: [
        { type: 'Scheduled', name: 'up', recurrence: '0 8 * * *', minSize: 3, desiredCapacity: 3 },
        { type: 'Scheduled', name: 'down', recurrence: '0 18 * * *', minSize: 1, desiredCapacity: 1 },
      ],
    }
    const r = simulateScaling({ group: group(), demand, startMs: T0, utilizationLimitPct: 100 }, set, { timeline: true })
    expect([r.timeline!.desired[479], r.timeline!.desired[480], r.timeline!.desired[1079], r.timeline!.desired[1080]]).toEqual([1, 3, 3, 1])
    expect(r.instanceHours).toBeCloseTo((14 * 60 * 1 + 10 * 60 * 3) / 60, 9)
  })

  it('a scheduled action may raise max above the group’s own', () => {
    const set: PolicySet = {
      name: 'big',
      policies: [{ type: 'Scheduled', name: 'peak', startTime: T0 + 10 * 60_000, maxSize: 12, minSize: 12, desiredCapacity: 12 }],
    }
    const r = simulateScaling({ group: group({ maxSize: 4 }), demand: new Float64Array(20).fill(1), startMs: T0, utilizationLimitPct: 100 }, set, {
      timeline: true,
    })
    expect([r.timeline!.desired[9], r.timeline!.desired[10], r.maxInstances]).toEqual([1, 12, 12])
  })
})

describe('mixed groups', () => {
  it('launches types round robin and prices each', () => {
    // Start with 1 x m5.large (2 vCPU); demand 5 vCPU forces ExactCapacity 3 at t0: + m5.xlarge (4 vCPU), + m5.large.
    const g = group({ maxSize: 3, launchDelaySec: 0, instanceTypes: [M5_LARGE, { name: 'm5.xlarge', capacity: 4, pricePerHour: 0.192 }] })
    const set: PolicySet = {
      name: 'x',
      policies: [
        {
          type: 'SimpleScaling',
          name: 's',
          adjustmentType: 'ExactCapacity',
          adjustment: 3,
          cooldownSec: 3600,
          alarm: { threshold: 90, comparison: 'GreaterThanThreshold', evaluationPeriods: 1, datapointsToAlarm: 1, periodSec: 60 },
        },
      ],
    }
    const r = simulateScaling({ group: g, demand: new Float64Array(60).fill(5), startMs: T0, utilizationLimitPct: 100 }, set, { timeline: true })
    // t0: 5 / 2 -> breach, 100% -> +2 launched (m5.xlarge, m5.large), serving from t1 with 2 + 4 + 2 = 8 vCPU (62.5%).
    expect(r.breachMinutes).toBe(1)
    expect(r.timeline!.utilization[1]).toBeCloseTo(62.5, 5)
    // Cost: m5.large 60 min + m5.xlarge 59 min + m5.large 59 min.
    expect(r.cost).toBeCloseTo((60 / 60) * 0.096 + (59 / 60) * 0.192 + (59 / 60) * 0.096, 9)
  })
})

describe('simulateScaling properties', () => {
  const demandArb = fc.array(fc.double({ min: 0, max: 12, noNaN: true }), { minLength: 60, maxLength: 400 }).map((a) => Float64Array.from(a))
  const groupArb = fc.record({ min: fc.integer({ min: 1, max: 3 }), extra: fc.integer({ min: 0, max: 6 }), delay: fc.constantFrom(0, 60, 120, 300, 600) })
  const mk = (g: { min: number; extra: number; delay: number }) =>
    group({ minSize: g.min, maxSize: g.min + g.extra, desiredCapacity: g.min, launchDelaySec: g.delay })

  it('capacity stays within [min, max]', () => {
    fc.assert(
      fc.property(demandArb, groupArb, fc.integer({ min: 10, max: 95 }), (demand, g, target) => {
        const spec = mk(g)
        const r = simulateScaling({ group: spec, demand, startMs: T0, utilizationLimitPct: 100 }, { name: 'p', policies: [tt(target)] }, { timeline: true })
        for (const d of r.timeline!.desired) {
          expect(d).toBeGreaterThanOrEqual(spec.minSize)
          expect(d).toBeLessThanOrEqual(spec.maxSize)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('never scales in while an instance is warming up', () => {
    fc.assert(
      fc.property(demandArb, groupArb, fc.integer({ min: 10, max: 95 }), fc.integer({ min: 0, max: 10 }), (demand, g, target, extraWarm) => {
        const spec = mk(g)
        const warmMin = Math.ceil(spec.launchDelaySec / 60) + extraWarm
        const r = simulateScaling(
          { group: spec, demand, startMs: T0, utilizationLimitPct: 100 },
          { name: 'p', policies: [tt(target, { warmupSec: warmMin * 60 })] },
          { timeline: true },
        )
        const d = r.timeline!.desired
        let lastIncrease = -Infinity
        for (let t = 0; t < d.length; t++) {
          const prev = t === 0 ? spec.desiredCapacity : d[t - 1]!
          if (d[t]! > prev) lastIncrease = t
          if (d[t]! < prev) expect(t - lastIncrease).toBeGreaterThan(warmMin - 1) // instances launched at lastIncrease are counted from lastIncrease + warmMin
        }
      }),
      { numRuns: 200 },
    )
  })

  it('a higher target never costs more instance-hours on the same load', () => {
    fc.assert(
      fc.property(demandArb, groupArb, fc.integer({ min: 10, max: 90 }), fc.integer({ min: 1, max: 30 }), (demand, g, target, dt) => {
        const spec = mk(g)
        const lo = simulateScaling({ group: spec, demand, startMs: T0, utilizationLimitPct: 100 }, { name: 'lo', policies: [tt(target)] })
        const hi = simulateScaling({ group: spec, demand, startMs: T0, utilizationLimitPct: 100 }, { name: 'hi', policies: [tt(Math.min(100, target + dt))] })
        expect(hi.instanceHours).toBeLessThanOrEqual(lo.instanceHours + 1e-9)
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    )
  })

  it('no breach minutes when capacity is pinned at max and max covers the peak', () => {
    fc.assert(
      fc.property(demandArb, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 50, max: 100 }), (demand, max, limit) => {
        const peak = Math.max(...demand)
        // Smallest max that serves the peak at the limit, pinned: min = max = desired.
        const pinned = Math.max(max, Math.ceil(peak / (2 * (limit / 100))))
        const spec = group({ minSize: pinned, maxSize: pinned, desiredCapacity: pinned })
        const r = simulateScaling({ group: spec, demand, startMs: T0, utilizationLimitPct: limit }, { name: 'p', policies: [tt(50)] })
        expect(r.breachMinutes).toBe(0)
        expect(r.instanceHours).toBeCloseTo((pinned * demand.length) / 60, 9)
      }),
      { numRuns: 200 },
    )
  })
})
