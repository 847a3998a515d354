import { loadWorkspaceCatalog } from '../catalog/load.js'
import type { Effects } from '../core/effects.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import { renderDocument, type ReportFormat } from '../reporters/registry.js'
import { simulateScaling } from '../app/simulate.js'
import { simulateCache } from '../app/simulate-cache.js'
import { VERSION } from '../core/version.js'
import type { KeyMode, LogFormat } from '../simulators/cache/result.js'
import type { Policy } from '../simulators/cache/policies.js'
import type { ScalingWhatIfOptions } from '../simulators/autoscaling/group.js'
import { DuckDbStore } from '../store/duckdb/store.js'
import { writeOutput } from './output.js'

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
  if (o.out) {
    writeOutput(o.out, text)
    effects.stderr.write(`wrote ${o.format} simulation report to ${o.out}\n`)
  } else effects.stdout.write(text)
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
    reportFormat: ReportFormat
    out?: string
    color: boolean
  },
  effects: Effects,
): Promise<ExitCode> {
  const report = await simulateCache({
    files: o.files,
    format: o.format,
    key: o.key,
    targetHitRatio: o.targetHitRatio,
    ...(o.sample === undefined ? {} : { sample: o.sample }),
    ...(o.policies ? { policies: o.policies } : {}),
    ...(o.ttlSec === undefined ? {} : { ttlSec: o.ttlSec }),
    now: effects.now(),
    version: VERSION,
  })
  const text = await renderDocument(report, o.reportFormat, { color: o.color && !o.out })
  if (o.out) {
    writeOutput(o.out, text)
    effects.stderr.write(`wrote ${o.reportFormat} cache report to ${o.out}\n`)
  } else effects.stdout.write(text)
  return EXIT.OK
}
