import { PRICES_SOURCE, type PriceTable } from './unit-prices.js'

/**
 * EBS volume types: what each delivers for a size and provisioned settings, and what it costs in us-east-1.
 * Limits: aws-facts.md §5 (EC2 User Guide volume-type pages @e3707c4, and botocore CreateVolume docs @0e6e240 for
 * the 2026 gp3 maxima of 80,000 IOPS and 2,000 MiB/s, above the 16,000 / 1,000 of older docs).
 * Prices: data/pricing/unit-prices-us-east-1-from-infracost-goldens.csv (infracost goldens, Apache-2.0, 2024-07).
 */
export type VolumeType = 'gp2' | 'gp3' | 'io1' | 'io2' | 'st1' | 'sc1' | 'standard'
export const VOLUME_TYPES: readonly VolumeType[] = ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard']

export interface VolumeSpec {
  type: VolumeType
  sizeGiB: number
  /** Provisioned IOPS (gp3, io1, io2) or undefined for the type's own rule. */
  iops?: number
  /** Provisioned throughput, MiB/s (gp3). */
  throughputMiBps?: number
}

/** Sustained performance (no burst credits): what the volume delivers all day. */
export interface VolumePerformance {
  iops: number
  throughputMiBps: number
  /** Burst ceiling (gp2 under 1 TiB, st1, sc1), for notes. */
  burstIops?: number
  burstThroughputMiBps?: number
}

const GP3 = { baseIops: 3000, baseThroughput: 125, maxIops: 80_000, maxThroughput: 2000, iopsPerGiB: 500, throughputPerIops: 0.25 }

export function performanceOf(v: VolumeSpec): VolumePerformance {
  const tib = v.sizeGiB / 1024
  switch (v.type) {
    case 'gp2': {
      const iops = Math.min(16_000, Math.max(100, 3 * v.sizeGiB))
      const tp = v.sizeGiB <= 170 ? 128 : 250 // 170-334 GiB bursts to 250 MiB/s; sustained taken as 128 below 334 GiB
      return {
        iops,
        throughputMiBps: v.sizeGiB < 334 ? 128 : tp,
        ...(v.sizeGiB < 1024 ? { burstIops: 3000 } : {}),
        ...(v.sizeGiB > 170 && v.sizeGiB < 334 ? { burstThroughputMiBps: 250 } : {}),
      }
    }
    case 'gp3':
      return { iops: v.iops ?? GP3.baseIops, throughputMiBps: v.throughputMiBps ?? GP3.baseThroughput }
    case 'io1':
      return {
        iops: v.iops ?? 100,
        throughputMiBps: Math.min(1000, (v.iops ?? 100) <= 32_000 ? Math.min(500, ((v.iops ?? 100) * 256) / 1024) : ((v.iops ?? 100) * 16) / 1024),
      }
    case 'io2':
      return { iops: v.iops ?? 100, throughputMiBps: Math.min(4000, ((v.iops ?? 100) * 256) / 1024) }
    case 'st1':
      return { iops: 500, throughputMiBps: Math.min(500, 40 * tib), burstThroughputMiBps: Math.min(500, 250 * tib) }
    case 'sc1':
      return { iops: 250, throughputMiBps: Math.min(250, 12 * tib), burstThroughputMiBps: Math.min(250, 80 * tib) }
    case 'standard':
      return { iops: 100, throughputMiBps: 40 }
  }
}

export interface EbsPrices {
  storage: Record<VolumeType, number>
  gp3IopsAbove: number
  gp3ThroughputAbove: number
  pioIops: number
  source: string
}

/** us-east-1 EBS unit prices (USD per GB-month, per IOPS-month, per MiB/s-month). */
export function ebsPrices(t: PriceTable): EbsPrices {
  const price = (item: string) => t.unit('EBS', item)
  return {
    storage: {
      gp2: price('gp2 storage'),
      gp3: price('gp3 storage'),
      io1: price('io1 storage'),
      io2: price('io2 storage'),
      st1: price('st1 storage'),
      sc1: price('sc1 storage'),
      standard: price('standard (magnetic) storage'),
    },
    gp3IopsAbove: price('gp3 provisioned IOPS above baseline'),
    gp3ThroughputAbove: price('gp3 provisioned throughput above baseline'),
    pioIops: price('io1 provisioned IOPS'),
    source: PRICES_SOURCE,
  }
}

/** Monthly USD of a volume in us-east-1. io2 above 32,000 IOPS has cheaper tiers the catalog lacks: first-tier price (an upper bound). */
export function monthlyCostOf(v: VolumeSpec, p: EbsPrices): number {
  const storage = v.sizeGiB * p.storage[v.type]
  if (v.type === 'gp3')
    return (
      storage +
      Math.max(0, (v.iops ?? GP3.baseIops) - GP3.baseIops) * p.gp3IopsAbove +
      Math.max(0, (v.throughputMiBps ?? GP3.baseThroughput) - GP3.baseThroughput) * p.gp3ThroughputAbove
    )
  if (v.type === 'io1' || v.type === 'io2') return storage + (v.iops ?? 100) * p.pioIops
  return storage
}

/** The cheapest gp3 settings that deliver `iops` and `throughput` on `sizeGiB`, or undefined past gp3's limits. */
export function gp3For(sizeGiB: number, iops: number, throughput: number): VolumeSpec | undefined {
  const tp = Math.max(GP3.baseThroughput, Math.ceil(throughput))
  // gp3 allows 0.25 MiB/s per provisioned IOPS: more throughput may need more IOPS.
  const io = Math.max(GP3.baseIops, Math.ceil(iops), Math.ceil(tp / GP3.throughputPerIops))
  if (io > GP3.maxIops || io > GP3.iopsPerGiB * sizeGiB || tp > GP3.maxThroughput) return undefined
  return { type: 'gp3', sizeGiB, iops: io, throughputMiBps: tp }
}
