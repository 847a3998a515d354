import type { RequestTrace } from './mrc.js'

/**
 * Eviction policies replayed request by request at one cache size (in objects), with an optional TTL: an object
 * expires `ttlMs` after it was stored (a fetch on a miss stores it; a hit does not renew it, as with Redis SET EX), and
 * a request for an expired object is a miss that stores it again. Stack distances give LRU at every size at once, but
 * not FIFO, LFU, S3-FIFO or any TTL; those are simulated here. Queues are doubly linked lists over key ids in typed
 * arrays, so a request costs O(1) (LFU: O(log n) for its heap).
 */
export const POLICIES = ['lru', 'fifo', 'lfu', 's3fifo'] as const
export type Policy = (typeof POLICIES)[number]

/** A FIFO/LRU queue of key ids: push at the head, pop at the tail, unlink from anywhere. */
class Queue {
  private readonly prev: Int32Array
  private readonly next: Int32Array
  private readonly inQ: Uint8Array
  private head = -1
  private tail = -1
  size = 0
  constructor(keys: number) {
    this.prev = new Int32Array(keys)
    this.next = new Int32Array(keys)
    this.inQ = new Uint8Array(keys)
  }
  has(k: number): boolean {
    return this.inQ[k] === 1
  }
  push(k: number): void {
    this.prev[k] = -1
    this.next[k] = this.head
    if (this.head >= 0) this.prev[this.head] = k
    this.head = k
    if (this.tail < 0) this.tail = k
    this.inQ[k] = 1
    this.size++
  }
  remove(k: number): void {
    const p = this.prev[k]!
    const n = this.next[k]!
    if (p >= 0) this.next[p] = n
    else this.head = n
    if (n >= 0) this.prev[n] = p
    else this.tail = p
    this.inQ[k] = 0
    this.size--
  }
  /** The least recently pushed key, removed; -1 when empty. */
  pop(): number {
    const t = this.tail
    if (t >= 0) this.remove(t)
    return t
  }
}

/** Min-heap of (freq, seq, key) triples for LFU; stale entries (older seq) are skipped when popped. */
class Heap {
  private f: number[] = []
  private s: number[] = []
  private k: number[] = []
  get length(): number {
    return this.k.length
  }
  private less(i: number, j: number): boolean {
    return this.f[i]! < this.f[j]! || (this.f[i] === this.f[j] && this.s[i]! < this.s[j]!)
  }
  private swap(i: number, j: number): void {
    ;[this.f[i], this.f[j]] = [this.f[j]!, this.f[i]!]
    ;[this.s[i], this.s[j]] = [this.s[j]!, this.s[i]!]
    ;[this.k[i], this.k[j]] = [this.k[j]!, this.k[i]!]
  }
  push(freq: number, seq: number, key: number): void {
    this.f.push(freq)
    this.s.push(seq)
    this.k.push(key)
    for (let i = this.k.length - 1; i > 0;) {
      const p = (i - 1) >> 1
      if (!this.less(i, p)) break
      this.swap(i, p)
      i = p
    }
  }
  pop(): [number, number, number] {
    const top: [number, number, number] = [this.f[0]!, this.s[0]!, this.k[0]!]
    const last = this.k.length - 1
    this.swap(0, last)
    this.f.pop()
    this.s.pop()
    this.k.pop()
    for (let i = 0; ;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < last && this.less(l, m)) m = l
      if (r < last && this.less(r, m)) m = r
      if (m === i) break
      this.swap(i, m)
      i = m
    }
    return top
  }
}

export interface PolicyResult {
  policy: Policy
  objects: number
  hits: number
  hitBytes: number
}

/**
 * Replays `trace` through one policy at `objects` cache entries. `times` (epoch ms per request) is needed only with a
 * TTL. S3-FIFO follows Algorithm 1 of Yang et al., "FIFO queues are all you need for cache eviction" (SOSP'23): a small
 * FIFO of 10% of the entries, a main FIFO, a ghost FIFO of keys as long as the main one, a 2-bit frequency; an object
 * leaving the small queue moves to main if it was requested more than once there, and main reinserts objects with a
 * non-zero frequency, decrementing it. LFU evicts the least frequently requested object (counted while cached), the
 * least recently requested among equals.
 */
export function simulatePolicy(trace: RequestTrace, policy: Policy, objects: number, o: { ttlMs?: number; times?: Float64Array } = {}): PolicyResult {
  const K = trace.distinct
  const cap = Math.max(1, Math.floor(objects))
  const ttl = o.ttlMs
  if (ttl !== undefined && !o.times) throw new Error('simulatePolicy: a TTL needs the request times')
  const storedAt = new Float64Array(K)
  const freq = new Uint32Array(K)
  const seqOf = new Float64Array(K)
  let hits = 0
  let hitBytes = 0
  // The structures of each policy (only the ones it uses are touched).
  const main = new Queue(K) // LRU list, FIFO queue, or S3-FIFO's main queue
  const small = new Queue(policy === 's3fifo' ? K : 1)
  const ghost = new Queue(policy === 's3fifo' ? K : 1)
  const heap = new Heap()
  const smallCap = Math.max(1, Math.floor(cap * 0.1))
  const mainCap = Math.max(1, cap - smallCap)
  let lfuSize = 0
  const cached = new Uint8Array(policy === 'lfu' ? K : 1)

  const inCache = (k: number): boolean => (policy === 'lfu' ? cached[k] === 1 : policy === 's3fifo' ? small.has(k) || main.has(k) : main.has(k))
  const drop = (k: number): void => {
    if (policy === 'lfu') {
      cached[k] = 0
      lfuSize--
    } else if (policy === 's3fifo') (small.has(k) ? small : main).remove(k)
    else main.remove(k)
  }
  const evictMain = (): void => {
    for (;;) {
      const t = main.pop()
      if (t < 0) return
      if (freq[t]! > 0) {
        freq[t]!--
        main.push(t)
      } else return
    }
  }
  const evictSmall = (): void => {
    for (;;) {
      const t = small.pop()
      if (t < 0) return
      if (freq[t]! > 1) {
        main.push(t)
        if (main.size > mainCap) evictMain()
      } else {
        ghost.push(t)
        if (ghost.size > mainCap) ghost.pop()
        return
      }
    }
  }
  const insert = (k: number, now: number, i: number): void => {
    storedAt[k] = now
    if (policy === 'lru' || policy === 'fifo') {
      main.push(k)
      if (main.size > cap) main.pop()
    } else if (policy === 'lfu') {
      if (lfuSize >= cap)
        for (;;) {
          const [f, s, v] = heap.pop()
          if (cached[v] === 1 && freq[v] === f && seqOf[v] === s) {
            cached[v] = 0
            lfuSize--
            break
          }
        }
      cached[k] = 1
      lfuSize++
      freq[k] = 1
      seqOf[k] = i
      heap.push(1, i, k)
    } else {
      while (small.size + main.size >= cap) {
        if (small.size >= smallCap || main.size === 0) evictSmall()
        else evictMain()
      }
      freq[k] = 0
      if (ghost.has(k)) {
        ghost.remove(k)
        main.push(k)
      } else small.push(k)
    }
  }
  for (let i = 0; i < trace.keys.length; i++) {
    const k = trace.keys[i]!
    const now = o.times ? o.times[i]! : 0
    if (inCache(k) && ttl !== undefined && now - storedAt[k]! >= ttl) drop(k) // expired: a miss below
    if (inCache(k)) {
      hits++
      hitBytes += trace.sizes[i]!
      if (policy === 'lru') {
        main.remove(k)
        main.push(k)
      } else if (policy === 'lfu') {
        freq[k]!++
        seqOf[k] = i
        heap.push(freq[k]!, i, k)
      } else if (policy === 's3fifo') freq[k] = Math.min(freq[k]! + 1, 3)
      continue
    }
    insert(k, now, i)
  }
  return { policy, objects: cap, hits, hitBytes }
}
