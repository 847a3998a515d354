import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ToolError } from '../core/errors.js'
import { buildCatalog, queryCatalog } from './catalog.js'
import { loadCatalog, readCatalogFile, BUNDLED_CATALOG_PATH } from './load.js'
import { burstBaselinePct } from './burstable.js'

const catalog = loadCatalog()

describe('bundled EC2 catalog', () => {
  it('has the spot-check prices from shared/data/README (Karpenter, us-east-1)', () => {
    expect(catalog.priceUsd('m5.large', 'us-east-1')).toBe(0.096)
    expect(catalog.priceUsd('t3.micro', 'us-east-1')).toBe(0.0104)
    expect(catalog.priceUsd('m7g.large', 'us-east-1')).toBe(0.0816)
    expect(catalog.priceUsd('c7i.large', 'us-east-1')).toBe(0.08925)
    expect(catalog.priceUsd('m5.large', 'eu-west-1')).toBeUndefined()
  })

  it('carries specs from DescribeInstanceTypes (moto) and the generation flag from ManageIQ', () => {
    const m5 = catalog.get('m5.large')!
    expect([m5.vcpus, m5.memoryGiB, m5.architectures, m5.networkBaselineGbps, m5.ebsBaselineIops]).toEqual([2, 8, ['x86_64'], 0.75, 3600])
    expect(m5.currentGeneration).toBe(true) // moto says false; ManageIQ (and AWS) say current
    expect(catalog.get('m7g.large')!.architectures).toEqual(['arm64'])
    expect(catalog.types.length).toBeGreaterThan(1300)
    expect(catalog.offeredIn(m5, 'eu-west-1')).toBe(true)
  })

  it('burstable baselines follow the EC2 User Guide credit table', () => {
    expect(catalog.get('t3.large')!.burstBaselinePct).toBe(30) // 36 credits/h / 2 vCPU / 60
    expect(catalog.get('t3.xlarge')!.burstBaselinePct).toBe(40) // 96 / 4 / 60
    expect(catalog.get('t2.2xlarge')!.burstBaselinePct).toBe(17) // 81.6 / 8 / 60
    expect(burstBaselinePct('m5', 'large', 2)).toBeNull()
  })
})

describe('queryCatalog', () => {
  it('filters and sorts cheapest first', () => {
    const rows = queryCatalog(catalog, { region: 'us-east-1', minVcpus: 4, maxVcpus: 4, minMemoryGiB: 16, arch: 'arm64', currentGenerationOnly: true })
    expect(rows.length).toBeGreaterThan(3)
    for (const r of rows) expect([r.type.vcpus, r.type.memoryGiB >= 16, r.type.architectures.includes('arm64')]).toEqual([4, true, true])
    const prices = rows.map((r) => r.pricePerHour ?? Infinity)
    expect(prices).toEqual([...prices].sort((a, b) => a - b))
    expect(queryCatalog(catalog, { region: 'us-east-1', family: 'm7g', maxPricePerHour: 0.1 }).map((r) => r.type.name)).toEqual(['m7g.medium', 'm7g.large'])
    expect(queryCatalog(catalog, { region: 'us-east-1', family: 't3,t4g', burstable: false })).toEqual([])
  })
})

describe('catalog files', () => {
  it('an overlay (as a live refresh will write) adds prices per region without dropping known ones', () => {
    const base = readCatalogFile(BUNDLED_CATALOG_PATH)
    const m5 = base.types.find((t) => t.name === 'm5.large')!
    const overlay = {
      ...base,
      sources: [{ name: 'test refresh', licence: 'n/a', origin: 'test', date: '2026-11-23' }],
      regions: ['eu-west-1'],
      types: [{ ...m5, regions: [0], pricePerHour: { 'eu-west-1': { amount: 0.107, currency: 'USD' as const } } }],
    }
    const merged = buildCatalog([base, overlay])
    expect(merged.priceUsd('m5.large', 'eu-west-1')).toBe(0.107)
    expect(merged.priceUsd('m5.large', 'us-east-1')).toBe(0.096)
    expect(merged.sources.at(-1)!.name).toBe('test refresh')
  })

  it('a broken catalog file is a clear error naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-cat-'))
    const p = join(dir, 'ec2.json')
    writeFileSync(p, JSON.stringify({ schemaVersion: 1, generatedBy: 'x', sources: [], regions: [], types: [{ name: 'x.large' }] }))
    try {
      readCatalogFile(p)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ToolError)
      expect((e as ToolError).code).toBe('CATALOG_INVALID')
      expect((e as ToolError).message).toMatch(/types\.0\.family/)
    }
    writeFileSync(p, '{not json')
    expect(() => readCatalogFile(p)).toThrow(/not readable JSON/)
  })
})
