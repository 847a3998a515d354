import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { evaluateCondition } from './ensure.js'
import { encode, mergeEncoded, newHistogram, summarize } from './histogram.js'

const m = new Map([
  ['http.response_time.p95', 120],
  ['http.request_rate', 900],
  ['errors.ETIMEDOUT', 0],
])

describe('ensure conditions (typed parser, no eval)', () => {
  it('compares, combines with and/or/not and parentheses', () => {
    expect(evaluateCondition('http.response_time.p95 < 250 and http.request_rate > 800', m)).toBe(true)
    expect(evaluateCondition('http.response_time.p95 < 100 or errors.ETIMEDOUT == 0', m)).toBe(true)
    expect(evaluateCondition('not (http.request_rate >= 900)', m)).toBe(false)
    expect(evaluateCondition('http.response_time.p95 < 100 and http.request_rate > 800 or errors.ETIMEDOUT != 0', m)).toBe(false)
  })
  it('says what is wrong instead of guessing', () => {
    expect(() => evaluateCondition('http.latency.p99 < 5', m)).toThrow(/unknown metric 'http\.latency\.p99'/)
    expect(() => evaluateCondition('http.request_rate >', m)).toThrow(/ends early/)
    expect(() => evaluateCondition('process.exit(1)', m)).toThrow()
  })
})

describe('histograms', () => {
  it('record microseconds and summarise in milliseconds', () => {
    const h = newHistogram()
    for (const v of [500, 1000, 1500, 2000]) h.recordValue(v)
    expect(summarize(h)).toMatchObject({ count: 4, min: 0.5, max: 2, p50: 1 })
  })
  it('property: merging encoded histograms is exact (same counts and percentiles in any grouping)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 1, max: 5_000_000 }), { maxLength: 200 }), { minLength: 1, maxLength: 5 }), (parts) => {
        const enc = parts.map((vals) => {
          const h = newHistogram()
          for (const v of vals) h.recordValue(v)
          return encode(h)
        })
        const all = newHistogram()
        for (const v of parts.flat()) all.recordValue(v)
        // Encoding keeps bucket counts (3 significant digits), so compare with the whole set encoded once.
        const ref = summarize(mergeEncoded([encode(all)]))
        const merged = mergeEncoded(enc)
        const regrouped = mergeEncoded([encode(mergeEncoded(enc.slice(0, 1))), ...enc.slice(1)])
        expect(summarize(merged)).toEqual(ref)
        expect(summarize(regrouped)).toEqual(ref)
        expect(merged.totalCount).toBe(parts.flat().length)
        const s = summarize(merged)
        if (s.count > 0) expect(s.p50 <= s.p90 && s.p90 <= s.p99 && s.p99 <= s.max).toBe(true)
      }),
      { numRuns: 60 },
    )
  })
})
