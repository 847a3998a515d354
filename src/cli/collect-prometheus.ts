import type { Effects } from '../core/effects.js'
import { UsageError } from '../core/errors.js'
import { PromClient } from '../sources/prometheus/client.js'
import { collectPrometheus, type PromCollectOptions } from '../sources/prometheus/collector.js'
import { DuckDbStore } from '../store/duckdb/store.js'
import { groupIssues } from '../reporters/format.js'

export interface CollectPrometheusOptions extends Omit<PromCollectOptions, 'onProgress'> {
  workspace: string
  url: string
  headers: string[]
  basicAuth?: string
  timeoutSec: number
}

/** "Name: value" pairs into a header record; --basic-auth user:password into an Authorization header. */
export function parseHeaders(list: readonly string[], basicAuth?: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const h of list) {
    const i = h.indexOf(':')
    if (i <= 0) throw new UsageError(`--header '${h}' is not "Name: value"`, 'Example: --header "Authorization: Bearer $TOKEN".')
    out[h.slice(0, i).trim()] = h.slice(i + 1).trim()
  }
  if (basicAuth !== undefined) {
    if (!basicAuth.includes(':')) throw new UsageError('--basic-auth must be user:password', 'Example: --basic-auth admin:secret.')
    out.Authorization = `Basic ${Buffer.from(basicAuth).toString('base64')}`
  }
  return out
}

export async function runCollectPrometheus(o: CollectPrometheusOptions, effects: Effects): Promise<void> {
  const client = new PromClient({ url: o.url, headers: parseHeaders(o.headers, o.basicAuth), timeoutMs: o.timeoutSec * 1000 })
  const started = effects.now()
  const tty = effects.stderr.isTTY === true
  let lastDraw = 0
  const collection = await collectPrometheus(client, {
    ...o,
    // A progress line on a terminal only; quiet in CI logs and pipes.
    onProgress: (done, total) => {
      if (!tty || (done < total && effects.now() - lastDraw < 100)) return
      lastDraw = effects.now()
      const width = 30
      const filled = Math.round((done / Math.max(1, total)) * width)
      effects.stderr.write(`\r  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} queries, ${((effects.now() - started) / 1000).toFixed(1)} s${done === total ? '\n' : ''}`)
    },
  })
  const hosts = collection.resources.filter((r) => r.kind === 'host').length
  const workloads = collection.resources.filter((r) => r.kind === 'k8s-workload').length
  if (collection.series.length === 0)
    throw new UsageError(`${client.base} has no node_exporter or cAdvisor series${o.selector ? ` matching ${o.selector}` : ''} in the last ${o.days} days`,
      'Check --selector and --days; `count by (job) (up)` in the Prometheus UI lists the jobs it scrapes.')
  const store = await DuckDbStore.open(o.workspace)
  try {
    const merge = await store.transaction(async () => {
      await store.upsertResources(collection.resources)
      return store.appendSeries(collection.series, 'prometheus', client.base, { provider: 'prometheus', kind: 'host' })
    })
    const points = collection.series.reduce((a, s) => a + s.ts.length, 0)
    effects.stdout.write(
      `collected ${hosts} host${hosts === 1 ? '' : 's'} and ${workloads} container workload${workloads === 1 ? '' : 's'}: ${points.toLocaleString('en-US')} points in ${collection.series.length} series ` +
        `(${merge.rowsAdded.toLocaleString('en-US')} new, ${merge.alreadyStored.toLocaleString('en-US')} already stored) from ${collection.queries} requests in ${((effects.now() - started) / 1000).toFixed(1)} s into ${store.path}\n`,
    )
    for (const g of groupIssues(collection.issues)) effects.stderr.write(`note: ${g.count > 1 ? `${g.count} x ` : ''}${g.code}: ${g.example}\n`)
  } finally {
    store.close()
  }
}
