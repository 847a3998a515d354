import { parseCsvLine } from '../core/csv.js'

/** us-east-1 unit prices back-computed from infracost goldens (Apache-2.0; NOTICE), one row per priced item. */
export const PRICES_FILE = 'data/pricing/unit-prices-us-east-1-from-infracost-goldens.csv'
export const PRICES_SOURCE = `infracost goldens (us-east-1, 2024-07 and 2026-05), ${PRICES_FILE}`
/**
 * Prices read from published pages, one row each with its source, the date it was read and how far it is verified
 * (columns service, item, unit, unit_price_usd, source, read_on, status).
 */
export const PUBLISHED_PRICES_FILE = 'data/pricing/published-prices-us-east-1.csv'

export interface PublishedPrice {
  usd: number
  unit: string
  source: string
  readOn: string
  status: string
}

/** A price table as read: look a row up by service and item; a missing row is a packaging bug and says which file. */
export interface PriceTable {
  unit(service: string, item: string): number
  published(service: string, item: string): PublishedPrice
}

/** Both price tables from their CSV text (columns as above); no file access here (catalog/load.ts reads the files). */
export function priceTable(unitCsv: string, publishedCsv: string): PriceTable {
  const rows = (csv: string) => csv.trim().split('\n').slice(1).map(parseCsvLine)
  const unit = rows(unitCsv)
  const published = rows(publishedCsv)
  return {
    unit(service, item) {
      const r = unit.find((x) => x[0] === service && x[1] === item)
      if (!r) throw new Error(`${service} price '${item}' missing from ${PRICES_FILE}`)
      return Number(r[3])
    },
    published(service, item) {
      const r = published.find((x) => x[0] === service && x[1] === item)
      if (!r) throw new Error(`${service} price '${item}' missing from ${PUBLISHED_PRICES_FILE}`)
      return { usd: Number(r[3]), unit: r[2]!, source: r[4]!, readOn: r[5]!, status: r[6]! }
    },
  }
}
