import { z } from 'zod'
import { S3_CLASSES, S3_GB, S3_MIN_TRANSITION_BYTES, type InventorySummary, type S3Prices } from '../../catalog/s3.js'
import type { Evidence, Recommendation, RecommendationOption } from '../../core/report.js'
import type { DailyUsage, MetricUsage } from '../../store/types.js'
import { insufficientData, recommendationId, round } from '../kit.js'
import { defineAnalyzer } from '../types.js'
import { s3Present } from './present.js'

export const S3OptionsSchema = z.object({
  minMonthlySavings: z.number().min(0).default(1).describe('USD a month below which a lifecycle rule is not worth proposing'),
  iaAfterDays: z.number().int().min(30).default(30).describe('Age (days since written) at which the Standard-IA rule moves objects (S3 minimum: 30)'),
  glacierIrAfterDays: z.number().int().min(1).default(90).describe('Age at which the Glacier Instant Retrieval rule moves objects'),
  maxOptions: z.number().int().min(1).max(3).default(3),
})
type S3Options = z.infer<typeof S3OptionsSchema>

const DAY_S = 86_400
const MONTH_S = 30 * DAY_S
/** A metric's days with data, oldest first: S3's storage metrics are daily, so a day's mean is its value. */
const daysOf = (u: { daily: readonly DailyUsage[] }, metric: string) =>
  u.daily.filter((d) => d.metric === metric && d.samples > 0 && (d.stat === 'avg' || d.stat === 'max')).sort((a, b) => a.day.localeCompare(b.day))
const mean = (m: Partial<Record<string, MetricUsage>> | undefined) => (m ? (m.avg ?? m.sum)?.avg : undefined)
const gib = (b: number) => b / S3_GB

/** A rule as PutBucketLifecycleConfiguration takes it (objects under 128 KB left where they are, as S3's default). */
export interface LifecycleRule {
  ID: string
  Status: 'Enabled'
  Filter: { ObjectSizeGreaterThan: number }
  Transitions: { Days: number; StorageClass: 'STANDARD_IA' | 'GLACIER_IR' | 'INTELLIGENT_TIERING' }[]
}

/** The bucket's rules (as discovery stored them, GetBucketLifecycleConfiguration's Rules) with `rule` added: the file put-bucket-lifecycle-configuration takes. */
export function lifecycleConfiguration(existing: string | number | undefined, rule: LifecycleRule): { Rules: unknown[] } {
  let rules: unknown[] = []
  try {
    const parsed = JSON.parse(typeof existing === 'string' && existing ? existing : '[]') as unknown
    if (Array.isArray(parsed)) rules = parsed
  } catch {
    rules = []
  }
  return { Rules: [...rules.filter((r) => (r as { ID?: string }).ID !== rule.ID), rule] }
}

function inventoryOf(v: string | number | undefined): InventorySummary | undefined {
  if (typeof v !== 'string' || !v) return undefined
  try {
    return JSON.parse(v) as InventorySummary
  } catch {
    return undefined
  }
}

/**
 * S3 buckets: what each storage class costs now, and lifecycle rules for the bytes in S3 Standard, each priced with
 * what it adds: retrieval at the measured download rate (every byte downloaded counted as read from the moved data:
 * the worst case), the lifecycle transition requests (once), Intelligent-Tiering's monitoring, and the minimum storage
 * duration for data deleted early (from the bucket's measured turnover). Object ages come from an S3 Inventory
 * report (collect s3-inventory); without one, only Intelligent-Tiering is priced, and only when request metrics bound
 * the data read in a month.
 */
export const s3StorageClass = defineAnalyzer({
  meta: {
    id: 's3.storage-class',
    title: 'S3 storage classes and lifecycle',
    resourceKinds: ['s3-bucket'],
    requires: ['s3.storage.standard.bytes'],
    since: '0.1.0',
    docs: 'docs/analyzers/s3.md',
    recommended: true,
    bestPractices: ['PERF03-BP01', 'PERF03-BP02'],
  },
  options: S3OptionsSchema,
  present: s3Present,
  analyze({ usage: u, services }, o: S3Options) {
    const analyzer = 's3.storage-class'
    const r = u.resource
    const p: S3Prices = services.s3
    const inv = inventoryOf(r.attributes.inventory)
    // Bytes per class now: CloudWatch's latest daily BucketSizeBytes, else the inventory's.
    const latest = (metric: string) => daysOf(u, metric).at(-1)?.avg
    const bytes = Object.fromEntries(
      S3_CLASSES.map((c) => {
        const cw = latest(c.metric)
        const fromInv = inv?.classes[c.id]
        const invBytes = fromInv ? fromInv.bytes.reduce((a, b) => a + b, 0) + fromInv.smallBytes : undefined
        return [c.id, cw ?? invBytes ?? 0]
      }),
    ) as Record<(typeof S3_CLASSES)[number]['id'], number>
    const total = Object.values(bytes).reduce((a, b) => a + b, 0)
    const objects = latest('s3.objects')
    const storageNow = S3_CLASSES.reduce((a, c) => a + gib(bytes[c.id]) * p.storageGbMonth[c.id], 0)
    const getPerS = mean(u.metrics['s3.get_requests_per_s'])
    const dlPerS = mean(u.metrics['s3.bytes_downloaded_per_s'])
    const requestsMeasured = getPerS !== undefined && dlPerS !== undefined
    const getMonth = (getPerS ?? 0) * MONTH_S
    const dlMonth = (dlPerS ?? 0) * MONTH_S
    const perClass = S3_CLASSES.filter((c) => bytes[c.id] > 0).map((c) => `${c.label} ${round(gib(bytes[c.id]), 1)} GiB`)
    const base = {
      id: recommendationId(analyzer, r.id, u.window),
      analyzer,
      resource: r,
      window: u.window,
      bestPractices: ['PERF03-BP01', 'PERF03-BP02'],
      currentDimensions: [],
      memoryBlind: false,
      current: {
        storageGiB: round(gib(total), 1),
        standardGiB: round(gib(bytes.STANDARD), 1),
        objects: objects ?? null,
        monthlyCost: round(storageNow + (getMonth / 1000) * p.getPer1000.STANDARD),
      },
    }
    const one = (x: Omit<Recommendation, keyof typeof base>) => ({ recommendations: [{ ...base, ...x }], issues: [] })
    const evidence: Evidence[] = [
      ...S3_CLASSES.filter((c) => u.metrics[c.metric]).map((c) => ({
        metric: c.metric,
        stat: 'latest daily value',
        value: round(gib(bytes[c.id]), 2),
        unit: 'GiB',
        samples: (u.metrics[c.metric]!.avg ?? u.metrics[c.metric]!.max)!.samples,
        note: `$${round(gib(bytes[c.id]) * p.storageGbMonth[c.id])}/month at $${p.storageGbMonth[c.id]}/GB-month`,
      })),
      ...(requestsMeasured
        ? [
            {
              metric: 's3.get_requests_per_s',
              stat: 'mean',
              value: round(getPerS, 4),
              unit: 'requests/s',
              samples: u.metrics['s3.get_requests_per_s']!.avg?.samples ?? 0,
              note: `${Math.round(getMonth).toLocaleString('en-US')} GET requests a month`,
            },
            {
              metric: 's3.bytes_downloaded_per_s',
              stat: 'mean',
              value: round(dlPerS, 1),
              unit: 'bytes/s',
              samples: u.metrics['s3.bytes_downloaded_per_s']!.avg?.samples ?? 0,
              note: `${round(gib(dlMonth), 2)} GiB downloaded a month`,
            },
          ]
        : []),
    ]
    if (total === 0 && !inv)
      return one(
        insufficientData(
          'S3Unmeasured',
          `${r.id}: no storage data: collect AWS/S3 BucketSizeBytes (collect aws) or import an S3 Inventory report (collect s3-inventory).`,
          evidence,
        ),
      )
    const optimized = (summary: string) =>
      one({ finding: 'Optimized', reasons: [], currentPerformanceRisk: 'VeryLow', options: [], evidence, summary, estimatedMonthlySavings: 0 })
    const existing = Number(r.attributes.lifecycleTransitions) || 0
    if (existing > 0)
      return optimized(
        `${perClass.join(', ')}: its lifecycle rules already transition objects (${existing} transition(s)); headroom proposes none beside them.`,
      )

    // Turnover: bytes written in the last 30 days (the inventory's youngest band of objects of 128 KB or more) less the
    // growth of Standard over the window is what was deleted; all of it counted as deleted from the moved data, before its minimum duration.
    const std = inv?.classes.STANDARD
    const stdDays = daysOf(u, 's3.storage.standard.bytes')
    const spanDays = stdDays.length >= 2 ? (Date.parse(stdDays.at(-1)!.day) - Date.parse(stdDays[0]!.day)) / (DAY_S * 1000) : 0
    const growthMonth = spanDays >= 2 ? ((stdDays.at(-1)!.avg - stdDays[0]!.avg) / spanDays) * 30 : undefined
    const deletedMonth = std && growthMonth !== undefined ? Math.max(0, std.bytes[0]! - growthMonth) : undefined

    type Cand = { cls: 'STANDARD_IA' | 'GLACIER_IR' | 'INTELLIGENT_TIERING'; days: number; eligibleBytes: number; eligibleObjects: number | null; cold: number }
    const cands: Cand[] = []
    const olderThan = (days: number) => {
      if (!std) return undefined
      const from = days <= 30 ? 1 : days <= 90 ? 2 : 3
      return { bytes: std.bytes.slice(from).reduce((a, b) => a + b, 0), objects: std.objects.slice(from).reduce((a, b) => a + b, 0) }
    }
    const ia = olderThan(o.iaAfterDays)
    if (ia && ia.bytes > 0) cands.push({ cls: 'STANDARD_IA', days: o.iaAfterDays, eligibleBytes: ia.bytes, eligibleObjects: ia.objects, cold: ia.bytes })
    const gir = olderThan(o.glacierIrAfterDays)
    if (gir && gir.bytes > 0)
      cands.push({ cls: 'GLACIER_IR', days: o.glacierIrAfterDays, eligibleBytes: gir.bytes, eligibleObjects: gir.objects, cold: gir.bytes })
    // Intelligent-Tiering moves what is not read for 30 days: at least the bytes not downloaded in a month are such.
    // Without an inventory the sizes are unknown: a bucket whose objects average under 128 KB would move little.
    const smallObjects = !std && objects !== undefined && objects > 0 && total / objects < S3_MIN_TRANSITION_BYTES
    if (requestsMeasured && !smallObjects) {
      const eligible = std ? std.bytes.reduce((a, b) => a + b, 0) : bytes.STANDARD
      const eligibleObjects = std ? std.objects.reduce((a, b) => a + b, 0) : objects !== undefined && total > 0 ? objects * (bytes.STANDARD / total) : null
      cands.push({ cls: 'INTELLIGENT_TIERING', days: 0, eligibleBytes: eligible, eligibleObjects, cold: Math.max(0, eligible - dlMonth) })
    }
    const minDays = { STANDARD_IA: 30, GLACIER_IR: 90, INTELLIGENT_TIERING: 0 }
    const options: RecommendationOption[] = cands
      .map((c) => {
        const target = c.cls === 'INTELLIGENT_TIERING' ? p.storageGbMonth.INTELLIGENT_TIERING_IA : p.storageGbMonth[c.cls]
        const storageSaving = gib(c.cold) * (p.storageGbMonth.STANDARD - target)
        const retrieval =
          c.cls === 'INTELLIGENT_TIERING' || !requestsMeasured
            ? 0
            : gib(dlMonth) * p.retrievalPerGb[c.cls] + (getMonth / 1000) * (p.getPer1000[c.cls] - p.getPer1000.STANDARD)
        const monitoring = c.cls === 'INTELLIGENT_TIERING' ? ((c.eligibleObjects ?? 0) / 1000) * p.itMonitoringPer1000Objects : 0
        const earlyDelete =
          deletedMonth !== undefined && minDays[c.cls] > 0 ? gib(Math.min(deletedMonth, c.eligibleBytes)) * p.storageGbMonth[c.cls] * (minDays[c.cls] / 30) : 0
        const transitionOnce = c.eligibleObjects === null ? null : (c.eligibleObjects / 1000) * p.transitionPer1000[c.cls]
        const monthly = storageSaving - retrieval - monitoring - earlyDelete
        const breakEvenGiB = c.cls === 'INTELLIGENT_TIERING' ? null : storageSaving / p.retrievalPerGb[c.cls]
        const rule: LifecycleRule = {
          ID: `headroom-${c.cls.toLowerCase().replace(/_/g, '-')}-${c.days}d`,
          Status: 'Enabled',
          Filter: { ObjectSizeGreaterThan: 131072 },
          Transitions: [{ Days: c.days, StorageClass: c.cls }],
        }
        const label = c.cls === 'STANDARD_IA' ? 'Standard-IA' : c.cls === 'GLACIER_IR' ? 'Glacier Instant Retrieval' : 'Intelligent-Tiering'
        const opt: RecommendationOption = {
          rank: 0,
          change: { storageClass: c.cls, afterDays: c.days, lifecycleRule: JSON.stringify(rule) },
          performanceRisk: c.cls === 'INTELLIGENT_TIERING' ? 'VeryLow' : requestsMeasured ? 'Low' : 'Medium',
          bindingDimension: 'cpu',
          dimensions: [],
          monthlyCost: round(storageNow - monthly + (getMonth / 1000) * p.getPer1000.STANDARD),
          monthlySavings: round(monthly),
          migrationEffort: 'VeryLow',
          platformDifferences: [],
          notes: [
            c.cls === 'INTELLIGENT_TIERING'
              ? `${round(gib(c.eligibleBytes), 1)} GiB of objects of 128 KB or more move at once; at least ${round(gib(c.cold), 1)} GiB (all but the ${round(gib(dlMonth), 1)} GiB downloaded a month) go unread for 30 days and are billed $${p.storageGbMonth.INTELLIGENT_TIERING_IA} instead of $${p.storageGbMonth.STANDARD}/GB-month; no retrieval fees.`
              : `${round(gib(c.eligibleBytes), 1)} GiB in ${(c.eligibleObjects ?? 0).toLocaleString('en-US')} objects of 128 KB or more are older than ${c.days} days (S3 Inventory): $${round(storageSaving)}/month less storage at $${p.storageGbMonth[c.cls]}/GB-month.`,
            ...(c.cls === 'INTELLIGENT_TIERING'
              ? [`Monitoring: $${p.itMonitoringPer1000Objects} per 1,000 objects a month = $${round(monitoring)}.`]
              : requestsMeasured
                ? [
                    `Retrieval, as if every byte downloaded (${round(gib(dlMonth), 2)} GiB a month) came from the moved data: $${round(retrieval)}/month ($${p.retrievalPerGb[c.cls]}/GB, and GETs at $${p.getPer1000[c.cls]} instead of $${p.getPer1000.STANDARD} per 1,000).`,
                  ]
                : [
                    `Retrieval not measured (no request metrics): the rule pays while reads of the moved data stay under ${round(breakEvenGiB!, 1)} GiB a month ($${p.retrievalPerGb[c.cls]}/GB).`,
                  ]),
            ...(minDays[c.cls] > 0
              ? [
                  deletedMonth !== undefined
                    ? `Minimum storage duration ${minDays[c.cls]} days: ${round(gib(deletedMonth), 1)} GiB a month are deleted (written in the last 30 days less Standard's growth); billed as if all were moved data deleted at once: $${round(earlyDelete)}/month.`
                    : `Minimum storage duration ${minDays[c.cls]} days: data deleted sooner after moving is billed the rest (turnover not measured: needs the inventory and 2 days of BucketSizeBytes).`,
                ]
              : []),
            transitionOnce === null
              ? 'Transition requests: object count unknown.'
              : `Transition requests once: ${Math.round(c.eligibleObjects!).toLocaleString('en-US')} x $${p.transitionPer1000[c.cls]}/1,000 = $${round(transitionOnce)}${monthly > 0 ? ` (paid back in ${round(transitionOnce / monthly, 1)} months)` : ''}.`,
            `Rule: objects over 128 KB to ${label} ${c.days} days after they are written; \`headroom analyze --lifecycle-dir DIR\` writes the bucket's configuration with it.`,
          ],
        }
        return opt
      })
      .filter((x) => (x.monthlySavings ?? 0) >= o.minMonthlySavings)
      .sort((a, b) => (b.monthlySavings ?? 0) - (a.monthlySavings ?? 0))
      .slice(0, o.maxOptions)
      .map((x, i) => ({ ...x, rank: i + 1 }))
    const top = options[0]
    if (top)
      return one({
        finding: 'Overprovisioned',
        reasons: ['StorageClassNotOptimized'],
        currentPerformanceRisk: 'VeryLow',
        options,
        evidence,
        summary: `${round(gib(bytes.STANDARD), 1)} GiB in Standard with no lifecycle rule: ${String(top.change.storageClass)} after ${String(top.change.afterDays)} days saves $${top.monthlySavings}/month.`,
        estimatedMonthlySavings: top.monthlySavings,
      })
    const standardCost = gib(bytes.STANDARD) * p.storageGbMonth.STANDARD
    if (!inv && !requestsMeasured && standardCost >= o.minMonthlySavings)
      return one({
        finding: 'Flagged',
        check: 'no-age-data',
        reasons: ['S3AccessUnknown'],
        currentPerformanceRisk: 'Unknown',
        options: [],
        evidence,
        summary: `${round(gib(bytes.STANDARD), 1)} GiB in Standard ($${round(standardCost)}/month) with no lifecycle rule, and nothing says how old or how read it is: import an S3 Inventory report (collect s3-inventory) or turn on request metrics.`,
        estimatedMonthlySavings: null,
      })
    return optimized(`${perClass.join(', ') || 'empty'}: no lifecycle rule saves $${o.minMonthlySavings}/month or more.`)
  },
})
