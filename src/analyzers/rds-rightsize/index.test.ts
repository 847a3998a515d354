import { describe, expect, it } from 'vitest'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import type { UsageSummary } from '../../store/types.js'
import { repeat, usage } from '../test-utils.js'
import { RdsOptionsSchema, rdsRightsize } from './index.js'

const services = loadServiceCatalogs()

const catalog = loadCatalog()
const GIB = 1024 ** 3
function db(attrs: Record<string, string | number>, o: { cpu: number; freeableGiB?: number; reads?: number; writes?: number }): UsageSummary {
  let b = usage('db-1', undefined).series('cpu.utilization', 'avg', repeat([o.cpu]))
  if (o.freeableGiB !== undefined) b = b.series('db.freeable_memory.bytes', 'min', repeat([o.freeableGiB * GIB]))
  if (o.reads !== undefined) b = b.series('ebs.read.ops_per_s', 'avg', repeat([o.reads])).series('ebs.write.ops_per_s', 'avg', repeat([o.writes ?? 0]))
  const u = b.build()
  return { ...u, resource: { ...u.resource, kind: 'rds-instance', attributes: attrs } }
}
const run = (u: UsageSummary) => rdsRightsize.analyze({ usage: u, catalog, services }, RdsOptionsSchema.parse({})).recommendations[0]!

describe('rds.rightsize worked examples', () => {
  it('the classes used below are in the catalog as expected', () => {
    const c = (n: string) => services.rds.classes.find((x) => x.name === n)!
    expect([c('db.m5.large'), c('db.r5.large'), c('db.t3.large'), c('db.m5.xlarge')].map((x) => [x.vcpus, x.memoryGiB])).toEqual([
      [2, 8],
      [2, 16],
      [2, 8],
      [4, 16],
    ])
    // No current class with fewer than 2 vCPUs has 4.8 GiB or more.
    expect(services.rds.classes.filter((x) => !x.deprecated && x.vcpus < 2 && x.memoryGiB >= 4.8)).toEqual([])
  })

  it('memory-blind db.m5.large at 20% CPU is Optimized: the memory is kept and nothing smaller holds 8 GiB', () => {
    // Need 0.2 x 2 x 1.2 = 0.48 vCPU; without FreeableMemory options keep >= 8 GiB, which needs 2 vCPUs.
    const rec = run(db({ instanceClass: 'db.m5.large', engine: 'postgres' }, { cpu: 20 }))
    expect([rec.finding, rec.options, rec.memoryBlind]).toEqual(['Optimized', [], true])
    expect(rec.summary).toMatch(/^db\.m5\.large fits: CPU p99\.5 20% of 2 vCPU \(need 0\.48 vCPU\)\./)
  })

  it('FreeableMemory shows memory to spare: db.r5.large -> a 2 vCPU / 8 GiB class', () => {
    // Lowest FreeableMemory 12 GiB of 16 -> 4 GiB in use x 1.2 = 4.8 GiB; CPU need 0.48 vCPU -> 2 vCPU / 8 GiB classes,
    // one per family generation. db.t3.large qualifies (burstable baseline 30% x 2 = 0.6 vCPU covers the 0.4 vCPU daily
    // average) and, with the only known MySQL price, sorts first among equal sizes; then db.m5.large, db.m6g.large.
    const rec = run(db({ instanceClass: 'db.r5.large', engine: 'mysql' }, { cpu: 20, freeableGiB: 12 }))
    expect([rec.finding, rec.reasons]).toEqual(['Overprovisioned', ['MemoryOverprovisioned']])
    expect(rec.options.map((o) => o.change.instanceClass)).toEqual(['db.t3.large', 'db.m5.large', 'db.m6g.large'])
    expect(rec.options[0]!.dimensions.find((d) => d.dimension === 'memory')!.need).toBeCloseTo(4.8, 9)
    expect(rec.options[0]!.monthlyCost).toBe(99.28) // db.t3.large MySQL: $0.136 x 730
    expect(rec.options[0]!.monthlySavings).toBeNull() // db.r5.large's price is unknown: savings never invented
    expect(rec.options[2]!.platformDifferences).toEqual(['Architecture'])
  })

  it('a busy MySQL db.t3.large is Underprovisioned and its known price is reported', () => {
    // Need 0.95 x 2 x 1.2 = 2.28 vCPU -> 4 vCPU. db.t3.xlarge is burstable with a 40% x 4 = 1.6 vCPU baseline, below
    // the 1.9 vCPU daily average, so it is excluded; the smallest 4-vCPU class is db.m5.xlarge.
    // db.t3.large MySQL Single-AZ: $0.136/h x 730 = $99.28/month (the one RDS price in the bundled data).
    const rec = run(db({ instanceClass: 'db.t3.large', engine: 'mysql' }, { cpu: 95 }))
    expect([rec.finding, rec.reasons]).toEqual(['Underprovisioned', ['CPUUnderprovisioned']])
    expect(rec.options[0]!.change.instanceClass).toBe('db.m5.xlarge')
    expect(rec.options.map((o) => o.change.instanceClass)).not.toContain('db.t3.xlarge')
    expect(rec.current.monthlyCost).toBe(99.28)
  })

  it('reads dominating a busy writer suggest a read replica; gp2 storage suggests gp3', () => {
    const rec = run(db({ instanceClass: 'db.r5.large', engine: 'postgres', storageType: 'gp2' }, { cpu: 70, reads: 3000, writes: 500 }))
    expect(rec.reasons).toEqual(['ReadReplicaSuggested', 'NewGenerationStorageTypeAvailable'])
    expect(rec.summary).toMatch(/Reads are 6x writes on a busy writer: a read replica/)
    expect(run(db({ instanceClass: 'db.r5.large' }, { cpu: 30, reads: 3000, writes: 500 })).reasons).not.toContain('ReadReplicaSuggested')
  })

  it('InsufficientData for an unknown class', () => {
    expect(run(db({ instanceClass: 'db.q9.huge' }, { cpu: 10 })).summary).toMatch(/db\.q9\.huge is not in the RDS catalog/)
  })
})
