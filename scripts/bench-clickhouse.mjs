// npm run bench:clickhouse [-- --instances 1000,10000] : for each N, a fleet of N instances x 14 days x 5 min x 3
// metrics (CPU, memory, network maxima) imported into a DuckDB workspace, copied into a two-shard ClickHouse on this
// machine (Debian's clickhouse-server 18.16, two processes on loopback: test/utils/clickhouse.ts), and analyzed from
// both. Each step runs in its own process (scripts/bench-clickhouse-step.mjs) so its peak RSS is headroom's alone.
// Prints times, rates, peak RSS and whether the two reports are identical. Timings are of this machine at this moment.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { startCluster } from '../test/utils/clickhouse.js'
import { writeFleetManifest, writeFleetParquet } from './bench-fleet.mjs'

const i = process.argv.indexOf('--instances')
const sizes = (i >= 0 ? process.argv[i + 1] : '1000,10000').split(',').map(Number)
const DAYS = 14
const out = join(import.meta.dirname, '..', 'bench-out', 'clickhouse')
mkdirSync(out, { recursive: true })

/** Runs one step; returns { secs, rows?, usageSecs?, recommendations?, reportHash?, peakRss }. */
const step = (args) => {
  const line = execFileSync(process.execPath, [join(import.meta.dirname, 'bench-clickhouse-step.mjs'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  })
  return JSON.parse(line.trim().split('\n').at(-1))
}
const gib = (b) => `${(b / 2 ** 30).toFixed(2)} GiB`
const rate = (rows, s) => `${Math.round(rows / s).toLocaleString('en-US')} samples/s`

const cluster = await startCluster()
try {
  for (const n of sizes) {
    const rows = n * DAYS * 288 * 3
    const parquet = join(out, `fleet-${n}.parquet`)
    const manifest = join(out, `resources-${n}.json`)
    const ws = join(out, `ws-${n}`)
    let t = performance.now()
    if (!existsSync(parquet)) await writeFleetParquet(parquet, n, DAYS)
    writeFleetManifest(manifest, n)
    rmSync(ws, { recursive: true, force: true })
    console.log(
      `\nN = ${n.toLocaleString('en-US')}: ${rows.toLocaleString('en-US')} samples (${(statSync(parquet).size / 1e6).toFixed(0)} MB Parquet), fleet ready in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    )
    const url = `${cluster.url(`bench${n}`)}?shards=${cluster.shards.map((s) => `127.0.0.1:${s.http}`).join(',')}`
    t = performance.now()
    const imp = step(['duck-import', ws, parquet, manifest])
    console.log(`  DuckDB import            ${imp.secs.toFixed(1).padStart(7)} s  ${rate(rows, imp.secs).padStart(20)}  peak RSS ${gib(imp.peakRss)}`)
    const mig = step(['migrate', ws, parquet, manifest, url])
    console.log(`  ClickHouse import (copy) ${mig.secs.toFixed(1).padStart(7)} s  ${rate(mig.rows, mig.secs).padStart(20)}  peak RSS ${gib(mig.peakRss)}`)
    const ad = step(['analyze', ws, parquet, manifest])
    console.log(`  DuckDB analyze           ${ad.secs.toFixed(1).padStart(7)} s  (usage ${ad.usageSecs.toFixed(1)} s)        peak RSS ${gib(ad.peakRss)}`)
    const ac = step(['analyze', ws, parquet, manifest, url])
    console.log(`  ClickHouse analyze       ${ac.secs.toFixed(1).padStart(7)} s  (usage ${ac.usageSecs.toFixed(1)} s)        peak RSS ${gib(ac.peakRss)}`)
    console.log(
      `  ClickHouse / DuckDB: import ${(mig.secs / imp.secs).toFixed(2)}x, analyze ${(ac.secs / ad.secs).toFixed(2)}x; ` +
        `${ac.recommendations} recommendations, reports ${ac.reportHash === ad.reportHash ? 'identical' : `DIFFER (${ad.reportHash} vs ${ac.reportHash})`}`,
    )
    // The servers' own peak resident memory since they started (VmHWM), i.e. over every N so far.
    const hwm = cluster.shards.map((s) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${s.child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024)
    console.log(`  ClickHouse servers' peak RSS so far: ${hwm.map(gib).join(' + ')}`)
    const du = execFileSync('du', ['-sb', ...cluster.shards.map((s) => join(s.dir, 'data'))], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => Number(l.split('\t')[0]))
    console.log(
      `  on disk: DuckDB ${(statSync(join(ws, 'headroom.duckdb')).size / 1e6).toFixed(0)} MB, ClickHouse shards ${du.map((b) => `${(b / 1e6).toFixed(0)} MB`).join(' + ')} (all N so far)`,
    )
  }
} finally {
  await cluster.stop()
}
console.log(
  `\nmachine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; two ClickHouse shards on the same machine`,
)
