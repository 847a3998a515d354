// npm run bench [-- --instances N] : generate a fleet (N instances x 14 days x 5 min x CPU, memory, network) as
// Parquet, import it into a fresh workspace and analyze it with the built headroom, and time a bare DuckDB
// quantile query over the same file as the floor. Prints samples/s, wall times and peak RSS.
// Plain JS over dist/ so it measures what users run. Timings are of this machine at this moment: run twice.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { cpus, totalmem } from 'node:os'
import { DuckDBInstance } from '@duckdb/node-api'
import { writeFleetManifest, writeFleetParquet } from './bench-fleet.mjs'
import { DuckDbStore } from '../dist/store/duckdb/store.js'
import { importFiles } from '../dist/store/duckdb/import-files.js'
import { loadCatalog, loadServiceCatalogs } from '../dist/catalog/load.js'
import { runAnalysis } from '../dist/analyzers/run.js'
import { QUANTILE_LEVELS } from '../dist/store/types.js'

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}
const N = arg('instances', 10_000)
const DAYS = 14
const out = join(import.meta.dirname, '..', 'bench-out')
// --reuse keeps a fleet generated earlier with the same --instances (generation takes ~25 s at N = 10,000).
const reuse = process.argv.includes('--reuse') && existsSync(join(out, `fleet-${N}.parquet`))
if (!reuse) rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
rmSync(join(out, 'ws'), { recursive: true, force: true })
const parquet = join(out, `fleet-${N}.parquet`)
const manifest = join(out, 'resources.json')
const ws = join(out, 'ws')
let peakRss = 0
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss))
const timer = setInterval(sampleRss, 50)
const secs = (t) => ((performance.now() - t) / 1000).toFixed(2)

// 1. Generate (not timed as part of headroom): a daily cycle per instance plus hashed noise, deterministic.
let t = performance.now()
if (!reuse) await writeFleetParquet(parquet, N, DAYS)
writeFleetManifest(manifest, N)
const rows = N * DAYS * 288 * 3
console.log(
  `${reuse ? 'reused' : 'generated'} ${rows.toLocaleString('en-US')} samples for ${N} instances (${(statSync(parquet).size / 1e6).toFixed(0)} MB Parquet) in ${secs(t)} s`,
)

// 2. Bare DuckDB floor: the same quantiles straight off the Parquet file, nothing else.
t = performance.now()
{
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  const r = await c.runAndReadAll(`SELECT resource_id, metric, count(*) n, avg(value), max(value), quantile_cont(value, [${QUANTILE_LEVELS.join(', ')}]) q
    FROM read_parquet('${parquet}') GROUP BY ALL`)
  r.getRowObjectsJson()
  c.closeSync()
  db.closeSync()
}
const bare = (performance.now() - t) / 1000
sampleRss()
console.log(`bare DuckDB quantile query over the Parquet file: ${bare.toFixed(2)} s`)

// 3. headroom: import (validate + transactional merge) and analyze (usage SQL + analyzers).
const t0 = performance.now()
const store = await DuckDbStore.open(ws)
const imp = await importFiles(store, [manifest, parquet])
const importS = (performance.now() - t0) / 1000
sampleRss()
const t1 = performance.now()
const usage = await store.usage({ lookbackDays: 14 })
const usageS = (performance.now() - t1) / 1000
const t2 = performance.now()
const report = runAnalysis(usage, loadCatalog(), { services: loadServiceCatalogs(), lookbackDays: 14, now: Date.now(), version: 'bench' })
const analyzersS = (performance.now() - t2) / 1000
const analyzeS = usageS + analyzersS
sampleRss()
store.close()
clearInterval(timer)
const total = importS + analyzeS
const maxRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024)
console.log(`headroom import: ${importS.toFixed(2)} s (${Math.round(imp.merge.rowsAdded / importS).toLocaleString('en-US')} samples/s)`)
console.log(
  `headroom analyze: ${analyzeS.toFixed(2)} s (usage SQL ${usageS.toFixed(2)} s + analyzers ${analyzersS.toFixed(2)} s, ${report.recommendations.length} recommendations)`,
)
console.log(`import + analyze: ${total.toFixed(2)} s (${Math.round(rows / total).toLocaleString('en-US')} samples/s); goal <= 30 s for N = 10,000`)
console.log(`analyze / bare query: ${(analyzeS / bare).toFixed(2)}x; goal <= 2x`)
console.log(`peak RSS: ${(maxRss / 2 ** 30).toFixed(2)} GiB; goal <= 3 GB`)
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`)
