import type { HeadroomDocument } from '../app/document.js'
import { UsageError } from '../core/errors.js'
import { renderMarkdownView, renderTerminalView, type View } from './view.js'

/** Every command that writes a document takes these formats (`-f, --format`). */
export const REPORT_FORMATS = ['terminal', 'json', 'md', 'csv'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export interface RenderOptions {
  /** Rows per table in the terminal summary. */
  top?: number
  /** Colour with ANSI escapes (the CLI turns it on for a TTY without NO_COLOR). */
  color?: boolean
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

/** Renders any document in any format: JSON as it is, the others through the document kind's views. */
export async function renderDocument(doc: HeadroomDocument, format: ReportFormat, opts: RenderOptions = {}): Promise<string> {
  // Library callers in plain JavaScript get no type check: a misspelt format must not silently print the terminal view.
  if (!(REPORT_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`Unknown report format '${String(format)}'.`, `Use one of: ${REPORT_FORMATS.join(', ')}.`)
  if (format === 'json') return JSON.stringify(doc, null, 2) + '\n'
  const load = (KINDS as Partial<Record<string, () => Promise<unknown>>>)[doc.kind]
  if (!load) throw new UsageError(`Unknown document kind '${String(doc.kind)}'.`, `A headroom document's kind is one of: ${Object.keys(KINDS).join(', ')}.`)
  const r = (await load()) as KindRenderer<HeadroomDocument>
  if (format === 'csv') return r.csv(doc)
  if (format === 'md') return renderMarkdownView(r.full(doc))
  return renderTerminalView(r.summary(doc, opts.top ?? 10), opts.color ?? false)
}
