import { queryCatalog, type CatalogFilter } from '../catalog/catalog.js'
import { loadCatalog } from '../catalog/load.js'
import type { Effects } from '../core/effects.js'
import { table } from '../reporters/format.js'

export function runCatalog(filter: CatalogFilter, o: { json: boolean; limit: number; overlay: string }, effects: Effects): void {
  const catalog = loadCatalog([o.overlay])
  const rows = queryCatalog(catalog, filter)
  if (o.json) {
    effects.stdout.write(
      JSON.stringify(
        rows.map((r) => ({ ...r.type, regions: undefined, region: filter.region, pricePerHour: r.pricePerHour ?? null, monthly: r.monthly ?? null })),
        null,
        2,
      ) + '\n',
    )
    return
  }
  if (rows.length === 0) {
    effects.stdout.write(`no instance types in ${filter.region} match these filters\n`)
    return
  }
  const shown = rows.slice(0, o.limit)
  effects.stdout.write(
    table(
      [
        ['TYPE', 'VCPU', 'MEM GiB', 'ARCH', 'NET Gbps (base/peak)', 'EBS MB/s', 'BURST', '$/HOUR', '$/MONTH'],
        ...shown.map((r) => [
          r.type.name,
          String(r.type.vcpus),
          String(r.type.memoryGiB),
          r.type.architectures.filter((a) => a === 'x86_64' || a === 'arm64').join(','),
          `${r.type.networkBaselineGbps ?? '?'}/${r.type.networkPeakGbps ?? '?'}`,
          r.type.ebsBaselineMbps === null ? '?' : String(Math.round(r.type.ebsBaselineMbps / 8)),
          r.type.burstBaselinePct === null ? '' : `${r.type.burstBaselinePct}%`,
          r.pricePerHour === undefined ? 'n/a' : r.pricePerHour.toFixed(4),
          r.monthly === undefined ? 'n/a' : r.monthly.toFixed(2),
        ]),
      ],
      ['l', 'r', 'r', 'l', 'r', 'r', 'r', 'r', 'r'],
    ) + '\n',
  )
  effects.stderr.write(
    `${shown.length} of ${rows.length} types in ${filter.region}, cheapest first${rows.length > shown.length ? ` (--limit ${rows.length} for all)` : ''}. Prices: on-demand Linux, shared tenancy; n/a = not in the catalog.\n`,
  )
}
