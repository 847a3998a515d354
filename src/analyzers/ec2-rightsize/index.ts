import { z } from 'zod'
import { HOURS_PER_MONTH, type Catalog } from '../../catalog/catalog.js'
import type { InstanceType } from '../../catalog/types.js'
import type { MetricName } from '../../core/metrics.js'
import type { Dimension, DimensionAssessment, Evidence, Finding, Issue, PerformanceRisk, Recommendation, RecommendationOption } from '../../core/report.js'
import { CEILING_LEVELS, type MetricUsage, type UsageSummary } from '../../store/types.js'
import { maxRisk, percentShares, riskFromRatio, riskFromShares, riskRank, shareAbove } from '../risk.js'
import { atPercentile, PERCENTILES, recommendationId, round, sig, type Percentile } from '../kit.js'
import { defineAnalyzer } from '../types.js'
import { ec2Present, otherArchitectureExtra } from './present.js'

export const Ec2RightsizeOptionsSchema = z.object({
  percentile: z.enum(PERCENTILES).default('p99.5').describe('Percentile of 5-minute maxima that sizes CPU, network and EBS (Compute Optimizer: P99.5)'),
  cpuHeadroomPct: z.number().min(0).max(100).default(20).describe('CPU headroom in percent (Compute Optimizer default 20)'),
  memoryHeadroomPct: z.number().min(0).max(100).default(20).describe('Memory headroom over the peak, percent (Compute Optimizer default 20)'),
  minHours: z.number().min(0).default(30).describe('Hours of data below which the finding is InsufficientData (Compute Optimizer: 30)'),
  maxOptions: z.number().int().min(1).max(10).default(3),
  allowArchitectureChange: z.boolean().default(true).describe('Consider Graviton (arm64) for x86_64 and vice versa, marked Medium migration effort'),
  preferArchitecture: z
    .enum(['current', 'any'])
    .default('current')
    .describe(
      'current: options on the current CPU architecture rank first and the best one on the other is shown beside them with its extra saving; any: both ranked together',
    ),
  rankBy: z
    .enum(['risk', 'price'])
    .default('risk')
    .describe('risk: no higher-risk option ranks above a lower-risk one, cheapest first within a risk level; price: cheapest first'),
  allowBurstable: z.boolean().default(true),
  memoryBlind: z
    .enum(['keep', 'allow-shrink'])
    .default('keep')
    .describe('Without memory data: keep at least the current memory, or allow less (risk at least Medium)'),
  defaultRegion: z.string().min(1).default('us-east-1').describe('Region assumed for resources that have none'),
})
export type Ec2RightsizeOptions = z.output<typeof Ec2RightsizeOptionsSchema>

const BEST_PRACTICES = ['PERF02-BP01', 'PERF02-BP04', 'PERF01-BP03']

const REASON: Record<Dimension, string> = {
  cpu: 'CPU',
  memory: 'Memory',
  'network-in': 'NetworkBandwidth',
  'network-out': 'NetworkBandwidth',
  'ebs-iops': 'EBSIOPS',
  'ebs-throughput': 'EBSThroughput',
  'read-capacity': 'ReadCapacity',
  'write-capacity': 'WriteCapacity',
  'engine-cpu': 'EngineCPU',
}

/** The measured demand of one dimension, in absolute units, independent of any instance type. */
export interface Demand {
  dimension: Dimension
  unit: string
  /** demand at the sizing percentile (absolute units) */
  demand: number
  need: number
  headroom: number
  /** Converts a candidate's capacity into a threshold in the series' own units and gives exceedance shares. */
  shares?: (capacity: number) => { s: number; s100: number }
  capacityOf: (t: InstanceType) => number | null
  evidence: Evidence[]
  /** The highest 5-minute value seen, in absolute units: what a cut deeper than the peak saturates at. */
  peak: number
  /**
   * Set when the demand was capped by the current capacity (CPU at its ceiling at the sizing percentile): what was
   * recorded there is a lower bound of the demand, and so is the need.
   */
  censored?: { samples: number; ceilingPct: number }
}

/**
 * CPU at the ceiling: a 5-minute maximum of 99.5% or more (as the scaling simulator counts saturated samples), or an
 * average within 2 points of 100% (an average that high means the interval sat at the ceiling almost throughout).
 */
const CPU_CEILING = { maxima: 99.5, averages: 98 } as const satisfies Record<string, (typeof CEILING_LEVELS)[number]>

/** The platform the catalog's prices are for (EC2's PlatformDetails value). */
const LINUX = 'Linux/UNIX'

/** Options whose peak exceeds their capacity by more than this share are flagged: "peaks would saturate". */
const PEAK_SATURATES = 1.5

function pick(u: UsageSummary, metric: MetricName): { series: MetricUsage; ofMaxima: boolean } | undefined {
  const m = u.metrics[metric]
  if (m?.max) return { series: m.max, ofMaxima: true }
  if (m?.avg) return { series: m.avg, ofMaxima: false }
  return undefined
}

const statLabel = (p: Percentile, ofMaxima: boolean) => `${p === 'max' ? 'max' : p} of 5-minute ${ofMaxima ? 'maxima' : 'averages'}`

/** Measured demands of a resource on its current type. */
export function measureDemands(u: UsageSummary, current: InstanceType, o: Ec2RightsizeOptions): { demands: Demand[]; memoryBlind: boolean; notes: string[] } {
  const demands: Demand[] = []
  const notes: string[] = []
  const h = o.cpuHeadroomPct / 100
  const cpu = pick(u, 'cpu.utilization')
  if (cpu) {
    const pct = atPercentile(cpu.series, o.percentile)
    const demand = (pct / 100) * current.vcpus
    const ceilingPct = cpu.ofMaxima ? CPU_CEILING.maxima : CPU_CEILING.averages
    const censored = pct >= ceilingPct ? { samples: cpu.series.atOrAbove[CEILING_LEVELS.indexOf(ceilingPct)] ?? 0, ceilingPct } : undefined
    if (censored) {
      const n = cpu.series.samples
      notes.push(
        `CPU was at its ceiling (${ceilingPct}% or more) in ${censored.samples} of ${n} intervals (${sig((censored.samples / n) * 100)}%), so the demand above ${current.name}'s ${current.vcpus} vCPU was never recorded: the need is a lower bound, and every option's CPU risk is at least Medium.`,
      )
    }
    if (!cpu.ofMaxima)
      notes.push(
        'Only 5-minute averages of CPU are available: peaks inside an interval are invisible, so the CPU need may be understated (Compute Optimizer uses maxima).',
      )
    demands.push({
      dimension: 'cpu',
      unit: 'vCPU',
      demand,
      need: demand * (1 + h),
      headroom: h,
      shares: (c) => percentShares(cpu.series, current.vcpus, c, h),
      capacityOf: (t) => t.vcpus,
      peak: (cpu.series.max / 100) * current.vcpus,
      ...(censored ? { censored } : {}),
      evidence: [
        { metric: 'cpu.utilization', stat: statLabel(o.percentile, cpu.ofMaxima), value: sig(pct), unit: 'percent', samples: cpu.series.samples },
        {
          metric: 'cpu.utilization',
          stat: `max of 5-minute ${cpu.ofMaxima ? 'maxima' : 'averages'}`,
          value: sig(cpu.series.max),
          unit: 'percent',
          samples: cpu.series.samples,
        },
        ...(censored
          ? [
              {
                metric: 'cpu.utilization' as const,
                stat: `intervals at ${ceilingPct}% CPU or more (demand capped: the need is a lower bound)`,
                value: censored.samples,
                unit: 'intervals',
                samples: cpu.series.samples,
                threshold: ceilingPct,
              },
            ]
          : []),
      ],
    })
  }
  const mem = pick(u, 'mem.utilization')
  const memoryBlind = !mem
  if (mem) {
    const hm = o.memoryHeadroomPct / 100
    const demand = (mem.series.max / 100) * current.memoryGiB
    demands.push({
      dimension: 'memory',
      unit: 'GiB',
      demand,
      need: demand * (1 + hm),
      headroom: hm,
      shares: (c) => percentShares(mem.series, current.memoryGiB, c, hm),
      capacityOf: (t) => t.memoryGiB,
      peak: demand,
      evidence: [
        {
          metric: 'mem.utilization',
          stat: `max of 5-minute ${mem.ofMaxima ? 'maxima' : 'averages'} (peak)`,
          value: sig(mem.series.max),
          unit: 'percent',
          samples: mem.series.samples,
        },
      ],
    })
  }
  for (const [metric, dimension] of [
    ['net.in.bytes_per_s', 'network-in'],
    ['net.out.bytes_per_s', 'network-out'],
  ] as const) {
    const net = pick(u, metric)
    if (!net) continue
    const demand = atPercentile(net.series, o.percentile)
    demands.push({
      dimension,
      unit: 'bytes/s',
      demand,
      need: demand * (1 + h),
      headroom: h,
      shares: (c) => ({ s: shareAbove(net.series, c / (1 + h)), s100: shareAbove(net.series, c) }),
      // EC2 baseline bandwidth, compared per direction (an assumption stated in the analyzer docs).
      capacityOf: (t) => (t.networkBaselineGbps === null ? null : (t.networkBaselineGbps * 1e9) / 8),
      peak: net.series.max,
      evidence: [{ metric, stat: statLabel(o.percentile, net.ofMaxima), value: round(demand, 1), unit: 'bytes/s', samples: net.series.samples }],
    })
  }
  for (const [dimension, read, write, cap, unit] of [
    ['ebs-iops', 'ebs.read.ops_per_s', 'ebs.write.ops_per_s', (t: InstanceType) => t.ebsBaselineIops, 'IOPS'],
    [
      'ebs-throughput',
      'ebs.read.bytes_per_s',
      'ebs.write.bytes_per_s',
      (t: InstanceType) => (t.ebsBaselineMbps === null ? null : t.ebsBaselineMbps * 125_000),
      'bytes/s',
    ],
  ] as const) {
    const r = pick(u, read)
    const w = pick(u, write)
    if (!r && !w) continue
    // P(read) + P(write) >= P(read + write): a conservative upper bound, since the two are summarised apart.
    const demand = (r ? atPercentile(r.series, o.percentile) : 0) + (w ? atPercentile(w.series, o.percentile) : 0)
    demands.push({
      dimension,
      unit,
      demand,
      need: demand * (1 + h),
      headroom: h,
      capacityOf: cap,
      peak: (r?.series.max ?? 0) + (w?.series.max ?? 0),
      evidence: [
        {
          metric: `${read} + ${write}`,
          stat: `${statLabel(o.percentile, (r ?? w)!.ofMaxima)}, summed (upper bound)`,
          value: round(demand, 1),
          unit,
          samples: (r ?? w)!.series.samples,
        },
      ],
    })
  }
  return { demands, memoryBlind, notes }
}

/**
 * One dimension's risk at a capacity: from the exceedance shares where the demand has a distribution, else from the
 * demand/need ratio; raised to Medium when the demand was capped at the current capacity, which says nothing about
 * how far above it the demand would have gone.
 */
function dimensionRisk(d: Demand, capacity: number): { risk: PerformanceRisk; share: number | null; raised: boolean } {
  const sh = d.shares?.(capacity)
  const risk = sh ? riskFromShares(sh.s, sh.s100) : riskFromRatio(d.demand, d.need, capacity)
  const raised = d.censored !== undefined && riskRank(risk) < riskRank('Medium')
  return { risk: raised ? 'Medium' : risk, share: sh ? sh.s : null, raised }
}

/** Assesses one candidate (or the current type) against the demands. Pure arithmetic, see docs. */
export function assess(demands: readonly Demand[], t: InstanceType, current: InstanceType, memoryBlind: boolean): DimensionAssessment[] {
  const out: DimensionAssessment[] = demands.map((d) => {
    const capacity = d.capacityOf(t)
    if (capacity === null || capacity <= 0)
      return {
        dimension: d.dimension,
        measured: true,
        demand: d.demand,
        need: d.need,
        capacity: null,
        unit: d.unit,
        projectedUtilization: null,
        exceedanceShare: null,
        risk: 'Unknown',
        note: `${t.name} publishes no ${d.dimension} baseline`,
      }
    const { risk, share, raised } = dimensionRisk(d, capacity)
    return {
      dimension: d.dimension,
      measured: true,
      demand: d.demand,
      need: d.need,
      capacity,
      unit: d.unit,
      projectedUtilization: (d.demand / capacity) * 100,
      exceedanceShare: share,
      peak: d.peak,
      peakUtilization: (d.peak / capacity) * 100,
      risk,
      ...(raised ? { note: `demand capped at ${current.name}'s capacity: the need is a lower bound, so the risk is at least Medium` } : {}),
    }
  })
  if (memoryBlind)
    out.push({
      dimension: 'memory',
      measured: false,
      demand: null,
      need: null,
      capacity: t.memoryGiB,
      unit: 'GiB',
      projectedUtilization: null,
      exceedanceShare: null,
      risk: 'Unknown',
      note:
        t.memoryGiB < current.memoryGiB
          ? `memory not measured; ${t.name} has less memory (${t.memoryGiB} GiB) than ${current.name} (${current.memoryGiB} GiB)`
          : 'memory not measured (install the CloudWatch agent: mem_used_percent)',
    })
  return out
}

export function overallRisk(dims: readonly DimensionAssessment[], t: InstanceType, current: InstanceType, memoryBlind: boolean): PerformanceRisk {
  const known = dims.filter((d) => d.risk !== 'Unknown').map((d) => d.risk as PerformanceRisk)
  let r = maxRisk(known)
  // Never low when we cannot see a dimension that the change shrinks.
  if (memoryBlind && t.memoryGiB < current.memoryGiB && riskRank(r) < riskRank('Medium')) r = 'Medium'
  return r
}

function bindingDimension(dims: readonly DimensionAssessment[]): Dimension {
  let best: DimensionAssessment | undefined
  for (const d of dims) {
    if (d.need === null || d.capacity === null) continue
    if (!best || d.need / d.capacity > (best.need ?? 0) / (best.capacity ?? 1)) best = d
  }
  return best?.dimension ?? 'cpu'
}

/** The letters before the generation digit: 'm' for m5 and m7g, 't' for t3 and t4g, 'x' for x2gd. */
const series = (t: InstanceType) => /^[a-z]+/.exec(t.family)?.[0] ?? t.family

const primaryArch = (t: InstanceType) => (t.architectures.includes('arm64') ? 'arm64' : 'x86_64')

function platformDifferences(t: InstanceType, current: InstanceType): string[] {
  const d: string[] = []
  if (primaryArch(t) !== primaryArch(current)) d.push('Architecture')
  if (t.hypervisor && current.hypervisor && t.hypervisor !== current.hypervisor) d.push('Hypervisor')
  if ((current.instanceStorageGb ?? 0) > 0 && !(t.instanceStorageGb ?? 0)) d.push('InstanceStoreAvailability')
  return d
}

interface PricedType {
  type: InstanceType
  /** Hourly USD price in the region, or null when the catalog has none there. */
  hourly: number | null
  /** What candidates are ranked by: the regional price, or (none in the region) the reference region's. */
  rank: number
  series: string
  arch: string
}

/**
 * Prices that rank candidates where the region has none: us-east-1's, the region every AWS price list has. Regional
 * on-demand prices differ from it by a per-region factor that is close to uniform within a family, so the order of
 * candidates (what is smaller, what is cheaper) carries over; the amounts do not, and are never shown as the region's.
 */
const REFERENCE_PRICE_REGION = 'us-east-1'

interface RegionCandidates {
  types: PricedType[]
  /** The catalog prices no type offered in the region: types are ranked by REFERENCE_PRICE_REGION's prices. */
  unpriced: boolean
  /** The largest capacity any of `types` offers, per dimension (lowestReachableRisk), filled on first use. */
  largest: Map<Dimension, number | null>
}
const pricedCache = new WeakMap<Catalog, Map<string, RegionCandidates>>()
/**
 * Candidate types offered in `region`, cheapest first (ties by name), cached per catalog and region (with whether
 * the region is unpriced, asked per resource). Where the catalog prices the region, only priced types; where it
 * prices nothing there (the bundled catalog prices us-east-1 and GovCloud only), every offered type with a
 * reference-region price, ranked by it and carrying `hourly: null`.
 */
function candidatesIn(catalog: Catalog, region: string): RegionCandidates {
  let byRegion = pricedCache.get(catalog)
  if (!byRegion) pricedCache.set(catalog, (byRegion = new Map<string, RegionCandidates>()))
  let found = byRegion.get(region)
  if (!found) {
    const offered = catalog.types.filter((t) => catalog.offeredIn(t, region))
    const regional = offered.some((t) => catalog.priceUsd(t.name, region) !== undefined)
    const types = offered
      .map((t) => {
        const hourly = catalog.priceUsd(t.name, region) ?? null
        const rank = regional ? hourly : (catalog.priceUsd(t.name, REFERENCE_PRICE_REGION) ?? null)
        return rank === null ? undefined : { type: t, hourly, rank, series: series(t), arch: primaryArch(t) }
      })
      .filter((x): x is PricedType => x !== undefined)
      .sort((a, b) => a.rank - b.rank || a.type.name.localeCompare(b.type.name))
    byRegion.set(region, (found = { types, unpriced: !regional && types.length > 0, largest: new Map() }))
  }
  return found
}

/** True when the catalog prices no type in `region`: options are then ranked by REFERENCE_PRICE_REGION's prices. */
const regionUnpriced = (catalog: Catalog, region: string): boolean => candidatesIn(catalog, region).unpriced

/** The price a type ranks by in `region`: its regional price, or where the region is unpriced its reference-region price. */
function rankPrice(catalog: Catalog, t: InstanceType, region: string): number | null {
  return (regionUnpriced(catalog, region) ? catalog.priceUsd(t.name, REFERENCE_PRICE_REGION) : catalog.priceUsd(t.name, region)) ?? null
}

/** Hourly USD price, or null. */
const price = (catalog: Catalog, t: InstanceType, region: string) => catalog.priceUsd(t.name, region) ?? null

/** Highest daily average CPU in vCPUs: the sustained demand a burstable baseline must cover. */
export function sustainedVcpus(u: UsageSummary, current: InstanceType): { vcpus: number; fromAverages: boolean } | undefined {
  const days = u.daily.filter((d) => d.metric === 'cpu.utilization')
  const avg = days.filter((d) => d.stat === 'avg')
  const use = avg.length > 0 ? avg : days.filter((d) => d.stat === 'max')
  if (use.length === 0) return undefined
  return { vcpus: (Math.max(...use.map((d) => d.avg)) / 100) * current.vcpus, fromAverages: avg.length > 0 }
}

const money = (x: number) => `$${Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2)}`

export const ec2Rightsize = defineAnalyzer({
  meta: {
    id: 'ec2.rightsize',
    title: 'EC2 right-sizing (Compute Optimizer-compatible)',
    resourceKinds: ['ec2-instance'],
    requires: ['cpu.utilization'],
    since: '0.1.0',
    docs: 'docs/analyzers/ec2-rightsize.md',
    recommended: true,
    bestPractices: BEST_PRACTICES,
  },
  options: Ec2RightsizeOptionsSchema,
  present: ec2Present,
  analyze({ usage: u, catalog }, o) {
    const issues: Issue[] = []
    const analyzer = 'ec2.rightsize'
    const r = u.resource
    const region = r.region ?? o.defaultRegion
    const base = {
      id: recommendationId(analyzer, r.id, u.window),
      analyzer,
      resource: r,
      window: u.window,
      bestPractices: BEST_PRACTICES,
    }
    const insufficient = (reason: string, summary: string, evidence: Evidence[] = [], current: Recommendation['current'] = {}): Recommendation => ({
      ...base,
      finding: 'InsufficientData',
      reasons: [reason],
      current,
      currentPerformanceRisk: 'Unknown',
      currentDimensions: [],
      options: [],
      evidence,
      summary,
      memoryBlind: !u.metrics['mem.utilization'],
      estimatedMonthlySavings: null,
    })
    const typeName = typeof r.attributes.instanceType === 'string' ? r.attributes.instanceType : undefined
    if (!typeName)
      return {
        recommendations: [
          insufficient('InstanceTypeUnknown', 'Instance type unknown: add instance_type for this resource in a resources manifest (docs/file-format.md).'),
        ],
        issues,
      }
    const current = catalog.get(typeName)
    if (!current)
      return {
        recommendations: [
          insufficient('InstanceTypeUnknown', `Instance type ${typeName} is not in the catalog; check the name or refresh the catalog.`, [], {
            instanceType: typeName,
          }),
        ],
        issues,
      }
    if (!r.region)
      issues.push({ code: 'REGION_ASSUMED', severity: 'info', resourceId: r.id, message: `${r.id} has no region; priced and matched as ${region}.` })
    // The catalog's prices are Linux/UNIX on-demand: another platform (Windows, RHEL, SUSE, BYOL) is never priced as
    // Linux, and Windows never gets an arm64 type (it does not run on Graviton).
    const platform = typeof r.attributes.platform === 'string' && r.attributes.platform ? r.attributes.platform : LINUX
    const linux = platform.toLowerCase() === LINUX.toLowerCase()
    const x86Only = /windows/i.test(platform)
    const currentPrice = linux ? price(catalog, current, region) : null
    const currentMonthly = currentPrice === null ? null : currentPrice * HOURS_PER_MONTH
    const currentRec: Recommendation['current'] = {
      instanceType: current.name,
      vcpus: current.vcpus,
      memoryGiB: current.memoryGiB,
      region,
      ...(linux ? {} : { platform }),
      monthlyCost: currentMonthly === null ? null : round(currentMonthly),
    }
    // A stopped instance has no load to size and bills no compute (its EBS volumes bill, listed apart): decided
    // before the price notes, which would not apply to it.
    const state = typeof r.attributes.state === 'string' ? r.attributes.state : 'running'
    if (state !== 'running' && state !== '')
      return {
        recommendations: [
          insufficient('InstanceNotRunning', `${current.name} is ${state}: not sized, and no compute cost counted (its EBS volumes still bill).`, [], {
            ...currentRec,
            monthlyCost: 0,
          }),
        ],
        issues,
      }
    if (!linux)
      issues.push({
        code: 'PRICE_UNKNOWN',
        severity: 'warning',
        resourceId: r.id,
        message: `${r.id} runs ${platform}: the catalog has Linux/UNIX prices only, so its cost and savings are unknown (never Linux prices); options are ranked by their Linux price.${x86Only ? ' Windows runs on x86_64 only: no Graviton options.' : ''}`,
      })
    else if (currentMonthly === null)
      issues.push({
        code: 'PRICE_UNKNOWN',
        severity: 'warning',
        resourceId: r.id,
        message: `No on-demand price for ${current.name} in ${region} in the catalog; savings for ${r.id} are not counted. The bundled catalog prices us-east-1 and GovCloud only.`,
      })
    const cpu = pick(u, 'cpu.utilization')
    if (!cpu)
      return {
        recommendations: [
          insufficient(
            'NoCpuData',
            'No CPU utilization samples in the window: nothing to size it by. Check that CloudWatch (or the source) has CPUUtilization for it.',
            [],
            currentRec,
          ),
        ],
        issues,
      }
    if (cpu.series.hours < o.minHours)
      return {
        recommendations: [
          insufficient(
            'InsufficientData',
            `Only ${round(cpu.series.hours, 1)} h of CPU data in the ${round((u.window.end - u.window.start) / 86_400_000, 1)}-day window; at least ${o.minHours} h are needed.`,
            [
              {
                metric: 'cpu.utilization',
                stat: 'hours of data',
                value: round(cpu.series.hours, 1),
                unit: 'h',
                samples: cpu.series.samples,
                threshold: o.minHours,
              },
            ],
            currentRec,
          ),
        ],
        issues,
      }

    const { demands, memoryBlind, notes } = measureDemands(u, current, o)
    const evidence = demands.flatMap((d) => d.evidence)
    evidence.push({
      metric: 'cpu.utilization',
      stat: 'coverage of the window',
      value: round(cpu.series.coverage * 100, 1),
      unit: 'percent',
      samples: cpu.series.samples,
    })
    if (memoryBlind)
      evidence.push({
        metric: 'mem.utilization',
        stat: 'not measured',
        value: 0,
        unit: 'percent',
        samples: 0,
        note: 'memory-blind: no mem_used_percent samples; memory risk is unknown, never low',
      })

    const currentDims = assess(demands, current, current, memoryBlind)
    const currentRisk = overallRisk(currentDims, current, current, memoryBlind)
    const under = currentDims.filter((d) => d.measured && d.need !== null && d.capacity !== null && d.need > d.capacity)
    const sustained = sustainedVcpus(u, current)

    const options = findOptions({
      demands,
      current,
      memoryBlind,
      catalog,
      region,
      o: x86Only ? { ...o, allowArchitectureChange: false } : o,
      sustained,
      currentMonthly,
    })
    if (!linux)
      for (const x of options) {
        x.monthlyCost = null
        x.monthlySavings = null
        x.notes.unshift(`Price unknown: the catalog has no ${platform} price; ranked by its Linux/UNIX price.`)
      }

    let finding: Finding
    const reasons: string[] = []
    let eligible = options
    if (under.length > 0) {
      finding = 'Underprovisioned'
      for (const d of under) reasons.push(`${REASON[d.dimension]}Underprovisioned`)
    } else {
      // With a price: options that cost less. Without one in the region: options that rank cheaper by the reference
      // region's price, or (no price anywhere) that are smaller in vCPUs or memory and larger in neither.
      const currentRank = rankPrice(catalog, current, region)
      eligible =
        currentMonthly !== null
          ? options.filter((x) => (x.monthlyCost ?? Infinity) < currentMonthly - 0.005)
          : currentRank !== null
            ? options.filter((x) => x._rank < currentRank - 1e-9)
            : options.filter(
                (x) =>
                  x._type.vcpus <= current.vcpus &&
                  x._type.memoryGiB <= current.memoryGiB &&
                  (x._type.vcpus < current.vcpus || x._type.memoryGiB < current.memoryGiB),
              )
      const top = eligible[0]
      const shrinks = top
        ? top.dimensions.filter((d) => d.measured && d.capacity !== null && (currentDims.find((c) => c.dimension === d.dimension)?.capacity ?? 0) > d.capacity)
        : []
      if (top && shrinks.length > 0) {
        finding = 'Overprovisioned'
        for (const d of shrinks) reasons.push(`${REASON[d.dimension]}Overprovisioned`)
      } else finding = 'Optimized'
    }
    const chosen = chooseOptions(eligible, current, o.maxOptions)
    chosen.forEach((x, i) => (x.rank = i + 1))
    const top = chosen[0]
    // The other architecture's best option, where it saves more than the same-architecture pick ranked first.
    const other = otherArchitectureExtra(chosen)
    if (other) other.option.notes.push(`Saves ${money(other.extra)}/month more than ${top!._type.name} (rank 1), at Medium migration effort.`)
    const cpuDim = currentDims.find((d) => d.dimension === 'cpu')
    const censored = demands.some((d) => d.censored)
    const cpuText = cpuDim
      ? `CPU ${statLabel(o.percentile, cpu.ofMaxima)} ${round((cpu && atPercentile(cpu.series, o.percentile)) ?? 0, 1)}% of ${current.vcpus} vCPU (need ${censored ? 'at least ' : ''}${round(cpuDim.need ?? 0, 2)} vCPU with ${o.cpuHeadroomPct}% headroom)`
      : ''
    const otherText = other
      ? `; ${other.option._type.name} (${primaryArch(other.option._type)}) would save ${money(other.extra)}/month more, after a migration`
      : ''
    const unpriced = linux ? `price unknown in ${region}` : `no ${platform} price in the catalog`
    let summary: string
    if (finding === 'Underprovisioned')
      summary = top
        ? `${current.name} is too small (${reasons.join(', ')}): ${cpuText}; ${top._type.name} fits${top.monthlySavings === null ? ` (${unpriced})` : top.monthlySavings >= 0 ? ` and saves ${money(top.monthlySavings)}/month` : ` for ${money(-top.monthlySavings)}/month more`}${otherText}.`
        : `${current.name} is too small (${reasons.join(', ')}) and no offered type in ${region} fits the need: ${cpuText}.`
    else if (top && top.monthlySavings !== null)
      summary = `${current.name} -> ${top._type.name} saves ${money(top.monthlySavings)}/month (${top.performanceRisk} risk): ${cpuText}${memoryBlind ? '; memory not measured' : ''}${otherText}.`
    else if (top)
      summary = `${current.name} -> ${top._type.name} covers the need (${top.performanceRisk} risk); savings unknown: ${linux ? `the catalog has no price in ${region}` : `the catalog has no ${platform} prices`}: ${cpuText}${memoryBlind ? '; memory not measured' : ''}.`
    else
      summary = `${current.name} fits: ${cpuText}${memoryBlind ? '; memory not measured' : ''}${currentMonthly === null ? `; no smaller type covers the need (${unpriced})` : ''}.`
    const rec: Recommendation = {
      ...base,
      finding,
      reasons,
      current: currentRec,
      currentPerformanceRisk: currentRisk,
      currentDimensions: currentDims,
      options: chosen.map(publicOption),
      evidence,
      summary: notes.length ? `${summary} ${notes.join(' ')}` : summary,
      memoryBlind,
      estimatedMonthlySavings: currentMonthly === null ? null : top && top.monthlySavings !== null && top.monthlySavings > 0 ? top.monthlySavings : 0,
    }
    return { recommendations: [rec], issues }
  },
})

/** A candidate with the type it is for and the price it ranks by (both dropped before the recommendation is returned). */
export type CandidateOption = RecommendationOption & { _type: InstanceType; _rank: number }

/** The option as a recommendation carries it: without the candidate's working fields. */
export const publicOption = ({ _type, _rank, ...option }: CandidateOption): RecommendationOption => option

/**
 * Candidate types that cover every measured need: offered and priced in the region, not older than the current
 * generation of the same family series, same GPU count and model (and Neuron device), with burstable types only when their baseline covers the
 * sustained demand; cheapest first. Shared by ec2.rightsize and host.ec2-sizing (where `current` describes the host).
 */
export function findOptions(a: {
  demands: readonly Demand[]
  current: InstanceType
  memoryBlind: boolean
  catalog: Catalog
  region: string
  o: Ec2RightsizeOptions
  sustained: { vcpus: number; fromAverages: boolean } | undefined
  currentMonthly: number | null
}): CandidateOption[] {
  const { demands, current, memoryBlind, catalog, region, o, sustained, currentMonthly } = a
  const options: CandidateOption[] = []
  // What the current type ranks at: its regional price, or (none in the region) its reference-region price; null for
  // a host (host.ec2-sizing), which has no price.
  const currentRank = rankPrice(catalog, current, region)
  const currentSeries = series(current)
  const currentArch = primaryArch(current)
  // Walk priced types cheapest first and stop once the option list cannot change (see optionOrder): past the current
  // price (every cheaper option found), with enough families among the options nothing pricier can outrank (first
  // in the preferred architecture group, and at the lowest risk any offered type reaches when ranking by risk) and
  // such an option in the other group too (the one chooseOptions shows beside them). Without the reachable bound a
  // resource whose peaks no type covers walked every type: 10,000 instances took 10 s instead of 2 s.
  const floor = o.rankBy === 'risk' ? riskRank(lowestReachableRisk(demands, catalog, region)) : 0
  const settled = (x: CandidateOption) => o.rankBy === 'price' || riskRank(x.performanceRisk) <= floor
  const leading = (arch: string) => o.preferArchitecture === 'any' || arch === currentArch
  const leadFamilies = new Set<string>()
  let otherSettled = !o.allowArchitectureChange && o.preferArchitecture === 'current'
  for (const { type: t, hourly, rank, series: tSeries, arch: tArch } of candidatesIn(catalog, region).types) {
    if (leadFamilies.size >= o.maxOptions && otherSettled && (currentRank === null || rank > currentRank)) break
    if (t.name === current.name) continue
    if (
      (tArch !== currentArch && !o.allowArchitectureChange) ||
      !t.architectures.some((x) => x === 'x86_64' || x === 'arm64') ||
      t.bareMetal ||
      t.gpuCount !== current.gpuCount ||
      // Never another accelerator behind the same count (a T4 for an A10G, an AMD GPU for an NVIDIA one, Inferentia
      // for Trainium): gpu.rightsize sizes GPU instances within their family.
      t.gpuModel !== current.gpuModel ||
      t.neuronDevice !== current.neuronDevice
    )
      continue
    // Generation digits compare only within a family series (m4 < m5 < m7g); across series (t4g vs m5) they
    // say nothing, and the catalog's current-generation flag decides.
    if (!t.currentGeneration || (tSeries === currentSeries && t.generation < current.generation)) continue
    if ((current.instanceStorageGb ?? 0) > 0 && (t.instanceStorageGb ?? 0) < (current.instanceStorageGb ?? 0)) continue
    if (memoryBlind && o.memoryBlind === 'keep' && t.memoryGiB < current.memoryGiB) continue
    // Cheap fit test first; the exceedance shares are computed only for types that fit.
    if (
      demands.some((d) => {
        const c = d.capacityOf(t)
        return c === null || d.need > c
      })
    )
      continue
    const dims = assess(demands, t, current, memoryBlind)
    const optNotes: string[] = []
    if (t.burstable) {
      if (!o.allowBurstable || t.burstBaselinePct === null || !sustained) continue
      const baselineVcpus = (t.burstBaselinePct / 100) * t.vcpus
      if (sustained.vcpus > baselineVcpus) continue
      optNotes.push(
        `Burstable: baseline ${t.burstBaselinePct}% per vCPU (${round(baselineVcpus, 2)} vCPU) covers the highest daily ${sustained.fromAverages ? 'average' : 'mean of 5-minute maxima'} of ${round(sustained.vcpus, 2)} vCPU.`,
      )
    }
    const monthly = hourly === null ? null : hourly * HOURS_PER_MONTH
    if (hourly === null)
      optNotes.push(
        `Price unknown: the catalog has no on-demand price for ${t.name} in ${region}; ranked by its ${REFERENCE_PRICE_REGION} price ($${rank}/h). Run \`headroom catalog update --regions ${region}\` for this region's prices.`,
      )
    const arch = tArch !== currentArch
    for (const d of dims)
      if (d.peak !== undefined && d.capacity !== null && d.peakUtilization !== undefined && d.peakUtilization > PEAK_SATURATES * 100)
        optNotes.push(
          `Peaks would saturate: the highest 5-minute ${d.dimension} demand (${sig(d.peak)} ${d.unit}) is ${Math.round(d.peakUtilization)}% of ${t.name}'s ${sig(d.capacity)} ${d.unit}.`,
        )
    if (arch) optNotes.push(`${primaryArch(t) === 'arm64' ? 'Graviton (arm64)' : 'x86_64'}: needs ${primaryArch(t)} builds of the AMI and software.`)
    if (t.processorManufacturer !== current.processorManufacturer || t.generation !== current.generation)
      optNotes.push(
        `CPU compared by vCPU count (${current.processorManufacturer} ${current.family} -> ${t.processorManufacturer} ${t.family}): AWS publishes no per-vCPU speed factors to convert with; benchmark before relying on it.`,
      )
    options.push({
      _type: t,
      _rank: rank,
      rank: 0,
      change: { instanceType: t.name },
      performanceRisk: overallRisk(dims, t, current, memoryBlind),
      bindingDimension: bindingDimension(dims),
      dimensions: dims,
      monthlyCost: monthly === null ? null : round(monthly),
      monthlySavings: currentMonthly === null || monthly === null ? null : round(currentMonthly - monthly),
      migrationEffort: arch ? 'Medium' : 'VeryLow',
      platformDifferences: platformDifferences(t, current),
      notes: optNotes,
    })
    const added = options[options.length - 1]!
    if (settled(added)) {
      if (leading(tArch)) leadFamilies.add(t.family)
      // the group chooseOptions keeps one option of: the other architecture (current-first), or the current one (any)
      if (o.preferArchitecture === 'current' ? arch : !arch) otherSettled = true
    }
  }
  options.sort(optionOrder(current, o))
  return options
}

/**
 * The lowest risk any type offered in the region could reach on these demands: that of a type with the largest
 * capacity offered in every dimension at once (cached with the region's candidates). A bound, not an option.
 */
function lowestReachableRisk(demands: readonly Demand[], catalog: Catalog, region: string): PerformanceRisk {
  const { types, largest } = candidatesIn(catalog, region)
  const risks = demands.map((d) => {
    let cap = largest.get(d.dimension)
    if (cap === undefined) {
      cap = null
      for (const { type } of types) {
        const c = d.capacityOf(type)
        if (c !== null && (cap === null || c > cap)) cap = c
      }
      largest.set(d.dimension, cap)
    }
    return cap === null || cap <= 0 ? 'High' : dimensionRisk(d, cap).risk
  })
  return maxRisk(risks)
}

/**
 * The order options rank in (docs/analyzers/ec2-rightsize.md, "Ranking"):
 * 1. with preferArchitecture 'current', options on the current CPU architecture before the other's: software whose
 *    arm64 (or x86) build nobody has checked is a migration, not a resize;
 * 2. with rankBy 'risk', lower performance risk first: no higher-risk option ranks above a lower-risk one;
 * 3. cheaper first (the regional price, or the reference region's where the region is unpriced), then lower risk,
 *    then the type name, so the order is total and stable.
 */
function optionOrder(current: InstanceType, o: Pick<Ec2RightsizeOptions, 'preferArchitecture' | 'rankBy'>) {
  const archChange = (x: CandidateOption) => (primaryArch(x._type) === primaryArch(current) ? 0 : 1)
  return (a: CandidateOption, b: CandidateOption): number =>
    (o.preferArchitecture === 'current' ? archChange(a) - archChange(b) : 0) ||
    (o.rankBy === 'risk' ? riskRank(a.performanceRisk) - riskRank(b.performanceRisk) : 0) ||
    a._rank - b._rank ||
    riskRank(a.performanceRisk) - riskRank(b.performanceRisk) ||
    a._type.name.localeCompare(b._type.name)
}

/**
 * Up to `max` options in `sorted`'s order (optionOrder), one per family so the list offers real alternatives, with
 * both architectures shown when both have options: with preferArchitecture 'current' the best option on the other
 * architecture takes the last place if the current one filled the list (a team that can move to Graviton sees what it
 * would add); with 'any', the best same-architecture option does when every pick changes architecture (a team that
 * cannot move still gets an answer).
 */
export function chooseOptions<T extends CandidateOption>(sorted: readonly T[], current: InstanceType, max: number): T[] {
  const out: T[] = []
  const families = new Set<string>()
  for (const x of sorted) {
    if (out.length >= max) break
    if (families.has(x._type.family)) continue
    families.add(x._type.family)
    out.push(x)
  }
  const sameArch = (x: T) => primaryArch(x._type) === primaryArch(current)
  for (const wanted of [sameArch, (x: T) => !sameArch(x)]) {
    if (out.length === 0 || out.some(wanted)) continue
    const alt = sorted.find((x) => wanted(x) && !out.includes(x))
    if (!alt) continue
    // the same architecture's answer may take the only place; the other architecture's never does
    if (out.length >= max && (wanted === sameArch || max >= 2)) out.pop()
    if (out.length < max) out.push(alt)
  }
  return out
}
