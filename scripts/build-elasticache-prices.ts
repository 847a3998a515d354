/**
 * Builds data/pricing/elasticache-us-east-1-from-infracost-golden.csv from ../shared/data/aws-pricing-reference/
 * infracost_elasticache_cluster_test.golden (infracost, Apache-2.0; NOTICE): on-demand node-hour prices = monthly cost /
 * hours of each "ElastiCache (on-demand, cache.X)" line. Reserved lines are skipped. Run:
 * npx tsx scripts/build-elasticache-prices.ts [SHARED_DATA_DIR] [OUT_FILE]
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const shared = resolve(process.argv[2] ?? join(import.meta.dirname, '../../shared/data'))
const out = resolve(process.argv[3] ?? join(import.meta.dirname, '../data/pricing/elasticache-us-east-1-from-infracost-golden.csv'))
const golden = 'infracost_elasticache_cluster_test.golden'
const text = readFileSync(join(shared, 'aws-pricing-reference', golden), 'utf8')
const prices = new Map<string, { hourly: number; line: string }>()
for (const line of text.split('\n')) {
  const m = /ElastiCache \(on-demand, (cache\.[a-z0-9.]+)\)\s+([\d,]+)\s+hours\s+\$([\d,.]+)/.exec(line)
  if (!m) continue
  const hours = Number(m[2]!.replace(/,/g, ''))
  const cost = Number(m[3]!.replace(/,/g, ''))
  const hourly = Math.round((cost / hours) * 10_000) / 10_000
  const prev = prices.get(m[1]!)
  if (prev && prev.hourly !== hourly) throw new Error(`${m[1]}: two different prices in ${golden} (${prev.hourly}, ${hourly})`)
  prices.set(m[1]!, { hourly, line: `${hours} hours, $${m[3]}` })
}
const rows = [...prices.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([node, p]) => `${node},${p.hourly},${golden},"${p.line}"`)
writeFileSync(out, ['node_type,usd_per_hour,golden_file,golden_line', ...rows].join('\n') + '\n')
console.log(`wrote ${out}: ${rows.length} node types`)
