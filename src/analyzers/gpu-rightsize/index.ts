import { z } from 'zod'
import { HOURS_PER_MONTH, type Catalog } from '../../catalog/catalog.js'
import type { InstanceType } from '../../catalog/types.js'
import type { Evidence, Finding, PerformanceRisk, Recommendation, RecommendationOption } from '../../core/report.js'
import type { MetricUsage } from '../../store/types.js'
import { atPercentile, insufficientData, PERCENTILES, recommendationId, round } from '../kit.js'
import { hostAsType } from '../host-sizing/index.js'
import { defineAnalyzer } from '../types.js'

export const GpuOptionsSchema = z.object({
  percentile: z.enum(PERCENTILES).default('p99.5').describe('Percentile of 5-minute GPU utilization maxima that sizes the GPUs'),
  headroomPct: z.number().min(0).max(90).default(20).describe('GPU headroom: the GPUs an option keeps are sized to be at most 100 - this busy'),
  idleGpuPct: z.number().min(0).max(100).default(5).describe('GPUs never busier than this over the window are idle'),
  minHours: z.number().min(0).default(30).describe('Hours of GPU data below which the finding is InsufficientData (Compute Optimizer: 30 h)'),
  maxOptions: z.number().int().min(1).max(10).default(3),
})
type GpuOptions = z.infer<typeof GpuOptionsSchema>

const MIB = 1048576
const pick = (m: Partial<Record<string, MetricUsage>> | undefined) => m?.max ?? m?.avg

/**
 * The catalog's GPU model a DCGM `modelName` names ("NVIDIA A10G", "Tesla T4", "NVIDIA A100-SXM4-80GB"): the longest
 * catalog model that appears in it as a whole word (L40S before L4), and the GPU memory its "NNGB" says, when it does.
 */
export function catalogGpuModel(catalog: Catalog, modelName: string): { model: string; memoryMiB: number } | undefined {
  const models = [...new Set(catalog.types.filter((t) => t.gpuCount > 0 && t.gpuModel).map((t) => t.gpuModel!))].sort((a, b) => b.length - a.length)
  const model = models.find((m) => new RegExp(`(^|[^A-Za-z0-9])${m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9])`, 'i').test(modelName))
  if (!model) return undefined
  const sizes = [...new Set(catalog.types.filter((t) => t.gpuModel === model && t.gpuCount > 0).map((t) => t.gpuMemoryMiB!))].sort((a, b) => a - b)
  const gb = /(\d+)\s*GB/i.exec(modelName)
  const said = gb ? sizes.find((s) => Math.abs(s / 1024 - Number(gb[1])) <= Number(gb[1]) * 0.1) : undefined
  return { model, memoryMiB: said ?? sizes[0]! }
}

/** Same family (a host: any family) with the same GPU model and memory per GPU, priced in the region, offered there. */
function familyOptions(catalog: Catalog, current: InstanceType, region: string, anyFamily: boolean) {
  return catalog.types
    .filter(
      (t) =>
        t.name !== current.name &&
        (anyFamily || t.family === current.family) &&
        t.gpuModel === current.gpuModel &&
        t.gpuMemoryMiB === current.gpuMemoryMiB &&
        t.gpuCount > 0 &&
        !t.bareMetal &&
        catalog.offeredIn(t, region),
    )
    .map((t) => ({ t, hourly: catalog.priceUsd(t.name, region) }))
    .filter((x): x is { t: InstanceType; hourly: number } => x.hourly !== undefined)
    .sort((a, b) => a.hourly - b.hourly || a.t.gpuCount - b.t.gpuCount)
}

const riskOf = (busyPct: number, limitPct: number): PerformanceRisk => (busyPct <= limitPct * 0.75 ? 'VeryLow' : busyPct <= limitPct ? 'Low' : 'Medium')

/**
 * GPU instances, sized on their GPUs: idle GPUs flagged (the costliest waste there is), and within the family (the
 * same GPU model and memory per GPU: g4dn stays on T4, p4d on A100) the fewest GPUs that keep the sizing percentile of
 * GPU utilization under 100 - headroom, with the GPUs' memory, vCPUs and memory still covering what was used. Another
 * GPU model, an AMD GPU for an NVIDIA one or an AWS Neuron device (Inferentia, Trainium) is never proposed: their
 * speed per GPU differs in ways utilization cannot tell. A Neuron instance is flagged as such, not sized.
 */
export const gpuRightsize = defineAnalyzer({
  meta: {
    id: 'gpu.rightsize',
    title: 'GPU instances',
    resourceKinds: ['ec2-instance', 'host'],
    requires: ['gpu.utilization'],
    since: '0.1.0',
    docs: 'docs/analyzers/gpu.md',
    recommended: true,
    bestPractices: ['PERF02-BP04', 'PERF02-BP01', 'PERF02-BP05'],
  },
  options: GpuOptionsSchema,
  analyze({ usage: u, catalog }, o: GpuOptions) {
    const analyzer = 'gpu.rightsize'
    const r = u.resource
    // A host (node_exporter + DCGM): its GPUs and size as measured, sized onto EC2 types with its GPU model.
    const isHost = r.kind === 'host'
    const hostGpu = isHost && Number(r.attributes.gpuCount) > 0 ? catalogGpuModel(catalog, String(r.attributes.gpuModelName ?? '')) : undefined
    const current: InstanceType | undefined = isHost
      ? Number(r.attributes.gpuCount) > 0
        ? {
            ...hostAsType(r.id, Number(r.attributes.vcpus) || 0, Number(r.attributes.memoryGiB) || 0),
            family: 'host',
            gpuCount: Number(r.attributes.gpuCount),
            gpuModel: hostGpu?.model ?? String(r.attributes.gpuModelName ?? 'GPU'),
            gpuMemoryMiB: hostGpu?.memoryMiB ?? null,
          }
        : undefined
      : catalog.get(String(r.attributes.instanceType ?? ''))
    if (!current || (current.gpuCount === 0 && !current.neuronDevice)) return { recommendations: [], issues: [] }
    const region = r.region ?? 'us-east-1'
    const hourly = catalog.priceUsd(current.name, region)
    const monthly = hourly === undefined ? null : hourly * HOURS_PER_MONTH
    const base = {
      id: recommendationId(analyzer, r.id, u.window),
      analyzer,
      resource: r,
      window: u.window,
      bestPractices: ['PERF02-BP04', 'PERF02-BP01', 'PERF02-BP05'],
      currentDimensions: [],
      current: {
        ...(isHost ? { vcpus: current.vcpus, memoryGiB: current.memoryGiB } : { instanceType: current.name }),
        gpus: current.gpuCount,
        gpuModel: current.gpuModel ?? current.neuronDevice ?? null,
        // A host has no price (it is not on EC2): no monthlyCost key, or the totals would count it as unpriced.
        ...(isHost ? {} : { monthlyCost: monthly === null ? null : round(monthly) }),
      },
    }
    const rec = (x: Omit<Recommendation, keyof typeof base | 'memoryBlind'> & { memoryBlind?: boolean }): Recommendation => ({
      ...base,
      memoryBlind: false,
      ...x,
    })
    if (current.neuronDevice && current.gpuCount === 0)
      return {
        recommendations: [
          rec({
            finding: 'Flagged',
            check: 'neuron',
            reasons: ['NeuronAccelerator'],
            currentPerformanceRisk: 'Unknown',
            options: [],
            evidence: [],
            summary: `${current.name} runs on AWS ${current.neuronDevice}, not a GPU: sized by neuron-monitor's metrics (not read here), never swapped for a GPU type or back.`,
            estimatedMonthlySavings: null,
          }),
        ],
        issues: [],
      }
    const gpu = pick(u.metrics['gpu.utilization'])
    const gpuMem = pick(u.metrics['gpu.memory.used.bytes'])
    const unmeasured = (reason: string, summary: string) => ({ recommendations: [rec(insufficientData(reason, summary))], issues: [] })
    if (!gpu)
      return unmeasured(
        'GpuUnmeasured',
        `${current.gpuCount} x ${current.gpuModel ?? 'GPU'} with no GPU utilization: collect nvidia_smi_utilization_gpu (CloudWatch agent) or DCGM_FI_DEV_GPU_UTIL (DCGM exporter).`,
      )
    if (gpu.hours < o.minHours) return unmeasured('InsufficientData', `${round(gpu.hours, 1)} h of GPU data; at least ${o.minHours} h are needed.`)

    const limit = 100 - o.headroomPct
    const demandPct = atPercentile(gpu, o.percentile)
    const evidence: Evidence[] = [
      {
        metric: 'gpu.utilization',
        stat: `${o.percentile} of 5-minute values`,
        value: round(demandPct, 1),
        unit: 'percent',
        samples: gpu.samples,
        threshold: limit,
      },
      { metric: 'gpu.utilization', stat: 'max', value: round(gpu.max, 1), unit: 'percent', samples: gpu.samples, threshold: o.idleGpuPct },
      ...(gpuMem
        ? [
            {
              metric: 'gpu.memory.used.bytes',
              stat: 'max (fullest GPU)',
              value: round(gpuMem.max / MIB),
              unit: 'MiB',
              samples: gpuMem.samples,
              ...(current.gpuMemoryMiB
                ? { note: `${round((gpuMem.max / MIB / current.gpuMemoryMiB) * 100, 1)}% of one ${current.gpuModel}'s ${current.gpuMemoryMiB} MiB` }
                : {}),
            },
          ]
        : []),
    ]
    // Idle: the GPUs never did more than a trace of work in the whole window.
    if (gpu.max < o.idleGpuPct)
      return {
        recommendations: [
          rec({
            finding: 'Flagged',
            check: 'idle-gpu',
            reasons: ['GpuIdle'],
            currentPerformanceRisk: 'VeryLow',
            options: [],
            evidence,
            summary: `${current.gpuCount} x ${current.gpuModel} never above ${round(gpu.max, 1)}% busy in ${round(gpu.hours)} h${monthly === null ? '' : ` ($${round(monthly)}/month)`}: stop it, or run its CPU work on an instance without GPUs.`,
            estimatedMonthlySavings: monthly === null ? null : round(monthly),
          }),
        ],
        issues: [],
      }

    // GPUs needed: the busy GPU-equivalents at the percentile, kept under the limit.
    const busyGpus = (demandPct / 100) * current.gpuCount
    const needGpus = busyGpus / (limit / 100)
    // GPU memory: as if every GPU were as full as the fullest (a model sharded over the GPUs needs them all).
    const memNeedMiB = gpuMem ? (gpuMem.max / MIB) * current.gpuCount : null
    const cpu = pick(u.metrics['cpu.utilization'])
    const mem = pick(u.metrics['mem.utilization'])
    const vcpuNeed = cpu ? ((atPercentile(cpu, o.percentile) / 100) * current.vcpus) / (limit / 100) : 0
    const memNeedGiB = mem ? (mem.max / 100) * current.memoryGiB * 1.2 : 0
    const fits = (t: InstanceType) =>
      t.gpuCount >= needGpus && (memNeedMiB === null || t.gpuCount * (t.gpuMemoryMiB ?? 0) >= memNeedMiB) && t.vcpus >= vcpuNeed && t.memoryGiB >= memNeedGiB
    if (isHost && !hostGpu)
      return unmeasured(
        'GpuModelUnknown',
        `${current.gpuCount} x ${String(r.attributes.gpuModelName)}: no EC2 type in the catalog has that GPU, so the host is not sized onto EC2.`,
      )
    const candidates = familyOptions(catalog, current, region, isHost).filter((x) => fits(x.t))
    const underprovisioned = !isHost && needGpus > current.gpuCount
    const picked = (
      isHost
        ? candidates
        : underprovisioned
          ? candidates.filter((x) => x.t.gpuCount > current.gpuCount)
          : candidates.filter((x) => hourly !== undefined && x.hourly < hourly)
    ).slice(0, o.maxOptions)
    const options: RecommendationOption[] = picked.map(({ t, hourly: h }, i) => {
      const busy = (busyGpus / t.gpuCount) * 100
      return {
        rank: i + 1,
        change: { instanceType: t.name, gpus: t.gpuCount },
        performanceRisk: memNeedMiB === null && t.gpuCount < current.gpuCount ? 'Medium' : riskOf(busy, limit),
        bindingDimension: 'cpu',
        dimensions: [],
        monthlyCost: round(h * HOURS_PER_MONTH),
        monthlySavings: monthly === null ? null : round(monthly - h * HOURS_PER_MONTH),
        migrationEffort: t.gpuCount < current.gpuCount ? 'Low' : 'VeryLow',
        platformDifferences: [],
        notes: [
          `${t.gpuCount} x ${t.gpuModel}: the ${o.percentile} GPU load (${round(busyGpus, 2)} GPUs busy) would keep them ${round(busy, 1)}% busy.`,
          ...(memNeedMiB === null
            ? ['GPU memory not measured: a model that fills the GPUs’ memory needs all of them; collect nvidia_smi_memory_used / DCGM_FI_DEV_FB_USED.']
            : [
                `GPU memory: ${round(memNeedMiB / 1024, 1)} GiB needed (every GPU as full as the fullest), ${round((t.gpuCount * t.gpuMemoryMiB!) / 1024, 1)} GiB here.`,
              ]),
          ...(t.gpuCount < current.gpuCount
            ? ['A job that splits its work over a fixed number of GPUs (data-parallel ranks) has to be told the new count.']
            : []),
        ],
      }
    })
    const finding: Finding = isHost
      ? options.length
        ? 'Sized'
        : 'Underprovisioned'
      : underprovisioned
        ? 'Underprovisioned'
        : options.length
          ? 'Overprovisioned'
          : 'Optimized'
    const top = options[0]
    const summary = isHost
      ? top
        ? `${current.gpuCount} x ${current.gpuModel} ${round(demandPct, 1)}% busy (${o.percentile}): on EC2, ${String(top.change.instanceType)} (${String(top.change.gpus)} GPU${top.change.gpus === 1 ? '' : 's'}, $${top.monthlyCost}/month) holds it.`
        : `${current.gpuCount} x ${current.gpuModel} ${round(demandPct, 1)}% busy (${o.percentile}): no EC2 type with ${current.gpuModel} GPUs holds it.`
      : finding === 'Underprovisioned'
        ? `${current.gpuCount} x ${current.gpuModel} at ${round(demandPct, 1)}% (${o.percentile}) is over the ${limit}% limit${top ? `: ${String(top.change.instanceType)} has ${String(top.change.gpus)}` : ''}.`
        : top
          ? `${current.gpuCount} x ${current.gpuModel} ${round(demandPct, 1)}% busy (${o.percentile}): ${String(top.change.instanceType)} (${String(top.change.gpus)} GPU${top.change.gpus === 1 ? '' : 's'}) saves $${top.monthlySavings}/month.`
          : `${current.gpuCount} x ${current.gpuModel} ${round(demandPct, 1)}% busy (${o.percentile}): no smaller ${current.family} holds it.`
    return {
      recommendations: [
        rec({
          finding,
          reasons: isHost ? [] : underprovisioned ? ['GpuUnderprovisioned'] : options.length ? ['GpuOverprovisioned'] : [],
          currentPerformanceRisk: riskOf(demandPct, limit),
          memoryBlind: memNeedMiB === null,
          options,
          evidence,
          summary,
          estimatedMonthlySavings: finding === 'Overprovisioned' && top ? top.monthlySavings : 0,
        }),
      ],
      issues: [],
    }
  },
})
