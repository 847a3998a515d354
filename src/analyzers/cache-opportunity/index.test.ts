import { describe, expect, it } from 'vitest'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import type { MetricName, Statistic } from '../../core/metrics.js'
import type { ResourceRef } from '../../core/report.js'
import { repeat, resourceUsage, seriesUsage } from '../test-utils.js'
import { cacheOpportunity, CacheOpportunityOptionsSchema } from './index.js'

const services = loadServiceCatalogs()

const catalog = loadCatalog()
const o = CacheOpportunityOptionsSchema.parse({})
const N = 14 * 288
function run(kind: ResourceRef['kind'], attributes: ResourceRef['attributes'], series: [MetricName, Statistic, number][]) {
  const u = resourceUsage({ provider: 'file', kind, id: 'db-1', region: 'us-east-1', attributes, tags: {} })
  for (const [m, s, v] of series) u.metrics[m] = { ...(u.metrics[m] ?? {}), [s]: seriesUsage(m, s, repeat([v], N)) }
  return cacheOpportunity.analyze({ usage: u, catalog, services }, o).recommendations
}

describe('cache.opportunity', () => {
  it('worked example: a read-heavy on-demand DynamoDB table', () => {
    // 900 reads/s vs 100 writes/s = 90% reads >= 80%. Estimate: 900 x 0.8 = 720 units/s off the table;
    // 720 x 3,600 x 730 = 1,892.16 M RRU x $0.125/M = $236.52/month of reads, before the cache's own cost.
    const [rec] = run('dynamodb-table', { billingMode: 'PAY_PER_REQUEST' }, [
      ['ddb.read.consumed_per_s', 'sum', 900],
      ['ddb.write.consumed_per_s', 'sum', 100],
    ])
    expect(rec!.finding).toBe('Flagged')
    expect(rec!.summary).toMatch(/720 read units\/s/)
    expect(rec!.evidence.find((e) => e.unit === 'USD/month')!.value).toBeCloseTo(236.52, 2)
    expect(rec!.estimatedMonthlySavings).toBeNull()
  })

  it('a busy read-heavy RDS writer qualifies; a quiet one or a write-heavy one stays quiet', () => {
    expect(
      run('rds-instance', {}, [
        ['ebs.read.ops_per_s', 'avg', 2000],
        ['ebs.write.ops_per_s', 'avg', 100],
        ['cpu.utilization', 'max', 70],
      ]),
    ).toHaveLength(1)
    expect(
      run('rds-instance', {}, [
        ['ebs.read.ops_per_s', 'avg', 2000],
        ['ebs.write.ops_per_s', 'avg', 100],
        ['cpu.utilization', 'max', 10],
      ]),
    ).toHaveLength(0)
    expect(
      run('rds-instance', {}, [
        ['ebs.read.ops_per_s', 'avg', 500],
        ['ebs.write.ops_per_s', 'avg', 500],
        ['cpu.utilization', 'max', 70],
      ]),
    ).toHaveLength(0)
    expect(
      run('dynamodb-table', {}, [
        ['ddb.read.consumed_per_s', 'sum', 10],
        ['ddb.write.consumed_per_s', 'sum', 0],
      ]),
    ).toHaveLength(0)
  })
})
