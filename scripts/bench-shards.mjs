// npm run bench:shards [-- --requests N --keys K --rate R] : SHARDS-sampled LRU curve over N synthetic Zipf(0.9)
// requests streamed from an O(1) alias-method generator (never stored: only the sample is kept), through the built
// engine. Prints wall time, requests/s, peak RSS; then on a 10 M-request prefix of the same stream its mean absolute
// error against the exact curve, computed in the same run.
import { fmix32, sampled } from '../dist/simulators/cache/shards.js'
import { stackDistances, hitRatioAtObjects } from '../dist/simulators/cache/mrc.js'

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const N = arg('requests', 100_000_000)
const K = arg('keys', 1_000_000)
const RATE = arg('rate', 0.01)
const CHECK = Math.min(N, 10_000_000)

/** Walker's alias method over Zipf(0.9) weights: O(K) to build, O(1) a draw. */
function zipf(seed0) {
  let seed = seed0
  const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32
  const w = new Float64Array(K)
  let s = 0
  for (let k = 0; k < K; k++) s += w[k] = 1 / Math.pow(k + 1, 0.9)
  const prob = new Float64Array(K)
  const alias = new Int32Array(K)
  const small = []
  const large = []
  for (let k = 0; k < K; k++) {
    prob[k] = (w[k] * K) / s
    ;(prob[k] < 1 ? small : large).push(k)
  }
  while (small.length && large.length) {
    const l = small.pop()
    const g = large.pop()
    alias[l] = g
    prob[g] += prob[l] - 1
    ;(prob[g] < 1 ? small : large).push(g)
  }
  for (const k of [...small, ...large]) prob[k] = 1
  return () => {
    const u = rnd() * K
    const k = Math.floor(u)
    return u - k < prob[k] ? k : alias[k]
  }
}

/** Streams `n` requests, keeping the sampled ones (all when rate is 1) as an interned trace. */
function run(n, rate) {
  const draw = zipf(7)
  const ids = new Map()
  let keys = new Int32Array(1 << 20)
  let m = 0
  for (let i = 0; i < n; i++) {
    const k = draw()
    if (!sampled(fmix32(k ^ 0x5bd1e995), rate)) continue // fmix32(0) is 0: without the xor the hottest key (id 0) is always in
    let id = ids.get(k)
    if (id === undefined) ids.set(k, (id = ids.size))
    if (m === keys.length) {
      const b = new Int32Array(keys.length * 2)
      b.set(keys)
      keys = b
    }
    keys[m++] = id
  }
  const trace = { keys: keys.subarray(0, m), sizes: new Float64Array(m).fill(1), distinct: ids.size }
  return stackDistances(trace, { rate, fullRequests: n })
}

let peak = 0
const tick = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
const t0 = performance.now()
const big = run(N, RATE)
const tBig = performance.now() - t0
clearInterval(tick)
peak = Math.max(peak, process.memoryUsage().rss)
const mb = (x) => (x / 2 ** 20).toFixed(0)
console.log(
  `SHARDS at ${RATE}: ${N.toLocaleString('en-US')} requests over ${K.toLocaleString('en-US')} keys in ${(tBig / 1000).toFixed(2)} s (${(((N / tBig) * 1000) / 1e6).toFixed(1)} M requests/s, generation included), ${big.requests.toLocaleString('en-US')} sampled; peak RSS ${mb(peak)} MiB`,
)
// Accuracy on the first CHECK requests of the same stream: sampled vs exact, at 1, 2, 5, 10, ... objects up to K.
const exact = run(CHECK, 1)
const sample = run(CHECK, RATE)
// Sizes a sample resolves: at least MIN_SAMPLED_OBJECTS sampled objects (src/app/simulate-cache.ts), 10,000 at 1%.
const pts = []
for (let p = 1; p <= K; p *= 10) for (const f of [1, 2, 5]) if (f * p <= K && f * p * RATE >= 100) pts.push(f * p)
const errs = pts.map((c) => Math.abs(hitRatioAtObjects(sample, c) - hitRatioAtObjects(exact, c)))
console.log(
  `error on ${CHECK.toLocaleString('en-US')} requests at ${pts.length} sizes (${pts[0].toLocaleString('en-US')} to ${K.toLocaleString('en-US')} objects): mean absolute ${(errs.reduce((a, b) => a + b, 0) / errs.length).toFixed(4)}, max ${Math.max(...errs).toFixed(4)}`,
)
