// npm run bench:cache [-- --requests N --keys K --alpha A] : the exact LRU miss-ratio curve (every cache size at once,
// by objects and by bytes at 40 sizes) over N synthetic Zipf requests, through the built engine. Prints wall time,
// requests/s, peak RSS, and the same run's baseline: one LRU cache of a single size (a linked list in typed arrays,
// O(1) a request) over the same requests, so the curve's cost reads as "k single-size replays".
import { stackDistances, hitRatioAtObjects, hitRatiosAtBytes } from '../dist/simulators/cache/mrc.js'

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const N = arg('requests', 10_000_000)
const K = arg('keys', 1_000_000)
const ALPHA = arg('alpha', 0.9)

/** Zipf(alpha) keys by inverse transform over the cumulative weights, and a size per key (lognormal-ish, 200 B - 2 MB). */
function zipfTrace() {
  let seed = 42
  const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32
  const cum = new Float64Array(K)
  let s = 0
  for (let k = 0; k < K; k++) cum[k] = s += 1 / Math.pow(k + 1, ALPHA)
  const sizeOf = new Float64Array(K)
  for (let k = 0; k < K; k++) sizeOf[k] = Math.round(200 * Math.exp(rnd() * Math.log(10_000)))
  // A random permutation so popular keys are not also the smallest ids.
  const perm = Int32Array.from({ length: K }, (_, i) => i)
  for (let i = K - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[perm[i], perm[j]] = [perm[j], perm[i]]
  }
  const keys = new Int32Array(N)
  const sizes = new Float64Array(N)
  for (let i = 0; i < N; i++) {
    const u = rnd() * s
    let lo = 0
    let hi = K - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cum[mid] < u) lo = mid + 1
      else hi = mid
    }
    keys[i] = perm[lo]
    sizes[i] = sizeOf[perm[lo]]
  }
  return { keys, sizes, distinct: K }
}

/** One LRU cache of `capacity` objects as a doubly linked list over key ids in typed arrays: O(1) a request. */
function singleSizeLru(trace, capacity) {
  const prev = new Int32Array(trace.distinct).fill(-1)
  const next = new Int32Array(trace.distinct).fill(-1)
  const inCache = new Uint8Array(trace.distinct)
  let head = -1 // most recent
  let tail = -1 // least recent
  let size = 0
  let hits = 0
  const unlink = (k) => {
    if (prev[k] >= 0) next[prev[k]] = next[k]
    else head = next[k]
    if (next[k] >= 0) prev[next[k]] = prev[k]
    else tail = prev[k]
  }
  for (let i = 0; i < trace.keys.length; i++) {
    const k = trace.keys[i]
    if (inCache[k]) {
      hits++
      if (head === k) continue
      unlink(k)
    } else {
      inCache[k] = 1
      size++
      if (size > capacity) {
        const old = tail
        unlink(old)
        inCache[old] = 0
        size--
      }
    }
    prev[k] = -1
    next[k] = head
    if (head >= 0) prev[head] = k
    head = k
    if (tail < 0) tail = k
  }
  return hits
}

let peak = 0
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
const t0 = performance.now()
const trace = zipfTrace()
const tGen = performance.now() - t0
const t1 = performance.now()
const d = stackDistances(trace)
const capacities = Array.from({ length: 40 }, (_, i) => 1024 * 2 ** (i * 0.75)) // 1 KiB .. ~ 2^29 KiB
const byBytes = hitRatiosAtBytes(d, capacities)
const tCurve = performance.now() - t1
const cap = Math.round(K / 10)
const t2 = performance.now()
const hits = singleSizeLru(trace, cap)
const tOne = performance.now() - t2
clearInterval(sample)
peak = Math.max(peak, process.memoryUsage().rss)

const curveAtCap = hitRatioAtObjects(d, cap)
if (Math.abs(curveAtCap * N - hits) > 0.5) throw new Error(`curve ${curveAtCap * N} != single-size replay ${hits} hits at ${cap} objects`)
const mb = (x) => (x / 2 ** 20).toFixed(0)
const s = (ms) => (ms / 1000).toFixed(2)
console.log(`requests ${N.toLocaleString('en-US')}, keys ${K.toLocaleString('en-US')}, Zipf alpha ${ALPHA} (trace built in ${s(tGen)} s)`)
console.log(`exact LRU curve (all object sizes + ${capacities.length} byte sizes): ${s(tCurve)} s, ${(((N / tCurve) * 1000) / 1e6).toFixed(2)} M requests/s`)
console.log(
  `baseline, one LRU cache of ${cap.toLocaleString('en-US')} objects (linked-list replay): ${s(tOne)} s, ${(((N / tOne) * 1000) / 1e6).toFixed(2)} M requests/s`,
)
console.log(
  `curve / one replay: ${(tCurve / tOne).toFixed(2)}x; hit ratio at ${cap.toLocaleString('en-US')} objects ${(curveAtCap * 100).toFixed(2)}% (both agree)`,
)
const half = byBytes.find((r) => r.requests >= 0.5)
console.log(
  `smallest of the byte sizes reaching a 50% request hit ratio: ${half ? `${mb(half.capacity)} MiB (byte hit ratio ${(half.bytes * 100).toFixed(1)}%)` : 'none'}`,
)
console.log(
  `peak RSS ${mb(peak)} MiB; libCacheSim publishes > 20 M requests/s for one size in C: this curve runs at ${(((N / tCurve) * 1000) / 20e6).toFixed(2)}x that, for every size`,
)
