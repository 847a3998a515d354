/**
 * Exact LRU miss-ratio curves by stack distance (Mattson et al. 1970): one pass over the requests gives the hit ratio
 * of an LRU cache of every size at once, because an LRU cache of size C holds exactly the top C entries of the LRU
 * stack. A request hits a cache of C objects when its stack distance (1 + the distinct keys touched since its key's
 * previous request) is at most C, and a cache of C bytes when its byte distance (its own size + the sizes of those
 * distinct keys) is at most C (an object larger than the whole cache passes through it and pushes everything out, the
 * stack model's assumption; no useful cache is that small). Distances come from a Fenwick tree over request positions with a mark at each key's
 * latest request (Olken's O(n log n) method, here on an array rather than a balanced tree): hand-written because no
 * maintained npm package computes stack distances, and the tree is twenty lines.
 */

/** The requests to replay: interned keys (0..keys-1) and each request's object size in bytes. */
export interface RequestTrace {
  keys: Int32Array
  sizes: Float64Array
  /** How many distinct keys `keys` uses. */
  distinct: number
}

export interface StackDistances {
  /** Requests replayed (the sampled ones under SHARDS). */
  requests: number
  /** SHARDS sampling rate the trace was drawn at (1: every request, the exact curve). */
  rate: number
  /** Requests of the full trace (equal to `requests` when rate is 1). */
  fullRequests: number
  /** Requests whose key was seen before (the only ones an LRU cache of any size can hit). */
  reuses: number
  /** hitsAtMost[d] = requests with object stack distance <= d, for d = 0..distinct (hitsAtMost[0] = 0). */
  hitsAtMost: Float64Array
  /** Byte distance of each reuse, in request order (length `reuses`). */
  byteDistances: Float64Array
  /** Bytes each reuse requested, in the same order. */
  reuseBytes: Float64Array
  totalBytes: number
  /** Sum over distinct keys of each one's last size: the bytes of a cache that holds everything (of the replayed trace). */
  distinctBytes: number
}

/** Fenwick (binary indexed) tree of float sums over positions 1..n. */
class Fenwick {
  private readonly t: Float64Array
  constructor(private readonly n: number) {
    this.t = new Float64Array(n + 1)
  }
  add(i: number, v: number): void {
    for (let x = i; x <= this.n; x += x & -x) this.t[x]! += v
  }
  /** Sum over positions 1..i. */
  prefix(i: number): number {
    let s = 0
    for (let x = i; x > 0; x -= x & -x) s += this.t[x]!
    return s
  }
}

/**
 * Object and byte stack distances of every request, in one pass: O(n log n) time, O(n) memory. For a SHARDS sample
 * pass its `rate` and the full trace's request count: sizes are then scaled by the rate when read.
 */
export function stackDistances(
  trace: RequestTrace,
  sample: { rate: number; fullRequests: number } = { rate: 1, fullRequests: trace.keys.length },
): StackDistances {
  const n = trace.keys.length
  const last = new Int32Array(trace.distinct).fill(-1) // position (1-based) of each key's latest request, or -1
  const lastSize = new Float64Array(trace.distinct)
  const marks = new Fenwick(n) // 1 at each key's latest position
  const bytes = new Fenwick(n) // that request's size at the same positions
  const counts = new Float64Array(trace.distinct + 1) // counts[d] = reuses at object distance d
  const byteDist = new Float64Array(n)
  const reuseBytes = new Float64Array(n)
  let reuses = 0
  let totalBytes = 0
  let markedTotal = 0
  let bytesTotal = 0
  for (let i = 0; i < n; i++) {
    const k = trace.keys[i]!
    const size = trace.sizes[i]!
    const pos = i + 1
    totalBytes += size
    const prev = last[k]!
    if (prev > 0) {
      // Distinct keys touched after prev: marks in (prev, pos), i.e. all marks minus those up to prev.
      const above = markedTotal - marks.prefix(prev)
      const aboveBytes = bytesTotal - bytes.prefix(prev)
      counts[above + 1]!++
      byteDist[reuses] = aboveBytes + size
      reuseBytes[reuses] = size
      reuses++
      marks.add(prev, -1)
      bytes.add(prev, -lastSize[k]!)
      markedTotal--
      bytesTotal -= lastSize[k]!
    }
    marks.add(pos, 1)
    bytes.add(pos, size)
    markedTotal++
    bytesTotal += size
    last[k] = pos
    lastSize[k] = size
  }
  const hitsAtMost = new Float64Array(trace.distinct + 1)
  for (let d = 1; d <= trace.distinct; d++) hitsAtMost[d] = hitsAtMost[d - 1]! + counts[d]!
  return {
    requests: n,
    rate: sample.rate,
    fullRequests: sample.fullRequests,
    reuses,
    hitsAtMost,
    distinctBytes: lastSize.reduce((a, b) => a + b, 0),
    byteDistances: byteDist.subarray(0, reuses),
    reuseBytes: reuseBytes.subarray(0, reuses),
    totalBytes,
  }
}

/**
 * SHARDS's correction for a sample: the expected number of sampled requests (rate x full) is what hits are counted
 * against, and the difference from the number drawn is added to the hits of the smallest size (FAST'15, section 4).
 * Exact (rate 1): no change.
 */
const expected = (d: StackDistances) => (d.rate >= 1 ? d.requests : d.rate * d.fullRequests)
const ratio = (d: StackDistances, hits: number) => {
  const e = expected(d)
  return e > 0 ? Math.min(1, Math.max(0, (hits + (e - d.requests)) / e)) : 0
}

/** Hit ratio (of requests) of an LRU cache holding `objects` objects. */
export function hitRatioAtObjects(d: StackDistances, objects: number): number {
  if (d.requests === 0 || objects < 1) return 0
  const top = d.hitsAtMost.length - 1
  const x = Math.min(objects * d.rate, top) // the size in the sample: fractional when sampled
  const c = Math.floor(x)
  // Sampled: interpolate between the sample's whole sizes (a cache of 150 objects at rate 0.01 is 1.5 sampled ones).
  const hits = c >= top ? d.hitsAtMost[top]! : d.hitsAtMost[c]! + (x - c) * (d.hitsAtMost[c + 1]! - d.hitsAtMost[c]!)
  return ratio(d, hits)
}

/**
 * Hit ratios of requests and of bytes for LRU caches of each of `capacities` bytes, in one scan of the reuses: each
 * falls in the smallest capacity its byte distance fits (binary search), and the counts accumulate upwards. O(n log K),
 * no sort of the n distances.
 */
export function hitRatiosAtBytes(d: StackDistances, capacities: readonly number[]): { capacity: number; requests: number; bytes: number }[] {
  const asked = [...capacities].sort((a, b) => a - b)
  const caps = asked.map((c) => c * d.rate) // a sample's distances are the full trace's x rate
  const hits = new Float64Array(caps.length + 1)
  const bytes = new Float64Array(caps.length + 1)
  for (let j = 0; j < d.reuses; j++) {
    const dist = d.byteDistances[j]!
    let lo = 0
    let hi = caps.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (caps[mid]! >= dist) hi = mid
      else lo = mid + 1
    }
    hits[lo]!++
    bytes[lo]! += d.reuseBytes[j]!
  }
  let h = 0
  let b = 0
  return asked.map((capacity, k) => {
    h += hits[k]!
    b += bytes[k]!
    return { capacity, requests: d.requests ? ratio(d, h) : 0, bytes: d.totalBytes ? b / d.totalBytes : 0 }
  })
}

/** The smallest LRU cache, in objects, whose request hit ratio reaches `target`; null when none does. */
export function objectsForHitRatio(d: StackDistances, target: number): number | null {
  for (let c = 1; c < d.hitsAtMost.length; c++) if (ratio(d, d.hitsAtMost[c]!) >= target - 1e-12) return Math.ceil(c / d.rate)
  return null
}

/** The smallest LRU cache, in bytes of objects, whose request hit ratio reaches `target`; null when none does. */
export function bytesForHitRatio(d: StackDistances, target: number): number | null {
  // Hits needed among the replayed requests, after SHARDS's correction (none when exact).
  const need = Math.ceil(target * expected(d) - (expected(d) - d.requests) - 1e-9)
  if (need > d.reuses) return null
  if (need <= 0) return 0
  const sorted = Float64Array.from(d.byteDistances).sort()
  return sorted[need - 1]! / d.rate
}
