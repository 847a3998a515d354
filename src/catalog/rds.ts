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
  /**
   * On-demand USD per hour, or undefined where the bundled data has no price. RDS prices depend on the engine and its
   * licence model (license-included SQL Server and Oracle carry the licence), so a price is only ever the one for that
   * engine and licence: never another engine's.
   */
  hourlyUsd(engine: string, className: string, multiAz: boolean, licenseModel?: string): number | undefined
}

/** The classes of data/catalog/rds.json; the only RDS on-demand prices in the bundled data (infracost goldens) are MySQL db.t3.large's. */
export function rdsCatalog(classes: readonly RdsClass[], t: PriceTable): RdsCatalog {
  const t3 = { single: t.unit('RDS', 'MySQL db.t3.large Single-AZ on-demand'), multi: t.unit('RDS', 'MySQL db.t3.large Multi-AZ on-demand') }
  return {
    classes,
    hourlyUsd: (engine, className, multiAz, licenseModel) =>
      engine.toLowerCase() !== 'mysql' || className !== 'db.t3.large' || (licenseModel && licenseModel !== 'general-public-license')
        ? undefined
        : multiAz
          ? t3.multi
          : t3.single,
  }
}

/**
 * Engines that run on Graviton (db.*g*) classes: RDS for MySQL, MariaDB and PostgreSQL, and Aurora. RDS for Oracle,
 * SQL Server and Db2 list no Graviton class ("Supported DB engines for DB instance classes", RDS User Guide,
 * Concepts.DBInstanceClass.Support).
 */
const GRAVITON_ENGINES = new Set(['mysql', 'mariadb', 'postgres', 'aurora', 'aurora-mysql', 'aurora-postgresql'])

/**
 * Why `className` cannot run `engine`, or undefined when it can as far as the class family tells. Graviton classes run
 * only GRAVITON_ENGINES; the preconfigured db.r5/db.r5b/db.r7i `.tpcN.memNx` classes are RDS for Oracle's alone
 * (RDS User Guide, Oracle.Concepts.InstanceClasses). An unknown engine ('') rules nothing out. Version-level limits
 * (DescribeOrderableDBInstanceOptions) are finer than this and not in the bundled data.
 */
export function rdsClassUnsupported(engine: string, className: string): string | undefined {
  const e = engine.toLowerCase()
  if (!e) return undefined
  if (rdsFamily(className).graviton && !GRAVITON_ENGINES.has(e)) return `${engine} does not run on Graviton classes (MySQL, MariaDB, PostgreSQL and Aurora do)`
  if (/\.tpc\d/.test(className) && !e.startsWith('oracle') && !e.startsWith('custom-oracle'))
    return `${className} is a preconfigured class of RDS for Oracle only`
  return undefined
}

/** m5 -> { series: 'm', generation: 5, graviton: false }; r6g -> graviton. */
export function rdsFamily(name: string): { series: string; generation: number; graviton: boolean; burstable: boolean } {
  const fam = name.replace(/^db\./, '').split('.')[0] ?? ''
  const m = /^([a-z]+)(\d+)([a-z]*)/.exec(fam)
  return { series: m?.[1] ?? fam, generation: Number(m?.[2] ?? 0), graviton: (m?.[3] ?? '').includes('g'), burstable: (m?.[1] ?? '') === 't' }
}
