import type { PriceTable, PublishedPrice } from './unit-prices.js'

/**
 * Fargate task sizes and prices. Valid task CPU/memory pairs (ECS task definition reference, `memory`; the same table
 * in the SDK's RegisterTaskDefinition docs): 256 CPU units with 512, 1024 or 2048 MiB; 512 with 1-4 GiB; 1024 with
 * 2-8 GiB; 2048 with 4-16 GiB and 4096 with 8-30 GiB in 1-GiB steps; 8192 with 16-60 GiB in 4-GiB steps and 16384
 * with 32-120 GiB in 8-GiB steps (those two need Linux platform 1.4.0). 1,024 CPU units are one vCPU.
 */
export interface FargateSize {
  cpuUnits: number
  memoryMiB: number
}

const range = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step)
const GIB = 1024
const PAIRS: [cpu: number, memoryMiB: number[]][] = [
  [256, [512, 1024, 2048]],
  [512, range(1 * GIB, 4 * GIB, GIB)],
  [1024, range(2 * GIB, 8 * GIB, GIB)],
  [2048, range(4 * GIB, 16 * GIB, GIB)],
  [4096, range(8 * GIB, 30 * GIB, GIB)],
  [8192, range(16 * GIB, 60 * GIB, 4 * GIB)],
  [16384, range(32 * GIB, 120 * GIB, 8 * GIB)],
]
export const FARGATE_SIZES: readonly FargateSize[] = PAIRS.flatMap(([cpuUnits, mem]) => mem.map((memoryMiB) => ({ cpuUnits, memoryMiB })))

export const isFargateSize = (s: FargateSize) => FARGATE_SIZES.some((x) => x.cpuUnits === s.cpuUnits && x.memoryMiB === s.memoryMiB)

export type FargateArch = 'x86_64' | 'arm64'

/** Linux on-demand prices per vCPU-hour and per GB-hour (GB = 1,024 MiB as Fargate bills task memory), by architecture. */
export interface FargatePrices {
  vcpuHour: Record<FargateArch, number>
  gbHour: Record<FargateArch, number>
  sources: PublishedPrice[]
}

export function fargatePrices(t: PriceTable): FargatePrices {
  const p = (item: string) => t.published('Fargate', item)
  const rows = [p('Linux x86_64 per vCPU-hour'), p('Linux x86_64 per GB-hour'), p('Linux arm64 per vCPU-hour'), p('Linux arm64 per GB-hour')]
  return { vcpuHour: { x86_64: rows[0]!.usd, arm64: rows[2]!.usd }, gbHour: { x86_64: rows[1]!.usd, arm64: rows[3]!.usd }, sources: rows }
}

/** USD per task-hour: vCPUs x the vCPU price + GB x the GB price. */
export const taskHourUsd = (s: FargateSize, arch: FargateArch, p: FargatePrices) =>
  (s.cpuUnits / 1024) * p.vcpuHour[arch] + (s.memoryMiB / 1024) * p.gbHour[arch]
