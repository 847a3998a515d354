import { existsSync, readFileSync } from 'node:fs'
import { InputError, ToolError } from '../../core/errors.js'
import type { CacheNodeOffer } from '../../catalog/elasticache.js'

/** The command that writes a file this reader takes (docs/cache.md). */
const ELASTICACHE_PRICE_LIST_COMMAND =
  'aws pricing get-products --region us-east-1 --service-code AmazonElastiCache --filters Type=TERM_MATCH,Field=productFamily,Value="Cache Instance" Type=TERM_MATCH,Field=regionCode,Value=us-east-1 > elasticache-prices.json'

interface PriceDimension {
  unit?: string
  description?: string
  pricePerUnit?: { USD?: string }
}
interface Term {
  termAttributes?: Record<string, string>
  priceDimensions?: Record<string, PriceDimension>
}
interface Product {
  productFamily?: string
  attributes?: Record<string, string>
}

/**
 * The on-demand USD per hour of one SKU's terms. AWS's offer files also carry reserved terms, whose price dimensions
 * say "reserved instance applied"; those (and any term with a lease length) are skipped, so only the on-demand hourly
 * rate is read.
 */
function onDemandHourly(terms: Record<string, Term> | undefined): number | undefined {
  for (const term of Object.values(terms ?? {})) {
    if (term.termAttributes?.LeaseContractLength) continue
    for (const d of Object.values(term.priceDimensions ?? {})) {
      const usd = Number(d.pricePerUnit?.USD)
      if (d.unit === 'Hrs' && !/reserved/i.test(d.description ?? '') && Number.isFinite(usd) && usd > 0) return usd
    }
  }
  return undefined
}

function offerOf(product: Product, terms: Record<string, Term> | undefined): CacheNodeOffer | undefined {
  const a = product.attributes ?? {}
  if (product.productFamily !== 'Cache Instance' || !a.instanceType?.startsWith('cache.')) return undefined
  const memory = /^([\d.]+)\s*GiB$/i.exec(a.memory ?? '')
  const hourlyUsd = onDemandHourly(terms)
  if (!memory || hourlyUsd === undefined || !a.regionCode || !a.cacheEngine) return undefined
  return { nodeType: a.instanceType, engine: a.cacheEngine.toLowerCase(), region: a.regionCode, memoryGiB: Number(memory[1]), hourlyUsd }
}

/**
 * ElastiCache node types with their memory and on-demand price, from an AWS Price List file: either what
 * `aws pricing get-products --service-code AmazonElastiCache` prints (`PriceList`: one JSON document per product), or
 * the bulk offer file (`products` and `terms.OnDemand` keyed by SKU). Both carry, per product, the attributes
 * `instanceType`, `memory` ("13.07 GiB": what ElastiCache gives the engine, before its reserved memory), `cacheEngine`
 * and `regionCode` (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html).
 * headroom bundles no ElastiCache memory table: the file is the user's, fetched for the region and date they price.
 */
export function readElastiCacheOffers(path: string): CacheNodeOffer[] {
  if (!existsSync(path)) throw new ToolError('USAGE', `cannot read ${path}: no such file`, { hint: `Write one with: ${ELASTICACHE_PRICE_LIST_COMMAND}` })
  let doc: unknown
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new InputError({ file: path }, `not JSON (${(err as Error).message})`, `Pass the output of: ${ELASTICACHE_PRICE_LIST_COMMAND}`)
  }
  const offers: CacheNodeOffer[] = []
  const d = doc as { PriceList?: unknown[]; products?: Record<string, Product>; terms?: { OnDemand?: Record<string, Record<string, Term>> } }
  if (Array.isArray(d.PriceList)) {
    for (const [k, raw] of d.PriceList.entries()) {
      let item: { product?: Product; terms?: { OnDemand?: Record<string, Term> } }
      try {
        item = (typeof raw === 'string' ? JSON.parse(raw) : raw) as typeof item
      } catch (err) {
        throw new InputError(
          { file: path, column: `PriceList[${k}]` },
          `not a JSON price list item (${(err as Error).message})`,
          'Pass the file as the AWS CLI wrote it.',
        )
      }
      const o = item.product && offerOf(item.product, item.terms?.OnDemand)
      if (o) offers.push(o)
    }
  } else if (d.products && typeof d.products === 'object') {
    for (const [sku, product] of Object.entries(d.products)) {
      const o = offerOf(product, d.terms?.OnDemand?.[sku])
      if (o) offers.push(o)
    }
  } else {
    throw new InputError(
      { file: path },
      'has neither a PriceList array (aws pricing get-products) nor products and terms (a bulk offer file)',
      `Write one with: ${ELASTICACHE_PRICE_LIST_COMMAND}`,
    )
  }
  if (!offers.length)
    throw new InputError(
      { file: path },
      'holds no ElastiCache node with a memory size and an on-demand hourly price (productFamily "Cache Instance")',
      `Query the AmazonElastiCache service code: ${ELASTICACHE_PRICE_LIST_COMMAND}`,
    )
  return offers
}
