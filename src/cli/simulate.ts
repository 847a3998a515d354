import { existsSync } from 'node:fs'
import { loadWorkspaceCatalog } from '../catalog/load.js'
import { UsageError } from '../core/errors.js'
import type { Effects } from '../core/effects.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import { renderDocument, type ReportFormat } from '../reporters/registry.js'
import { simulateScaling } from '../app/simulate.js'
import { cacheMeasurementOf, simulateCache, type NodePricing } from '../app/simulate-cache.js'
import { VERSION } from '../core/version.js'
import type { KeyMode, LogFormat } from '../simulators/cache/result.js'
import type { Policy } from '../simulators/cache/policies.js'
import type { ScalingWhatIfOptions } from '../simulators/autoscaling/group.js'
import { DuckDbStore } from '../store/duckdb/store.js'
import { emitRendered } from './output.js'

export interface SimulateOptions extends ScalingWhatIfOptions {
  workspace: string
  format: ReportFormat
  out?: string
  failOnBreach: boolean
  color: boolean
}

/** `headroom simulate scaling`: the library's simulateScaling over the workspace, rendered; `--fail-on-breach` as exit 4. */
export async function runSimulateScaling(o: SimulateOptions, effects: Effects): Promise<ExitCode> {
  const store = await DuckDbStore.open(o.workspace, { readOnly: true })
  let report
  try {
    report = await simulateScaling({ reader: store, catalog: loadWorkspaceCatalog(o.workspace), options: o, now: effects.now() })
  } finally {
    store.close()
  }
  const text = await renderDocument(report, o.format, { color: o.color && !o.out })
  emitRendered(text, o.out, `wrote ${o.format} simulation report to ${o.out}`, effects)
  const cur = report.simulations[0]?.outcomes.find((x) => x.policySet === 'current')
  if (o.failOnBreach && cur && cur.breachMinutes > 0) {
    effects.stderr.write(`headroom: --fail-on-breach: the current policy breached ${cur.breachMinutes} minute(s)\n`)
    return EXIT.GATE
  }
  return EXIT.OK
}

/** `headroom simulate cache`: the library's simulateCache over access logs, rendered. */
export async function runSimulateCache(
  o: {
    files: string[]
    format: LogFormat
    key: KeyMode
    targetHitRatio: number
    sample?: number
    policies?: Policy[]
    ttlSec?: number
    nodePricing?: NodePricing
    reportFormat: ReportFormat
    out?: string
    color: boolean
    /** Store the measured hit ratio for this resource of `workspace`, for cache.opportunity. */
    for?: string
    workspace?: string
  },
  effects: Effects,
): Promise<ExitCode> {
  if (o.for !== undefined && o.workspace !== undefined) await checkCacheTarget(o.workspace, o.for)
  const report = await simulateCache({
    files: o.files,
    format: o.format,
    key: o.key,
    targetHitRatio: o.targetHitRatio,
    ...(o.sample === undefined ? {} : { sample: o.sample }),
    ...(o.policies ? { policies: o.policies } : {}),
    ...(o.ttlSec === undefined ? {} : { ttlSec: o.ttlSec }),
    ...(o.nodePricing ? { nodePricing: o.nodePricing } : {}),
    now: effects.now(),
    version: VERSION,
  })
  const text = await renderDocument(report, o.reportFormat, { color: o.color && !o.out })
  emitRendered(text, o.out, `wrote ${o.reportFormat} cache report to ${o.out}`, effects)
  if (o.for !== undefined && o.workspace !== undefined) {
    const m = cacheMeasurementOf(report, o.for)
    const store = await DuckDbStore.open(o.workspace)
    try {
      await store.upsertCacheMeasurement(m)
    } finally {
      store.close()
    }
    effects.stderr.write(
      `stored for ${o.for} in ${o.workspace}: ${(m.hitRatio * 100).toFixed(1)}% of requests repeat${m.ttlSec === null ? '' : ` within the ${m.ttlSec} s TTL`}; \`headroom analyze\` uses it in place of the assumed 80% where it flags a caching opportunity for that database\n`,
    )
  }
  return EXIT.OK
}

/** `--for`: the database a cache would front must be a stored RDS instance or DynamoDB table, checked before any work. */
async function checkCacheTarget(workspace: string, id: string): Promise<void> {
  const kinds = ['rds-instance', 'dynamodb-table']
  let candidates: string[] = []
  if (existsSync(workspace)) {
    const store = await DuckDbStore.open(workspace, { readOnly: true })
    try {
      const all = await store.resources()
      if (all.some((r) => r.id === id && kinds.includes(r.kind))) return
      candidates = all.filter((r) => kinds.includes(r.kind)).map((r) => r.id)
    } finally {
      store.close()
    }
  }
  throw new UsageError(
    `--for '${id}': no RDS instance or DynamoDB table with that id in ${workspace}`,
    candidates.length
      ? `Use one of: ${candidates.slice(0, 10).join(', ')}${candidates.length > 10 ? ', ...' : ''}.`
      : 'Collect the database first (collect aws, or collect file with a manifest), or pass --workspace.',
  )
}
