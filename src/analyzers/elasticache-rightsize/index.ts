import { z } from 'zod'
import { HOURS_PER_MONTH } from '../../catalog/catalog.js'
import { cacheFamily, type CacheNodeType } from '../../catalog/elasticache.js'
import type { DimensionAssessment, Evidence, Finding, PerformanceRisk, Recommendation, RecommendationOption } from '../../core/report.js'
import type { UsageSummary } from '../../store/types.js'
import { maxRisk, riskFromRatio, riskRank } from '../risk.js'
import { atPercentile, PERCENTILES, recommendationId, round, sig } from '../kit.js'
import { defineAnalyzer } from '../types.js'
import { elastiCachePresent } from './present.js'

export const CacheOptionsSchema = z.object({
  percentile: z.enum(PERCENTILES).default('p99.5'),
  headroomPct: z.number().min(0).max(100).default(20),
  /** EngineCPUUtilization at or above this (percent of the engine's one core) is a hot engine thread (AWS: 90). */
  engineCpuHighPct: z.number().min(1).max(100).default(90),
  /** Memory use at or above this with evictions means the data set no longer fits. */
  memoryPressurePct: z.number().min(1).max(100).default(90),
  lowHitRatio: z.number().min(0).max(1).default(0.8),
  minHours: z.number().min(0).default(30),
  maxOptions: z.number().int().min(1).max(10).default(3),
})

const pick = atPercentile
/** 5-minute maxima where stored (what sizing wants), else averages. */
const peakSeries = (u: UsageSummary, metric: keyof UsageSummary['metrics']) => u.metrics[metric]?.max ?? u.metrics[metric]?.avg
const meanSeries = (u: UsageSummary, metric: keyof UsageSummary['metrics']) => u.metrics[metric]?.avg ?? u.metrics[metric]?.sum ?? u.metrics[metric]?.max

/**
 * ElastiCache node sizing within the node's family (PERF02-BP04, PERF03-BP02). Dimensions: host CPU (CPUUtilization x
 * vCPUs, as for EC2), the engine thread (EngineCPUUtilization: Redis OSS and Valkey run commands on one thread, so a
 * bigger node of the same generation does not make it faster: a hot engine thread calls for more shards, not a larger
 * node), memory (DatabaseMemoryUsagePercentage of the node's maxmemory; with evictions at high memory the data set no
 * longer fits) and network (per-direction bytes/s vs the node's baseline bandwidth). Node memory differs from EC2's, so
 * candidates are compared to the current node by the EC2 memory ratio within the same family only. Hit ratio is
 * evidence. Prices exist for two node types only (infracost golden); other savings are unknown, never invented.
 * Idle nodes (no cache lookups in the window) are Compute Optimizer's ElastiCache idle kind.
 */
export const elastiCacheRightsize = defineAnalyzer({
  meta: {
    id: 'elasticache.rightsize',
    title: 'ElastiCache node type',
    resourceKinds: ['elasticache-node'],
    requires: ['cpu.utilization'],
    since: '0.1.0',
    docs: 'docs/analyzers/elasticache.md',
    recommended: true,
    bestPractices: ['PERF02-BP04', 'PERF03-BP02', 'PERF03-BP05'],
  },
  options: CacheOptionsSchema,
  present: elastiCachePresent,
  analyze({ usage: u, catalog, services }, o) {
    const analyzer = 'elasticache.rightsize'
    const r = u.resource
    const bp = ['PERF02-BP04', 'PERF03-BP02', 'PERF03-BP05']
    const nodeType = String(r.attributes.nodeType ?? r.attributes.instanceType ?? '')
    const engine = String(r.attributes.engine ?? 'redis').toLowerCase()
    const singleThreaded = engine !== 'memcached'
    const region = r.region ?? 'us-east-1'
    const memU = peakSeries(u, 'cache.memory.utilization')
    const base = { id: recommendationId(analyzer, r.id, u.window), analyzer, resource: r, window: u.window, bestPractices: bp, memoryBlind: !memU }
    const family = cacheFamily(catalog, nodeType)
    const insufficient = (reason: string, summary: string): Recommendation => ({
      ...base,
      finding: 'InsufficientData',
      reasons: [reason],
      current: { nodeType: nodeType || null, engine },
      currentPerformanceRisk: 'Unknown',
      currentDimensions: [],
      options: [],
      evidence: [],
      summary,
      estimatedMonthlySavings: null,
    })
    if (!family)
      return {
        recommendations: [
          insufficient(
            'NodeTypeUnknown',
            nodeType
              ? `${nodeType} is not an ElastiCache node type headroom knows (families: m4-m7g, r4-r7g, t2-t4g).`
              : 'Node type unknown: set nodeType (e.g. cache.r6g.large) and engine in the manifest.',
          ),
        ],
        issues: [],
      }
    const cur = family.find((x) => x.name === nodeType)!
    const cpu = peakSeries(u, 'cpu.utilization')
    const hits = meanSeries(u, 'cache.hits_per_s')
    const misses = meanSeries(u, 'cache.misses_per_s')
    const evidence: Evidence[] = []
    const lookups = hits && misses ? hits.avg + misses.avg : undefined
    if (lookups === 0 && (hits?.max ?? 0) === 0 && (misses?.max ?? 0) === 0) {
      const conn = peakSeries(u, 'db.connections')
      const hourly = services.elasticache.hourlyUsd(nodeType, region)
      return {
        recommendations: [
          {
            ...base,
            finding: 'Flagged',
            reasons: ['Idle'],
            current: { nodeType, engine, monthlyCost: hourly === undefined ? null : round(hourly * HOURS_PER_MONTH) },
            currentPerformanceRisk: 'Unknown',
            currentDimensions: [],
            options: [],
            evidence: [
              { metric: 'cache.hits_per_s', stat: 'total lookups (hits + misses)', value: 0, unit: 'lookups', samples: hits!.samples },
              ...(conn ? [{ metric: 'db.connections', stat: 'highest CurrConnections', value: conn.max, unit: 'connections', samples: conn.samples }] : []),
            ],
            summary: `Idle cache node (Compute Optimizer's ElastiCache idle kind): no cache lookups in ${round(hits!.hours / 24, 1)} days${conn ? `, at most ${conn.max} connections` : ''}. Delete the cluster or its replica if nothing reads it.`,
            estimatedMonthlySavings: hourly === undefined ? null : round(hourly * HOURS_PER_MONTH),
          },
        ],
        issues: [],
      }
    }
    if (!cpu || cpu.hours < o.minHours)
      return {
        recommendations: [insufficient('InsufficientData', `${round(cpu?.hours ?? 0, 1)} h of CPUUtilization; at least ${o.minHours} h are needed.`)],
        issues: [],
      }
    const h = 1 + o.headroomPct / 100
    const cpuDemand = (pick(cpu, o.percentile) / 100) * cur.vcpus
    const memDemand = memU ? (pick(memU, o.percentile) / 100) * cur.ec2MemoryGiB : undefined
    const evictions = meanSeries(u, 'cache.evictions_per_s')
    const evicting = (evictions?.avg ?? 0) > 0
    const memPressure = evicting && memU !== undefined && memU.max >= o.memoryPressurePct
    const engineU = singleThreaded ? peakSeries(u, 'cache.engine_cpu.utilization') : undefined
    const enginePct = engineU ? pick(engineU, o.percentile) : undefined
    const net = (['net.in.bytes_per_s', 'net.out.bytes_per_s'] as const).map((m) => peakSeries(u, m)).map((m) => (m ? pick(m, o.percentile) : undefined))
    const netDemand = net.some((x) => x !== undefined) ? Math.max(...net.map((x) => x ?? 0)) : undefined

    const dims = (c: CacheNodeType): DimensionAssessment[] => {
      const out: DimensionAssessment[] = [
        {
          dimension: 'cpu',
          measured: true,
          demand: sig(cpuDemand),
          need: sig(cpuDemand * h),
          capacity: c.vcpus,
          unit: 'vCPU',
          projectedUtilization: round((cpuDemand / c.vcpus) * 100, 1),
          exceedanceShare: null,
          risk: riskFromRatio(cpuDemand, cpuDemand * h, c.vcpus),
        },
      ]
      if (memDemand !== undefined) {
        const risk: PerformanceRisk = memPressure && c.ec2MemoryGiB <= cur.ec2MemoryGiB ? 'High' : riskFromRatio(memDemand, memDemand * h, c.ec2MemoryGiB)
        out.push({
          dimension: 'memory',
          measured: true,
          demand: round(memDemand / cur.ec2MemoryGiB, 4),
          need: round((memDemand * h) / cur.ec2MemoryGiB, 4),
          capacity: round(c.ec2MemoryGiB / cur.ec2MemoryGiB, 4),
          unit: 'x current node memory',
          projectedUtilization: round((memDemand / c.ec2MemoryGiB) * 100, 1),
          exceedanceShare: null,
          risk,
          ...(memPressure ? { note: 'evicting at high memory: the data set does not fit' } : {}),
        })
      } else
        out.push({
          dimension: 'memory',
          measured: false,
          demand: null,
          need: null,
          capacity: round(c.ec2MemoryGiB / cur.ec2MemoryGiB, 4),
          unit: 'x current node memory',
          projectedUtilization: null,
          exceedanceShare: null,
          risk: c.ec2MemoryGiB >= cur.ec2MemoryGiB ? 'VeryLow' : 'Unknown',
          note: 'memory-blind: DatabaseMemoryUsagePercentage not stored; never shrinks memory',
        })
      if (enginePct !== undefined)
        out.push({
          dimension: 'engine-cpu',
          measured: true,
          demand: sig(enginePct / 100),
          need: sig((enginePct / 100) * h),
          capacity: 1,
          unit: 'engine cores',
          projectedUtilization: round(enginePct, 1),
          exceedanceShare: null,
          risk: enginePct >= o.engineCpuHighPct ? 'High' : riskFromRatio(enginePct, enginePct * h, 100),
          note: 'one engine thread: the same on every node size',
        })
      if (netDemand !== undefined && c.networkBaselineGbps !== null) {
        const capB = (c.networkBaselineGbps * 1e9) / 8
        out.push({
          dimension: 'network-out',
          measured: true,
          demand: round(netDemand),
          need: round(netDemand * h),
          capacity: capB,
          unit: 'bytes/s (busier direction)',
          projectedUtilization: round((netDemand / capB) * 100, 1),
          exceedanceShare: null,
          risk: riskFromRatio(netDemand, netDemand * h, capB),
        })
      }
      return out
    }
    const riskOf = (d: DimensionAssessment[]) => maxRisk(d.filter((x) => x.risk !== 'Unknown').map((x) => x.risk as PerformanceRisk))
    const sizeRisk = (d: DimensionAssessment[]) =>
      maxRisk(d.filter((x) => x.dimension !== 'engine-cpu' && x.risk !== 'Unknown').map((x) => x.risk as PerformanceRisk))
    const fits = (c: CacheNodeType) => {
      const d = dims(c)
      return riskRank(sizeRisk(d)) <= riskRank('Low') && !d.some((x) => x.risk === 'Unknown')
    }
    const curDims = dims(cur)
    const curRisk = riskOf(curDims)
    const curHourly = services.elasticache.hourlyUsd(nodeType, region)
    const curMonthly = curHourly === undefined ? null : round(curHourly * HOURS_PER_MONTH)
    const candidates = family.filter(fits)
    const idx = (c: CacheNodeType) => family.indexOf(c)
    const binding = (d: DimensionAssessment[]) =>
      d.filter((x) => x.measured && x.capacity && x.need !== null).sort((a, b) => b.need! / b.capacity! - a.need! / a.capacity!)[0]?.dimension ?? 'cpu'
    const options: RecommendationOption[] = candidates.slice(0, o.maxOptions).map((c, i) => {
      const d = dims(c)
      const hourly = services.elasticache.hourlyUsd(c.name, region)
      const monthlyCost = hourly === undefined ? null : round(hourly * HOURS_PER_MONTH)
      return {
        rank: i + 1,
        change: { nodeType: c.name },
        performanceRisk: riskOf(d),
        bindingDimension: binding(d),
        dimensions: d,
        monthlyCost,
        monthlySavings: monthlyCost !== null && curMonthly !== null ? round(curMonthly - monthlyCost) : null,
        migrationEffort: 'Low',
        platformDifferences: [],
        notes: [
          'Memory compared by the EC2 ratio within the family; ElastiCache reserves part of each node, so confirm with the node type table before a change.',
          ...(c.burstable ? ['Burstable node: CPU credits limit sustained CPU.'] : []),
        ],
      }
    })
    const engineHot = enginePct !== undefined && enginePct >= o.engineCpuHighPct
    const first = candidates[0]
    let finding: Finding = 'Optimized'
    const reasons: string[] = []
    if (engineHot) {
      finding = 'Underprovisioned'
      reasons.push('EngineCPUOverutilized')
    }
    if (!first || idx(first) > idx(cur)) {
      finding = 'Underprovisioned'
      reasons.push(
        ...(memPressure ? ['MemoryUnderprovisioned'] : []),
        ...(riskRank(curRisk) >= riskRank('Medium') && !memPressure ? ['CPUOrNetworkUnderprovisioned'] : []),
      )
    } else if (idx(first) < idx(cur) && !engineHot) {
      finding = 'Overprovisioned'
      reasons.push('NodeOverprovisioned')
    }
    if (hits && misses) {
      const ratio = lookups! > 0 ? hits.avg / lookups! : 0
      evidence.push({
        metric: 'cache.hits_per_s',
        stat: 'hit ratio = hits / (hits + misses), window means',
        value: round(ratio, 4),
        unit: 'ratio',
        samples: hits.samples,
        threshold: o.lowHitRatio,
        ...(ratio < o.lowHitRatio
          ? {
              note: evicting
                ? 'low and evicting: the cache is too small for the hot set'
                : 'low without evictions: keys are not re-read or expire early (check TTLs and key design)',
            }
          : {}),
      })
    }
    evidence.push({
      metric: 'cpu.utilization',
      stat: `${o.percentile} of 5-minute maxima`,
      value: round(pick(cpu, o.percentile), 2),
      unit: '%',
      samples: cpu.samples,
    })
    if (engineU)
      evidence.push({
        metric: 'cache.engine_cpu.utilization',
        stat: `${o.percentile}`,
        value: round(enginePct!, 2),
        unit: '% of one core',
        samples: engineU.samples,
        threshold: o.engineCpuHighPct,
      })
    if (memU)
      evidence.push({
        metric: 'cache.memory.utilization',
        stat: `${o.percentile}`,
        value: round(pick(memU, o.percentile), 2),
        unit: '% of maxmemory',
        samples: memU.samples,
        threshold: o.memoryPressurePct,
      })
    if (evictions) evidence.push({ metric: 'cache.evictions_per_s', stat: 'mean', value: round(evictions.avg, 4), unit: 'keys/s', samples: evictions.samples })
    const top = options[0]
    const summary = engineHot
      ? `The engine thread is at ${round(enginePct, 1)}% of its core (${o.percentile}): a larger ${cur.family} node runs the same single thread, so add shards (cluster mode) or replicas for reads${top && top.change.nodeType !== nodeType ? `; size-wise ${top.change.nodeType} would fit` : ''}.`
      : finding === 'Underprovisioned'
        ? `${nodeType} is too small${memPressure ? ': evicting at high memory' : ''}; ${top ? `move to ${top.change.nodeType}` : `no ${cur.family} size fits: consider a memory-optimized family or more shards`}.`
        : finding === 'Overprovisioned'
          ? `${nodeType} is larger than needed: ${top!.change.nodeType} fits (${top!.bindingDimension} binds)${top!.monthlySavings !== null ? `, saving $${top!.monthlySavings.toFixed(2)}/month` : '; savings unknown (no price for one of the two node types)'}.`
          : `${nodeType} fits its load; no smaller ${cur.family} size does.`
    return {
      recommendations: [
        {
          ...base,
          finding,
          reasons,
          current: { nodeType, engine, monthlyCost: curMonthly },
          currentPerformanceRisk: curRisk,
          currentDimensions: curDims,
          options,
          evidence,
          summary,
          estimatedMonthlySavings:
            finding === 'Overprovisioned' && top?.monthlySavings != null && top.monthlySavings > 0
              ? top.monthlySavings
              : finding === 'Overprovisioned'
                ? null
                : 0,
        },
      ],
      issues: [],
    }
  },
})
