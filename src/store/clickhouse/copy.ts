import type { DuckDbStore } from '../duckdb/store.js'
import type { MergeResult } from '../types.js'
import type { ClickHouseStore } from './store.js'

/**
 * Samples per merge while copying (about 30 MB of TabSeparated). Samples are partitioned by day, so one insert makes a
 * part per day it touches on each shard: at 100,000 rows an insert made 28 small parts and the copy ran at 233,000
 * samples/s on this machine, mostly waiting on the disk.
 */
const COPY_ROWS = 500_000

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
    // One merge in flight while the next slice is read from DuckDB. Slices never share a (series, time), so a merge
    // does not need the one before it stored to find what is already there.
    let inFlight: Promise<void> = Promise.resolve()
    const add = (r: MergeResult) => {
      merge.rowsRead += r.rowsRead
      merge.rowsAdded += r.rowsAdded
      merge.alreadyStored += r.alreadyStored
      merge.conflicting += r.conflicting
      o.onProgress?.(merge.rowsRead)
    }
    await from.eachSeriesChunk(COPY_ROWS, async (series) => {
      await inFlight
      // Every resource was upserted above, so none is created from samples: the default kind is never used.
      inFlight = to.mergeSeries(series, { provider: 'file', kind: 'host' }).then(add)
      // A failure surfaces at the next await; keep it from being reported as unhandled meanwhile.
      inFlight.catch(() => undefined)
    })
    await inFlight
    for (const s of await from.sourceIssuesBySource()) await to.replaceSourceIssues(s.source, s.issues, s.at)
    await to.upsertCoRecommendations(await from.coRecommendations())
    for (const m of await from.cacheMeasurements()) await to.upsertCacheMeasurement(m)
    for (const i of await from.s3Inventories()) await to.upsertS3Inventory(i.bucket, i.summary, i.source)
    for (const m of await from.monitoringApplies()) await to.recordMonitoringApply(m)
    await to.recordImport(o.source, o.detail, merge.rowsRead, merge.rowsAdded)
    return { resources: resources.length, merge }
  })
}
