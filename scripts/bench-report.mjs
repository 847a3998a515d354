// npm run bench:report : the HTML report at fleet scale (issue 13, item 4). Generates N instances x 14 days x 5-minute
// CPU maxima, imports them, then with the built headroom times, in one run: the analysis alone (what `analyze
// --format json` costs) and the report on top of it (display series of the 50 shown resources + page), the file's
// size, and in Debian's Chromium: time to the page drawn and to the first chart, sorting and filtering the 10,000-row
// table, and redraws of a 14-day 1-minute chart (20,160 points x 8 series) while panning.
// Plain JS over dist/ so it measures what users run. Timings are of this machine at this moment: run twice.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { writeFleetManifest } from './bench-fleet.mjs'
import { chromium } from 'playwright-core'
import { DuckDbStore } from '../dist/store/duckdb/store.js'
import { importFiles } from '../dist/store/duckdb/import-files.js'
import { analyzeWorkspace } from '../dist/app/analyze.js'
import { resolveConfig } from '../dist/app/config.js'
import { reportSeries } from '../dist/app/report.js'
import { loadWorkspaceCatalog } from '../dist/catalog/load.js'
import { renderDocument, REPORT_PAGES } from '../dist/reporters/registry.js'

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}
const N = arg('instances', 10_000)
const out = join(import.meta.dirname, '..', 'bench-out', 'report')
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
const parquet = join(out, 'cpu.parquet')
const manifest = join(out, 'resources.json')
const ws = join(out, 'ws')
const secs = (t) => (performance.now() - t) / 1000

// 1. Data (not timed): a daily cycle per instance plus hashed noise, deterministic; some instances run hot.
let t = performance.now()
{
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  await c.run(`COPY (
    WITH inst AS (SELECT i, 'i-' || lpad(i::VARCHAR, 8, '0') AS rid, 5 + (hash(i) % 80) AS base FROM range(${N}) t(i)),
    slots AS (SELECT s, TIMESTAMP '2026-01-01' + to_minutes(s * 5) AS ts FROM range(${14 * 288}) t(s))
    SELECT rid AS resource_id, 'cpu.utilization' AS metric, ts AS "timestamp",
      least(100, base * (1 + 0.5 * sin(2 * pi() * (s % 288) / 288)) * (0.7 + (hash(i, s) % 600) / 1000.0))::DOUBLE AS value,
      'max' AS stat, 300::INTEGER AS period
    FROM inst, slots) TO '${parquet}' (FORMAT PARQUET, COMPRESSION ZSTD)`)
  c.closeSync()
  db.closeSync()
}
writeFleetManifest(manifest, N)
{
  const store = await DuckDbStore.open(ws)
  await importFiles(store, [manifest, parquet])
  store.close()
}
console.log(
  `fleet: ${N} instances x 14 days x 5-minute CPU (${(N * 14 * 288).toLocaleString('en-US')} samples), generated and imported in ${secs(t).toFixed(1)} s`,
)

// 2. The analysis (shared by analyze and report), then what the report adds, twice each.
const config = resolveConfig({ cwd: out, env: {}, file: false, flags: { workspace: ws } })
const store = await DuckDbStore.open(ws, { readOnly: true })
let report, html
for (const round of [1, 2]) {
  t = performance.now()
  report = await analyzeWorkspace({ reader: store, catalog: loadWorkspaceCatalog(ws), config, now: Date.now(), workspace: ws })
  const json = JSON.stringify(report)
  const analyzeS = secs(t)
  t = performance.now()
  const series = await reportSeries(store, report, REPORT_PAGES)
  const seriesS = secs(t)
  t = performance.now()
  html = await renderDocument(report, 'html', { series })
  writeFileSync(join(out, 'report.html'), html)
  const pageS = secs(t)
  console.log(
    `round ${round}: analysis ${analyzeS.toFixed(2)} s (${report.recommendations.length} recommendations, JSON ${(json.length / 1e6).toFixed(1)} MB); ` +
      `report adds ${(seriesS + pageS).toFixed(2)} s (series of ${REPORT_PAGES} resources ${seriesS.toFixed(2)} s, page ${pageS.toFixed(2)} s): ` +
      `report total ${(analyzeS + seriesS + pageS).toFixed(2)} s = ${((analyzeS + seriesS + pageS) / analyzeS).toFixed(2)}x the analysis`,
  )
}
store.close()
console.log(`report.html: ${(statSync(join(out, 'report.html')).size / 1e6).toFixed(2)} MB; goal <= 5 MB`)

// 3. In Chromium.
const exe = [process.env.HEADROOM_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p))
if (!exe) {
  console.log('no Chromium found (apt-get install chromium, or HEADROOM_CHROMIUM=/path): browser figures skipped')
  process.exit(0)
}
const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] })
const file = `file://${join(out, 'report.html')}`
const first = report.recommendations.find((r) => r.finding === 'Underprovisioned' || r.finding === 'Overprovisioned')
for (const round of [1, 2]) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  await page.goto(file)
  const drawn = await page.evaluate(() => performance.getEntriesByName('headroom:drawn')[0]?.startTime)
  const sort = await page.evaluate(() => {
    const th = document.querySelector('#recs th:nth-child(2)')
    const t0 = performance.now()
    th.click()
    return performance.now() - t0
  })
  const filter = await page.evaluate(() => {
    const input = document.querySelector('#table-filter')
    input.value = 'i-0000'
    const t0 = performance.now()
    input.dispatchEvent(new Event('input'))
    return performance.now() - t0
  })
  await page.close()
  const p2 = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  const ids = await (async () => {
    await p2.goto(`${file}#resources`)
    return p2.locator('.reslist a').first().getAttribute('href')
  })()
  await p2.close()
  const p3 = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  await p3.goto(`${file}${ids}`)
  const firstChart = await p3.evaluate(() => performance.getEntriesByName('headroom:first-chart')[0]?.startTime)
  // Pan: a 14-day, 1-minute chart (20,160 points) x 8 series drawn with the page's uPlot, its x range moved each frame:
  // as stored (every point), and reduced as the report reduces (min and max of 1,500 buckets: ~3,000 points).
  const pan = (reduce) =>
    p3.evaluate(
      (reduce) =>
        new Promise((resolve) => {
          const n = 20160
          let x = Array.from({ length: n }, (_, i) => 1_767_225_600 + i * 60)
          let ys = Array.from({ length: 8 }, (_, k) => x.map((_, i) => 50 + 30 * Math.sin(i / (200 + 40 * k)) + ((i * 7919 * (k + 1)) % 13)))
          if (reduce) {
            const w = Math.ceil(n / 1500)
            const keep = []
            for (let b = 0; b < n; b += w) {
              let lo = b
              let hi = b
              for (let i = b; i < Math.min(n, b + w); i++) {
                if (ys[0][i] < ys[0][lo]) lo = i
                if (ys[0][i] > ys[0][hi]) hi = i
              }
              keep.push(...new Set([Math.min(lo, hi), Math.max(lo, hi)]))
            }
            x = keep.map((i) => x[i])
            ys = ys.map((y) => keep.map((i) => y[i]))
          }
          const box = document.createElement('div')
          document.body.prepend(box)
          let drawStart = 0
          const draws = []
          const u = new uPlot(
            {
              width: 1300,
              height: 300,
              series: [{}, ...ys.map((_, k) => ({ stroke: `hsl(${k * 45},70%,45%)`, points: { show: false } }))],
              hooks: { draw: [() => drawStart && draws.push(performance.now() - drawStart)] },
            },
            [x, ...ys],
            box,
          )
          const span = 3 * 86400
          const frames = []
          let last = performance.now()
          let i = 0
          const step = () => {
            const now = performance.now()
            frames.push(now - last)
            last = now
            const min = x[0] + ((i * 3600 * 4) % (x[x.length - 1] - x[0] - span))
            drawStart = performance.now()
            u.setScale('x', { min, max: min + span })
            if (++i < 120) requestAnimationFrame(step)
            else {
              u.destroy()
              box.remove()
              resolve({ frames: frames.slice(1), draws, points: x.length })
            }
          }
          requestAnimationFrame(step)
        }),
      reduce,
    )
  const stats = (a) => {
    const sorted = [...a].sort((p, q) => p - q)
    const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
    return `p50 ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms`
  }
  const pans = []
  for (const reduce of [false, true]) {
    const r = await pan(reduce)
    pans.push(
      `${r.points.toLocaleString('en-US')} x 8 points: draw ${stats(r.draws)}; frame ${stats(r.frames)}, ${r.frames.filter((f) => f > 1000 / 60 + 1).length} of ${r.frames.length} frames over 16.7 ms`,
    )
  }
  console.log(
    `chromium round ${round}: page drawn ${drawn.toFixed(0)} ms, first chart ${firstChart.toFixed(0)} ms (goal <= 2,000 ms); ` +
      `sort ${N.toLocaleString('en-US')} rows ${sort.toFixed(0)} ms, filter ${filter.toFixed(0)} ms`,
  )
  for (const p of pans) console.log(`  pan ${p}`)
  await p3.close()
}
console.log(`chromium: ${browser.version()} (${exe}, headless)`)
await browser.close()
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`)
