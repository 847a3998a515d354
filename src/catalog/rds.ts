import type { PriceTable } from './unit-prices.js'

/** RDS DB instance classes (data/catalog/rds.json, generated from ManageIQ; vCPUs and memory, no prices). */
export interface RdsClass {
  name: string
  vcpus: number
  memoryGiB: number
  family: string
  deprecated: boolean
}

/** The RDS classes and what is known of their prices. */
export interface RdsCatalog {
  classes: readonly RdsClass[]
  /** On-demand USD per hour, or undefined where the bundled data has no price. */
  hourlyUsd(engine: string, className: string, multiAz: boolean): number | undefined
}

/** The classes of data/catalog/rds.json; the only RDS on-demand prices in the bundled data (infracost goldens) are MySQL db.t3.large's. */
export function rdsCatalog(classes: readonly RdsClass[], t: PriceTable): RdsCatalog {
  const t3 = { single: t.unit('RDS', 'MySQL db.t3.large Single-AZ on-demand'), multi: t.unit('RDS', 'MySQL db.t3.large Multi-AZ on-demand') }
  return {
    classes,
    hourlyUsd: (engine, className, multiAz) => (engine.toLowerCase() !== 'mysql' || className !== 'db.t3.large' ? undefined : multiAz ? t3.multi : t3.single),
  }
}

/** m5 -> { series: 'm', generation: 5, graviton: false }; r6g -> graviton. */
export function rdsFamily(name: string): { series: string; generation: number; graviton: boolean; burstable: boolean } {
  const fam = name.replace(/^db\./, '').split('.')[0] ?? ''
  const m = /^([a-z]+)(\d+)([a-z]*)/.exec(fam)
  return { series: m?.[1] ?? fam, generation: Number(m?.[2] ?? 0), graviton: (m?.[3] ?? '').includes('g'), burstable: (m?.[1] ?? '') === 't' }
}
