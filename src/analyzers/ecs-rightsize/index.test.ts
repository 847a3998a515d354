import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import { FARGATE_SIZES, isFargateSize, taskHourUsd } from '../../catalog/fargate.js'
import type { UsageSummary } from '../../store/types.js'
import { repeat, usage } from '../test-utils.js'
import { EcsOptionsSchema, ecsRightsize } from './index.js'

const catalog = loadCatalog()
const services = loadServiceCatalogs()
const run = (u: UsageSummary, o: Record<string, unknown> = {}) =>
  ecsRightsize.analyze({ usage: u, catalog, services }, EcsOptionsSchema.parse(o)).recommendations
const N = 14 * 288

/** An ECS service with 14 days of CPU (p99 = `cpu`) and memory (max = `mem`) utilization, and `tasks` running. */
function service(attributes: Record<string, string | number>, cpu: number, mem: number | null, tasks?: number, n = N): UsageSummary {
  let b = usage('us-east-1:prod/web', undefined).series('cpu.utilization', 'max', repeat([cpu], n))
  if (mem !== null) b = b.series('mem.utilization', 'max', repeat([mem], n))
  if (tasks !== undefined) b = b.series('ecs.tasks.running', 'avg', repeat([tasks], n))
  const u = b.build()
  return { ...u, resource: { ...u.resource, provider: 'aws', kind: 'ecs-service', attributes } }
}
const fargate = (cpu: number, mem: number, extra: Record<string, string | number> = {}) => ({
  launchType: 'FARGATE',
  taskCpuUnits: cpu,
  taskMemoryMiB: mem,
  desiredCount: 3,
  architecture: 'x86_64',
  os: 'LINUX',
  ...extra,
})

describe('Fargate sizes and prices (bundled us-east-1)', () => {
  it('holds the documented pairs: 7 CPU sizes, 3 + 4 + 7 + 13 + 23 + 12 + 12 memory sizes', () => {
    expect(FARGATE_SIZES.length).toBe(74)
    expect(isFargateSize({ cpuUnits: 256, memoryMiB: 2048 })).toBe(true)
    expect(isFargateSize({ cpuUnits: 256, memoryMiB: 3072 })).toBe(false)
    expect(isFargateSize({ cpuUnits: 8192, memoryMiB: 20480 })).toBe(true) // 16 GB + one 4-GB step
    expect(isFargateSize({ cpuUnits: 8192, memoryMiB: 17408 })).toBe(false) // 17 GB is not a 4-GB step
    expect(isFargateSize({ cpuUnits: 16384, memoryMiB: 122880 })).toBe(true)
    // 1 vCPU and 4 GB on x86: $0.04048 + 4 x $0.004445 = $0.05826 an hour; on Graviton $0.03238 + 4 x $0.00356 = $0.04662.
    expect(taskHourUsd({ cpuUnits: 1024, memoryMiB: 4096 }, 'x86_64', services.fargate)).toBeCloseTo(0.05826, 10)
    expect(taskHourUsd({ cpuUnits: 1024, memoryMiB: 4096 }, 'arm64', services.fargate)).toBeCloseTo(0.04662, 10)
  })
})

describe('ecs.rightsize worked examples', () => {
  it('a 1 vCPU / 4 GB Fargate task at 15% CPU and 25% memory: 0.25 vCPU / 2 GB, and the same on Graviton', () => {
    const [rec] = run(service(fargate(1024, 4096), 15, 25, 3))
    // CPU: 15% of 1,024 units = 153.6 per task, at most 80% busy: 192 units -> 256 (0.25 vCPU) holds it.
    // Memory: 25% of 4,096 MiB = 1,024 MiB at most, 20% kept free: 1,280 MiB -> 2,048 is the smallest 0.25-vCPU memory that holds it.
    expect(rec!.finding).toBe('Overprovisioned')
    expect(rec!.reasons).toEqual(['CPUOverprovisioned', 'MemoryOverprovisioned'])
    expect(rec!.options.map((o) => o.change)).toEqual([
      { cpuUnits: 256, memoryMiB: 2048 },
      { cpuUnits: 512, memoryMiB: 2048 },
      { cpuUnits: 512, memoryMiB: 3072 },
      { cpuUnits: 256, memoryMiB: 2048, architecture: 'arm64' },
    ])
    // Now: $0.05826 x 730 h x 3 tasks = $127.59. 0.25 vCPU / 2 GB: ($0.01012 + $0.00889) x 730 x 3 = $41.63, saving $85.96.
    expect(rec!.current.monthlyCost).toBe(127.59)
    expect(rec!.options[0]!.monthlyCost).toBe(41.63)
    expect(rec!.options[0]!.monthlySavings).toBe(85.96)
    expect(rec!.estimatedMonthlySavings).toBe(85.96)
    // Graviton: ($0.008095 + $0.00712) x 730 x 3 = $33.32, saving $94.27; a different architecture is a Medium effort.
    expect(rec!.options[3]!.monthlySavings).toBe(94.27)
    expect(rec!.options[3]!.migrationEffort).toBe('Medium')
    expect(rec!.options[3]!.platformDifferences).toEqual(['Architecture'])
    // 153.6 of 256 units is 60% busy: within three quarters of the 80% limit.
    expect(rec!.options[0]!.performanceRisk).toBe('VeryLow')
    expect(rec!.summary).toBe('1 vCPU / 4 GB tasks use 15% CPU (p99) and 25% memory at most: 0.25 vCPU / 2 GB saves $85.96/month over 3 task(s).')
  })

  it('without Container Insights the desired count prices the tasks; with it, the tasks that ran on average', () => {
    const [a] = run(service(fargate(1024, 4096, { desiredCount: 2 }), 15, 25))
    expect(a!.current.monthlyCost).toBe(85.06) // $0.05826 x 730 x 2
    const [b] = run(service(fargate(1024, 4096, { desiredCount: 2 }), 15, 25, 4.5))
    expect(b!.current.monthlyCost).toBe(191.38) // $0.05826 x 730 x 4.5
    expect(b!.evidence.find((e) => e.metric === 'ecs.tasks.running')!.value).toBe(4.5)
  })

  it('a service that scales on CPU by target tracking keeps its CPU: only memory is resized (as krr leaves an HPA’s dimension)', () => {
    const [rec] = run(service(fargate(1024, 4096, { scaledOn: 'cpu' }), 15, 25, 3))
    // CPU stays 1,024; memory needs 1,280 MiB -> 2,048: ($0.04048 + $0.00889) x 730 x 3 = $108.12, saving $19.47.
    expect(rec!.options[0]!.change).toEqual({ cpuUnits: 1024, memoryMiB: 2048 })
    expect(rec!.options[0]!.monthlySavings).toBe(19.47)
    expect(rec!.reasons).toEqual(['MemoryOverprovisioned'])
    expect(rec!.options[0]!.notes).toContain('Scales on cpu by target tracking: that size is kept (the policy would add tasks).')
    expect(rec!.options.every((o) => o.change.cpuUnits === 1024)).toBe(true)
  })

  it('a 0.5 vCPU / 1 GB task at 95% CPU and 90% memory is underprovisioned: 1 vCPU / 2 GB, priced as the extra it costs', () => {
    const [rec] = run(service(fargate(512, 1024), 95, 90, 2))
    // CPU: 95% of 512 = 486.4 units / 0.8 = 608 -> 1,024. Memory: 90% of 1,024 = 921.6 MiB / 0.8 = 1,152 -> 2,048.
    expect(rec!.finding).toBe('Underprovisioned')
    expect(rec!.reasons).toEqual(['CPUUnderprovisioned', 'MemoryUnderprovisioned'])
    expect(rec!.options[0]!.change).toEqual({ cpuUnits: 1024, memoryMiB: 2048 })
    // Now ($0.02024 + $0.004445) x 730 x 2 = $36.04; 1 vCPU / 2 GB ($0.04048 + $0.00889) x 730 x 2 = $72.08: $36.04 more.
    expect(rec!.options[0]!.monthlySavings).toBe(-36.04)
    expect(rec!.currentPerformanceRisk).toBe('Medium') // 95% of the CPU, over the 80% limit
    expect(rec!.estimatedMonthlySavings).toBe(0)
  })

  it('an EC2-backed service gets container reservations, split as the containers split the task’s today, and no price', () => {
    const containers = JSON.stringify([
      { name: 'web', cpu: 768, memory: 0, memoryReservation: 1536 },
      { name: 'envoy', cpu: 256, memory: 0, memoryReservation: 512 },
    ])
    const [rec] = run(service({ launchType: 'EC2', taskCpuUnits: 1024, taskMemoryMiB: 2048, desiredCount: 4, containers }, 30, 40, 4))
    // CPU: 30% of 1,024 = 307.2 / 0.8 = 384 units; memory: 40% of 2,048 = 819.2 MiB / 0.8 = 1,024 MiB.
    expect(rec!.finding).toBe('Overprovisioned')
    expect(rec!.options[0]!.change).toEqual({ cpuUnits: 384, memoryReservationMiB: 1024 })
    expect(rec!.options[0]!.monthlyCost).toBeNull()
    expect('monthlyCost' in rec!.current).toBe(false) // the instances carry the cost: not an unpriced resource
    // web had 3/4 of both: 288 units and 768 MiB; envoy 1/4: 96 and 256.
    expect(rec!.options[0]!.notes).toContain('web: cpu 288, memoryReservation 768 MiB (now cpu 768, memoryReservation 1536 MiB)')
    expect(rec!.options[0]!.notes).toContain('envoy: cpu 96, memoryReservation 256 MiB (now cpu 256, memoryReservation 512 MiB)')
    // 4 tasks free (1,024 - 384) x 4 = 2,560 CPU units and (2,048 - 1,024) x 4 = 4,096 MiB of the cluster's instances.
    expect(rec!.options[0]!.notes[0]).toMatch(/reserve 2560 CPU units and 4096 MiB less of the cluster’s instances/)
  })

  it('too little data, no task size, Windows on Fargate: said, not sized', () => {
    expect(run(service(fargate(1024, 4096), 15, 25, 3, 200))[0]!.finding).toBe('InsufficientData') // 200 x 5 min = 16.7 h < 24 h
    expect(run(service(fargate(0, 0), 15, 25, 3))[0]!.reasons).toEqual(['EcsTaskSizeUnknown'])
    const [w] = run(service(fargate(1024, 4096, { os: 'WINDOWS_SERVER_2022_CORE' }), 15, 25, 3))
    expect([w!.finding, w!.check]).toEqual(['Flagged', 'windows'])
  })

  it('memory unmeasured: the task keeps its memory (a task over its memory is stopped) and the result says it is memory-blind', () => {
    const [rec] = run(service(fargate(1024, 4096), 15, null, 3))
    expect(rec!.memoryBlind).toBe(true)
    expect(rec!.options.every((o) => o.change.memoryMiB === 4096)).toBe(true)
  })

  it('property: every Fargate option is a valid pair that holds the need, and the first is the cheapest such pair', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FARGATE_SIZES),
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        (size, cpu, mem) => {
          const [rec] = run(service(fargate(size.cpuUnits, size.memoryMiB), cpu, mem, 2, 400))
          const needCpu = ((cpu / 100) * size.cpuUnits) / 0.8
          const needMem = ((mem / 100) * size.memoryMiB) / 0.8
          const same = rec!.options.filter((o) => o.change.architecture === undefined)
          for (const o of same) {
            expect(isFargateSize({ cpuUnits: Number(o.change.cpuUnits), memoryMiB: Number(o.change.memoryMiB) })).toBe(true)
            expect(Number(o.change.cpuUnits)).toBeGreaterThanOrEqual(needCpu - 1e-6)
            expect(Number(o.change.memoryMiB)).toBeGreaterThanOrEqual(needMem - 1e-6)
          }
          const fits = FARGATE_SIZES.filter((s) => s.cpuUnits >= needCpu - 1e-6 && s.memoryMiB >= needMem - 1e-6)
          const cheapest = Math.min(...fits.map((s) => taskHourUsd(s, 'x86_64', services.fargate)))
          if (same[0]) expect(same[0].monthlyCost).toBe(Math.round(cheapest * 730 * 2 * 100) / 100)
          else if (fits.length) expect(rec!.finding).toBe('Optimized')
        },
      ),
      { numRuns: 200 },
    )
  })
})
