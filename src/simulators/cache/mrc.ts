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
  requests: number
  /** Requests whose key was seen before (the only ones an LRU cache of any size can hit). */
  reuses: number
  /** hitsAtMost[d] = requests with object stack distance <= d, for d = 0..distinct (hitsAtMost[0] = 0). */
  hitsAtMost: Float64Array
  /** Byte distance of each reuse, in request order (length `reuses`). */
  byteDistances: Float64Array
  /** Bytes each reuse requested, in the same order. */
  reuseBytes: Float64Array
  totalBytes: number
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

/** Object and byte stack distances of every request, in one pass: O(n log n) time, O(n) memory. */
export function stackDistances(trace: RequestTrace): StackDistances {
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
  return { requests: n, reuses, hitsAtMost, byteDistances: byteDist.subarray(0, reuses), reuseBytes: reuseBytes.subarray(0, reuses), totalBytes }
}

/** Hit ratio (of requests) of an LRU cache holding `objects` objects. */
export function hitRatioAtObjects(d: StackDistances, objects: number): number {
  if (d.requests === 0) return 0
  const c = Math.max(0, Math.min(Math.floor(objects), d.hitsAtMost.length - 1))
  return d.hitsAtMost[c]! / d.requests
}

/**
 * Hit ratios of requests and of bytes for LRU caches of each of `capacities` bytes, in one scan of the reuses: each
 * falls in the smallest capacity its byte distance fits (binary search), and the counts accumulate upwards. O(n log K),
 * no sort of the n distances.
 */
export function hitRatiosAtBytes(d: StackDistances, capacities: readonly number[]): { capacity: number; requests: number; bytes: number }[] {
  const caps = [...capacities].sort((a, b) => a - b)
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
  return caps.map((capacity, k) => {
    h += hits[k]!
    b += bytes[k]!
    return { capacity, requests: d.requests ? h / d.requests : 0, bytes: d.totalBytes ? b / d.totalBytes : 0 }
  })
}
