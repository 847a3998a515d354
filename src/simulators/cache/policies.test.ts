import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hitRatioAtObjects, stackDistances, type RequestTrace } from './mrc.js'
import { simulatePolicy } from './policies.js'

const traceOf = (keys: readonly number[]): RequestTrace => ({
  keys: Int32Array.from(keys),
  sizes: new Float64Array(keys.length).fill(1),
  distinct: keys.reduce((a, b) => Math.max(a, b + 1), 0),
})
const keysArb = fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 300 })

/** Naive FIFO: an array in insertion order; hits do not move. */
function fifo(keys: readonly number[], cap: number): number {
  const q: number[] = []
  let hits = 0
  for (const k of keys) {
    if (q.includes(k)) hits++
    else {
      q.push(k)
      if (q.length > cap) q.shift()
    }
  }
  return hits
}

/** Naive LFU: scan every cached key for the lowest (count, last request). */
function lfu(keys: readonly number[], cap: number): number {
  const c = new Map<number, { n: number; last: number }>()
  let hits = 0
  keys.forEach((k, i) => {
    const e = c.get(k)
    if (e) {
      hits++
      e.n++
      e.last = i
      return
    }
    if (c.size >= cap) {
      let victim = -1
      let best = { n: Infinity, last: Infinity }
      for (const [key, v] of c) if (v.n < best.n || (v.n === best.n && v.last < best.last)) [victim, best] = [key, v]
      c.delete(victim)
    }
    c.set(k, { n: 1, last: i })
  })
  return hits
}

/** S3-FIFO from the paper's Algorithm 1, with plain arrays (index 0 = tail, the oldest). */
function s3fifo(keys: readonly number[], cap: number): number {
  const S: number[] = []
  const M: number[] = []
  const G: number[] = []
  const freq = new Map<number, number>()
  const sCap = Math.max(1, Math.floor(cap * 0.1))
  const mCap = Math.max(1, cap - sCap)
  let hits = 0
  const evictM = () => {
    while (M.length) {
      const t = M.shift()!
      if (freq.get(t)! > 0) {
        freq.set(t, freq.get(t)! - 1)
        M.push(t)
      } else return
    }
  }
  const evictS = () => {
    while (S.length) {
      const t = S.shift()!
      if (freq.get(t)! > 1) {
        M.push(t)
        if (M.length > mCap) evictM()
      } else {
        G.push(t)
        if (G.length > mCap) G.shift()
        return
      }
    }
  }
  for (const k of keys) {
    if (S.includes(k) || M.includes(k)) {
      hits++
      freq.set(k, Math.min(freq.get(k)! + 1, 3))
      continue
    }
    while (S.length + M.length >= cap) {
      if (S.length >= sCap || M.length === 0) evictS()
      else evictM()
    }
    freq.set(k, 0)
    const g = G.indexOf(k)
    if (g >= 0) {
      G.splice(g, 1)
      M.push(k)
    } else S.push(k)
  }
  return hits
}

describe('eviction policies, request by request', () => {
  it('LRU equals the stack-distance curve at every size', () => {
    fc.assert(
      fc.property(keysArb, (keys) => {
        const t = traceOf(keys)
        const d = stackDistances(t)
        for (let c = 1; c <= t.distinct + 1; c++) expect(simulatePolicy(t, 'lru', c).hits).toBe(Math.round(hitRatioAtObjects(d, c) * keys.length))
      }),
      { numRuns: 150 },
    )
  })

  it('FIFO, LFU and S3-FIFO equal plain implementations of their definitions at every size', () => {
    fc.assert(
      fc.property(keysArb, (keys) => {
        const t = traceOf(keys)
        for (let c = 1; c <= t.distinct + 1; c++) {
          expect(simulatePolicy(t, 'fifo', c).hits).toBe(fifo(keys, c))
          expect(simulatePolicy(t, 'lfu', c).hits).toBe(lfu(keys, c))
          expect(simulatePolicy(t, 's3fifo', c).hits).toBe(s3fifo(keys, c))
        }
      }),
      { numRuns: 150 },
    )
  })

  it('a TTL expires objects: a b a at 0, 30, 70 minutes with a one-hour TTL hits nothing, with two hours hits once', () => {
    const t = traceOf([0, 1, 0])
    const times = Float64Array.from([0, 30, 70].map((m) => m * 60_000))
    for (const p of ['lru', 'fifo', 'lfu', 's3fifo'] as const) {
      expect(simulatePolicy(t, p, 10, { ttlMs: 3_600_000, times }).hits).toBe(0)
      expect(simulatePolicy(t, p, 10, { ttlMs: 7_200_000, times }).hits).toBe(1)
    }
    // Stored on the miss, not renewed by the hit: at 0, 50, 100 minutes with a one-hour TTL, 50 hits and 100 misses.
    const again = Float64Array.from([0, 50, 100].map((m) => m * 60_000))
    expect(simulatePolicy(traceOf([0, 0, 0]), 'lru', 10, { ttlMs: 3_600_000, times: again }).hits).toBe(1)
  })
})
