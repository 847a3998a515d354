import type { DuckDbStore } from '../duckdb/store.js'
import type { MergeResult } from '../types.js'
import type { ClickHouseStore } from './store.js'

/** Samples per merge while copying: about 6 MB of TabSeparated per insert, and a bounded slice of the workspace in memory. */
const COPY_ROWS = 100_000

export interface CopyResult {
  resources: number
  merge: MergeResult
}

/**
 * Copies a DuckDB workspace into a ClickHouse store as one batch: resources, every sample (streamed, merged
 * idempotently: a second copy adds nothing), collection issues, Compute Optimizer's recommendations, cache
 * measurements, S3 Inventory summaries and monitoring applies. Nothing of it is visible until all of it is stored.
 * Not copied: saved reviews and `collect aws` resume checkpoints (see docs/clickhouse.md).
 */
export async function copyWorkspace(
  from: DuckDbStore,
  to: ClickHouseStore,
  o: { source: string; detail: string; onProgress?: (rows: number) => void },
): Promise<CopyResult> {
  return to.transaction(async () => {
    const resources = await from.resources()
    await to.upsertResources(resources)
    const merge: MergeResult = { rowsRead: 0, rowsAdded: 0, alreadyStored: 0, conflicting: 0, resourcesCreated: 0 }
    await from.eachSeriesChunk(COPY_ROWS, async (series) => {
      // Every resource was upserted above, so none is created from samples: the default kind is never used.
      const r = await to.mergeSeries(series, { provider: 'file', kind: 'host' })
      merge.rowsRead += r.rowsRead
      merge.rowsAdded += r.rowsAdded
      merge.alreadyStored += r.alreadyStored
      merge.conflicting += r.conflicting
      o.onProgress?.(merge.rowsRead)
    })
    for (const s of await from.sourceIssuesBySource()) await to.replaceSourceIssues(s.source, s.issues, s.at)
    await to.upsertCoRecommendations(await from.coRecommendations())
    for (const m of await from.cacheMeasurements()) await to.upsertCacheMeasurement(m)
    for (const i of await from.s3Inventories()) await to.upsertS3Inventory(i.bucket, i.summary, i.source)
    for (const m of await from.monitoringApplies()) await to.recordMonitoringApply(m)
    await to.recordImport(o.source, o.detail, merge.rowsRead, merge.rowsAdded)
    return { resources: resources.length, merge }
  })
}
