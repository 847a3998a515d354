import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { runCli } from '../utils/run-cli.js'
import { tmpProject } from '../utils/tmp.js'

/**
 * `headroom simulate cache` on a real access log: 10,000 lines of an Apache combined log (elastic/examples, NOTICE),
 * checked against an independent reading of the same log and a plain LRU replay written here.
 */
const LOG = new URL('../fixtures/weblogs/elastic-examples-apache_logs-2015-05.log.gz', import.meta.url).pathname
const tmp = tmpProject('headroom-e2e-cache-')

interface CacheJson {
  kind: string
  requests: { lines: number; cacheable: number; distinctObjects: number; skippedMethod: number; skippedStatus: number; malformed: number }
  byObjects: { objects: number; hitRatio: number }[]
  byBytes: { bytes: number; requestHitRatio: number; byteHitRatio: number }[]
  target: { hitRatio: number; reachable: boolean; objects: number | null; bytes: number | null; maxHitRatio: number }
}

/** The log's cacheable requests read with a regex of this test's own (not the product's parser): GET/HEAD below 400. */
function requestsOfLog(): string[] {
  const out: string[] = []
  for (const line of gunzipSync(readFileSync(LOG)).toString('utf8').split('\n')) {
    const m = /"(GET|HEAD|[A-Z]+) (\S+)[^"]*" (\d{3}) /.exec(line)
    if (m && (m[1] === 'GET' || m[1] === 'HEAD') && Number(m[3]) < 400) out.push(m[2]!)
  }
  return out
}

/** Hits of an LRU cache of `capacity` objects, request by request (a Map in insertion order). */
function lruHits(keys: readonly string[], capacity: number): number {
  const cache = new Map<string, true>()
  let hits = 0
  for (const k of keys) {
    if (cache.delete(k)) hits++
    cache.set(k, true)
    if (cache.size > capacity) cache.delete(cache.keys().next().value!)
  }
  return hits
}

describe('headroom simulate cache', () => {
  it('on a real Apache log: the smallest cache for the target, the same as a plain LRU replay finds', async () => {
    const r = await runCli(['simulate', 'cache', LOG, '--target-hit-ratio', '80%', '--format', 'json'], { cwd: tmp.dir })
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout) as CacheJson
    const keys = requestsOfLog()
    expect(doc.kind).toBe('cache')
    expect([doc.requests.lines, doc.requests.cacheable, doc.requests.malformed]).toEqual([10_000, keys.length, 0])
    expect(doc.requests.distinctObjects).toBe(new Set(keys).size)
    // The target's cache size is the smallest that reaches 80%: one object fewer does not.
    const n = doc.target.objects!
    expect(doc.target.reachable).toBe(true)
    expect(lruHits(keys, n) / keys.length).toBeGreaterThanOrEqual(0.8)
    expect(lruHits(keys, n - 1) / keys.length).toBeLessThan(0.8)
    // Every printed point of the curve is a replay's hit ratio, exactly.
    for (const p of doc.byObjects) expect(Math.round(p.hitRatio * keys.length)).toBe(lruHits(keys, p.objects))
    // No cache hits more than the requests that repeat an earlier one.
    expect(doc.target.maxHitRatio).toBe((keys.length - new Set(keys).size) / keys.length)
    // By bytes: the hit ratios never fall as the cache grows, and the largest holds everything.
    for (let i = 1; i < doc.byBytes.length; i++) expect(doc.byBytes[i]!.requestHitRatio).toBeGreaterThanOrEqual(doc.byBytes[i - 1]!.requestHitRatio)
    expect(doc.byBytes.at(-1)!.requestHitRatio).toBe(doc.target.maxHitRatio)
  })

  it('the terminal says what to buy and what a target out of reach would need', async () => {
    const ok = await runCli(['simulate', 'cache', LOG, '--target-hit-ratio', '0.8'], { cwd: tmp.dir })
    expect(ok.stdout).toMatch(/^An LRU cache of [\d,]+ objects \([\d.]+ MiB of objects\) reaches the target hit ratio of 80\.0%/m)
    expect(ok.stdout).toMatch(/^CACHE SIZE +REQUEST HITS +BYTE HITS$/m)
    const far = await runCli(['simulate', 'cache', LOG, '--target-hit-ratio', '0.95'], { cwd: tmp.dir })
    expect(far.code).toBe(0)
    expect(far.stdout).toMatch(/No cache reaches a 95\.0% hit ratio: 85\.\d% of the 9,778 cacheable requests for 1,427 objects repeat an earlier one/)
  })

  it('--sample: a SHARDS sample of the real log is within 0.02 of the exact curve at the sizes it shows', async () => {
    const exact = JSON.parse((await runCli(['simulate', 'cache', LOG, '--format', 'json'], { cwd: tmp.dir })).stdout) as CacheJson
    const r = await runCli(['simulate', 'cache', LOG, '--sample', '0.2', '--format', 'json'], { cwd: tmp.dir })
    expect(r.code, r.stderr).toBe(0)
    const est = JSON.parse(r.stdout) as CacheJson & { method: string; requests: { sampled: number; sampleRate: number } }
    expect(est.requests.sampleRate).toBe(0.2)
    expect(est.requests.cacheable).toBe(exact.requests.cacheable) // every line is read; only the sample is replayed
    expect(est.requests.sampled).toBeLessThan(exact.requests.cacheable / 2)
    // Sizes under 100 sampled objects (500 at 20%) are below the sample's resolution and not shown.
    expect(Math.min(...est.byObjects.map((p) => p.objects))).toBe(500)
    const truth = new Map(exact.byObjects.map((p) => [p.objects, p.hitRatio]))
    const common = est.byObjects.filter((p) => truth.has(p.objects))
    expect(common.length).toBeGreaterThanOrEqual(2)
    for (const p of common) expect(Math.abs(p.hitRatio - truth.get(p.objects)!)).toBeLessThan(0.02)
    expect(est.method).toMatch(/SHARDS spatial sample of 20\.0% of the keys/)
    const t = await runCli(['simulate', 'cache', LOG, '--sample', '0.2'], { cwd: tmp.dir })
    expect(t.stdout).toMatch(/SHARDS sample of 20\.0% of keys: [\d,]+ requests replayed, sizes estimated/)
  })

  it('--policy and --ttl: LRU replayed equals the curve; a one-hour TTL, with room for everything, hits what a per-key clock says', async () => {
    const r = await runCli(['simulate', 'cache', LOG, '--policy', 'lru,fifo,lfu,s3fifo', '--format', 'json'], { cwd: tmp.dir })
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout) as CacheJson & { policies: { policy: string; ttlSec: number | null; points: { objects: number; hitRatio: number }[] }[] }
    expect(doc.policies.map((p) => p.policy)).toEqual(['lru', 'fifo', 'lfu', 's3fifo'])
    expect(doc.policies[0]!.points.map((p) => p.hitRatio)).toEqual(doc.byObjects.map((p) => p.hitRatio))
    // With room for every object, every policy hits every repeat.
    for (const p of doc.policies) expect(p.points.at(-1)!.hitRatio).toBe(doc.target.maxHitRatio)
    const t = await runCli(['simulate', 'cache', LOG, '--ttl', '1h', '--format', 'json'], { cwd: tmp.dir })
    const ttl = (JSON.parse(t.stdout) as typeof doc).policies[0]!
    expect([ttl.policy, ttl.ttlSec]).toEqual(['lru', 3600])
    // The test's own clock per key: stored on a miss, a repeat within the hour of storing is a hit.
    const stored = new Map<string, number>()
    let hits = 0
    const lines = gunzipSync(readFileSync(LOG)).toString('utf8').split('\n')
    let n = 0
    for (const line of lines) {
      const m = /\[(\d{2})\/May\/2015:(\d{2}):(\d{2}):(\d{2}) \+0000\] "(GET|HEAD|[A-Z]+) (\S+)[^"]*" (\d{3}) /.exec(line)
      if (!m || (m[5] !== 'GET' && m[5] !== 'HEAD') || Number(m[7]) >= 400) continue
      n++
      const ts = Date.UTC(2015, 4, Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]))
      const at = stored.get(m[6]!)
      if (at !== undefined && ts - at < 3_600_000) hits++
      else stored.set(m[6]!, ts)
    }
    expect(ttl.points.at(-1)!.hitRatio).toBe(hits / n)
    for (const [i, p] of ttl.points.entries()) expect(p.hitRatio).toBeLessThanOrEqual(doc.byObjects[i]!.hitRatio)
    const bad = await runCli(['simulate', 'cache', LOG, '--policy', 'lru,arc'], { cwd: tmp.dir })
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/--policy 'arc' is not an eviction policy headroom replays[\s\S]*lru, fifo, lfu, s3fifo/)])
  })

  it('--node-prices: the cheapest ElastiCache nodes for the target, from a Price List file; a wrong engine or region exits 2 before the log is read', async () => {
    const prices = new URL('../fixtures/pricing/elasticache-get-products.json', import.meta.url).pathname
    const r = await runCli(['simulate', 'cache', LOG, '--target-hit-ratio', '60%', '--node-prices', prices, '--region', 'us-east-1', '--format', 'json'], {
      cwd: tmp.dir,
    })
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout) as CacheJson & {
      input: { nodePrices: unknown }
      target: { nodes: { nodeType: string; nodes: number; monthlyUsd: number }[] }
    }
    expect(doc.input.nodePrices).toEqual({ file: prices, engine: 'redis', region: 'us-east-1', reservedMemoryShare: 0.25 })
    // The 60% target needs well under the 0.375 GiB a cache.t4g.micro keeps after 25% reserved: one node, 0.016 x 730.
    expect(doc.target.bytes!).toBeLessThan(0.375 * 2 ** 30)
    expect(doc.target.nodes.map((x) => [x.nodeType, x.nodes, Number(x.monthlyUsd.toFixed(2))])).toEqual([
      ['cache.t4g.micro', 1, 11.68],
      ['cache.t4g.small', 1, 23.36],
      ['cache.m7g.large', 1, 115.34],
    ])
    const t = await runCli(['simulate', 'cache', LOG, '--target-hit-ratio', '60%', '--node-prices', prices, '--region', 'us-east-1'], { cwd: tmp.dir })
    expect(t.stdout).toMatch(
      /The cheapest redis nodes in us-east-1 that hold it: 1 x cache\.t4g\.micro \(0\.38 GiB usable of 0\.5 GiB after 25\.0% reserved\), \$11\.68\/month/,
    )
    expect(t.stdout).toMatch(/^NODES +NODE TYPE +USABLE GiB EACH +\$\/HOUR EACH +\$\/MONTH$/m)
    // Two regions in the file and none chosen; an engine it does not price; --region without --node-prices.
    const two = await runCli(['simulate', 'cache', LOG, '--node-prices', prices], { cwd: tmp.dir })
    expect([two.code, two.stderr]).toEqual([2, expect.stringMatching(/prices redis nodes in 2 regions[\s\S]*--region: eu-west-1, us-east-1/)])
    const mem = await runCli(['simulate', 'cache', LOG, '--node-prices', prices, '--engine', 'memcached'], { cwd: tmp.dir })
    expect([mem.code, mem.stderr]).toEqual([2, expect.stringMatching(/--engine 'memcached': .* prices no memcached nodes[\s\S]*redis, valkey/)])
    const lone = await runCli(['simulate', 'cache', LOG, '--region', 'us-east-1'], { cwd: tmp.dir })
    expect([lone.code, lone.stderr]).toEqual([2, expect.stringMatching(/--region applies to --node-prices/)])
  })

  it('bad input: an empty log, a log in another format, a missing file: exit 2 naming the file, the line and the formats', async () => {
    const empty = tmp.file('empty.log', '')
    const e = await runCli(['simulate', 'cache', empty], { cwd: tmp.dir })
    expect(e.code).toBe(2)
    expect(e.stderr).toMatch(/no request lines in .*empty\.log/)
    const csv = tmp.file('wrong.csv', 'ts,key,size\n1700000000,/a,100\n1700000001,/b,200\n')
    const w = await runCli(['simulate', 'cache', csv, '--format-log', 'combined'], { cwd: tmp.dir })
    expect(w.code).toBe(2)
    expect(w.stderr).toMatch(/3 of 3 lines are not combined log lines \(first: .*wrong\.csv line 1: ts,key,size\)/)
    expect(w.stderr).toMatch(/one of: combined, alb, cloudfront, csv/)
    // The same file read as what it is.
    const asCsv = await runCli(['simulate', 'cache', csv, '--format-log', 'csv', '--format', 'json'], { cwd: tmp.dir })
    expect(asCsv.code, asCsv.stderr).toBe(0)
    expect((JSON.parse(asCsv.stdout) as CacheJson).requests.cacheable).toBe(2)
    const missing = await runCli(['simulate', 'cache', tmp.path('nope.log')], { cwd: tmp.dir })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/cannot read .*nope\.log: no such file/)
  })
})
