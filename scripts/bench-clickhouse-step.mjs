// One step of `npm run bench:clickhouse`, in its own process so its peak RSS is headroom's alone:
//   node scripts/bench-clickhouse-step.mjs <duck-import|migrate|analyze> WORKSPACE PARQUET MANIFEST [STORE_URL]
// Prints one JSON line: seconds, rows, recommendations, a hash of the report's recommendations, peak RSS (bytes).
import { createHash } from 'node:crypto'
import { DuckDbStore } from '../dist/store/duckdb/store.js'
import { importFiles } from '../dist/store/duckdb/import-files.js'
import { ClickHouseStore } from '../dist/store/clickhouse/store.js'
import { copyWorkspace } from '../dist/store/clickhouse/copy.js'
import { parseStoreUrl } from '../dist/store/clickhouse/url.js'
import { loadCatalog, loadServiceCatalogs } from '../dist/catalog/load.js'
import { runAnalysis } from '../dist/analyzers/run.js'

const [step, ws, parquet, manifest, url] = process.argv.slice(2)
const t = performance.now()
const out = { step }
if (step === 'duck-import') {
  const store = await DuckDbStore.open(ws)
  const r = await importFiles(store, [manifest, parquet])
  store.close()
  out.rows = r.merge.rowsAdded
} else if (step === 'migrate') {
  const from = await DuckDbStore.open(ws, { readOnly: true })
  const to = await ClickHouseStore.open(parseStoreUrl(url))
  const r = await copyWorkspace(from, to, { source: 'bench', detail: ws })
  from.close()
  to.close()
  out.rows = r.merge.rowsAdded
} else if (step === 'analyze') {
  const store = url ? await ClickHouseStore.open(parseStoreUrl(url), { readOnly: true }) : await DuckDbStore.open(ws, { readOnly: true })
  const usage = await store.usage({ lookbackDays: 14 })
  out.usageSecs = (performance.now() - t) / 1000
  const report = runAnalysis(usage, loadCatalog(), { services: loadServiceCatalogs(), lookbackDays: 14, now: 1_800_000_000_000, version: 'bench' })
  store.close()
  out.recommendations = report.recommendations.length
  out.reportHash = createHash('sha256').update(JSON.stringify(report)).digest('hex').slice(0, 16)
} else throw new Error(`unknown step ${step}`)
out.secs = (performance.now() - t) / 1000
out.peakRss = process.resourceUsage().maxRSS * 1024
process.stdout.write(JSON.stringify(out) + '\n')
process.exit(0)
