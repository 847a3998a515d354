import { z } from 'zod'
import { gp3For, monthlyCostOf, performanceOf, VOLUME_TYPES, type VolumeSpec, type VolumeType } from '../../catalog/ebs.js'
import type { DimensionAssessment, Evidence, Finding, PerformanceRisk, Recommendation, RecommendationOption } from '../../core/report.js'
import type { UsageSummary } from '../../store/types.js'
import { riskFromRatio, riskRank } from '../risk.js'
import { recommendationId, round } from '../kit.js'
import { defineAnalyzer } from '../types.js'
import { ebsPresent } from './present.js'

export const EbsOptionsSchema = z.object({
  percentile: z.enum(['p95', 'p99', 'p99.5', 'max']).default('p99').describe('Percentile of the volume’s ops and bytes that sizes IOPS and throughput'),
  headroomPct: z.number().min(0).max(100).default(20),
  minHours: z.number().min(0).default(30).describe('Compute Optimizer: 30 consecutive hours for EBS'),
  /** Average I/O size from which a workload counts as sequential (st1/sc1 candidates). */
  sequentialIoKiB: z.number().min(1).default(128),
})
export type EbsOptions = z.output<typeof EbsOptionsSchema>

const MIB = 2 ** 20
const at = (
  u: UsageSummary,
  m: 'ebs.read.ops_per_s' | 'ebs.write.ops_per_s' | 'ebs.read.bytes_per_s' | 'ebs.write.bytes_per_s',
  p: EbsOptions['percentile'],
) => {
  const s = u.metrics[m]?.max ?? u.metrics[m]?.avg ?? u.metrics[m]?.sum
  if (!s) return undefined
  return { value: p === 'max' ? s.max : p === 'p99.5' ? s.p995 : p === 'p99' ? s.p99 : s.p95, avg: s.avg, samples: s.samples, hours: s.hours }
}

/** The volume as the manifest describes it: attributes volumeType, sizeGiB, iops, throughputMiBps, attachedTo, root. */
function volumeOf(u: UsageSummary): VolumeSpec | undefined {
  const a = u.resource.attributes
  const type = String(a.volumeType ?? '') as VolumeType
  const size = Number(a.sizeGiB)
  if (!VOLUME_TYPES.includes(type) || !(size > 0)) return undefined
  return {
    type,
    sizeGiB: size,
    ...(a.iops !== undefined ? { iops: Number(a.iops) } : {}),
    ...(a.throughputMiBps !== undefined ? { throughputMiBps: Number(a.throughputMiBps) } : {}),
  }
}

const describe = (v: VolumeSpec) =>
  `${v.type} ${v.sizeGiB} GiB${v.type === 'gp3' || v.type === 'io1' || v.type === 'io2' ? `, ${performanceOf(v).iops} IOPS` : ''}${v.type === 'gp3' ? `, ${performanceOf(v).throughputMiBps} MiB/s` : ''}`

/**
 * EBS volumes: gp2 -> gp3 whenever gp3 meets the measured need (provisioning IOPS or throughput above the gp3
 * baseline only as the need requires), over-provisioned IOPS on io1/io2/gp3, io1 -> gp3 when gp3's limits cover the
 * need, st1/sc1 for sequential workloads (average I/O >= 128 KiB, not a root volume), and volumes whose need exceeds
 * what they deliver. Need = P99 of (read + write) ops and bytes per second x (1 + 20%); P(read) + P(write) is an upper
 * bound of P(read + write). Trusted Advisor's rule is kept verbatim: unattached, or < 1 IOPS per day for 7 days.
 */
export const ebsRightsize = defineAnalyzer({
  meta: {
    id: 'ebs.rightsize',
    title: 'EBS volume type and provisioning',
    resourceKinds: ['ebs-volume'],
    requires: ['ebs.read.ops_per_s', 'ebs.write.ops_per_s'],
    since: '0.1.0',
    docs: 'docs/analyzers/ebs.md',
    recommended: true,
    bestPractices: ['PERF03-BP02', 'PERF02-BP04', 'PERF01-BP03'],
  },
  options: EbsOptionsSchema,
  present: ebsPresent,
  analyze({ usage: u, services }, o) {
    const analyzer = 'ebs.rightsize'
    const r = u.resource
    const bp = ['PERF03-BP02', 'PERF02-BP04', 'PERF01-BP03']
    const base = {
      id: recommendationId(analyzer, r.id, u.window),
      analyzer,
      resource: r,
      window: u.window,
      bestPractices: bp,
      memoryBlind: false,
      currentPerformanceRisk: 'Unknown' as const,
      currentDimensions: [],
    }
    const v = volumeOf(u)
    if (!v)
      return {
        recommendations: [
          {
            ...base,
            finding: 'InsufficientData',
            reasons: ['VolumeUnknown'],
            current: {},
            options: [],
            evidence: [],
            estimatedMonthlySavings: null,
            summary: 'Volume type or size unknown: set volumeType (gp2, gp3, io1, io2, st1, sc1, standard) and sizeGiB in the manifest attributes.',
          },
        ],
        issues: [],
      }
    const currentCost = monthlyCostOf(v, services.ebs)
    const current = {
      volumeType: v.type,
      sizeGiB: v.sizeGiB,
      iops: performanceOf(v).iops,
      throughputMiBps: performanceOf(v).throughputMiBps,
      monthlyCost: round(currentCost),
    }
    const recs: Recommendation[] = []
    // Trusted Advisor Underutilized Amazon EBS Volumes (DAvU99Dc4C), verbatim.
    const attached = String(r.attributes.attachedTo ?? '')
    const days = [...new Set(u.daily.filter((d) => d.metric === 'ebs.read.ops_per_s' || d.metric === 'ebs.write.ops_per_s').map((d) => d.day))].sort().slice(-7)
    const dailyOps = days.map((day) =>
      u.daily
        .filter(
          (d) =>
            d.day === day &&
            (d.metric === 'ebs.read.ops_per_s' || d.metric === 'ebs.write.ops_per_s') &&
            d.stat === (u.daily.some((x) => x.stat === 'avg') ? 'avg' : d.stat),
        )
        .reduce((a, d) => a + d.total, 0),
    )
    const idle = days.length >= 7 && dailyOps.every((ops) => ops < 1)
    if (attached === '' || idle) {
      recs.push({
        ...base,
        id: recommendationId('ebs.underutilized', r.id, u.window),
        analyzer,
        check: 'underutilized',
        finding: 'Flagged',
        reasons: [attached === '' ? 'TrustedAdvisor:Unattached' : 'TrustedAdvisor:UnderutilizedVolume'],
        current,
        options: [],
        evidence:
          attached === ''
            ? []
            : [
                {
                  metric: 'ebs.read.ops_per_s + ebs.write.ops_per_s',
                  stat: 'operations per day, last 7 days (each < 1)',
                  value: Math.max(...dailyOps),
                  unit: 'ops/day',
                  samples: days.length,
                },
              ],
        estimatedMonthlySavings: round(currentCost),
        summary: `${attached === '' ? 'Unattached' : 'Fewer than 1 I/O per day for 7 days'} (Trusted Advisor DAvU99Dc4C): snapshot and delete it to save $${round(currentCost)}/month.`,
      })
    }
    const ro = at(u, 'ebs.read.ops_per_s', o.percentile)
    const wo = at(u, 'ebs.write.ops_per_s', o.percentile)
    const rb = at(u, 'ebs.read.bytes_per_s', o.percentile)
    const wb = at(u, 'ebs.write.bytes_per_s', o.percentile)
    const hours = Math.max(ro?.hours ?? 0, wo?.hours ?? 0)
    if ((!ro && !wo) || hours < o.minHours) {
      if (recs.length === 0)
        recs.push({
          ...base,
          finding: 'InsufficientData',
          reasons: ['InsufficientData'],
          current,
          options: [],
          evidence: [],
          estimatedMonthlySavings: null,
          summary: `${round(hours, 1)} h of I/O data; at least ${o.minHours} h are needed.`,
        })
      return { recommendations: recs, issues: [] }
    }
    const h = 1 + o.headroomPct / 100
    const iopsDemand = (ro?.value ?? 0) + (wo?.value ?? 0)
    const tpDemand = ((rb?.value ?? 0) + (wb?.value ?? 0)) / MIB
    const iopsNeed = iopsDemand * h
    const tpNeed = tpDemand * h
    const avgOps = (ro?.avg ?? 0) + (wo?.avg ?? 0)
    const avgIoKiB = avgOps > 0 ? ((rb?.avg ?? 0) + (wb?.avg ?? 0)) / avgOps / 1024 : 0
    const evidence: Evidence[] = [
      {
        metric: 'ebs.read.ops_per_s + ebs.write.ops_per_s',
        stat: `${o.percentile}, summed (upper bound)`,
        value: round(iopsDemand, 1),
        unit: 'IOPS',
        samples: (ro ?? wo)!.samples,
      },
      {
        metric: 'ebs.read.bytes_per_s + ebs.write.bytes_per_s',
        stat: `${o.percentile}, summed (upper bound)`,
        value: round(tpDemand, 2),
        unit: 'MiB/s',
        samples: (rb ?? wb)?.samples ?? 0,
      },
      { metric: 'average I/O size', stat: 'mean bytes / mean ops', value: round(avgIoKiB, 1), unit: 'KiB', samples: (ro ?? wo)!.samples },
    ]
    const dims = (spec: VolumeSpec): DimensionAssessment[] => {
      const p = performanceOf(spec)
      return [
        {
          dimension: 'ebs-iops',
          measured: true,
          demand: iopsDemand,
          need: iopsNeed,
          capacity: p.iops,
          unit: 'IOPS',
          projectedUtilization: (iopsDemand / p.iops) * 100,
          exceedanceShare: null,
          risk: riskFromRatio(iopsDemand, iopsNeed, p.iops),
        },
        {
          dimension: 'ebs-throughput',
          measured: rb !== undefined || wb !== undefined,
          demand: tpDemand,
          need: tpNeed,
          capacity: p.throughputMiBps,
          unit: 'MiB/s',
          projectedUtilization: (tpDemand / p.throughputMiBps) * 100,
          exceedanceShare: null,
          risk: riskFromRatio(tpDemand, tpNeed, p.throughputMiBps),
        },
      ]
    }
    const risk = (d: DimensionAssessment[]): PerformanceRisk =>
      d.map((x) => x.risk as PerformanceRisk).reduce((a, b) => (riskRank(b) > riskRank(a) ? b : a), 'VeryLow')
    const currentDims = dims(v)
    const fits = (spec: VolumeSpec) => performanceOf(spec).iops >= iopsNeed && performanceOf(spec).throughputMiBps >= tpNeed
    const candidates: { spec: VolumeSpec; notes: string[]; effort: RecommendationOption['migrationEffort'] }[] = []
    const g = gp3For(v.sizeGiB, iopsNeed, tpNeed)
    if (g && !(v.type === 'gp3' && g.iops === v.iops && g.throughputMiBps === v.throughputMiBps))
      candidates.push({
        spec: g,
        effort: 'VeryLow',
        notes: [
          v.type === 'io1' || v.type === 'io2'
            ? 'gp3 has single-digit millisecond latency and 99.8-99.9% durability; io1/io2 are sub-millisecond (io2: 99.999%): check the latency the application needs.'
            : 'Modified in place (Elastic Volumes), no downtime; a volume can be modified once every 6 hours.',
        ],
      })
    if (v.type === 'io1')
      candidates.push({
        spec: { type: 'io2', sizeGiB: v.sizeGiB, iops: Math.max(100, Math.ceil(iopsNeed)) },
        effort: 'VeryLow',
        notes: ['io2: same first-tier price as io1, 99.999% durability; above 32,000 IOPS io2 tiers are cheaper than shown (not in the catalog).'],
      })
    if ((v.type === 'io1' || v.type === 'io2') && (v.iops ?? 0) > Math.ceil(iopsNeed) * 1.1)
      candidates.push({
        spec: { type: v.type, sizeGiB: v.sizeGiB, iops: Math.max(100, Math.ceil(iopsNeed)) },
        effort: 'VeryLow',
        notes: ['Lower the provisioned IOPS to the measured need with headroom.'],
      })
    const root = r.attributes.root === 'true' || r.attributes.root === 1
    if (!root && avgIoKiB >= o.sequentialIoKiB && v.sizeGiB >= 125)
      for (const t of ['st1', 'sc1'] as const)
        candidates.push({
          spec: { type: t, sizeGiB: v.sizeGiB },
          effort: 'Low',
          notes: [
            `HDD for sequential I/O (average ${round(avgIoKiB, 0)} KiB per operation): throughput ${round(performanceOf({ type: t, sizeGiB: v.sizeGiB }).throughputMiBps, 1)} MiB/s sustained at this size, higher latency, not bootable; move by snapshot and restore.`,
          ],
        })
    const options = candidates
      .filter((c) => fits(c.spec))
      .map((c) => ({ ...c, cost: monthlyCostOf(c.spec, services.ebs) }))
      .sort((a, b) => a.cost - b.cost || a.spec.type.localeCompare(b.spec.type))
      .slice(0, 3)
      .map((c, i): RecommendationOption => {
        const d = dims(c.spec)
        return {
          rank: i + 1,
          change: {
            volumeType: c.spec.type,
            sizeGiB: c.spec.sizeGiB,
            ...(c.spec.iops !== undefined ? { iops: c.spec.iops } : {}),
            ...(c.spec.throughputMiBps !== undefined ? { throughputMiBps: c.spec.throughputMiBps } : {}),
          },
          performanceRisk: risk(d),
          bindingDimension: (d[0]!.need ?? 0) / (d[0]!.capacity ?? 1) >= (d[1]!.need ?? 0) / (d[1]!.capacity ?? 1) ? 'ebs-iops' : 'ebs-throughput',
          dimensions: d,
          monthlyCost: round(c.cost),
          monthlySavings: round(currentCost - c.cost),
          migrationEffort: c.effort,
          platformDifferences: [],
          notes: c.notes,
        }
      })
    const under = !fits(v)
    let finding: Finding
    const reasons: string[] = []
    if (under) {
      finding = 'Underprovisioned'
      if (performanceOf(v).iops < iopsNeed) reasons.push('EBSIOPSUnderprovisioned')
      if (performanceOf(v).throughputMiBps < tpNeed) reasons.push('EBSThroughputUnderprovisioned')
    } else if (options[0] && (options[0].monthlySavings ?? 0) > 0.005) {
      finding = 'Overprovisioned'
      if (options[0].change.volumeType !== v.type) reasons.push('NewVolumeTypeAvailable')
      if (Number(options[0].change.iops ?? 0) < performanceOf(v).iops && v.type !== 'gp2') reasons.push('EBSIOPSOverprovisioned')
    } else finding = 'Optimized'
    const shown = under ? options : options.filter((x) => (x.monthlySavings ?? 0) > 0.005 || x.change.volumeType !== v.type)
    const top = shown[0]
    const summary = under
      ? `${describe(v)} delivers ${performanceOf(v).iops} IOPS / ${performanceOf(v).throughputMiBps} MiB/s, below the need of ${round(iopsNeed, 0)} IOPS / ${round(tpNeed, 1)} MiB/s${top ? `; ${describe({ type: String(top.change.volumeType) as VolumeType, sizeGiB: v.sizeGiB, ...(top.change.iops !== undefined ? { iops: Number(top.change.iops) } : {}), ...(top.change.throughputMiBps !== undefined ? { throughputMiBps: Number(top.change.throughputMiBps) } : {}) })} meets it for $${top.monthlyCost}/month` : ''}.`
      : top && (top.monthlySavings ?? 0) > 0.005
        ? `${describe(v)} -> ${top.change.volumeType}${top.change.iops !== undefined ? ` ${top.change.iops} IOPS` : ''}${top.change.throughputMiBps !== undefined ? ` ${top.change.throughputMiBps} MiB/s` : ''} saves $${top.monthlySavings}/month: need ${round(iopsNeed, 0)} IOPS, ${round(tpNeed, 1)} MiB/s.`
        : `${describe(v)} fits: need ${round(iopsNeed, 0)} IOPS, ${round(tpNeed, 1)} MiB/s.`
    recs.push({
      ...base,
      finding,
      reasons,
      current,
      currentPerformanceRisk: risk(currentDims),
      currentDimensions: currentDims,
      options: shown,
      evidence,
      summary,
      estimatedMonthlySavings: top && (top.monthlySavings ?? 0) > 0 && !under ? top.monthlySavings : 0,
    })
    return { recommendations: recs, issues: [] }
  },
})
