import type { CatalogFile, CatalogSource, InstanceType } from './types.js'

/** Hours in a month as AWS prices monthly figures (Pricing Calculator: 730 h). */
export const HOURS_PER_MONTH = 730

/** The in-memory catalog analyzers read. Pure data + lookups; loading is in load.ts. */
export interface Catalog {
  readonly sources: readonly CatalogSource[]
  readonly types: readonly InstanceType[]
  get(name: string): InstanceType | undefined
  /** Hourly on-demand USD price in `region`, or undefined when the catalog has none. */
  priceUsd(name: string, region: string): number | undefined
  offeredIn(type: InstanceType, region: string): boolean
}

export function buildCatalog(files: readonly CatalogFile[]): Catalog {
  const byName = new Map<string, InstanceType>()
  const sources: CatalogSource[] = []
  // Later files (e.g. a workspace refresh from the live APIs) override earlier ones type by type,
  // and their prices merge region by region so a partial refresh never drops known prices.
  for (const file of files) {
    sources.push(...file.sources)
    for (const t of file.types) {
      const regions = t.regions.map((i) => file.regions[i]).filter((r): r is string => r !== undefined)
      const prev = byName.get(t.name)
      byName.set(t.name, {
        ...t,
        regions: prev ? [...new Set([...prev.regions, ...regions])].sort() : regions,
        pricePerHour: { ...(prev?.pricePerHour ?? {}), ...t.pricePerHour },
      })
    }
  }
  const types = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name))
  return {
    sources,
    types,
    get: (name) => byName.get(name),
    priceUsd(name, region) {
      const p = byName.get(name)?.pricePerHour[region]
      return p && p.currency === 'USD' ? p.amount : undefined
    },
    offeredIn(type, region) {
      // The offerings snapshot covers 30 commercial regions; GovCloud and China are known only by price.
      return type.regions.includes(region) || type.pricePerHour[region] !== undefined
    },
  }
}

export interface CatalogFilter {
  minVcpus?: number
  maxVcpus?: number
  minMemoryGiB?: number
  maxMemoryGiB?: number
  arch?: string
  family?: string
  maxPricePerHour?: number
  region: string
  currentGenerationOnly?: boolean
  burstable?: boolean
}

export interface CatalogRow {
  type: InstanceType
  pricePerHour: number | undefined
  monthly: number | undefined
}

/** `headroom catalog`: types matching the filter, offered in the region, cheapest first (unpriced last). */
export function queryCatalog(catalog: Catalog, f: CatalogFilter): CatalogRow[] {
  const families = f.family
    ?.split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
  const rows: CatalogRow[] = []
  for (const t of catalog.types) {
    if (!catalog.offeredIn(t, f.region)) continue
    if (f.minVcpus !== undefined && t.vcpus < f.minVcpus) continue
    if (f.maxVcpus !== undefined && t.vcpus > f.maxVcpus) continue
    if (f.minMemoryGiB !== undefined && t.memoryGiB < f.minMemoryGiB) continue
    if (f.maxMemoryGiB !== undefined && t.memoryGiB > f.maxMemoryGiB) continue
    if (f.arch !== undefined && !t.architectures.includes(f.arch)) continue
    if (families && !families.some((fam) => matchesFamily(t, fam))) continue
    if (f.currentGenerationOnly && !t.currentGeneration) continue
    if (f.burstable !== undefined && t.burstable !== f.burstable) continue
    const price = catalog.priceUsd(t.name, f.region)
    if (f.maxPricePerHour !== undefined && (price === undefined || price > f.maxPricePerHour)) continue
    rows.push({ type: t, pricePerHour: price, monthly: price === undefined ? undefined : price * HOURS_PER_MONTH })
  }
  return rows.sort(
    (a, b) => (a.pricePerHour ?? Infinity) - (b.pricePerHour ?? Infinity) || a.type.vcpus - b.type.vcpus || a.type.name.localeCompare(b.type.name),
  )
}

/** `m7g` matches the family exactly; `m*` or `m` matches every family starting with that letter run. */
function matchesFamily(t: InstanceType, pattern: string): boolean {
  if (pattern.endsWith('*')) return t.family.startsWith(pattern.slice(0, -1))
  return t.family === pattern
}
