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
