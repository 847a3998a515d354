import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseCsvLine } from '../core/csv.js'

/** us-east-1 unit prices back-computed from infracost goldens (Apache-2.0; NOTICE), one row per priced item. */
export const PRICES_PATH = fileURLToPath(new URL('../../data/pricing/unit-prices-us-east-1-from-infracost-goldens.csv', import.meta.url))
export const PRICES_SOURCE = 'infracost goldens (us-east-1, 2024-07 and 2026-05), data/pricing/unit-prices-us-east-1-from-infracost-goldens.csv'

let rows: string[][] | undefined

/** The price of `item` of `service` (columns service, item, unit, unit_price_usd); a missing row is a packaging bug. */
export function unitPrice(service: string, item: string): number {
  rows ??= readFileSync(PRICES_PATH, 'utf8').trim().split('\n').slice(1).map(parseCsvLine)
  const r = rows.find((x) => x[0] === service && x[1] === item)
  if (!r) throw new Error(`${service} price '${item}' missing from ${PRICES_PATH}`)
  return Number(r[3])
}

/**
 * Prices read from published pages, one row each with its source, the date it was read and how far it is verified
 * (data/pricing/published-prices-us-east-1.csv; columns service, item, unit, unit_price_usd, source, read_on, status).
 */
export const PUBLISHED_PRICES_PATH = fileURLToPath(new URL('../../data/pricing/published-prices-us-east-1.csv', import.meta.url))
export interface PublishedPrice { usd: number; unit: string; source: string; readOn: string; status: string }
let published: string[][] | undefined
export function publishedPrice(service: string, item: string): PublishedPrice {
  published ??= readFileSync(PUBLISHED_PRICES_PATH, 'utf8').trim().split('\n').slice(1).map(parseCsvLine)
  const r = published.find((x) => x[0] === service && x[1] === item)
  if (!r) throw new Error(`${service} price '${item}' missing from ${PUBLISHED_PRICES_PATH}`)
  return { usd: Number(r[3]), unit: r[2]!, source: r[4]!, readOn: r[5]!, status: r[6]! }
}
