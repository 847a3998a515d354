import { z } from 'zod'
import { HOURS_PER_MONTH } from '../../catalog/catalog.js'
import type { Evidence, Recommendation } from '../../core/report.js'
import type { MetricUsage, UsageSummary } from '../../store/types.js'
import { recommendationId, round } from '../kit.js'
import { defineAnalyzer } from '../types.js'

export const CacheOpportunityOptionsSchema = z.object({
  /** Reads as a share of all operations at or above which a database is read-heavy. */
  readShare: z.number().min(0.5).max(1).default(0.8),
  /** Hit ratio assumed for the estimate: the share of reads a cache in front would answer. */
  assumedHitRatio: z.number().min(0).max(1).default(0.8),
  /** Below these mean read rates a cache is not worth its operation. */
  minRdsReadIops: z.number().min(0).default(100),
  minDynamoReadUnits: z.number().min(0).default(50),
  /** RDS only: the writer must be this busy (p95 of CPU maxima, %) for read relief to matter. */
  minRdsCpuPct: z.number().min(0).max(100).default(40),
  minHours: z.number().min(0).default(24),
})

/**
 * A hit ratio measured from access logs for this resource (`simulate cache --for`; analyze puts it in the resource's
 * attributes cacheHitRatio and cacheHitRatioSource), used in place of assumedHitRatio.
 */
function measuredOf(a: Readonly<Record<string, string | number>>): { hitRatio: number; note: string } | undefined {
  const h = Number(a.cacheHitRatio)
  return a.cacheHitRatio !== undefined && Number.isFinite(h) && h >= 0 && h <= 1
    ? { hitRatio: h, note: String(a.cacheHitRatioSource ?? 'measured') }
    : undefined
}

const mean = (u: UsageSummary, m: keyof UsageSummary['metrics']): MetricUsage | undefined => u.metrics[m]?.avg ?? u.metrics[m]?.sum ?? u.metrics[m]?.max

/**
 * Caching opportunity (PERF03-BP05, "Implement data access patterns that utilize caching"): a read-heavy RDS instance
 * whose CPU is busy, or a read-heavy DynamoDB table, is a candidate for ElastiCache (or DAX for DynamoDB) in front of
 * it. CloudWatch cannot see whether reads repeat, so the load removed is an estimate under a stated assumption (a hit
 * ratio, default 80%), never a saving: the cache has a cost of its own and the report's savings stay untouched.
 */
export const cacheOpportunity = defineAnalyzer({
  meta: {
    id: 'cache.opportunity',
    title: 'Caching opportunity',
    resourceKinds: ['rds-instance', 'dynamodb-table'],
    requires: ['ebs.read.ops_per_s', 'ebs.write.ops_per_s', 'cpu.utilization', 'ddb.read.consumed_per_s', 'ddb.write.consumed_per_s'],
    since: '0.1.0',
    docs: 'docs/analyzers/elasticache.md',
    recommended: true,
    bestPractices: ['PERF03-BP05'],
  },
  options: CacheOpportunityOptionsSchema,
  analyze({ usage: u, services }, o) {
    const analyzer = 'cache.opportunity'
    const r = u.resource
    const rds = r.kind === 'rds-instance'
    const reads = mean(u, rds ? 'ebs.read.ops_per_s' : 'ddb.read.consumed_per_s')
    const writes = mean(u, rds ? 'ebs.write.ops_per_s' : 'ddb.write.consumed_per_s')
    if (!reads || !writes || reads.hours < o.minHours) return { recommendations: [], issues: [] }
    const total = reads.avg + writes.avg
    const share = total > 0 ? reads.avg / total : 0
    const minReads = rds ? o.minRdsReadIops : o.minDynamoReadUnits
    if (share < o.readShare || reads.avg < minReads) return { recommendations: [], issues: [] }
    const cpu = rds ? (u.metrics['cpu.utilization']?.max ?? u.metrics['cpu.utilization']?.avg) : undefined
    if (rds && (!cpu || cpu.p95 < o.minRdsCpuPct)) return { recommendations: [], issues: [] }
    const measured = measuredOf(r.attributes)
    const hitRatio = measured?.hitRatio ?? o.assumedHitRatio
    const removed = reads.avg * hitRatio
    const unit = rds ? 'read IOPS' : 'read units/s'
    const evidence: Evidence[] = [
      { metric: reads.metric, stat: 'mean', value: round(reads.avg), unit: rds ? 'IOPS' : 'units/s', samples: reads.samples, threshold: minReads },
      { metric: writes.metric, stat: 'mean', value: round(writes.avg), unit: rds ? 'IOPS' : 'units/s', samples: writes.samples },
      { metric: reads.metric, stat: 'read share of operations', value: round(share, 4), unit: 'ratio', samples: reads.samples, threshold: o.readShare },
      ...(cpu
        ? [{ metric: 'cpu.utilization', stat: 'p95 of 5-minute maxima', value: round(cpu.p95, 1), unit: '%', samples: cpu.samples, threshold: o.minRdsCpuPct }]
        : []),
    ]
    let costLine = ''
    if (!rds) {
      const mode = String(r.attributes.billingMode ?? '').toUpperCase()
      if (mode === 'PAY_PER_REQUEST') {
        const usd = removed * 3600 * HOURS_PER_MONTH * services.dynamodb.onDemandUnit.read
        costLine = ` (about $${usd.toFixed(2)}/month of on-demand reads, before the cache's own cost)`
        evidence.push({
          metric: reads.metric,
          stat: 'on-demand read cost a cache would avoid (estimate)',
          value: round(usd),
          unit: 'USD/month',
          samples: reads.samples,
          note: `reads x ${round(hitRatio, 3)} ${measured ? 'measured' : 'assumed'} hit ratio x $${(services.dynamodb.onDemandUnit.read * 1e6).toFixed(3)} per million`,
        })
      }
    }
    if (measured)
      evidence.push({ metric: 'cache.hit_ratio', stat: 'measured from access logs', value: round(hitRatio, 4), unit: 'ratio', samples: 0, note: measured.note })
    const rec: Recommendation = {
      id: recommendationId(analyzer, r.id, u.window),
      analyzer,
      resource: r,
      finding: 'Flagged',
      reasons: ['CachingOpportunity'],
      current: {},
      currentPerformanceRisk: 'Unknown',
      currentDimensions: [],
      options: [],
      evidence,
      window: u.window,
      bestPractices: ['PERF03-BP05'],
      memoryBlind: false,
      summary: `Read-heavy (${round(share * 100, 1)}% reads, ${round(reads.avg, 1)} ${unit} on average${cpu ? `, CPU p95 ${round(cpu.p95, 1)}%` : ''}): a cache in front (${rds ? 'ElastiCache' : 'DAX or ElastiCache'}) would take an estimated ${round(removed, 1)} ${unit} off it${costLine}, ${measured ? `with the ${round(hitRatio * 100, 1)}% of requests that repeat in its access logs (${measured.note}).` : `assuming ${Math.round(o.assumedHitRatio * 100)}% of reads repeat within the cache's TTL. CloudWatch cannot show repetition: check the query log before building it, or measure it with \`headroom simulate cache LOG --for ${r.id}\`.`}`,
      estimatedMonthlySavings: null,
    }
    return { recommendations: [rec], issues: [] }
  },
})
