import type { Catalog } from '../catalog/catalog.js'
import type { FileImportOptions } from '../store/duckdb/import-files.js'

/** Import options that check a manifest's EC2 instance types against the catalog, with a did-you-mean from the family. */
export function catalogChecks(catalog: Catalog): Pick<FileImportOptions, 'checkInstanceType'> {
  return {
    checkInstanceType(kind, type) {
      if (kind !== 'ec2-instance' || catalog.get(type)) return undefined
      const family = type.split('.')[0] ?? ''
      const near = catalog.types
        .filter((t) => t.family === family)
        .slice(0, 4)
        .map((t) => t.name)
      return `unknown EC2 instance type '${type}'${near.length ? ` (${family} has ${near.join(', ')}, ...)` : ''}`
    },
  }
}
