import { hitRatioAtObjects, hitRatiosAtBytes, stackDistances, type StackDistances } from '../simulators/cache/mrc.js'
import { readAccessLogs } from '../sources/file/access-logs.js'
import { CACHE_SCHEMA_VERSION, type CacheReport, type KeyMode, type LogFormat } from '../simulators/cache/result.js'

/** 1, 2, 5, 10, 20, 50, ... up to `max` (and `max` itself): the object counts a curve is printed at. */
function steps125(max: number): number[] {
  const out: number[] = []
  for (let p = 1; p <= max; p *= 10) for (const m of [1, 2, 5]) if (m * p <= max) out.push(m * p)
  if (out[out.length - 1] !== max) out.push(max)
  return out
}

/** The smallest object count whose hit ratio reaches `target` (hitsAtMost is cumulative), or null. */
function objectsFor(d: StackDistances, target: number): number | null {
  const need = Math.ceil(target * d.requests - 1e-9)
  for (let c = 1; c < d.hitsAtMost.length; c++) if (d.hitsAtMost[c]! >= need) return c
  return null
}

/** The smallest byte capacity whose request hit ratio reaches `target`: the need-th smallest byte distance, or null. */
function bytesFor(d: StackDistances, target: number): number | null {
  const need = Math.ceil(target * d.requests - 1e-9)
  if (need > d.reuses) return null
  if (need <= 0) return 0
  const sorted = Float64Array.from(d.byteDistances).sort()
  return sorted[need - 1]!
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const bytesText = (b: number) =>
  b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${b} B`

/**
 * `headroom simulate cache` as a library call: reads access logs into a trace of cacheable requests, computes the exact
 * LRU hit-ratio curves by stack distance (every size at once, by objects and by bytes) and the smallest cache that
 * reaches `targetHitRatio`.
 */
export async function simulateCache(i: {
  files: readonly string[]
  format: LogFormat
  key: KeyMode
  targetHitRatio: number
  now: number
  version: string
}): Promise<CacheReport> {
  const log = await readAccessLogs(i.files, i.format, i.key)
  const t = log.trace
  const d = stackDistances(t)
  // The cache holding everything: each object at the last size seen.
  const lastSize = new Float64Array(t.distinct)
  for (let j = 0; j < t.keys.length; j++) lastSize[t.keys[j]!] = t.sizes[j]!
  const distinctBytes = lastSize.reduce((a, b) => a + b, 0)
  // Busiest minute, from the request times.
  const perMinute = new Map<number, number>()
  for (const ts of log.times) perMinute.set(Math.floor(ts / 60_000), (perMinute.get(Math.floor(ts / 60_000)) ?? 0) + 1)
  const peakPerSecond = Math.max(0, ...perMinute.values()) / 60
  const byObjects = steps125(t.distinct).map((objects) => ({ objects, hitRatio: hitRatioAtObjects(d, objects) }))
  // Byte sizes: 1 KiB doubling up to the cache that holds everything.
  const byteSteps: number[] = []
  for (let b = 1024; b < distinctBytes; b *= 2) byteSteps.push(b)
  byteSteps.push(Math.max(1, distinctBytes))
  const byBytes = hitRatiosAtBytes(d, byteSteps).map((r) => ({ bytes: r.capacity, requestHitRatio: r.requests, byteHitRatio: r.bytes }))
  const maxHitRatio = d.requests ? d.reuses / d.requests : 0
  const objects = objectsFor(d, i.targetHitRatio)
  const bytes = bytesFor(d, i.targetHitRatio)
  const reachable = objects !== null
  const times = log.times
  const summary = reachable
    ? `An LRU cache of ${objects.toLocaleString('en-US')} objects (${bytesText(bytes!)} of objects) reaches the target hit ratio of ${pct(i.targetHitRatio)} on ${t.keys.length.toLocaleString('en-US')} cacheable requests for ${t.distinct.toLocaleString('en-US')} objects; at the busiest minute (${peakPerSecond.toFixed(1)} requests/s) that keeps about ${(peakPerSecond * i.targetHitRatio).toFixed(1)} requests/s from the origin.`
    : `No cache reaches a ${pct(i.targetHitRatio)} hit ratio: ${pct(maxHitRatio)} of the ${t.keys.length.toLocaleString('en-US')} cacheable requests repeat an earlier one, and first requests always miss (a cache holding all ${t.distinct.toLocaleString('en-US')} objects, ${bytesText(distinctBytes)}, hits ${pct(maxHitRatio)}).`
  return {
    schemaVersion: CACHE_SCHEMA_VERSION,
    tool: 'headroom',
    version: i.version,
    kind: 'cache',
    generatedAt: i.now,
    input: { files: [...i.files], format: i.format, key: i.key },
    requests: {
      lines: log.lines,
      cacheable: t.keys.length,
      malformed: log.malformed.count,
      malformedExamples: log.malformed.first,
      skippedMethod: log.skipped.method,
      skippedStatus: log.skipped.status,
      distinctObjects: t.distinct,
      distinctBytes,
      reuses: d.reuses,
      first: times.reduce((a, b) => Math.min(a, b), Infinity),
      last: times.reduce((a, b) => Math.max(a, b), -Infinity),
      peakPerSecond,
    },
    method:
      'Exact LRU by stack distance (Mattson; Fenwick tree, O(n log n)): every cache size at once, by objects and by bytes; equal to a request-by-request LRU replay at every size (tested). No TTL: objects stay until evicted.',
    byObjects,
    byBytes,
    target: {
      hitRatio: i.targetHitRatio,
      reachable,
      maxHitRatio,
      objects,
      bytes,
      originPerSecondRemovedAtPeak: reachable ? peakPerSecond * i.targetHitRatio : null,
    },
    summary,
  }
}
