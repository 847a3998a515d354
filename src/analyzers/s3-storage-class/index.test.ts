import { describe, expect, it } from 'vitest'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import type { InventorySummary } from '../../catalog/s3.js'
import type { UsageSummary } from '../../store/types.js'
import { repeat, usage } from '../test-utils.js'
import { lifecycleConfiguration, S3OptionsSchema, s3StorageClass } from './index.js'

const catalog = loadCatalog()
const services = loadServiceCatalogs()
const run = (u: UsageSummary) => s3StorageClass.analyze({ usage: u, catalog, services }, S3OptionsSchema.parse({})).recommendations
const GIB = 2 ** 30
const MONTH_S = 30 * 86_400

/** Standard: objects of 128 KB or more by age band (0-30, 30-90, 90-180, 180+ days): 100, 200, 300, 400 GiB; 1 GiB under 128 KB. */
const inventory: InventorySummary = {
  takenAt: Date.UTC(2026, 10, 29),
  classes: {
    STANDARD: { bytes: [100, 200, 300, 400].map((g) => g * GIB), objects: [100_000, 200_000, 300_000, 400_000], smallBytes: GIB, smallObjects: 50_000 },
  },
}

function bucket(o: { inventory?: boolean; cloudwatch?: boolean; requests?: boolean; attributes?: Record<string, string | number> }): UsageSummary {
  let b = usage('logs-archive', undefined)
  if (o.cloudwatch) b = b.series('s3.storage.standard.bytes', 'avg', repeat([1001 * GIB])).series('s3.objects', 'avg', repeat([1_050_000]))
  // 1 GET a second, 20 GiB downloaded a month.
  if (o.requests) b = b.series('s3.get_requests_per_s', 'avg', repeat([1])).series('s3.bytes_downloaded_per_s', 'avg', repeat([(20 * GIB) / MONTH_S]))
  const u = b.build()
  const attributes = { ...(o.inventory ? { inventory: JSON.stringify(inventory) } : {}), ...(o.attributes ?? {}) }
  return { ...u, resource: { ...u.resource, provider: 'aws', kind: 's3-bucket', attributes } }
}

describe('s3.storage-class worked examples (bundled us-east-1 prices)', () => {
  it('inventory + CloudWatch + request metrics: Intelligent-Tiering first, Standard-IA after 30 days second, Glacier IR costs more', () => {
    const [rec] = run(bucket({ inventory: true, cloudwatch: true, requests: true }))
    // Now: 1,001 GiB x $0.023 = $23.023, plus 2,592,000 GETs x $0.0004/1,000 = $1.0368: $24.06.
    expect(rec!.current.monthlyCost).toBe(24.06)
    expect(rec!.finding).toBe('Overprovisioned')
    expect(rec!.options.map((o) => [o.change.storageClass, o.change.afterDays, o.monthlySavings])).toEqual([
      // Intelligent-Tiering: 1,000 GiB of objects >= 128 KB; at least 1,000 - 20 downloaded = 980 GiB go unread for 30 days:
      // 980 x ($0.023 - $0.0125) = $10.29, less monitoring 1,000,000 objects x $0.0025/1,000 = $2.50: $7.79.
      ['INTELLIGENT_TIERING', 0, 7.79],
      // Standard-IA after 30 days: 900 GiB x $0.0105 = $9.45; retrieval as if all 20 GiB read came from it: 20 x $0.01 +
      // 2,592 thousand GETs x ($0.001 - $0.0004) = $1.7552; turnover 100 GiB written a month, Standard flat: 100 GiB
      // deleted, billed 30 days at $0.0125 = $1.25. $9.45 - $1.7552 - $1.25 = $6.44.
      ['STANDARD_IA', 30, 6.44],
    ])
    // Glacier IR after 90 days: 700 GiB x $0.019 = $13.30, but GETs at $0.01/1,000 cost $24.88 more: not offered.
    expect(rec!.options[0]!.notes).toContain('Transition requests once: 1,000,000 x $0.01/1,000 = $10 (paid back in 1.3 months).')
    expect(rec!.options[1]!.notes[1]).toMatch(/^Retrieval, as if every byte downloaded \(20 GiB a month\) came from the moved data: \$1\.76\/month/)
    expect(rec!.options[1]!.notes[2]).toMatch(/100 GiB a month are deleted .* \$1\.25\/month\.$/)
    expect(JSON.parse(String(rec!.options[1]!.change.lifecycleRule))).toEqual({
      ID: 'headroom-standard-ia-30d',
      Status: 'Enabled',
      Filter: { ObjectSizeGreaterThan: 131072 },
      Transitions: [{ Days: 30, StorageClass: 'STANDARD_IA' }],
    })
    expect(rec!.estimatedMonthlySavings).toBe(7.79)
    expect(rec!.summary).toBe('1001 GiB in Standard with no lifecycle rule: INTELLIGENT_TIERING after 0 days saves $7.79/month.')
  })

  it('inventory alone: the age rules priced on storage, each with the monthly reads it stays worth it under', () => {
    const [rec] = run(bucket({ inventory: true }))
    // Glacier IR after 90 days: 700 GiB x ($0.023 - $0.004) = $13.30; Standard-IA after 30: 900 x $0.0105 = $9.45.
    expect(rec!.options.map((o) => [o.change.storageClass, o.monthlySavings, o.performanceRisk])).toEqual([
      ['GLACIER_IR', 13.3, 'Medium'],
      ['STANDARD_IA', 9.45, 'Medium'],
    ])
    // Break-even: $13.30 / $0.03 per GB retrieved = 443.3 GiB a month; $9.45 / $0.01 = 945 GiB.
    expect(rec!.options[0]!.notes[1]).toBe(
      'Retrieval not measured (no request metrics): the rule pays while reads of the moved data stay under 443.3 GiB a month ($0.03/GB).',
    )
    expect(rec!.options[1]!.notes[1]).toMatch(/under 945 GiB a month/)
    // Storage from the inventory: 1,001 GiB x $0.023.
    expect(rec!.current.monthlyCost).toBe(23.02)
  })

  it('CloudWatch alone: flagged with what would size a rule; an existing transition rule: nothing proposed beside it', () => {
    const [flag] = run(bucket({ cloudwatch: true }))
    expect([flag!.finding, flag!.check, flag!.estimatedMonthlySavings]).toEqual(['Flagged', 'no-age-data', null])
    expect(flag!.summary).toMatch(/^1001 GiB in Standard \(\$23\.02\/month\) with no lifecycle rule/)
    const [ruled] = run(bucket({ inventory: true, cloudwatch: true, attributes: { lifecycleTransitions: 1 } }))
    expect([ruled!.finding, ruled!.options.length]).toEqual(['Optimized', 0])
    expect(run(bucket({}))[0]!.finding).toBe('InsufficientData')
    // Request metrics but no inventory, and 1,001 GiB in 100 million objects (10.5 KB on average): nothing to move.
    const small = bucket({ cloudwatch: true, requests: true })
    const many = { ...small, daily: small.daily.map((d) => (d.metric === 's3.objects' ? { ...d, avg: 100_000_000 } : d)) }
    expect(run(many)[0]!.finding).toBe('Optimized')
    expect(run(bucket({ cloudwatch: true, requests: true }))[0]!.options.map((o) => o.change.storageClass)).toEqual(['INTELLIGENT_TIERING'])
  })

  it('the configuration written keeps the bucket’s own rules (PutBucketLifecycleConfiguration replaces them all) and replaces an earlier headroom rule', () => {
    const own = { ID: 'expire-tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 7 } }
    const old = {
      ID: 'headroom-standard-ia-30d',
      Status: 'Enabled',
      Filter: { ObjectSizeGreaterThan: 131072 },
      Transitions: [{ Days: 60, StorageClass: 'STANDARD_IA' }],
    }
    const rule = {
      ID: 'headroom-standard-ia-30d',
      Status: 'Enabled' as const,
      Filter: { ObjectSizeGreaterThan: 131072 },
      Transitions: [{ Days: 30, StorageClass: 'STANDARD_IA' as const }],
    }
    expect(lifecycleConfiguration(JSON.stringify([own, old]), rule)).toEqual({ Rules: [own, rule] })
    expect(lifecycleConfiguration('', rule)).toEqual({ Rules: [rule] })
  })
})
