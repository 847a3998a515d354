import { collectPrometheus, parsePromHeaders, type CollectPrometheusOptions as Options } from '../app/collect-prometheus.js'
import type { Effects } from '../core/effects.js'
import { groupIssues } from '../reporters/format.js'
import { openStore, type Store } from '../store/open.js'

export interface CollectPrometheusOptions extends Omit<Options, 'headers'> {
  workspace: string
  /** A clickhouse:// store to write to instead of the workspace. */
  store?: string | undefined
  headers: string[]
  basicAuth?: string
}

/** `headroom collect prometheus`: the collectPrometheus orchestrator, a progress bar on a terminal, the totals on stdout. */
export async function runCollectPrometheus(o: CollectPrometheusOptions, effects: Effects): Promise<void> {
  const headers = parsePromHeaders(o.headers, o.basicAuth)
  const started = effects.now()
  const tty = effects.stderr.isTTY === true
  let lastDraw = 0
  let store: Store | undefined
  try {
    const r = await collectPrometheus({
      options: { ...o, headers },
      writer: async () => (store = await openStore({ workspace: o.workspace, store: o.store })),
      now: () => effects.now(),
      // A progress line on a terminal only; quiet in CI logs and pipes.
      onProgress: (done, total) => {
        if (!tty || (done < total && effects.now() - lastDraw < 100)) return
        lastDraw = effects.now()
        const width = 30
        const filled = Math.round((done / Math.max(1, total)) * width)
        effects.stderr.write(
          `\r  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} queries, ${((effects.now() - started) / 1000).toFixed(1)} s${done === total ? '\n' : ''}`,
        )
      },
    })
    effects.stdout.write(
      `collected ${r.hosts} host${r.hosts === 1 ? '' : 's'} and ${r.workloads} container workload${r.workloads === 1 ? '' : 's'}: ${r.points.toLocaleString('en-US')} points in ${r.series} series ` +
        `(${r.merge.rowsAdded.toLocaleString('en-US')} new, ${r.merge.alreadyStored.toLocaleString('en-US')} already stored) from ${r.queries} requests in ${((effects.now() - started) / 1000).toFixed(1)} s into ${store!.path}\n`,
    )
    for (const g of groupIssues(r.issues)) effects.stderr.write(`note: ${g.count > 1 ? `${g.count} x ` : ''}${g.code}: ${g.example}\n`)
  } finally {
    store?.close()
  }
}
