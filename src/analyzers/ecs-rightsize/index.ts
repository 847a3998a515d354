import { z } from 'zod'
import { HOURS_PER_MONTH } from '../../catalog/catalog.js'
import { FARGATE_SIZES, taskHourUsd, type FargateArch, type FargateSize } from '../../catalog/fargate.js'
import type { DimensionAssessment, Evidence, Finding, PerformanceRisk, Recommendation, RecommendationOption } from '../../core/report.js'
import type { MetricUsage } from '../../store/types.js'
import { atPercentile, insufficientData, PERCENTILES, recommendationId, round } from '../kit.js'
import { defineAnalyzer } from '../types.js'
import { ecsPresent } from './present.js'

export const EcsOptionsSchema = z.object({
  percentile: z.enum(PERCENTILES).default('p99').describe('Percentile of 5-minute maxima of the service’s CPU utilization that sizes the task CPU'),
  cpuHeadroomPct: z
    .number()
    .min(0)
    .max(90)
    .default(20)
    .describe('CPU headroom: the task CPU an option keeps is sized to be at most 100 - this busy at the percentile'),
  memoryHeadroomPct: z.number().min(0).max(90).default(20).describe('Memory kept free above the highest memory use (a task over its memory is stopped)'),
  minHours: z.number().min(0).default(24).describe('Hours of data below which the finding is InsufficientData (Compute Optimizer: 24 h for ECS on Fargate)'),
  allowArchitectureChange: z.boolean().default(true).describe('Show the Graviton (arm64) price of the proposed size for a Fargate service on x86_64'),
  maxOptions: z.number().int().min(1).max(10).default(3),
})
type EcsOptions = z.infer<typeof EcsOptionsSchema>

const pick = (m: Partial<Record<string, MetricUsage>> | undefined) => m?.max ?? m?.avg
const riskOf = (busyPct: number, limitPct: number): PerformanceRisk =>
  busyPct <= limitPct * 0.75 ? 'VeryLow' : busyPct <= limitPct ? 'Low' : busyPct <= 100 ? 'Medium' : 'High'

interface EcsContainer {
  name: string
  cpu: number
  /** Hard limit (MiB), or 0 */
  memory: number
  /** Soft limit (MiB), or 0 */
  memoryReservation: number
}

/** The `containers` attribute discovery writes (a JSON array); anything unreadable reads as no containers. */
function containersOf(v: string | number | undefined): EcsContainer[] {
  try {
    const a = JSON.parse(typeof v === 'string' ? v : '[]') as Partial<EcsContainer>[]
    return Array.isArray(a)
      ? a.map((c) => ({
          name: String(c.name ?? ''),
          cpu: Number(c.cpu) || 0,
          memory: Number(c.memory) || 0,
          memoryReservation: Number(c.memoryReservation) || 0,
        }))
      : []
  } catch {
    return []
  }
}

/**
 * ECS services, sized per task from the service's CPU and memory utilization (AWS/ECS CPUUtilization and
 * MemoryUtilization: percent of the tasks' reserved CPU and memory, averaged over the service's tasks). On Fargate the
 * task is re-selected among Fargate's valid CPU/memory pairs at Fargate's prices (x86 and Graviton), priced for the
 * tasks that ran; on EC2 the containers' reservations are proposed (what the scheduler packs instances by). A dimension
 * a target-tracking policy scales on is kept as it is, as krr does for a Kubernetes HPA: the policy holds that
 * utilization at its target, so a smaller task only means more tasks.
 */
export const ecsRightsize = defineAnalyzer({
  meta: {
    id: 'ecs.rightsize',
    title: 'ECS services and Fargate tasks',
    resourceKinds: ['ecs-service'],
    requires: ['cpu.utilization', 'mem.utilization'],
    since: '0.1.0',
    docs: 'docs/analyzers/ecs.md',
    recommended: true,
    bestPractices: ['PERF02-BP04', 'PERF02-BP01', 'PERF02-BP05'],
  },
  options: EcsOptionsSchema,
  present: ecsPresent,
  analyze({ usage: u, services }, o: EcsOptions) {
    const analyzer = 'ecs.rightsize'
    const r = u.resource
    const a = r.attributes
    const cpuUnits = Number(a.taskCpuUnits) || 0
    const memMiB = Number(a.taskMemoryMiB) || 0
    const fargate = String(a.launchType ?? '').startsWith('FARGATE')
    const arch: FargateArch = /arm/i.test(String(a.architecture ?? '')) ? 'arm64' : 'x86_64'
    const scaledOn = String(a.scaledOn ?? '')
      .split(',')
      .filter(Boolean)
    const running = u.metrics['ecs.tasks.running']?.avg
    const tasks = running ? running.avg : Number(a.desiredCount) || 0
    const p = services.fargate
    const monthlyOf = (s: FargateSize, ar: FargateArch) => taskHourUsd(s, ar, p) * HOURS_PER_MONTH * tasks
    const current: FargateSize = { cpuUnits, memoryMiB: memMiB }
    const windows = /windows/i.test(String(a.os ?? ''))
    const currentMonthly = fargate && !windows && cpuUnits > 0 && memMiB > 0 ? monthlyOf(current, arch) : null
    const base = {
      id: recommendationId(analyzer, r.id, u.window),
      analyzer,
      resource: r,
      window: u.window,
      bestPractices: ['PERF02-BP04', 'PERF02-BP01', 'PERF02-BP05'],
      current: {
        launchType: String(a.launchType ?? ''),
        cpuUnits,
        memoryMiB: memMiB,
        tasks: round(tasks, 2),
        ...(fargate ? { architecture: arch, monthlyCost: currentMonthly === null ? null : round(currentMonthly) } : {}),
      },
    }
    const rec = (
      x: Omit<Recommendation, keyof typeof base | 'memoryBlind' | 'currentDimensions'> & Partial<Pick<Recommendation, 'memoryBlind' | 'currentDimensions'>>,
    ) => ({ ...base, memoryBlind: false, currentDimensions: [], ...x }) as Recommendation
    const only = (x: Parameters<typeof rec>[0]) => ({ recommendations: [rec(x)], issues: [] })
    const unmeasured = (reason: string, summary: string) => only(insufficientData(reason, summary))

    if (cpuUnits <= 0 || memMiB <= 0)
      return unmeasured(
        'EcsTaskSizeUnknown',
        `${r.id}: the task definition states no task CPU and memory and its containers none either, so utilization (a percent of them) cannot be turned into a size.`,
      )
    if (fargate && windows)
      return only({
        finding: 'Flagged',
        check: 'windows',
        reasons: ['FargateWindows'],
        currentPerformanceRisk: 'Unknown',
        options: [],
        evidence: [],
        summary: `${r.id} runs Windows containers on Fargate: billed with an OS licence per vCPU and a 1-vCPU minimum that headroom's bundled prices do not hold; not sized.`,
        estimatedMonthlySavings: null,
      })
    const cpu = pick(u.metrics['cpu.utilization'])
    const mem = pick(u.metrics['mem.utilization'])
    if (!cpu)
      return unmeasured('EcsUnmeasured', `${r.id} has no CPU utilization: collect AWS/ECS CPUUtilization and MemoryUtilization (ClusterName, ServiceName).`)
    if (cpu.hours < o.minHours) return unmeasured('InsufficientData', `${round(cpu.hours, 1)} h of service data; at least ${o.minHours} h are needed.`)

    // Demand per task, in the task's own units: CPU units at the percentile, memory at its highest.
    const cpuPct = atPercentile(cpu, o.percentile)
    const cpuDemand = (cpuPct / 100) * cpuUnits
    const memPeak = mem ? (mem.max / 100) * memMiB : null
    const cpuScaled = scaledOn.includes('cpu')
    const memScaled = scaledOn.includes('memory')
    const needCpu = cpuScaled ? cpuUnits : cpuDemand / ((100 - o.cpuHeadroomPct) / 100)
    // Memory unmeasured: never less than now (a task over its memory is killed, and nothing says how much it needs).
    const needMem = memScaled || memPeak === null ? memMiB : memPeak / (1 - o.memoryHeadroomPct / 100)
    const evidence: Evidence[] = [
      {
        metric: 'cpu.utilization',
        stat: `${o.percentile} of 5-minute values`,
        value: round(cpuPct, 1),
        unit: 'percent of task CPU',
        samples: cpu.samples,
        threshold: 100 - o.cpuHeadroomPct,
        note: `${round(cpuDemand)} of ${cpuUnits} CPU units per task`,
      },
      ...(mem
        ? [
            {
              metric: 'mem.utilization',
              stat: 'max',
              value: round(mem.max, 1),
              unit: 'percent of task memory',
              samples: mem.samples,
              threshold: 100 - o.memoryHeadroomPct,
              note: `${round(memPeak!)} of ${memMiB} MiB per task`,
            },
          ]
        : []),
      ...(running
        ? [{ metric: 'ecs.tasks.running', stat: 'avg', value: round(running.avg, 2), unit: 'tasks', samples: running.samples, note: `max ${running.max}` }]
        : []),
    ]
    const dims = (s: FargateSize): DimensionAssessment[] => [
      {
        dimension: 'cpu',
        measured: true,
        demand: round(cpuDemand, 1),
        need: round(needCpu, 1),
        capacity: s.cpuUnits,
        unit: 'CPU units',
        projectedUtilization: round((cpuDemand / s.cpuUnits) * 100, 1),
        exceedanceShare: null,
        risk: cpuScaled ? 'Low' : riskOf((cpuDemand / s.cpuUnits) * 100, 100 - o.cpuHeadroomPct),
        ...(cpuScaled ? { note: 'kept: a target-tracking policy scales the service on CPU' } : {}),
      },
      {
        dimension: 'memory',
        measured: memPeak !== null,
        demand: memPeak === null ? null : round(memPeak, 1),
        need: round(needMem, 1),
        capacity: s.memoryMiB,
        unit: 'MiB',
        projectedUtilization: memPeak === null ? null : round((memPeak / s.memoryMiB) * 100, 1),
        exceedanceShare: null,
        risk: memPeak === null ? 'Unknown' : riskOf((memPeak / s.memoryMiB) * 100, 100 - o.memoryHeadroomPct),
        ...(memScaled ? { note: 'kept: a target-tracking policy scales the service on memory' } : {}),
      },
    ]
    const currentRisk = (() => {
      const d = dims(current)
        .map((x) => x.risk)
        .filter((x): x is PerformanceRisk => x !== 'Unknown')
      const order: PerformanceRisk[] = ['VeryLow', 'Low', 'Medium', 'High']
      return d.reduce<PerformanceRisk>((w, x) => (order.indexOf(x) > order.indexOf(w) ? x : w), 'VeryLow')
    })()
    const under = needCpu > cpuUnits + 1e-9 || needMem > memMiB + 1e-9
    const reasons = (s: FargateSize) => [
      ...(s.cpuUnits < cpuUnits ? ['CPUOverprovisioned'] : s.cpuUnits > cpuUnits ? ['CPUUnderprovisioned'] : []),
      ...(s.memoryMiB < memMiB ? ['MemoryOverprovisioned'] : s.memoryMiB > memMiB ? ['MemoryUnderprovisioned'] : []),
    ]
    const scaledNote = cpuScaled || memScaled ? [`Scales on ${scaledOn.join(' and ')} by target tracking: that size is kept (the policy would add tasks).`] : []

    if (!fargate) return ec2Backed()

    // Fargate: the cheapest valid pairs that hold the need, the scaled dimension kept exactly.
    const fits = (s: FargateSize) =>
      // 1e-9: 1% of 81,920 MiB / 0.8 computes as 1,024.0000000000002, which 1,024 MiB holds.
      (cpuScaled ? s.cpuUnits === cpuUnits : s.cpuUnits >= needCpu - 1e-9) && (memScaled ? s.memoryMiB === memMiB : s.memoryMiB >= needMem - 1e-9)
    const priced = FARGATE_SIZES.filter(fits)
      .map((s) => ({ s, monthly: monthlyOf(s, arch) }))
      .sort((x, y) => x.monthly - y.monthly || x.s.cpuUnits - y.s.cpuUnits)
    const same = priced.filter((x) => !(x.s.cpuUnits === cpuUnits && x.s.memoryMiB === memMiB))
    const picked = (under ? same : same.filter((x) => currentMonthly !== null && x.monthly < currentMonthly - 1e-9)).slice(0, o.maxOptions)
    const option = (s: FargateSize, ar: FargateArch, rank: number): RecommendationOption => {
      const monthly = monthlyOf(s, ar)
      const d = dims(s)
      return {
        rank,
        change: { cpuUnits: s.cpuUnits, memoryMiB: s.memoryMiB, ...(ar !== arch ? { architecture: ar } : {}) },
        performanceRisk: d.reduce<PerformanceRisk>(
          (w, x) =>
            x.risk !== 'Unknown' && ['VeryLow', 'Low', 'Medium', 'High'].indexOf(x.risk) > ['VeryLow', 'Low', 'Medium', 'High'].indexOf(w) ? x.risk : w,
          'VeryLow',
        ),
        bindingDimension: needCpu / s.cpuUnits >= needMem / s.memoryMiB ? 'cpu' : 'memory',
        dimensions: d,
        monthlyCost: round(monthly),
        monthlySavings: currentMonthly === null ? null : round(currentMonthly - monthly),
        migrationEffort: ar !== arch ? 'Medium' : 'VeryLow',
        platformDifferences: ar !== arch ? ['Architecture'] : [],
        notes: [
          `${s.cpuUnits / 1024} vCPU, ${s.memoryMiB / 1024} GB: $${round(taskHourUsd(s, ar, p), 5)} per task-hour on ${ar === 'arm64' ? 'Graviton (arm64)' : 'x86_64'}, x ${round(tasks, 2)} task(s).`,
          ...(ar !== arch ? ['The images must be built for arm64 (a multi-architecture image, runtimePlatform.cpuArchitecture ARM64).'] : []),
          ...(memPeak === null ? ['Memory not measured: the option keeps the task’s memory.'] : []),
          ...scaledNote,
        ],
      }
    }
    const options = picked.map((x, i) => option(x.s, arch, i + 1))
    // Graviton: the best option's size (or the current one) on arm64, where the service runs on x86 today.
    if (arch === 'x86_64' && o.allowArchitectureChange) {
      const s = picked[0]?.s ?? (under ? undefined : current)
      if (s) options.push(option(s, 'arm64', options.length + 1))
    }
    const top = options[0]
    const finding: Finding = under ? 'Underprovisioned' : picked.length ? 'Overprovisioned' : 'Optimized'
    const fmt = (s: { cpuUnits: number | string; memoryMiB: number | string }) => `${Number(s.cpuUnits) / 1024} vCPU / ${Number(s.memoryMiB) / 1024} GB`
    const summary =
      finding === 'Underprovisioned'
        ? `${fmt(current)} tasks need ${round(needCpu)} CPU units and ${round(needMem)} MiB${top ? `: ${fmt(top.change as unknown as FargateSize)} holds them (+$${round(-(top.monthlySavings ?? 0))}/month)` : ': no Fargate size holds that'}.`
        : finding === 'Overprovisioned'
          ? `${fmt(current)} tasks use ${round(cpuPct, 1)}% CPU (${o.percentile}) and ${mem ? `${round(mem.max, 1)}% memory at most` : 'unmeasured memory'}: ${fmt(top!.change as unknown as FargateSize)} saves $${top!.monthlySavings}/month over ${round(tasks, 2)} task(s).`
          : `${fmt(current)} is the cheapest Fargate size that holds ${round(needCpu)} CPU units and ${round(needMem)} MiB.${options[0] ? ` On Graviton it would save $${options[0].monthlySavings}/month.` : ''}`
    return only({
      finding,
      reasons: under || picked.length ? reasons((top?.change as unknown as FargateSize | undefined) ?? current) : [],
      currentPerformanceRisk: currentRisk,
      currentDimensions: dims(current),
      memoryBlind: memPeak === null,
      options,
      evidence,
      summary,
      estimatedMonthlySavings: finding === 'Overprovisioned' && top ? top.monthlySavings : 0,
    })

    /** EC2 launch type: the reservations the scheduler packs by, per task and per container; priced by the instances. */
    function ec2Backed() {
      const propCpu = Math.max(1, Math.ceil(needCpu))
      const propMem = Math.max(1, Math.ceil(needMem))
      const over = !under && (propCpu < cpuUnits * 0.8 || propMem < memMiB * 0.8)
      const containers = containersOf(a.containers)
      const cpuSum = containers.reduce((s, c) => s + c.cpu, 0)
      const memSum = containers.reduce((s, c) => s + (c.memoryReservation || c.memory), 0)
      // Each container keeps its share of the task's reservation (the metrics are per service, not per container).
      const perContainer = containers.map((c) => {
        const cpuShare = cpuSum > 0 ? c.cpu / cpuSum : 1 / containers.length
        const memShare = memSum > 0 ? (c.memoryReservation || c.memory) / memSum : 1 / containers.length
        return `${c.name}: cpu ${Math.ceil(propCpu * cpuShare)}, memoryReservation ${Math.ceil(propMem * memShare)} MiB (now cpu ${c.cpu}, ${c.memoryReservation ? `memoryReservation ${c.memoryReservation}` : `memory ${c.memory}`} MiB)`
      })
      const s = { cpuUnits: propCpu, memoryMiB: propMem }
      const finding: Finding = under ? 'Underprovisioned' : over ? 'Overprovisioned' : 'Optimized'
      const options: RecommendationOption[] =
        finding === 'Optimized'
          ? []
          : [
              {
                rank: 1,
                change: { cpuUnits: propCpu, memoryReservationMiB: propMem },
                performanceRisk: memPeak === null ? 'Medium' : riskOf((cpuDemand / propCpu) * 100, 100 - o.cpuHeadroomPct),
                bindingDimension: 'cpu',
                dimensions: dims(s),
                monthlyCost: null,
                monthlySavings: null,
                migrationEffort: 'VeryLow',
                platformDifferences: [],
                notes: [
                  `Reserve ${propCpu} CPU units and ${propMem} MiB per task (now ${cpuUnits} and ${memMiB}): ${round(tasks, 2)} task(s) then reserve ${round((cpuUnits - propCpu) * tasks)} CPU units and ${round((memMiB - propMem) * tasks)} MiB ${propCpu <= cpuUnits ? 'less' : 'more'} of the cluster’s instances; the saving comes from fewer or smaller instances (ec2.rightsize sizes them).`,
                  ...perContainer,
                  'Keep a hard memory limit (memory) above the reservation: the reservation is what the scheduler packs by, the limit what stops the container.',
                  ...scaledNote,
                ],
              },
            ]
      return only({
        finding,
        reasons: finding === 'Optimized' ? [] : reasons(s),
        currentPerformanceRisk: currentRisk,
        currentDimensions: dims(current),
        memoryBlind: memPeak === null,
        options,
        evidence,
        summary:
          finding === 'Optimized'
            ? `${cpuUnits} CPU units and ${memMiB} MiB per task hold ${round(needCpu)} and ${round(needMem)} with little to spare: keep them.`
            : `Tasks reserve ${cpuUnits} CPU units and ${memMiB} MiB and need ${propCpu} and ${propMem}: set the containers' reservations to match.`,
        estimatedMonthlySavings: null,
      })
    }
  },
})
