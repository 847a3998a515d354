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
    // one per family generation, ordered by their EC2 type's us-east-1 price: t4g.large $0.0672, m6g.large $0.077,
    // m7g.large $0.0816, t3.large $0.0832, m5.large $0.096. The burstable ones qualify (baseline 30% x 2 = 0.6 vCPU
    // covers the 0.4 vCPU daily average). The third slot goes to the best x86 class, db.t3.large, as the current is x86.
    const rec = run(db({ instanceClass: 'db.r5.large', engine: 'mysql' }, { cpu: 20, freeableGiB: 12 }))
    expect([rec.finding, rec.reasons]).toEqual(['Overprovisioned', ['MemoryOverprovisioned']])
    expect(rec.options.map((o) => o.change.instanceClass)).toEqual(['db.t4g.large', 'db.m6g.large', 'db.t3.large'])
    expect(rec.options[0]!.dimensions.find((d) => d.dimension === 'memory')!.need).toBeCloseTo(4.8, 9)
    expect(rec.options.map((o) => o.platformDifferences)).toEqual([['Architecture'], ['Architecture'], []])
    expect(rec.options[2]!.monthlyCost).toBe(99.28) // db.t3.large MySQL: $0.136 x 730
    expect(rec.options[2]!.monthlySavings).toBeNull() // db.r5.large's price is unknown: savings never invented
    expect(rec.options[2]!.notes[0]).toBe('No RDS price for the current class db.r5.large: savings unknown.')
  })

  it('SQL Server and Oracle are never offered Graviton classes; preconfigured tpc classes go to Oracle only (issue 21)', () => {
    // Same load as above. SQL Server: x86 only, so db.t3.large, db.m5.large (ties with db.m6i.large at $0.096; name).
    const sql = run(db({ instanceClass: 'db.r5.large', engine: 'sqlserver-se', licenseModel: 'license-included' }, { cpu: 20, freeableGiB: 12 }))
    expect(sql.options.map((o) => o.change.instanceClass)).toEqual(['db.t3.large', 'db.m5.large', 'db.m6i.large'])
    expect(sql.current).toMatchObject({ engine: 'sqlserver-se', licenseModel: 'license-included', monthlyCost: null })
    // The one bundled price is MySQL's: a license-included SQL Server db.t3.large is never priced with it.
    expect(sql.options[0]!.monthlyCost).toBeNull()
    expect(sql.options[0]!.notes[0]).toBe('No RDS price for sqlserver-se (license-included) on this class in the bundled catalog: savings unknown.')
    // db.r5.4xlarge: 16 x 0.4 x 1.2 = 7.68 vCPU and (128 - 20) x 1.2 = 129.6 GiB, over its 128 (Underprovisioned). Of
    // the 8-vCPU classes that hold it, Oracle's third option is its preconfigured db.r5.2xlarge.tpc2.mem4x (256 GiB);
    // PostgreSQL never gets that class, and gets Graviton's db.x2g.4xlarge (16 vCPU, 256 GiB) instead.
    const opts = (engine: string) =>
      run(db({ instanceClass: 'db.r5.4xlarge', engine }, { cpu: 40, freeableGiB: 20 })).options.map((o) => o.change.instanceClass)
    expect(opts('oracle-ee')).toEqual(['db.x1e.2xlarge', 'db.x2iedn.2xlarge', 'db.r5.2xlarge.tpc2.mem4x'])
    expect(opts('postgres')).toEqual(['db.x1e.2xlarge', 'db.x2iedn.2xlarge', 'db.x2g.4xlarge'])
  })

  it('a busy MySQL db.t3.large is Underprovisioned and its known price is reported', () => {
    // Need 0.95 x 2 x 1.2 = 2.28 vCPU -> 4 vCPU. db.t3.xlarge and db.t4g.xlarge are burstable with a 40% x 4 = 1.6
    // vCPU baseline, below the 1.9 vCPU daily average, so they are excluded; the cheapest 4-vCPU / 16 GiB classes by
    // their EC2 price are db.m6g.xlarge ($0.154), db.m7g.xlarge, and on x86 db.m5.xlarge ($0.192, tied with m6i; name).
    // db.t3.large MySQL Single-AZ: $0.136/h x 730 = $99.28/month (the one RDS price in the bundled data).
    const rec = run(db({ instanceClass: 'db.t3.large', engine: 'mysql' }, { cpu: 95 }))
    expect([rec.finding, rec.reasons]).toEqual(['Underprovisioned', ['CPUUnderprovisioned']])
    expect(rec.options.map((o) => o.change.instanceClass)).toEqual(['db.m6g.xlarge', 'db.m7g.xlarge', 'db.m5.xlarge'])
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
