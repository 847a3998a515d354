import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hitRatioAtObjects, hitRatiosAtBytes, stackDistances, type RequestTrace } from './mrc.js'
import { fmix32, keyHash, sampled } from './shards.js'

/**
 * The truth the stack-distance curve must equal: a plain LRU cache simulated request by request (a JS Map keeps
 * insertion order, so delete-and-set moves a key to the most recent end and the first key is the least recent).
 * Capacity in objects, or in bytes (evict the least recent until the new object fits; an object larger than the
 * whole cache passes through it and leaves it empty, as in the stack model, where it sits on top of every other).
 */
function bruteForce(trace: RequestTrace, capacity: number, by: 'objects' | 'bytes'): { hits: number; hitBytes: number } {
  const cache = new Map<number, number>() // key -> size
  let used = 0
  let hits = 0
  let hitBytes = 0
  for (let i = 0; i < trace.keys.length; i++) {
    const k = trace.keys[i]!
    const size = trace.sizes[i]!
    const cost = by === 'objects' ? 1 : size
    if (cache.has(k)) {
      hits++
      hitBytes += size
      used -= by === 'objects' ? 1 : cache.get(k)!
      cache.delete(k)
    }
    if (cost > capacity) {
      // Too big to keep: the stack model lets it pass through the cache, pushing everything out.
      cache.clear()
      used = 0
      continue
    }
    cache.set(k, size)
    used += cost
    while (used > capacity) {
      const [oldest, s] = cache.entries().next().value as [number, number]
      cache.delete(oldest)
      used -= by === 'objects' ? 1 : s
    }
  }
  return { hits, hitBytes }
}

const traceOf = (keys: number[], sizeOf: (k: number) => number): RequestTrace => ({
  keys: Int32Array.from(keys),
  sizes: Float64Array.from(keys.map(sizeOf)),
  distinct: keys.reduce((a, b) => Math.max(a, b + 1), 0),
})

describe('exact LRU miss-ratio curve by stack distance', () => {
  it('a worked example: a b c a b d a', () => {
    // Distances of the reuses: a (a b c a) = 3, b (b c a b) = 3, a (a b d a) = 3. So 0 hits below 3 objects, 3 of 7 from 3 on.
    const d = stackDistances(traceOf([0, 1, 2, 0, 1, 3, 0], () => 1))
    expect([1, 2, 3, 4, 10].map((c) => hitRatioAtObjects(d, c) * 7)).toEqual([0, 0, 3, 3, 3])
    expect(d.reuses).toBe(3)
  })

  it('equals a brute-force LRU cache of every size, by objects, on random traces', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 400 }), (keys) => {
        const t = traceOf(keys, () => 1)
        const d = stackDistances(t)
        for (let c = 1; c <= t.distinct + 1; c++) expect(Math.round(hitRatioAtObjects(d, c) * keys.length)).toBe(bruteForce(t, c, 'objects').hits)
      }),
      { numRuns: 200 },
    )
  })

  it('equals a brute-force LRU cache of every size, by bytes (requests and bytes hit), with objects of different sizes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 1, maxLength: 300 }),
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 26, maxLength: 26 }),
        (keys, sizeTable) => {
          const t = traceOf(keys, (k) => sizeTable[k]!)
          const d = stackDistances(t)
          const total = t.sizes.reduce((a, b) => a + b, 0)
          const caps = [1, 500, 2000, 5000, 12_000, 30_000, 60_000, 200_000]
          for (const r of hitRatiosAtBytes(d, caps)) {
            const b = bruteForce(t, r.capacity, 'bytes')
            expect(Math.round(r.requests * keys.length)).toBe(b.hits)
            expect(r.bytes * total).toBeCloseTo(b.hitBytes, 6)
          }
        },
      ),
      { numRuns: 200 },
    )
  })

  it('hit ratios never fall as the cache grows, and reach the share of reuses', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 500 }), (keys) => {
        const d = stackDistances(traceOf(keys, () => 1))
        let prev = 0
        for (let c = 0; c <= d.hitsAtMost.length; c++) {
          const h = hitRatioAtObjects(d, c)
          expect(h).toBeGreaterThanOrEqual(prev)
          prev = h
        }
        expect(prev).toBe(d.reuses / keys.length)
      }),
    )
  })
})

describe('SHARDS sampling (FAST 2015)', () => {
  /** n requests over k keys, Zipf(0.9), from a fixed seed (inverse transform over the cumulative weights). */
  function zipfKeys(n: number, k: number): number[] {
    let seed = 11
    const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32
    const cum = new Float64Array(k)
    let s = 0
    for (let i = 0; i < k; i++) cum[i] = s += 1 / Math.pow(i + 1, 0.9)
    return Array.from({ length: n }, () => {
      const u = rnd() * s
      let lo = 0
      let hi = k - 1
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (cum[mid]! < u) lo = mid + 1
        else hi = mid
      }
      return lo
    })
  }

  it('a 5% spatial sample estimates the exact curve within 0.01 at the sizes it resolves (100 sampled objects and up)', () => {
    const keys = zipfKeys(1_000_000, 100_000)
    const exact = stackDistances(traceOf(keys, () => 1))
    const rate = 0.05
    const kept = keys.filter((k) => sampled(fmix32(k ^ 0x5bd1e995), rate))
    // Re-intern the sampled keys densely, as the log reader does.
    const ids = new Map<number, number>()
    const dense = kept.map((k) => ids.get(k) ?? (ids.set(k, ids.size), ids.size - 1))
    const est = stackDistances(
      traceOf(dense, () => 1),
      { rate, fullRequests: keys.length },
    )
    const sizes = [2_000, 5_000, 10_000, 20_000, 50_000, 100_000]
    const errs = sizes.map((c) => Math.abs(hitRatioAtObjects(est, c) - hitRatioAtObjects(exact, c)))
    expect(Math.max(...errs)).toBeLessThan(0.01)
    // The sample is about 5% of the requests, all of each sampled key's.
    expect(kept.length / keys.length).toBeGreaterThan(0.02)
    expect(kept.length / keys.length).toBeLessThan(0.1)
  })

  it('keyHash spreads keys evenly: a 10% sample of 100,000 path keys keeps 10% +- 0.5%', () => {
    let n = 0
    for (let i = 0; i < 100_000; i++) if (sampled(keyHash(`/img/${i}.png`), 0.1)) n++
    expect(Math.abs(n / 100_000 - 0.1)).toBeLessThan(0.005)
  })
})
