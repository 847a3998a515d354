import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import { performanceOf } from '../../catalog/ebs.js'
import type { UsageSummary } from '../../store/types.js'
import { repeat, usage } from '../test-utils.js'
import { EbsOptionsSchema, ebsRightsize } from './index.js'

const services = loadServiceCatalogs()

const catalog = loadCatalog()
const MIB = 2 ** 20
/** A volume with constant read/write ops and bytes per second for 14 days. */
function volume(attrs: Record<string, string | number>, io: { ro: number; wo: number; rb?: number; wb?: number }, n = 14 * 288): UsageSummary {
  const u = usage('vol-1', undefined)
    .series('ebs.read.ops_per_s', 'avg', repeat([io.ro], n))
    .series('ebs.write.ops_per_s', 'avg', repeat([io.wo], n))
    .series('ebs.read.bytes_per_s', 'avg', repeat([io.rb ?? 0], n))
    .series('ebs.write.bytes_per_s', 'avg', repeat([io.wb ?? 0], n))
    .build()
  return { ...u, resource: { ...u.resource, kind: 'ebs-volume', attributes: { attachedTo: 'i-1', ...attrs } } }
}
const run = (u: UsageSummary, o = {}) => ebsRightsize.analyze({ usage: u, catalog, services }, EbsOptionsSchema.parse(o)).recommendations

describe('EBS prices and limits used below', () => {
  it('are the bundled us-east-1 unit prices and the current gp3 limits', () => {
    const p = services.ebs
    expect([p.storage.gp2, p.storage.gp3, p.gp3IopsAbove, p.gp3ThroughputAbove, p.storage.io1, p.pioIops, p.storage.st1, p.storage.sc1]).toEqual([
      0.1, 0.08, 0.005, 0.04, 0.125, 0.065, 0.045, 0.015,
    ])
    expect(performanceOf({ type: 'gp2', sizeGiB: 1000 })).toMatchObject({ iops: 3000, throughputMiBps: 250, burstIops: 3000 })
    expect(performanceOf({ type: 'gp2', sizeGiB: 100 })).toMatchObject({ iops: 300, throughputMiBps: 128 })
    expect(performanceOf({ type: 'st1', sizeGiB: 4096 }).throughputMiBps).toBe(160) // 40 MiB/s per TiB
  })
})

describe('ebs.rightsize worked examples', () => {
  it('gp2 -> gp3 when gp3’s baseline meets the need', () => {
    // Need: (1500 + 500) x 1.2 = 2400 IOPS; (20 + 10) MiB/s x 1.2 = 36 MiB/s. gp3 baseline 3000 IOPS / 125 MiB/s fits.
    // gp2 1000 GiB = $100.00/month; gp3 = 1000 x 0.08 = $80.00: saves $20.00.
    const [rec] = run(volume({ volumeType: 'gp2', sizeGiB: 1000 }, { ro: 1500, wo: 500, rb: 20 * MIB, wb: 10 * MIB }))
    expect([rec!.finding, rec!.reasons]).toEqual(['Overprovisioned', ['NewVolumeTypeAvailable']])
    expect(rec!.options[0]!.change).toEqual({ volumeType: 'gp3', sizeGiB: 1000, iops: 3000, throughputMiBps: 125 })
    expect([rec!.current.monthlyCost, rec!.options[0]!.monthlyCost, rec!.estimatedMonthlySavings]).toEqual([100, 80, 20])
    expect(rec!.options[0]!.performanceRisk).toBe('VeryLow')
  })

  it('an under-provisioned gp2 volume gets gp3 with the IOPS it needs', () => {
    // Need (4000 + 1000) x 1.2 = 6000 IOPS; gp2 100 GiB delivers 300 (bursting to 3000). gp3 100 GiB with 6000 IOPS:
    // 100 x 0.08 + (6000 - 3000) x 0.005 = 8 + 15 = $23.00, against gp2's $10.00: $13.00 more.
    const [rec] = run(volume({ volumeType: 'gp2', sizeGiB: 100 }, { ro: 4000, wo: 1000, rb: 5 * MIB }))
    expect([rec!.finding, rec!.reasons]).toEqual(['Underprovisioned', ['EBSIOPSUnderprovisioned']])
    expect(rec!.options[0]!.change).toEqual({ volumeType: 'gp3', sizeGiB: 100, iops: 6000, throughputMiBps: 125 })
    expect([rec!.options[0]!.monthlyCost, rec!.options[0]!.monthlySavings]).toEqual([23, -13])
    expect(rec!.currentPerformanceRisk).toBe('High')
  })

  it('over-provisioned io1: gp3 first, then io1/io2 at the measured IOPS', () => {
    // io1 500 GiB at 20,000 IOPS: 500 x 0.125 + 20000 x 0.065 = $1,362.50. Need 4000 x 1.2 = 4800 IOPS, 24 MiB/s.
    // gp3: 500 x 0.08 + 1800 x 0.005 = $49.00 (saves $1,313.50); io1 or io2 at 4800 IOPS: 62.5 + 312 = $374.50.
    const [rec] = run(volume({ volumeType: 'io1', sizeGiB: 500, iops: 20_000 }, { ro: 3000, wo: 1000, rb: 15 * MIB, wb: 5 * MIB }))
    expect([rec!.finding, rec!.reasons]).toEqual(['Overprovisioned', ['NewVolumeTypeAvailable', 'EBSIOPSOverprovisioned']])
    expect(rec!.options.map((o) => [o.change.volumeType, o.change.iops, o.monthlyCost])).toEqual([
      ['gp3', 4800, 49],
      ['io1', 4800, 374.5],
      ['io2', 4800, 374.5],
    ])
    expect(rec!.estimatedMonthlySavings).toBe(1313.5)
    expect(rec!.options[0]!.notes[0]).toMatch(/sub-millisecond/)
  })

  it('st1 for a sequential workload, never for a root volume', () => {
    // 100 ops/s of 1 MiB: average I/O 1024 KiB; need 120 IOPS and 120 MiB/s. 4096 GiB: gp2 $409.60, gp3 $327.68,
    // st1 delivers 40 x 4 = 160 MiB/s for 4096 x 0.045 = $184.32 (saves $225.28); sc1 (48 MiB/s) does not fit.
    const [rec] = run(volume({ volumeType: 'gp2', sizeGiB: 4096 }, { ro: 100, wo: 0, rb: 100 * MIB }))
    expect(rec!.options.map((o) => [o.change.volumeType, o.monthlyCost])).toEqual([
      ['st1', 184.32],
      ['gp3', 327.68],
    ])
    expect(rec!.estimatedMonthlySavings).toBe(225.28)
    expect(rec!.options[0]!.migrationEffort).toBe('Low')
    const [rootRec] = run(volume({ volumeType: 'gp2', sizeGiB: 4096, root: 'true' }, { ro: 100, wo: 0, rb: 100 * MIB }))
    expect(rootRec!.options.map((o) => o.change.volumeType)).toEqual(['gp3'])
  })

  it('Trusted Advisor: unattached, or fewer than 1 I/O per day for 7 days', () => {
    const unattached = run(volume({ volumeType: 'gp3', sizeGiB: 50, attachedTo: '' }, { ro: 0, wo: 0 }))
    expect(unattached[0]!.reasons).toEqual(['TrustedAdvisor:Unattached'])
    expect(unattached[0]!.estimatedMonthlySavings).toBe(4) // 50 x 0.08
    // 1e-6 ops/s x 86,400 s = 0.0864 operations a day.
    const idle = run(volume({ volumeType: 'gp3', sizeGiB: 50 }, { ro: 1e-6, wo: 0 }))
    expect(idle[0]!.reasons).toEqual(['TrustedAdvisor:UnderutilizedVolume'])
    const busy = run(volume({ volumeType: 'gp3', sizeGiB: 50 }, { ro: 0.01, wo: 0 })) // 864 a day
    expect(busy.map((r) => r.finding)).toEqual(['Optimized'])
  })

  it('InsufficientData below 30 hours, and for a volume without type or size', () => {
    expect(run(volume({ volumeType: 'gp2', sizeGiB: 100 }, { ro: 10, wo: 10 }, 100))[0]!.summary).toMatch(/8\.3 h of I\/O data/)
    expect(run(volume({ sizeGiB: 100 }, { ro: 10, wo: 10 }))[0]!.reasons).toEqual(['VolumeUnknown'])
  })
})

describe('ebs.rightsize properties', () => {
  it('every option meets the need, and more load never recommends fewer IOPS or MiB/s', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('gp2', 'gp3', 'io1'),
        fc.integer({ min: 10, max: 4000 }),
        fc.double({ min: 1, max: 20000, noNaN: true }),
        fc.double({ min: 0, max: 200, noNaN: true }),
        fc.double({ min: 1, max: 3, noNaN: true }),
        (type, size, ops, mibs, k) => {
          const attrs = { volumeType: type, sizeGiB: size, ...(type === 'gp2' ? {} : { iops: 3000 }) }
          const a = run(volume(attrs, { ro: ops, wo: 0, rb: mibs * MIB }))[0]!
          const b = run(volume(attrs, { ro: ops * k, wo: 0, rb: mibs * MIB * k }))[0]!
          for (const rec of [a, b])
            for (const o of rec.options) for (const d of o.dimensions.filter((x) => x.measured)) expect(d.need!).toBeLessThanOrEqual(d.capacity! + 1e-9)
          const gp3 = (r: typeof a) => r.options.find((o) => o.change.volumeType === 'gp3')
          if (gp3(a) && gp3(b)) {
            expect(Number(gp3(b)!.change.iops)).toBeGreaterThanOrEqual(Number(gp3(a)!.change.iops))
            expect(Number(gp3(b)!.change.throughputMiBps)).toBeGreaterThanOrEqual(Number(gp3(a)!.change.throughputMiBps))
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('prices come in with the input, not from a file the analyzer reads', () => {
  it("a caller's own price table changes the costs: gp2 at $0.20/GB-month doubles the current cost and the saving", async () => {
    const { readFileSync } = await import('node:fs')
    const { buildServiceCatalogs } = await import('../../catalog/services.js')
    const file = (p: string) => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8')
    const own = buildServiceCatalogs({
      rdsJson: file('data/catalog/rds.json'),
      unitPricesCsv: file('data/pricing/unit-prices-us-east-1-from-infracost-goldens.csv').replace(
        'EBS,gp2 storage,USD per GB-month,0.1,',
        'EBS,gp2 storage,USD per GB-month,0.2,',
      ),
      publishedPricesCsv: file('data/pricing/published-prices-us-east-1.csv'),
      elastiCachePricesCsv: file('data/pricing/elasticache-us-east-1-from-infracost-golden.csv'),
    })
    const u = volume({ volumeType: 'gp2', sizeGiB: 1000 }, { ro: 1500, wo: 500, rb: 20 * MIB, wb: 10 * MIB })
    const [rec] = ebsRightsize.analyze({ usage: u, catalog, services: own }, EbsOptionsSchema.parse({})).recommendations
    // 1000 GiB x $0.20 = $200.00 now; gp3 stays 1000 x $0.08 = $80.00: saves $120.00 (with the bundled table: $20.00).
    expect([rec!.current.monthlyCost, rec!.options[0]!.monthlyCost, rec!.estimatedMonthlySavings]).toEqual([200, 80, 120])
  })
})
