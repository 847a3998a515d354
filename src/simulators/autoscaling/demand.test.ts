import { describe, expect, it } from 'vitest'
import { minuteDemand } from './demand.js'

describe('minuteDemand', () => {
  it('holds 5-minute samples for their period, weights them, and counts uncovered minutes', () => {
    const t0 = Date.UTC(2024, 0, 1)
    // Two 5-minute points (10 and 30 at 00:00 and 00:05), then nothing until the window ends at 00:12.
    const r = minuteDemand([{ ts: Float64Array.of(t0, t0 + 300_000), values: Float64Array.of(10, 30), periodSec: 300, weight: 0.04 }], {
      start: t0 - 60_000,
      end: t0 + 12 * 60_000,
    })
    // Minutes 00:00..00:12 = 13 points: 0.4 x5, 1.2 x5, then 1.2 held for 00:10..00:12 (3 gap minutes).
    expect(r.startMs).toBe(t0)
    expect(Array.from(r.demand, (x) => Math.round(x * 100) / 100)).toEqual([0.4, 0.4, 0.4, 0.4, 0.4, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2])
    expect(r.gapMinutes).toBe(3)
  })

  it('sums members', () => {
    const t0 = Date.UTC(2024, 0, 1)
    const s = (v: number) => ({ ts: Float64Array.of(t0), values: Float64Array.of(v), periodSec: 60, weight: 0.02 })
    expect(Array.from(minuteDemand([s(50), s(25)], { start: t0 - 60_000, end: t0 }).demand)).toEqual([1.5])
  })
})
