import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { unitPrice } from './unit-prices.js'

/** RDS DB instance classes (data/catalog/rds.json, generated from ManageIQ; vCPUs and memory, no prices). */
export interface RdsClass {
  name: string
  vcpus: number
  memoryGiB: number
  family: string
  deprecated: boolean
}

let cached: RdsClass[] | undefined
export function rdsClasses(): RdsClass[] {
  cached ??= (JSON.parse(readFileSync(fileURLToPath(new URL('../../data/catalog/rds.json', import.meta.url)), 'utf8')) as { classes: RdsClass[] }).classes
  return cached
}

/** The only RDS on-demand prices in the bundled data (infracost goldens): MySQL db.t3.large. Others are unknown. */
export function rdsHourlyUsd(engine: string, className: string, multiAz: boolean): number | undefined {
  if (engine.toLowerCase() !== 'mysql' || className !== 'db.t3.large') return undefined
  return unitPrice('RDS', `MySQL db.t3.large ${multiAz ? 'Multi-AZ' : 'Single-AZ'} on-demand`)
}

/** m5 -> { series: 'm', generation: 5, graviton: false }; r6g -> graviton. */
export function rdsFamily(name: string): { series: string; generation: number; graviton: boolean; burstable: boolean } {
  const fam = name.replace(/^db\./, '').split('.')[0] ?? ''
  const m = /^([a-z]+)(\d+)([a-z]*)/.exec(fam)
  return { series: m?.[1] ?? fam, generation: Number(m?.[2] ?? 0), graviton: (m?.[3] ?? '').includes('g'), burstable: (m?.[1] ?? '') === 't' }
}
