import { UsageError } from '../core/errors.js'
import type { Report } from '../core/report.js'
import { shownResources } from '../html/payload.js'
import type { DisplaySeries, WorkspaceReader } from '../store/types.js'

/** What an HTML report reads from the workspace besides the analysis: stored series, reduced for display. */
export interface DisplaySeriesReader {
  displaySeries(q: { resourceIds: readonly string[]; start: number; end: number; buckets: number }): Promise<DisplaySeries[]>
}

/**
 * Buckets per series: two points each (min and max), ~3,000 points, enough for a chart 1,500 pixels wide to show every
 * peak; 14 days of 5-minute samples (4,032) fit without reduction.
 */
const DISPLAY_BUCKETS = 1500

/** A report needs something to report on: an empty workspace is a usage error that says what to collect first. */
export async function requireData(reader: Pick<WorkspaceReader, 'counts'>, workspace: string): Promise<void> {
  const c = await reader.counts()
  if (c.resources === 0 || c.samples === 0)
    throw new UsageError(
      `The workspace ${workspace} has ${c.resources === 0 ? 'no resources' : 'resources but no samples'}: nothing to report yet.`,
      'Collect first: headroom collect aws --regions us-east-1, headroom collect prometheus --url ..., headroom collect file samples.csv, or try headroom demo.',
    )
}

/**
 * The stored series of the resources that get a page (shownResources), each over its own analysis window: resources
 * whose windows differ (a workspace can hold 2014 and 2019 traces) are read per window, so none is squeezed into the
 * buckets of a span of years.
 */
export async function reportSeries(reader: DisplaySeriesReader, report: Report, pages: number): Promise<DisplaySeries[]> {
  const byWindow = new Map<string, { start: number; end: number; ids: string[] }>()
  for (const id of shownResources(report, pages)) {
    const w = report.recommendations.find((r) => r.resource.id === id)!.window
    const key = `${w.start}-${w.end}`
    const g = byWindow.get(key) ?? { start: w.start, end: w.end, ids: [] }
    g.ids.push(id)
    byWindow.set(key, g)
  }
  const out: DisplaySeries[] = []
  for (const g of byWindow.values()) out.push(...(await reader.displaySeries({ resourceIds: g.ids, start: g.start, end: g.end, buckets: DISPLAY_BUCKETS })))
  return out
}
