import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCollectPrometheus } from '../../cli/collect-prometheus.js'
import type { Effects } from '../../core/effects.js'
import { DuckDbStore } from '../../store/duckdb/store.js'
import { haveNodeExporter, skipWithoutPrometheus, startNodeExporter, startPrometheus, type Running } from '../../../test/utils/prometheus.js'
import { tmpProject } from '../../../test/utils/tmp.js'

/** This machine's own node_exporter, scraped every second by a real Prometheus, checked against /proc. */
function procStat(): { idle: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number)
  return { idle: cpu[3]!, total: cpu.reduce((a, b) => a + b, 0) }
}
function meminfo(): { total: number; available: number } {
  const m = new Map<string, number>()
  for (const line of readFileSync('/proc/meminfo', 'utf8').split('\n')) {
    const x = /^(\w+):\s+(\d+)/.exec(line)
    if (x) m.set(x[1]!, Number(x[2]) * 1024)
  }
  return { total: m.get('MemTotal')!, available: m.get('MemAvailable')! }
}

const tmp = tmpProject('headroom-prom-live-')
let exporter: Running
let prom: Running

describe.skipIf(skipWithoutPrometheus || (!haveNodeExporter && process.env.CI !== 'true'))('collect prometheus from this machine (live)', () => {
  beforeAll(async () => {
    exporter = await startNodeExporter()
    prom = await startPrometheus({ targets: [`127.0.0.1:${exporter.port}`], scrapeSec: 1 })
  }, 60_000)
  afterAll(async () => {
    await prom?.stop()
    await exporter?.stop()
  })

  it('CPU cores, CPU utilization and memory match /proc', async () => {
    await new Promise((r) => setTimeout(r, 4000)) // a few scrapes before the window opens
    const t0 = Math.ceil(Date.now() / 5000) * 5000
    await new Promise((r) => setTimeout(r, t0 - Date.now()))
    const a = procStat()
    await new Promise((r) => setTimeout(r, 20_000))
    const t1 = Math.floor(Date.now() / 5000) * 5000
    await new Promise((r) => setTimeout(r, Math.max(0, t1 - Date.now())))
    const b = procStat()
    const mem = meminfo()
    // Wait for the last scrape of the window to land, then collect exactly (t0, t1] at 5-second points.
    await new Promise((r) => setTimeout(r, 2500))
    const effects: Effects = { stdout: { write: () => true }, stderr: { write: () => true }, now: () => Date.now(), env: {}, cwd: tmp.dir }
    await runCollectPrometheus(
      {
        workspace: tmp.path('ws'),
        url: prom.url,
        headers: [],
        timeoutSec: 10,
        days: (t1 - t0) / 86_400_000,
        end: t1,
        selector: '',
        resolutionSec: 5,
        rateWindow: '3s',
        concurrency: 2,
        hosts: true,
        containers: false,
        shardSize: 100,
      },
      effects,
    )
    const store = await DuckDbStore.open(tmp.path('ws'), { readOnly: true })
    const rows = await store.all(
      `SELECT m.name AS metric, s.value FROM samples s JOIN metrics m ON m.id = s.metric_id JOIN stats st ON st.id = s.stat_id WHERE st.name = 'avg' ORDER BY s.ts`,
    )
    const host = (await store.resources())[0]!
    store.close()
    expect(host.kind).toBe('host')
    expect(host.attributes.vcpus).toBe(cpus().length)
    expect(host.attributes.memoryGiB).toBeCloseTo(mem.total / 1024 ** 3, 2)
    const mean = (m: string) => {
      const v = rows.filter((r) => r.metric === m).map((r) => Number(r.value))
      expect(v.length).toBeGreaterThan(2)
      return v.reduce((x, y) => x + y, 0) / v.length
    }
    const procCpu = 100 * (1 - (b.idle - a.idle) / (b.total - a.total))
    // Both measure the same 20 s of this (shared, noisy) machine; the 5-second points and /proc's jiffies differ
    // in their edges, so allow 10 points.
    expect(Math.abs(mean('cpu.utilization') - procCpu)).toBeLessThan(10)
    expect(Math.abs(mean('mem.utilization') - 100 * (1 - mem.available / mem.total))).toBeLessThan(5)
  }, 120_000) // worst measured 32.4 s under load (20 s of it is the scrape window)
})
