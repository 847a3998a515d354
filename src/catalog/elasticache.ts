import { parseCsvLine } from '../core/csv.js'
import type { Catalog } from './catalog.js'
import type { InstanceType } from './types.js'

/**
 * ElastiCache node types. The sizes ElastiCache offers per family are those the ElastiCache API reference lists under
 * CacheNode (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CacheNode.html, read 2026-11-23);
 * vCPUs and network baseline come from the EC2 catalog entry of the same name without "cache." (ElastiCache's own
 * per-node bandwidth table matches EC2's, e.g. cache.m6g.large 0.75 / 10 Gbps). Memory is NOT EC2's: ElastiCache
 * reserves part of each node, so only ratios within a family are used (see docs/analyzers/elasticache.md).
 */
const CACHE_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  m7g: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  m6g: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  m5: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  m4: ['large', 'xlarge', '2xlarge', '4xlarge', '10xlarge'],
  r7g: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  r6g: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  r5: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  r4: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '16xlarge'],
  t4g: ['micro', 'small', 'medium'],
  t3: ['micro', 'small', 'medium'],
  t2: ['micro', 'small', 'medium'],
}

export interface CacheNodeType {
  name: string
  family: string
  vcpus: number
  /** EC2 memory of the same-named instance: use for ratios within a family only. */
  ec2MemoryGiB: number
  networkBaselineGbps: number | null
  burstable: boolean
}

/** The node type's family sizes (smallest first) with specs from the EC2 catalog; undefined when not an ElastiCache type. */
export function cacheFamily(catalog: Catalog, nodeType: string): CacheNodeType[] | undefined {
  const m = /^cache\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(nodeType)
  const sizes = m ? CACHE_FAMILIES[m[1]!] : undefined
  if (!m || !sizes?.includes(m[2]!)) return undefined
  const out: CacheNodeType[] = []
  for (const size of sizes) {
    const t: InstanceType | undefined = catalog.get(`${m[1]}.${size}`)
    if (t)
      out.push({
        name: `cache.${m[1]}.${size}`,
        family: m[1]!,
        vcpus: t.vcpus,
        ec2MemoryGiB: t.memoryGiB,
        networkBaselineGbps: t.networkBaselineGbps,
        burstable: t.burstable,
      })
  }
  return out.some((x) => x.name === nodeType) ? out : undefined
}

export interface ElastiCachePrices {
  /** On-demand USD per node-hour where the bundled data has it; else undefined (us-east-1 only). */
  hourlyUsd(nodeType: string, region: string): number | undefined
}

/** From data/pricing/elasticache-us-east-1-from-infracost-golden.csv's text (scripts/build-elasticache-prices.ts). */
export function elastiCachePrices(csv: string): ElastiCachePrices {
  const prices = new Map(
    csv
      .trim()
      .split('\n')
      .slice(1)
      .map(parseCsvLine)
      .map((r) => [r[0]!, Number(r[1])]),
  )
  return { hourlyUsd: (nodeType, region) => (region === 'us-east-1' ? prices.get(nodeType) : undefined) }
}

/** One ElastiCache node type as an AWS Price List file prices it (src/sources/file/price-list.ts). */
export interface CacheNodeOffer {
  nodeType: string
  /** Lower-case cacheEngine attribute: redis, valkey, memcached. */
  engine: string
  region: string
  /** The Price List's memory attribute: the node's memory before the engine's reserved share. */
  memoryGiB: number
  hourlyUsd: number
}

export interface CacheNodeChoice extends CacheNodeOffer {
  /** Primary nodes (shards) whose usable memory together holds the bytes. */
  nodes: number
  usableGiB: number
  monthlyUsd: number
}

/**
 * The node types that hold `bytes` of cached objects, cheapest per month first: for each type of the engine and region,
 * the primary nodes needed (usable memory = memory x (1 - reservedShare), shards adding up as cluster mode spreads
 * keys over them) times its on-demand price. Ties go to fewer nodes, then the smaller type.
 */
export function nodesFor(
  bytes: number,
  offers: readonly CacheNodeOffer[],
  o: { engine: string; region: string; reservedShare: number; hoursPerMonth: number },
): CacheNodeChoice[] {
  return offers
    .filter((x) => x.engine === o.engine && x.region === o.region)
    .map((x) => {
      const usableGiB = x.memoryGiB * (1 - o.reservedShare)
      const nodes = Math.max(1, Math.ceil(bytes / (usableGiB * 2 ** 30)))
      return { ...x, nodes, usableGiB, monthlyUsd: nodes * x.hourlyUsd * o.hoursPerMonth }
    })
    .sort((a, b) => a.monthlyUsd - b.monthlyUsd || a.nodes - b.nodes || a.memoryGiB - b.memoryGiB || a.nodeType.localeCompare(b.nodeType))
}
