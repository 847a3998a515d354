import type { Effects } from '../core/effects.js'
import { UsageError } from '../core/errors.js'
import { copyWorkspace } from '../store/clickhouse/copy.js'
import { ClickHouseStore } from '../store/clickhouse/store.js'
import { isStoreUrl, parseStoreUrl, redact } from '../store/clickhouse/url.js'
import { DuckDbStore } from '../store/duckdb/store.js'

const n = (x: number) => x.toLocaleString('en-US')

/** `headroom migrate --from DIR --to clickhouse://...`: the workspace copied as one batch; a second copy adds nothing. */
export async function runMigrate(workspace: string, to: string, effects: Effects): Promise<void> {
  if (!isStoreUrl(to))
    throw new UsageError(`--to '${redact(to)}' is not a clickhouse:// URL`, 'Write it as clickhouse://host:8123/database (see docs/clickhouse.md).')
  const target = parseStoreUrl(to)
  const started = Date.now()
  const from = await DuckDbStore.open(workspace, { readOnly: true })
  try {
    const store = await ClickHouseStore.open(target)
    try {
      const total = (await from.counts()).samples
      let shown = 0
      const r = await copyWorkspace(from, store, {
        source: 'migrate',
        detail: from.path,
        onProgress: (rows) => {
          if (effects.stderr.isTTY !== true || rows - shown < 1_000_000) return
          shown = rows
          effects.stderr.write(`\r\u001b[2K  ${n(rows)} of ${n(total)} samples, ${((Date.now() - started) / 1000).toFixed(0)} s`)
        },
      })
      if (shown > 0) effects.stderr.write('\r\u001b[2K')
      effects.stdout.write(
        `copied ${n(r.resources)} resources and ${n(r.merge.rowsRead)} samples (${n(r.merge.rowsAdded)} new, ${n(r.merge.alreadyStored)} already stored) ` +
          `from ${from.path} to ${store.path} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      )
      if (r.merge.conflicting > 0)
        effects.stderr.write(
          `warning: ${n(r.merge.conflicting)} samples differ from the values already stored for the same time; the stored values were kept.\n`,
        )
      effects.stderr.write(`next: npx headroom analyze --store '${target.display}'\n`)
    } finally {
      store.close()
    }
  } finally {
    from.close()
  }
}
