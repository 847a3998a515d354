import { UsageError } from '../core/errors.js'
import type { Issue } from '../core/report.js'
import { PromClient } from '../sources/prometheus/client.js'
import { fetchPrometheus, type PromCollectOptions } from '../sources/prometheus/collector.js'
import type { MergeResult, SeriesWriter } from '../store/types.js'

export interface CollectPrometheusOptions extends Omit<PromCollectOptions, 'onProgress'> {
  url: string
  /** Sent with every request, e.g. Authorization (see parsePromHeaders). */
  headers: Record<string, string>
  timeoutSec: number
}

export interface CollectPrometheusResult {
  /** The server's base URL as asked. */
  base: string
  hosts: number
  workloads: number
  series: number
  points: number
  queries: number
  merge: MergeResult
  issues: Issue[]
}

/**
 * `headroom collect prometheus` as a library call: node_exporter hosts and cAdvisor containers over the window, then
 * resources, series and the run's issues into the store in one transaction (a failed query or write stores nothing).
 * No series at all is a usage error naming the selector and window, not an empty success.
 */
export async function collectPrometheus(i: {
  options: CollectPrometheusOptions
  /** Opens the store once the data is in hand: a collection that fails early never creates or touches a workspace. */
  writer: () => Promise<SeriesWriter>
  now: () => number
  onProgress?: (done: number, total: number) => void
}): Promise<CollectPrometheusResult> {
  const o = i.options
  const client = new PromClient({ url: o.url, headers: o.headers, timeoutMs: o.timeoutSec * 1000 })
  const collection = await fetchPrometheus(client, { ...o, ...(i.onProgress ? { onProgress: i.onProgress } : {}) })
  if (collection.series.length === 0)
    throw new UsageError(
      `${client.base} has no node_exporter or cAdvisor series${o.selector ? ` matching ${o.selector}` : ''} in the last ${o.days} days`,
      'Check --selector and --days; `count by (job) (up)` in the Prometheus UI lists the jobs it scrapes.',
    )
  const w = await i.writer()
  const merge = await w.transaction(async () => {
    await w.upsertResources(collection.resources)
    const m = await w.appendSeries(collection.series, 'prometheus', client.base, { provider: 'prometheus', kind: 'host' })
    // The issues of the last run, shown by `headroom analyze` as the AWS collector's are.
    await w.replaceSourceIssues('prometheus', collection.issues, i.now())
    return m
  })
  return {
    base: client.base,
    hosts: collection.resources.filter((r) => r.kind === 'host').length,
    workloads: collection.resources.filter((r) => r.kind === 'k8s-workload').length,
    series: collection.series.length,
    points: collection.series.reduce((a, s) => a + s.ts.length, 0),
    queries: collection.queries,
    merge,
    issues: collection.issues,
  }
}

/** "Name: value" pairs into a header record; basic auth "user:password" into an Authorization header. */
export function parsePromHeaders(list: readonly string[], basicAuth?: string): Record<string, string> {
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
