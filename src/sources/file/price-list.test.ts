import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nodesFor } from '../../catalog/elasticache.js'
import { readElastiCacheOffers } from './price-list.js'

const FIXTURE = new URL('../../../test/fixtures/pricing/elasticache-get-products.json', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'headroom-price-list-'))
const file = (name: string, text: string) => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

describe('readElastiCacheOffers', () => {
  it('aws pricing get-products output: each Cache Instance with its memory and on-demand hourly price; reserved terms and snapshots skipped', () => {
    const offers = readElastiCacheOffers(FIXTURE)
    expect(offers).toHaveLength(6)
    // cache.t4g.micro also carries a 1-year reserved term at 0.010/h: the on-demand 0.016 is the one read.
    expect(offers.find((o) => o.nodeType === 'cache.t4g.micro')).toEqual({
      nodeType: 'cache.t4g.micro',
      engine: 'redis',
      region: 'us-east-1',
      memoryGiB: 0.5,
      hourlyUsd: 0.016,
    })
    expect(new Set(offers.map((o) => `${o.engine}/${o.region}`))).toEqual(new Set(['redis/us-east-1', 'valkey/us-east-1', 'redis/eu-west-1']))
  })

  it('the bulk offer file (products and terms.OnDemand by SKU) reads the same', () => {
    const items = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { PriceList: string[] }).PriceList.map(
      (s) => JSON.parse(s) as { product: { sku: string }; terms: { OnDemand: unknown } },
    )
    const bulk = {
      offerCode: 'AmazonElastiCache',
      products: Object.fromEntries(items.map((i) => [i.product.sku, i.product])),
      terms: { OnDemand: Object.fromEntries(items.map((i) => [i.product.sku, i.terms.OnDemand])) },
    }
    expect(readElastiCacheOffers(file('bulk.json', JSON.stringify(bulk)))).toEqual(readElastiCacheOffers(FIXTURE))
  })

  it('bad files: exit-2 errors naming the file and the command that writes a good one', () => {
    expect(() => readElastiCacheOffers(join(dir, 'nope.json'))).toThrow(/cannot read .*nope\.json: no such file/)
    expect(() => readElastiCacheOffers(file('text.json', 'cache.t4g.micro 0.5'))).toThrow(/text\.json: not JSON/)
    expect(() => readElastiCacheOffers(file('other.json', '{"items": []}'))).toThrow(/other\.json: has neither a PriceList array/)
    const ec2 = JSON.stringify({ PriceList: [JSON.stringify({ product: { productFamily: 'Compute Instance', attributes: { instanceType: 'm5.large' } } })] })
    const e = (() => {
      try {
        readElastiCacheOffers(file('ec2.json', ec2))
      } catch (err) {
        return err as { message: string; hint: string; exitCode: number }
      }
    })()!
    expect(e.message).toMatch(/ec2\.json: holds no ElastiCache node/)
    expect(e.hint).toMatch(/aws pricing get-products .*--service-code AmazonElastiCache/)
    expect(e.exitCode).toBe(2)
  })
})

describe('nodesFor: the cheapest nodes that hold the bytes', () => {
  it('worked example: 2 GiB of objects, 25% reserved', () => {
    const offers = readElastiCacheOffers(FIXTURE)
    const r = nodesFor(2 * 2 ** 30, offers, { engine: 'redis', region: 'us-east-1', reservedShare: 0.25, hoursPerMonth: 730 })
    // t4g.small: 1.37 x 0.75 = 1.0275 GiB usable -> 2 nodes x 0.032 x 730 = 46.72
    // t4g.micro: 0.5 x 0.75 = 0.375 -> ceil(5.33) = 6 nodes x 0.016 x 730 = 70.08
    // m7g.large: 6.38 x 0.75 = 4.785 -> 1 x 0.158 x 730 = 115.34; r7g.large: 1 x 0.219 x 730 = 159.87
    expect(r.map((x) => [x.nodeType, x.nodes, Number(x.monthlyUsd.toFixed(2))])).toEqual([
      ['cache.t4g.small', 2, 46.72],
      ['cache.t4g.micro', 6, 70.08],
      ['cache.m7g.large', 1, 115.34],
      ['cache.r7g.large', 1, 159.87],
    ])
    expect(r[0]!.usableGiB).toBeCloseTo(1.0275, 10)
    // Nothing reserved (Memcached's default): 2 GiB fits 2 t4g.small nodes still (1.37 each), and 4 t4g.micro.
    const none = nodesFor(2 * 2 ** 30, offers, { engine: 'redis', region: 'us-east-1', reservedShare: 0, hoursPerMonth: 730 })
    expect(none.find((x) => x.nodeType === 'cache.t4g.micro')!.nodes).toBe(4)
    // Another engine or region prices only its own nodes.
    expect(nodesFor(1, offers, { engine: 'valkey', region: 'us-east-1', reservedShare: 0.25, hoursPerMonth: 730 }).map((x) => x.nodeType)).toEqual([
      'cache.t4g.small',
    ])
  })
})
