import { bytesText, ratioPct } from '../simulators/cache/format.js'
import { bytesForHitRatio, hitRatioAtObjects, hitRatiosAtBytes, objectsForHitRatio, stackDistances } from '../simulators/cache/mrc.js'
import { readAccessLogs } from '../sources/file/access-logs.js'
import { readElastiCacheOffers } from '../sources/file/price-list.js'
import { nodesFor, type CacheNodeOffer } from '../catalog/elasticache.js'
import { HOURS_PER_MONTH } from '../catalog/catalog.js'
import { ToolError } from '../core/errors.js'
import { simulatePolicy, type Policy } from '../simulators/cache/policies.js'
import type { CacheMeasurement } from '../store/types.js'
import { CACHE_SCHEMA_VERSION, type CacheReport, type KeyMode, type LogFormat } from '../simulators/cache/result.js'

/** 1, 2, 5, 10, 20, 50, ... up to `max` (and `max` itself): the object counts a curve is printed at. */
function steps125(max: number): number[] {
  const out: number[] = []
  for (let p = 1; p <= max; p *= 10) for (const m of [1, 2, 5]) if (m * p <= max) out.push(m * p)
  if (out[out.length - 1] !== max) out.push(max)
  return out
}

/**
 * A SHARDS sample resolves cache sizes of at least this many sampled objects: below, a cache of C objects holds
 * C x rate sampled ones, and the sample's hit counts there are dominated by which hot keys it happened to draw
 * (on 10 M Zipf requests at 1%, sizes under 10,000 objects were off by up to 0.13; from 10,000 on, by under 0.01).
 */
const MIN_SAMPLED_OBJECTS = 100

/**
 * ElastiCache's default reserved-memory-percent for Redis OSS and Valkey: 25% of maxmemory is kept for backups and
 * failover (https://docs.aws.amazon.com/AmazonElastiCache/latest/red-ug/redis-memory-management.html, "the default
 * value and recommended for most cases"). Memcached has no such parameter, so nothing is reserved for it by default.
 */
function defaultReservedShare(engine: string): number {
  return engine === 'memcached' ? 0 : 0.25
}

/** What --node-prices asks for: the Price List file, the engine and region to price, the engine's reserved share. */
export interface NodePricing {
  file: string
  engine: string
  region?: string
  reservedShare?: number
}

/** The file's offers for the engine and region, checked: exit 2 naming what the file has when either is missing. */
function nodeOffers(p: NodePricing): { offers: CacheNodeOffer[]; region: string } {
  const all = readElastiCacheOffers(p.file)
  const engines = [...new Set(all.map((o) => o.engine))].sort()
  const ofEngine = all.filter((o) => o.engine === p.engine)
  if (!ofEngine.length)
    throw new ToolError('USAGE', `--engine '${p.engine}': ${p.file} prices no ${p.engine} nodes`, {
      hint: `Use one of the engines it prices: ${engines.join(', ')}.`,
    })
  const regions = [...new Set(ofEngine.map((o) => o.region))].sort()
  const region = p.region ?? (regions.length === 1 ? regions[0]! : undefined)
  if (region === undefined)
    throw new ToolError('USAGE', `${p.file} prices ${p.engine} nodes in ${regions.length} regions`, { hint: `Pick one with --region: ${regions.join(', ')}.` })
  if (!regions.includes(region))
    throw new ToolError('USAGE', `--region '${region}': ${p.file} prices no ${p.engine} nodes there`, { hint: `Regions it prices: ${regions.join(', ')}.` })
  return { offers: ofEngine, region }
}

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
  /** SHARDS sampling rate (0 < rate <= 1; 1: exact). */
  sample?: number
  /** Policies to replay request by request at the curve's sizes (with `ttlSec`, LRU alone by default). */
  policies?: readonly Policy[]
  ttlSec?: number
  /** Price ElastiCache nodes for the target's bytes from an AWS Price List file. */
  nodePricing?: NodePricing
  now: number
  version: string
}): Promise<CacheReport> {
  // The price file is read first: a wrong engine or region fails before a long log is read.
  const priced = i.nodePricing && nodeOffers(i.nodePricing)
  const reservedShare = i.nodePricing ? (i.nodePricing.reservedShare ?? defaultReservedShare(i.nodePricing.engine)) : 0
  const rate = i.sample ?? 1
  const log = await readAccessLogs(i.files, i.format, i.key, rate)
  const t = log.trace
  const d = stackDistances(t, { rate, fullRequests: log.cacheable })
  // The cache holding everything: each object at the last size seen (a sample's, scaled up by the rate).
  const distinctBytes = d.distinctBytes / rate
  const distinctObjects = Math.round(t.distinct / rate)
  const peakPerSecond = log.peakPerSecond
  const exact = rate >= 1
  const minObjects = exact ? 1 : MIN_SAMPLED_OBJECTS / rate
  const minBytes = exact ? 0 : minObjects * (distinctBytes / Math.max(1, distinctObjects))
  const byObjects = steps125(Math.max(1, distinctObjects))
    .filter((objects) => objects >= minObjects || objects === distinctObjects)
    .map((objects) => ({ objects, hitRatio: hitRatioAtObjects(d, objects) }))
  // Byte sizes: 1 KiB doubling up to the cache that holds everything.
  const byteSteps: number[] = []
  for (let b = 1024; b < distinctBytes; b *= 2) byteSteps.push(b)
  byteSteps.push(Math.max(1, distinctBytes))
  const byBytes = hitRatiosAtBytes(
    d,
    byteSteps.filter((b, k) => b >= minBytes || k === byteSteps.length - 1),
  ).map((r) => ({ bytes: r.capacity, requestHitRatio: r.requests, byteHitRatio: r.bytes }))
  const maxHitRatio = hitRatioAtObjects(d, Number.MAX_SAFE_INTEGER)
  // Policies and TTLs by simulation at the same sizes; a sample runs a miniature cache of size x rate (Waldspurger et
  // al., ATC'17), which is what the resolution floor above keeps at 100 sampled objects or more.
  const policies = i.policies ?? (i.ttlSec !== undefined ? (['lru'] as const) : [])
  const policyRuns = policies.map((policy) => ({
    policy,
    ttlSec: i.ttlSec ?? null,
    points: byObjects.map(({ objects }) => {
      const r = simulatePolicy(t, policy, Math.max(1, Math.round(objects * rate)), {
        ...(i.ttlSec !== undefined ? { ttlMs: i.ttlSec * 1000, times: log.times } : {}),
      })
      return { objects, hitRatio: t.keys.length ? r.hits / t.keys.length : 0, byteHitRatio: d.totalBytes ? r.hitBytes / d.totalBytes : 0 }
    }),
  }))
  const objects = objectsForHitRatio(d, i.targetHitRatio)
  const bytes = bytesForHitRatio(d, i.targetHitRatio)
  const reachable = objects !== null
  const about = exact ? '' : 'about '
  const reqs = `${log.cacheable.toLocaleString('en-US')} cacheable requests for ${about}${distinctObjects.toLocaleString('en-US')} objects`
  const unresolved = reachable && objects < minObjects
  const nodes =
    priced && reachable && !unresolved
      ? nodesFor(bytes!, priced.offers, { engine: i.nodePricing!.engine, region: priced.region, reservedShare, hoursPerMonth: HOURS_PER_MONTH }).slice(0, 3)
      : []
  const best = nodes[0]
  const nodeText = best
    ? ` The cheapest ${i.nodePricing!.engine} nodes in ${priced!.region} that hold it: ${best.nodes} x ${best.nodeType} (${best.usableGiB.toFixed(2)} GiB usable of ${best.memoryGiB} GiB after ${ratioPct(reservedShare)} reserved), $${best.monthlyUsd.toFixed(2)}/month on demand, replicas extra.`
    : ''
  const summary = unresolved
    ? `An LRU cache under ${Math.round(minObjects).toLocaleString('en-US')} objects reaches the target hit ratio of ${ratioPct(i.targetHitRatio)} on ${reqs}: below what a ${ratioPct(rate)} sample resolves (${MIN_SAMPLED_OBJECTS} sampled objects); run without --sample, or with a higher rate, for its size.`
    : reachable
      ? `An LRU cache of ${about}${objects.toLocaleString('en-US')} objects (${bytesText(bytes!)} of objects) reaches the target hit ratio of ${ratioPct(i.targetHitRatio)} on ${reqs}; at the busiest minute (${peakPerSecond.toFixed(1)} requests/s) that keeps about ${(peakPerSecond * i.targetHitRatio).toFixed(1)} requests/s from the origin.${nodeText}`
      : `No cache reaches a ${ratioPct(i.targetHitRatio)} hit ratio: ${ratioPct(maxHitRatio)} of the ${reqs} repeat an earlier one, and first requests always miss (a cache holding all of them, ${about}${bytesText(distinctBytes)}, hits ${ratioPct(maxHitRatio)}).`
  return {
    schemaVersion: CACHE_SCHEMA_VERSION,
    tool: 'headroom',
    version: i.version,
    kind: 'cache',
    generatedAt: i.now,
    input: {
      files: [...i.files],
      format: i.format,
      key: i.key,
      nodePrices: priced ? { file: i.nodePricing!.file, engine: i.nodePricing!.engine, region: priced.region, reservedMemoryShare: reservedShare } : null,
    },
    requests: {
      lines: log.lines,
      cacheable: log.cacheable,
      sampled: t.keys.length,
      sampleRate: rate,
      malformed: log.malformed.count,
      malformedExamples: log.malformed.first,
      skippedMethod: log.skipped.method,
      skippedStatus: log.skipped.status,
      distinctObjects,
      distinctBytes,
      reuses: d.reuses,
      first: log.first,
      last: log.last,
      peakPerSecond,
    },
    method: exact
      ? 'Exact LRU by stack distance (Mattson; Fenwick tree, O(n log n)): every cache size at once, by objects and by bytes; equal to a request-by-request LRU replay at every size (tested). The curves have no TTL (objects stay until evicted); --ttl applies to the policy replays.'
      : `LRU by stack distance over a SHARDS spatial sample of ${ratioPct(rate)} of the keys (${t.keys.length.toLocaleString('en-US')} of ${log.cacheable.toLocaleString('en-US')} requests), distances scaled by 1/${rate}, with SHARDS's count correction (Waldspurger et al., FAST'15: mean absolute error under 0.01 at rates below 1% on 100+ traces; docs/cache.md gives headroom's own measured error). Sizes and counts are estimates; sizes under ${Math.round(minObjects).toLocaleString('en-US')} objects (${MIN_SAMPLED_OBJECTS} sampled) are below the sample's resolution and left out. The curves have no TTL; --policy and --ttl replay a miniature cache of size x rate on the sample (Waldspurger et al., ATC'17).`,
    byObjects,
    byBytes,
    policies: policyRuns,
    target: {
      hitRatio: i.targetHitRatio,
      reachable,
      maxHitRatio,
      objects,
      bytes,
      originPerSecondRemovedAtPeak: reachable ? peakPerSecond * i.targetHitRatio : null,
      nodes: nodes.map(({ nodeType, nodes, memoryGiB, usableGiB, hourlyUsd, monthlyUsd }) => ({
        nodeType,
        nodes,
        memoryGiB,
        usableGiB,
        hourlyUsd,
        monthlyUsd,
      })),
    },
    summary,
  }
}

/**
 * What `simulate cache --for RESOURCE` stores for cache.opportunity: the share of requests that repeat, which is what
 * a cache holding everything answers; with --ttl, the share that repeats within the TTL (the LRU replay at full size).
 */
export function cacheMeasurementOf(report: CacheReport, resourceId: string): CacheMeasurement {
  const ttlRun = report.policies.find((p) => p.policy === 'lru' && p.ttlSec !== null)
  return {
    resourceId,
    hitRatio: ttlRun ? ttlRun.points.at(-1)!.hitRatio : report.target.maxHitRatio,
    ttlSec: ttlRun ? ttlRun.ttlSec : null,
    requests: report.requests.cacheable,
    source: report.input.files.map((f) => f.split('/').at(-1)!).join(', '),
    measuredAt: report.generatedAt,
  }
}
