import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Real Prometheus and node_exporter for tests (Debian packages; .ci/run installs them). Started on 127.0.0.1 on
 * free ports with a temp data dir, stopped by the returned stop(). Without the binaries, tests are skipped with a
 * reason outside CI and fail in CI.
 */
const PROMETHEUS = '/usr/bin/prometheus'
const PROMTOOL = '/usr/bin/promtool'
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter'
const havePrometheus = existsSync(PROMETHEUS) && existsSync(PROMTOOL)
export const haveNodeExporter = existsSync(NODE_EXPORTER)
export const skipWithoutPrometheus = !havePrometheus && process.env.CI !== 'true'

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.unref()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/**
 * Polls until `url` answers; the deadline only ends a failing start (readiness took at most a few seconds under load).
 * `exited`, when given, says why the server will never answer (it exited), to stop at once.
 */
export async function waitFor(url: string, ms = 90_000, exited?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    const gone = exited?.()
    if (gone) throw new Error(gone)
    try {
      const r = await fetch(url)
      if (r.ok) return
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up in ${ms / 1000} s`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface Running {
  url: string
  port: number
  stop: () => Promise<void>
}

/** Starts Prometheus, optionally backfilled from OpenMetrics text and scraping `targets` every `scrapeSec`. */
export async function startPrometheus(o: { openmetrics?: string; targets?: string[]; scrapeSec?: number } = {}): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-prom-'))
  const data = join(dir, 'data')
  if (o.openmetrics !== undefined) {
    writeFileSync(join(dir, 'backfill.om'), o.openmetrics)
    execFileSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'backfill.om'), data], { stdio: 'pipe' })
  }
  const scrape = o.targets?.length
    ? `scrape_configs:\n  - job_name: node\n    scrape_interval: ${o.scrapeSec ?? 1}s\n    static_configs:\n      - targets: [${o.targets.map((t) => `'${t}'`).join(', ')}]\n`
    : 'scrape_configs: []\n'
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: ${o.scrapeSec ?? 1}s\n${scrape}`)
  const port = await freePort()
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=400d',
      '--log.level=warn',
    ],
    { stdio: 'ignore' },
  )
  const url = `http://127.0.0.1:${port}`
  await waitFor(`${url}/-/ready`)
  return { url, port, stop: stopper(child, dir) }
}

export async function startNodeExporter(): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-nodeexp-'))
  const port = await freePort()
  const child = spawn(
    NODE_EXPORTER,
    [
      `--web.listen-address=127.0.0.1:${port}`,
      '--collector.disable-defaults',
      '--collector.cpu',
      '--collector.meminfo',
      '--collector.netdev',
      '--collector.diskstats',
    ],
    { stdio: 'ignore' },
  )
  const url = `http://127.0.0.1:${port}`
  await waitFor(`${url}/metrics`)
  return { url, port, stop: stopper(child, dir) }
}

// ---- Deterministic history ------------------------------------------------------------------------------------

/** Per-minute value for the minute (ts - 60, ts]; `block` is that minute's 5-minute block index. */
type MinuteFn = (block: number, minuteInBlock: number) => number

export interface FixtureSeries {
  name: string
  labels: Record<string, string>
  type: 'counter' | 'gauge'
  /** For counters: rate per second in each minute; for gauges: the value. NaN allowed for gauges. */
  value: MinuteFn
  /** Counter resets to 0 before the sample at this minute index (from the start). */
  resetAt?: number
  /** Only the first `minutes` minutes have samples (stale series). */
  minutes?: number
  /** Samples start at this minute index (a series that appeared late). */
  fromMinute?: number
}

/** OpenMetrics text for promtool: one sample per minute from start to end (epoch s, multiples of 300). */
export function openMetrics(series: readonly FixtureSeries[], start: number, end: number): string {
  const families = new Map<string, FixtureSeries[]>()
  for (const s of series) families.set(s.name, [...(families.get(s.name) ?? []), s])
  const out: string[] = []
  for (const [name, list] of families) {
    out.push(`# TYPE ${name.replace(/_total$/, '')} ${list[0]!.type}`)
    for (const s of list) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',')
      let counter = 0
      const n = Math.floor((end - start) / 60)
      for (let i = s.fromMinute ?? 0; i <= Math.min(n, s.minutes ?? n); i++) {
        const ts = start + i * 60
        // The sample at ts reports the minute (ts - 60, ts]; the first sample opens the series.
        const block = Math.floor((ts - 60 - start) / 300)
        const minute = Math.floor(((ts - 60 - start) % 300) / 60)
        let v: number
        if (s.type === 'counter') {
          if (s.resetAt === i) counter = 0
          if (i > (s.fromMinute ?? 0)) counter += 60 * s.value(block, minute)
          v = counter
        } else v = s.value(block, minute)
        out.push(`${s.name}{${labels}} ${Number.isNaN(v) ? 'NaN' : Number(v.toFixed(6))} ${ts}`)
      }
    }
  }
  out.push('# EOF')
  return out.join('\n') + '\n'
}
