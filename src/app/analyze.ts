import { compareWithComputeOptimizer } from '../analyzers/compare-co.js'
import { runAnalysis } from '../analyzers/run.js'
import type { Catalog } from '../catalog/catalog.js'
import { loadServiceCatalogs } from '../catalog/load.js'
import type { ServiceCatalogs } from '../catalog/services.js'
import { UsageError } from '../core/errors.js'
import type { Report } from '../core/report.js'
import { VERSION } from '../core/version.js'
import type { WorkspaceReader } from '../store/types.js'
import type { ResolvedConfig } from './config.js'

export interface AnalyzeWorkspaceInput {
  /** The workspace's store (DuckDbStore.open(dir, { readOnly: true }) implements it). */
  reader: WorkspaceReader
  /** The EC2 catalog (loadWorkspaceCatalog(dir): the bundled one with the workspace's refresh). */
  catalog: Catalog
  /** RDS, EBS, Lambda, ElastiCache and DynamoDB catalogs; default the bundled ones (loadServiceCatalogs()). */
  services?: ServiceCatalogs
  /** resolveConfig(...): the analysis window and every analyzer's options. */
  config: Pick<ResolvedConfig, 'analysis' | 'analyzers' | 'notes'>
  /** The report's generatedAt (epoch ms). */
  now: number
  version?: string
  /** The workspace folder, to name it in messages. */
  workspace?: string
}

/**
 * Analyzes a workspace as `headroom analyze` does: usage over the window, every registered analyzer with its resolved
 * options, the collectors' stored issues, and Compute Optimizer's recommendations side by side where stored. The CLI
 * calls this and only renders; a library caller with the same inputs gets the same report, byte for byte.
 */
export async function analyzeWorkspace(i: AnalyzeWorkspaceInput): Promise<Report> {
  const { analysis } = i.config
  const counts = await i.reader.counts()
  if (counts.samples === 0)
    throw new UsageError(
      `The workspace ${i.workspace ? `${i.workspace} ` : ''}has no samples yet`,
      'Import some with `headroom collect file ...`, or run `headroom demo`.',
    )
  const usage = await i.reader.usage({ lookbackDays: analysis.lookbackDays, ...(analysis.asOf === undefined ? {} : { asOf: analysis.asOf }) })
  // Hit ratios measured by `simulate cache --for` travel with their resource (cache.opportunity reads them).
  const measured = new Map((await i.reader.cacheMeasurements()).map((m) => [m.resourceId, m]))
  for (const u of usage) {
    const m = measured.get(u.resource.id)
    if (m)
      u.resource = {
        ...u.resource,
        attributes: {
          ...u.resource.attributes,
          cacheHitRatio: m.hitRatio,
          cacheHitRatioSource: `simulate cache on ${m.source}, ${m.requests.toLocaleString('en-US')} requests${m.ttlSec === null ? '' : `, TTL ${m.ttlSec} s`}, ${new Date(m.measuredAt).toISOString().slice(0, 10)}`,
        },
      }
  }
  // S3 Inventory summaries (collect s3-inventory) travel with their bucket: s3.storage-class reads object ages from them.
  const inventories = new Map((await i.reader.s3Inventories()).map((x) => [x.bucket, x]))
  for (const u of usage) {
    const inv = u.resource.kind === 's3-bucket' ? inventories.get(u.resource.id) : undefined
    if (inv) u.resource = { ...u.resource, attributes: { ...u.resource.attributes, inventory: JSON.stringify(inv.summary), inventorySource: inv.source } }
  }
  const report = runAnalysis(usage, i.catalog, {
    services: i.services ?? loadServiceCatalogs(),
    resolved: i.config.analyzers,
    notes: i.config.notes,
    lookbackDays: analysis.lookbackDays,
    ...(analysis.asOf === undefined ? {} : { asOf: analysis.asOf }),
    now: i.now,
    version: i.version ?? VERSION,
  })
  // Series a collector could not fetch after its retries (e.g. GetMetricData) belong in the report's issues.
  report.issues.push(...(await i.reader.sourceIssues()))
  const co = await i.reader.coRecommendations()
  if (co.length > 0) report.comparisons = { computeOptimizer: compareWithComputeOptimizer(report, co) }
  return report
}
