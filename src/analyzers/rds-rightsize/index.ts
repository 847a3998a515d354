import { z } from 'zod'
import { HOURS_PER_MONTH } from '../../catalog/catalog.js'
import { rdsClassUnsupported, rdsFamily, type RdsClass } from '../../catalog/rds.js'
import type { DimensionAssessment, Evidence, Finding, PerformanceRisk, Recommendation, RecommendationOption } from '../../core/report.js'
import { sustainedVcpus } from '../ec2-rightsize/index.js'
import { hostAsType } from '../host-sizing/index.js'
import { percentShares, riskFromShares, riskRank } from '../risk.js'
import { atPercentile, PERCENTILES, recommendationId, round } from '../kit.js'
import { defineAnalyzer } from '../types.js'
import { rdsPresent } from './present.js'

export const RdsOptionsSchema = z.object({
  percentile: z.enum(PERCENTILES).default('p99.5'),
  cpuHeadroomPct: z.number().min(0).max(100).default(20),
  memoryHeadroomPct: z.number().min(0).max(100).default(20),
  minHours: z.number().min(0).default(30),
  maxOptions: z.number().int().min(1).max(10).default(3),
})

const pick = atPercentile

/**
 * RDS classes are ordered by the on-demand Linux price of the EC2 type of the same name in us-east-1 (db.m5.large ->
 * m5.large), a relative cost only: the bundled data has one RDS price. RDS's price tracks the instance's (the one
 * bundled, MySQL db.t3.large at $0.136/h, is 1.63x EC2 t3.large's $0.0832), so what is cheaper carries over; without
 * it, equal sizes fell back to name order and db.t3/db.t4g always lost to db.m5 (issue 21). Never shown as a price.
 */
const RANK_PRICE_REGION = 'us-east-1'

/**
 * RDS instance classes, by the same method as ec2.rightsize: CPU need = P99.5 of 5-minute maxima x vCPUs x 1.2;
 * memory need = (class memory - lowest FreeableMemory) x 1.2 when FreeableMemory is stored, else memory-blind (options
 * keep the current memory). Candidates: current (not deprecated) classes the engine runs on (rdsClassUnsupported: no
 * Graviton for Oracle or SQL Server), never an older generation of the same series, burstable db.t* classes only when
 * their baseline covers the highest daily average. The catalog has almost no RDS prices (only MySQL db.t3.large), so
 * options are ranked smallest first, then by the relative cost of the same EC2 type (RANK_PRICE_REGION), and savings are
 * reported only when both RDS prices are known: never invented. Reads dominating a busy writer suggest a read replica.
 */
export const rdsRightsize = defineAnalyzer({
  meta: {
    id: 'rds.rightsize',
    title: 'RDS instance class',
    resourceKinds: ['rds-instance'],
    requires: ['cpu.utilization'],
    since: '0.1.0',
    docs: 'docs/analyzers/rds.md',
    recommended: true,
    bestPractices: ['PERF03-BP02', 'PERF02-BP04', 'PERF03-BP01'],
  },
  options: RdsOptionsSchema,
  present: rdsPresent,
  analyze({ usage: u, catalog, services }, o) {
    const analyzer = 'rds.rightsize'
    const r = u.resource
    const bp = ['PERF03-BP02', 'PERF02-BP04', 'PERF03-BP01']
    const className = String(r.attributes.instanceClass ?? r.attributes.instanceType ?? '')
    const engine = String(r.attributes.engine ?? '')
    const licenseModel = r.attributes.licenseModel === undefined ? undefined : String(r.attributes.licenseModel)
    const multiAz = r.attributes.multiAz === 'true' || r.attributes.multiAz === 1
    const base = { id: recommendationId(analyzer, r.id, u.window), analyzer, resource: r, window: u.window, bestPractices: bp }
    const classes = services.rds.classes
    const cur = classes.find((c) => c.name === className)
    const hourly = (c: RdsClass) => services.rds.hourlyUsd(engine, c.name, multiAz, licenseModel)
    const curHourly = cur && hourly(cur)
    // What runs now, priced where the catalog can: counted in "cost now" even when the class cannot be sized.
    const current = {
      instanceClass: cur?.name ?? (className || null),
      ...(cur ? { vcpus: cur.vcpus, memoryGiB: cur.memoryGiB } : {}),
      engine: engine || null,
      ...(licenseModel ? { licenseModel } : {}),
      monthlyCost: curHourly === undefined ? null : round(curHourly * HOURS_PER_MONTH),
    }
    const insufficient = (reason: string, summary: string): Recommendation => ({
      ...base,
      finding: 'InsufficientData',
      reasons: [reason],
      current,
      currentPerformanceRisk: 'Unknown',
      currentDimensions: [],
      options: [],
      evidence: [],
      summary,
      memoryBlind: !u.metrics['db.freeable_memory.bytes'],
      estimatedMonthlySavings: null,
    })
    if (!cur)
      return {
        recommendations: [
          insufficient(
            'InstanceClassUnknown',
            className
              ? `DB instance class ${className} is not in the RDS catalog.`
              : 'DB instance class unknown: set instanceClass (e.g. db.m5.large) and engine in the manifest.',
          ),
        ],
        issues: [],
      }
    const cpu = u.metrics['cpu.utilization']?.max ?? u.metrics['cpu.utilization']?.avg
    if (!cpu || cpu.hours < o.minHours)
      return {
        recommendations: [insufficient('InsufficientData', `${round(cpu?.hours ?? 0, 1)} h of CPU data; at least ${o.minHours} h are needed.`)],
        issues: [],
      }
    const ofMaxima = !!u.metrics['cpu.utilization']?.max
    const h = 1 + o.cpuHeadroomPct / 100
    const cpuPct = pick(cpu, o.percentile)
    const cpuDemand = (cpuPct / 100) * cur.vcpus
    // The lowest FreeableMemory is the most memory ever in use: prefer CloudWatch's Minimum statistic.
    const freeable = u.metrics['db.freeable_memory.bytes']?.min ?? u.metrics['db.freeable_memory.bytes']?.avg ?? u.metrics['db.freeable_memory.bytes']?.max
    const memUsed = freeable ? Math.max(0, cur.memoryGiB - freeable.quantiles[0]! / 1024 ** 3) : undefined
    const memNeed = memUsed === undefined ? undefined : memUsed * (1 + o.memoryHeadroomPct / 100)
    const sustained = sustainedVcpus(u, hostAsType(r.id, cur.vcpus, cur.memoryGiB))
    const dims = (c: RdsClass): DimensionAssessment[] => {
      const { s, s100 } = percentShares(cpu, cur.vcpus, c.vcpus, h - 1)
      const out: DimensionAssessment[] = [
        {
          dimension: 'cpu',
          measured: true,
          demand: cpuDemand,
          need: cpuDemand * h,
          capacity: c.vcpus,
          unit: 'vCPU',
          projectedUtilization: (cpuDemand / c.vcpus) * 100,
          exceedanceShare: s,
          risk: riskFromShares(s, s100),
        },
      ]
      if (memUsed !== undefined && memNeed !== undefined)
        out.push({
          dimension: 'memory',
          measured: true,
          demand: memUsed,
          need: memNeed,
          capacity: c.memoryGiB,
          unit: 'GiB',
          projectedUtilization: (memUsed / c.memoryGiB) * 100,
          exceedanceShare: null,
          risk: memNeed <= c.memoryGiB ? 'VeryLow' : memUsed <= c.memoryGiB ? 'Medium' : 'High',
        })
      else
        out.push({
          dimension: 'memory',
          measured: false,
          demand: null,
          need: null,
          capacity: c.memoryGiB,
          unit: 'GiB',
          projectedUtilization: null,
          exceedanceShare: null,
          risk: 'Unknown',
          note: 'FreeableMemory not stored: memory-blind, options keep the current memory',
        })
      return out
    }
    const riskOf = (d: DimensionAssessment[]): PerformanceRisk =>
      d
        .filter((x) => x.risk !== 'Unknown')
        .map((x) => x.risk as PerformanceRisk)
        .reduce((a, b) => (riskRank(b) > riskRank(a) ? b : a), 'VeryLow')
    const fam = rdsFamily(cur.name)
    const fits = classes.filter((c) => {
      if (c.deprecated || c.name === cur.name || rdsClassUnsupported(engine, c.name)) return false
      const f = rdsFamily(c.name)
      if (f.series === fam.series && f.generation < fam.generation) return false
      if (c.vcpus < cpuDemand * h) return false
      if (memNeed !== undefined ? c.memoryGiB < memNeed : c.memoryGiB < cur.memoryGiB) return false
      if (f.burstable) {
        const ec2 = catalog.get(c.name.replace(/^db\./, ''))
        if (!ec2?.burstBaselinePct || !sustained || sustained.vcpus > (ec2.burstBaselinePct / 100) * ec2.vcpus) return false
      }
      return true
    })
    // Smallest first: fewest vCPUs, then least memory, then the relative cost of the same EC2 type (RANK_PRICE_REGION); name last.
    const rank = (c: RdsClass) => catalog.priceUsd(c.name.replace(/^db\./, ''), RANK_PRICE_REGION) ?? Infinity
    fits.sort((a, b) => a.vcpus - b.vcpus || a.memoryGiB - b.memoryGiB || rank(a) - rank(b) || a.name.localeCompare(b.name))
    // One class per family generation; the best one on the current architecture always among them (like ec2.rightsize).
    const seen = new Set<string>()
    const chosen: RdsClass[] = []
    for (const c of fits) {
      const f = rdsFamily(c.name)
      const key = `${f.series}${f.generation}${f.graviton ? 'g' : ''}`
      if (seen.has(key)) continue
      seen.add(key)
      chosen.push(c)
    }
    const picked = chosen.slice(0, o.maxOptions)
    const sameArch = chosen.find((c) => rdsFamily(c.name).graviton === fam.graviton)
    if (sameArch && !picked.includes(sameArch)) picked[picked.length - 1] = sameArch
    const options: RecommendationOption[] = []
    for (const c of picked) {
      const f = rdsFamily(c.name)
      const d = dims(c)
      const price = hourly(c)
      const notes: string[] = [
        price === undefined
          ? `No RDS price for ${engine || 'this engine'}${licenseModel ? ` (${licenseModel})` : ''} on this class in the bundled catalog: savings unknown.`
          : curHourly === undefined
            ? `No RDS price for the current class ${cur.name}: savings unknown.`
            : '',
      ]
      if (f.graviton !== fam.graviton)
        notes.push(
          `${f.graviton ? 'Graviton' : 'x86'} class: ${engine ? `${engine} runs on it` : 'MySQL, MariaDB and PostgreSQL run on it (the engine is unknown)'}; check your engine version supports it.`,
        )
      if (f.burstable) notes.push('Burstable class: its baseline covers the highest daily average CPU.')
      options.push({
        rank: options.length + 1,
        change: { instanceClass: c.name },
        performanceRisk: riskOf(d),
        bindingDimension: 'cpu',
        dimensions: d,
        monthlyCost: price === undefined ? null : round(price * HOURS_PER_MONTH),
        monthlySavings: price === undefined || curHourly === undefined ? null : round((curHourly - price) * HOURS_PER_MONTH),
        migrationEffort: 'Low',
        platformDifferences: f.graviton !== fam.graviton ? ['Architecture'] : [],
        notes: notes.filter(Boolean),
      })
    }
    const currentDims = dims(cur)
    const reasons: string[] = []
    let finding: Finding
    if (cpuDemand * h > cur.vcpus || (memNeed !== undefined && memNeed > cur.memoryGiB)) {
      finding = 'Underprovisioned'
      if (cpuDemand * h > cur.vcpus) reasons.push('CPUUnderprovisioned')
      if (memNeed !== undefined && memNeed > cur.memoryGiB) reasons.push('MemoryUnderprovisioned')
    } else {
      const smaller = options.filter((x) => {
        const c = classes.find((k) => k.name === x.change.instanceClass)!
        return c.vcpus < cur.vcpus || (memNeed !== undefined && c.memoryGiB < cur.memoryGiB)
      })
      finding = smaller.length ? 'Overprovisioned' : 'Optimized'
      if (smaller.length) {
        const c = classes.find((k) => k.name === smaller[0]!.change.instanceClass)!
        if (c.vcpus < cur.vcpus) reasons.push('CPUOverprovisioned')
        if (memNeed !== undefined && c.memoryGiB < cur.memoryGiB) reasons.push('MemoryOverprovisioned')
      }
    }
    const shown =
      finding === 'Optimized'
        ? []
        : finding === 'Overprovisioned'
          ? options.filter((x) => {
              const c = classes.find((k) => k.name === x.change.instanceClass)!
              return c.vcpus < cur.vcpus || c.memoryGiB < cur.memoryGiB
            })
          : options
    shown.forEach((x, i) => (x.rank = i + 1))
    const evidence: Evidence[] = [
      {
        metric: 'cpu.utilization',
        stat: `${o.percentile} of 5-minute ${ofMaxima ? 'maxima' : 'averages'}`,
        value: round(cpuPct, 2),
        unit: 'percent',
        samples: cpu.samples,
      },
      ...(memUsed !== undefined
        ? [
            {
              metric: 'db.freeable_memory.bytes',
              stat: 'lowest FreeableMemory -> memory in use',
              value: round(memUsed, 2),
              unit: 'GiB',
              samples: freeable!.samples,
            },
          ]
        : []),
    ]
    const conns = u.metrics['db.connections']?.max ?? u.metrics['db.connections']?.avg
    if (conns) evidence.push({ metric: 'db.connections', stat: 'peak connections', value: conns.max, unit: 'count', samples: conns.samples })
    // Read replica: reads dominate (>= 3x writes) and the writer is busy (CPU need above 60% of its vCPUs).
    const reads = u.metrics['ebs.read.ops_per_s']?.avg ?? u.metrics['ebs.read.ops_per_s']?.max
    const writes = u.metrics['ebs.write.ops_per_s']?.avg ?? u.metrics['ebs.write.ops_per_s']?.max
    let replica = ''
    if (reads && writes && reads.avg >= 3 * Math.max(writes.avg, 1e-9) && cpuPct >= 60) {
      reasons.push('ReadReplicaSuggested')
      replica = ` Reads are ${round(reads.avg / Math.max(writes.avg, 1e-9), 1)}x writes on a busy writer: a read replica would take the read load off it.`
      evidence.push({
        metric: 'ebs.read.ops_per_s / ebs.write.ops_per_s',
        stat: 'mean ReadIOPS / mean WriteIOPS',
        value: round(reads.avg / Math.max(writes.avg, 1e-9), 2),
        unit: 'ratio',
        samples: reads.samples,
        threshold: 3,
      })
    }
    if (String(r.attributes.storageType ?? '') === 'gp2') reasons.push('NewGenerationStorageTypeAvailable')
    const cpuText = `CPU ${o.percentile} ${round(cpuPct, 1)}% of ${cur.vcpus} vCPU (need ${round(cpuDemand * h, 2)} vCPU)`
    const top = shown[0]
    const summary =
      (finding === 'Underprovisioned'
        ? `${cur.name} is too small (${reasons.filter((x) => x.endsWith('Underprovisioned')).join(', ')}): ${cpuText}${top ? `; ${String(top.change.instanceClass)} fits` : ''}.`
        : top
          ? `${cur.name} -> ${String(top.change.instanceClass)} (${top.performanceRisk} risk): ${cpuText}${memUsed === undefined ? '; memory not measured' : ''}.`
          : `${cur.name} fits: ${cpuText}.`) +
      replica +
      (String(r.attributes.storageType ?? '') === 'gp2' ? ' Storage is gp2: gp3 gives a baseline of IOPS and throughput independent of size.' : '')
    return {
      recommendations: [
        {
          ...base,
          finding,
          reasons,
          current,
          currentPerformanceRisk: riskOf(currentDims),
          currentDimensions: currentDims,
          options: shown,
          evidence,
          summary,
          memoryBlind: memUsed === undefined,
          estimatedMonthlySavings: top?.monthlySavings !== null && top?.monthlySavings !== undefined && top.monthlySavings > 0 ? top.monthlySavings : null,
        },
      ],
      issues: [],
    }
  },
})
