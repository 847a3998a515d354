import { mkdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { analyzeWorkspace } from '../app/analyze.js'
import type { ResolvedConfig } from '../app/config.js'
import { gateHits, parseFailOn } from '../analyzers/run.js'
import { lifecycleConfiguration, type LifecycleRule } from '../analyzers/s3-storage-class/index.js'
import { loadWorkspaceCatalog } from '../catalog/load.js'
import type { Effects } from '../core/effects.js'
import { UsageError } from '../core/errors.js'
import type { Report } from '../core/report.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import { REPORT_PAGES, renderDocument, type ReportFormat } from '../reporters/registry.js'
import { reportSeries, requireData } from '../app/report.js'
import { openStore } from '../store/open.js'
import { emitRendered, writeOutput } from './output.js'

export interface AnalyzeCommandOptions {
  config: ResolvedConfig
  format: ReportFormat
  out?: string
  failOn?: string
  top: number
  color: boolean
  /** HTML: resources with a page of charts (REPORT_PAGES by default). */
  pages?: number
  /** Also write the HTML report of the same analysis here (the demo's .headroom/report.html). */
  htmlOut?: string
  /** Write each S3 bucket's lifecycle configuration (its rules and the best proposed one) here. */
  lifecycleDir?: string
}

/** `headroom analyze`: the library's analyzeWorkspace over the resolved config, rendered; `--fail-on` as exit 4. */
export async function runAnalyze(o: AnalyzeCommandOptions, effects: Effects): Promise<ExitCode> {
  const failOn = o.failOn === undefined ? undefined : parseFailOn(o.failOn)
  if (o.failOn !== undefined && !failOn)
    throw new UsageError(
      `--fail-on '${o.failOn}' is neither a finding nor a risk level`,
      'Use underprovisioned, overprovisioned, flagged, insufficientdata, or low, medium, high.',
    )
  const workspace = o.config.workspace
  const store = await openStore({ workspace, store: o.config.store, readOnly: true })
  let report
  let series
  try {
    const html = o.format === 'html' || o.htmlOut !== undefined
    // Messages name where the data is: the workspace folder, or the store (without credentials).
    const where = o.config.store ? store.path : workspace
    if (html) await requireData(store, where)
    report = await analyzeWorkspace({ reader: store, catalog: loadWorkspaceCatalog(workspace), config: o.config, now: effects.now(), workspace: where })
    if (html) series = await reportSeries(store, report, o.pages ?? REPORT_PAGES)
  } finally {
    store.close()
  }
  const text = await renderDocument(report, o.format, { top: o.top, color: o.color && !o.out, ...(series ? { series } : {}) })
  emitRendered(
    text,
    o.out,
    `wrote ${o.format} report to ${o.out} (${report.recommendations.length} recommendations, savings $${report.summary.monthlySavings.toFixed(2)}/month)`,
    effects,
  )
  if (o.lifecycleDir) writeLifecycles(report, o.lifecycleDir, effects)
  if (o.htmlOut) {
    writeOutput(o.htmlOut, await renderDocument(report, 'html', { series }))
    effects.stderr.write(`wrote the HTML report to ${o.htmlOut}: open it in a browser (it works offline)\n`)
  }
  if (failOn) {
    const hits = gateHits(report, failOn)
    if (hits.length > 0) {
      const what = 'finding' in failOn ? `finding ${failOn.finding}` : `current risk ${failOn.risk} or higher`
      effects.stderr.write(
        `headroom: --fail-on: ${hits.length} recommendation(s) with ${what}, e.g. ${hits
          .slice(0, 3)
          .map((h) => h.resource.id)
          .join(', ')}\n`,
      )
      return EXIT.GATE
    }
  }
  return EXIT.OK
}

/**
 * `--lifecycle-dir`: per bucket with a proposed rule, the whole configuration PutBucketLifecycleConfiguration takes (it
 * replaces the bucket's rules, so the bucket's own are kept in it), ready for `aws s3api put-bucket-lifecycle-configuration`.
 */
function writeLifecycles(report: Report, dir: string, effects: Effects): void {
  const recs = report.recommendations.filter((r) => r.analyzer === 's3.storage-class' && r.options[0]?.change.lifecycleRule)
  mkdirSync(dir, { recursive: true })
  for (const r of recs) {
    const rule = JSON.parse(String(r.options[0]!.change.lifecycleRule)) as LifecycleRule
    const file = join(dir, `${r.resource.id}.lifecycle.json`)
    writeFileSync(file, JSON.stringify(lifecycleConfiguration(r.resource.attributes.lifecycle, rule), null, 2) + '\n')
    effects.stderr.write(
      `wrote ${relative(effects.cwd, file) || file}: aws s3api put-bucket-lifecycle-configuration --bucket ${r.resource.id} --lifecycle-configuration file://${file}\n`,
    )
  }
  if (recs.length === 0) effects.stderr.write('--lifecycle-dir: no S3 bucket has a lifecycle rule to propose; nothing written\n')
}
