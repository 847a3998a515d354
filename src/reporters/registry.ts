import type { Report } from '../core/report.js'
import { renderCsv } from './csv.js'
import { renderMarkdown } from './markdown.js'
import { renderTerminal, type RenderOptions } from './terminal.js'

export type ReportFormat = 'terminal' | 'json' | 'md' | 'csv'
export type Renderer = (report: Report, opts: RenderOptions) => string

export const RENDERERS: Record<ReportFormat, Renderer> = {
  terminal: renderTerminal,
  json: (report) => JSON.stringify(report, null, 2) + '\n',
  md: (report) => renderMarkdown(report),
  csv: (report) => renderCsv(report),
}
export const REPORT_FORMATS = Object.keys(RENDERERS) as ReportFormat[]
