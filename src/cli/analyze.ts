import { analyzeWorkspace } from '../app/analyze.js'
import type { ResolvedConfig } from '../app/config.js'
import { gateHits, parseFailOn } from '../analyzers/run.js'
import { loadWorkspaceCatalog } from '../catalog/load.js'
import type { Effects } from '../core/effects.js'
import { UsageError } from '../core/errors.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import { REPORT_PAGES, renderDocument, type ReportFormat } from '../reporters/registry.js'
import { reportSeries, requireData } from '../app/report.js'
import { DuckDbStore } from '../store/duckdb/store.js'
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
  const store = await DuckDbStore.open(workspace, { readOnly: true })
  let report
  let series
  try {
    const html = o.format === 'html' || o.htmlOut !== undefined
    if (html) await requireData(store, workspace)
    report = await analyzeWorkspace({ reader: store, catalog: loadWorkspaceCatalog(workspace), config: o.config, now: effects.now(), workspace })
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
