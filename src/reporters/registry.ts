import type { HeadroomDocument } from '../app/document.js'
import { UsageError } from '../core/errors.js'
import type { DisplaySeries } from '../store/types.js'
import { renderMarkdownView, renderTerminalView, type View } from './view.js'

/** Every command that writes a document takes these formats (`-f, --format`). */
export const REPORT_FORMATS = ['terminal', 'json', 'md', 'csv', 'html'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]
/** HTML reports give this many resources a page of charts by default (`report --pages`): the "50 shown". */
export const REPORT_PAGES = 50

export interface RenderOptions {
  /** Rows per table in the terminal summary. */
  top?: number
  /** Colour with ANSI escapes (the CLI turns it on for a TTY without NO_COLOR). */
  color?: boolean
  /** HTML: the workspace's stored series of the resources to give a page, with charts (see src/app/report.ts). */
  series?: readonly DisplaySeries[]
}

/** What a document kind supplies: its views (the terminal summary, the full document) and its CSV rows. */
export interface KindRenderer<D> {
  summary(doc: D, top: number): View
  full(doc: D): View
  csv(doc: D): string
}

type Kind = HeadroomDocument['kind']
type DocOf<K extends Kind> = Extract<HeadroomDocument, { kind: K }>

/**
 * Each kind's renderer, imported when a document of that kind is rendered: the analysis renderer brings in every
 * analyzer's presenter (the registry), which a load test or a scaling what-if has no use for (CLI start-up, see
 * docs/benchmarks.md).
 */
const KINDS: { [K in Kind]: () => Promise<KindRenderer<DocOf<K>>> } = {
  analysis: async () => (await import('./analysis.js')).analysisRenderer,
  scaling: async () => (await import('./scaling.js')).scalingRenderer,
  loadtest: async () => (await import('../loadtest/render.js')).loadTestRenderer,
  cache: async () => (await import('./cache.js')).cacheRenderer,
  review: async () => (await import('./review.js')).reviewRenderer,
}

/** A document kind's renderer; a kind it does not know is a usage error naming the kinds. */
export async function kindRenderer(kind: string): Promise<KindRenderer<HeadroomDocument>> {
  const load = (KINDS as Partial<Record<string, () => Promise<unknown>>>)[kind]
  if (!load) throw new UsageError(`Unknown document kind '${String(kind)}'.`, `A headroom document's kind is one of: ${Object.keys(KINDS).join(', ')}.`)
  return (await load()) as KindRenderer<HeadroomDocument>
}

/** Renders any document in any format: JSON as it is, the others through the document kind's views. */
export async function renderDocument(doc: HeadroomDocument, format: ReportFormat, opts: RenderOptions = {}): Promise<string> {
  // Library callers in plain JavaScript get no type check: a misspelt format must not silently print the terminal view.
  if (!(REPORT_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`Unknown report format '${String(format)}'.`, `Use one of: ${REPORT_FORMATS.join(', ')}.`)
  if (format === 'json') return JSON.stringify(doc, null, 2) + '\n'
  const r = await kindRenderer(doc.kind)
  if (format === 'html') return (await import('../html/page.js')).renderHtml(doc, { series: opts.series })
  if (format === 'csv') return r.csv(doc)
  if (format === 'md') return renderMarkdownView(r.full(doc))
  return renderTerminalView(r.summary(doc, opts.top ?? 10), opts.color ?? false)
}
