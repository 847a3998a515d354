import { join } from 'node:path'
import { gateHits, parseFailOn, runAnalysis } from '../analyzers/run.js'
import type { Percentile } from '../analyzers/ec2-rightsize/index.js'
import { loadCatalog } from '../catalog/load.js'
import type { Effects } from '../core/effects.js'
import { UsageError } from '../core/errors.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import { compareWithComputeOptimizer } from '../analyzers/compare-co.js'
import { VERSION } from '../core/version.js'
import { RENDERERS, type ReportFormat } from '../reporters/registry.js'
import { DuckDbStore } from '../store/duckdb/store.js'
import { writeOutput } from './main.js'

export interface AnalyzeCommandOptions {
  workspace: string
  format: ReportFormat
  out?: string
  failOn?: string
  percentile: Percentile
  cpuHeadroomPct: number
  memoryHeadroomPct: number
  lookbackDays: number
  asOf?: number
  top: number
  allowArchitectureChange: boolean
  memoryBlind: 'keep' | 'allow-shrink'
  defaultRegion: string
  color: boolean
}

export async function runAnalyze(o: AnalyzeCommandOptions, effects: Effects): Promise<ExitCode> {
  const failOn = o.failOn === undefined ? undefined : parseFailOn(o.failOn)
  if (o.failOn !== undefined && !failOn)
    throw new UsageError(`--fail-on '${o.failOn}' is neither a finding nor a risk level`, 'Use underprovisioned, overprovisioned, flagged, insufficientdata, or low, medium, high.')
  const store = await DuckDbStore.open(o.workspace, { readOnly: true })
  let report
  try {
    const catalog = loadCatalog([join(o.workspace, 'catalog', 'ec2.json')])
    const counts = await store.counts()
    if (counts.samples === 0)
      throw new UsageError(`The workspace ${o.workspace} has no samples yet`, 'Import some with `headroom collect file ...`, or run `headroom demo`.')
    const usage = await store.usage({ lookbackDays: o.lookbackDays, ...(o.asOf === undefined ? {} : { asOf: o.asOf }) })
    report = runAnalysis(usage, catalog, {
      ec2: {
        percentile: o.percentile, cpuHeadroomPct: o.cpuHeadroomPct, memoryHeadroomPct: o.memoryHeadroomPct,
        allowArchitectureChange: o.allowArchitectureChange, memoryBlind: o.memoryBlind, defaultRegion: o.defaultRegion,
      },
      lookbackDays: o.lookbackDays,
      ...(o.asOf === undefined ? {} : { asOf: o.asOf }),
      now: effects.now(),
      version: VERSION,
    })
    // Series a collector could not fetch after its retries (e.g. GetMetricData) belong in the report's issues.
    report.issues.push(...(await store.sourceIssues()))
    const co = await store.coRecommendations()
    if (co.length > 0) report.comparisons = { computeOptimizer: compareWithComputeOptimizer(report, co) }
  } finally {
    store.close()
  }
  const text = RENDERERS[o.format](report, { top: o.top, color: o.color && !o.out })
  if (o.out) {
    writeOutput(o.out, text)
    effects.stderr.write(`wrote ${o.format} report to ${o.out} (${report.recommendations.length} recommendations, savings $${report.summary.monthlySavings.toFixed(2)}/month)\n`)
  } else effects.stdout.write(text)
  if (failOn) {
    const hits = gateHits(report, failOn)
    if (hits.length > 0) {
      const what = 'finding' in failOn ? `finding ${failOn.finding}` : `current risk ${failOn.risk} or higher`
      effects.stderr.write(`headroom: --fail-on: ${hits.length} recommendation(s) with ${what}, e.g. ${hits.slice(0, 3).map((h) => h.resource.id).join(', ')}\n`)
      return EXIT.GATE
    }
  }
  return EXIT.OK
}
