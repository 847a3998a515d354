import { describe, expect, it } from 'vitest'
import { summarize } from '../analyzers/run.js'
import { REPORT_SCHEMA_VERSION, type Recommendation, type Report } from '../core/report.js'
import { analysisFullView, analysisSummaryView } from './analysis.js'
import { renderDocument } from './registry.js'
import { pricedSection } from './sections.js'
import { renderMarkdownView, renderTerminalView, type View } from './view.js'

const view: View = {
  title: 'T',
  lead: ['lead one', [{ text: 'set ' }, { text: 'x', tone: 'strong' }]],
  sections: [
    {
      title: 'Numbers',
      blocks: [
        {
          type: 'table',
          head: ['NAME', 'USD'],
          align: ['l', 'r'],
          rows: [
            ['a', '1.00'],
            [[{ text: 'long-name', tone: 'good' }], '1234.50'],
          ],
        },
      ],
    },
    {
      blocks: [
        { type: 'text', text: 'warned', tone: 'warn' },
        { type: 'list', items: ['one', 'two'] },
      ],
    },
    { title: 'Pairs', level: 3, blocks: [{ type: 'pairs', head: ['', 'USD'], rows: [['Cost now', '9.00']] }] },
  ],
}

describe('the view renderers', () => {
  it('terminal: columns line up by visible width, so colour codes do not shift them', () => {
    const plain = renderTerminalView(view, false)
    const colour = renderTerminalView(view, true)
    // Stripping the escapes from the coloured output gives exactly the plain output.
    expect(colour.replace(/\u001b\[\d+m/g, '')).toBe(plain)
    expect(colour).toContain('\u001b[32mlong-name\u001b[0m')
    expect(colour).toContain('\u001b[33mwarned\u001b[0m')
    const rows = plain.split('\n').filter((l) => /^(NAME|a |long-name)/.test(l))
    // Right-aligned money: every row ends in the same column.
    expect(new Set(rows.map((l) => l.trimEnd().length)).size).toBe(1)
    expect(plain).toContain('  one\n  two')
  })

  it('markdown: # title, ## and ### sections, bold spans, escaped pipes and newlines in cells', () => {
    const md = renderMarkdownView({
      ...view,
      sections: [...view.sections, { title: 'Odd', blocks: [{ type: 'table', head: ['a|b'], rows: [['x | y\nz']] }] }],
    })
    expect(md.startsWith('# T\n\nlead one\n\nset **x**\n')).toBe(true)
    expect(md).toContain('## Numbers\n\n| NAME | USD |\n| --- | --- |\n| a | 1.00 |')
    expect(md).toContain('### Pairs')
    expect(md).toContain('| a\\|b |\n| --- |\n| x \\| y z |')
  })
})

const rec = (analyzer: string, id: string, finding: Recommendation['finding'], savings: number): Recommendation => ({
  id: `${analyzer}:${id}`,
  analyzer,
  resource: { provider: 'aws', kind: 'host', id, attributes: {}, tags: {} },
  finding,
  reasons: [],
  current: { queueType: 'standard', monthlyCost: 40 },
  currentPerformanceRisk: 'Low',
  currentDimensions: [],
  options:
    finding === 'Overprovisioned'
      ? [
          {
            rank: 1,
            change: { queueType: 'small' },
            performanceRisk: 'Low',
            bindingDimension: 'cpu',
            dimensions: [],
            monthlyCost: 40 - savings,
            monthlySavings: savings,
            migrationEffort: 'Low',
            platformDifferences: [],
            notes: [],
          },
        ]
      : [],
  evidence: [],
  window: { start: 0, end: 86_400_000 },
  bestPractices: ['PERF02-BP01'],
  summary: `${id} summary`,
  memoryBlind: false,
  estimatedMonthlySavings: finding === 'Overprovisioned' ? savings : null,
})

describe('analyzers the reporters were never told about', () => {
  // A library caller's own analyzer: its id is in no registry and no reporter names it.
  const recs = [rec('acme.queues', 'q-1', 'Overprovisioned', 12.5), rec('acme.queues', 'q-2', 'InsufficientData', 0), rec('acme.queues', 'q-3', 'Flagged', 0)]
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'analysis',
    meta: {
      tool: 'headroom',
      version: '0.0.0-test',
      generatedAt: Date.UTC(2026, 11, 2),
      options: { lookbackDays: 14, asOf: null, analyzers: { 'acme.queues': { depth: 3 } } },
      catalogSources: [],
    },
    summary: summarize(
      recs.map((r) => r.resource),
      recs,
      new Set(['host']),
    ),
    recommendations: recs,
    issues: [],
  }

  it('get a section of their own, titled by id, in the terminal summary; flags and gaps go to the shared lists', async () => {
    const text = await renderDocument(report, 'terminal', { color: false })
    expect(text).toMatch(/^acme\.queues \(1 of 1\)$/m)
    expect(text).toMatch(/^q-1 +Overprovisioned +queueType=standard +queueType=small +Low +\$12\.50$/m)
    expect(text).toContain('Checks: Trusted Advisor, idle resources, caching (1)\n  q-3: q-3 summary')
    expect(text).toContain('Insufficient data (1)\n  q-2: q-2 summary')
    expect(analysisSummaryView(report, 10).sections.some((s) => s.title?.startsWith('acme.queues'))).toBe(true)
  })

  it('appear in the full Markdown report and the CSV with their current and recommended type', async () => {
    const md = await renderDocument(report, 'md')
    expect(md).toContain('### q-1 (acme.queues)')
    expect(analysisFullView(report).sections.filter((s) => s.level === 3)).toHaveLength(3)
    const csv = await renderDocument(report, 'csv')
    expect(csv.split('\n').find((l) => l.includes('q-1'))).toMatch(/acme\.queues.*queueType=standard.*queueType=small/)
  })
})

describe('pricedSection', () => {
  it('counts a resource, its cost and its saving once when its analyzer adds a check beside the sizing', () => {
    // q-1: sized ($40 now, saves $12.50) and flagged by a check of the same analyzer ($40 now again, no saving).
    const recs = [rec('acme.queues', 'q-1', 'Overprovisioned', 12.5), rec('acme.queues', 'q-1', 'Flagged', 0), rec('acme.queues', 'q-2', 'Optimized', 0)]
    const [section] = pricedSection(recs, { title: 'Queues', column: 'QUEUE', savePrefix: '', top: 10, now: () => '', option: () => '' })
    expect(section!.title).toBe('Queues: 2, $80.00/month now, $12.50/month to save (us-east-1 prices)')
  })
})

describe('renderDocument', () => {
  it('refuses a format or document kind it does not know, naming the choices', async () => {
    const doc = { kind: 'analysis' } as unknown as Report
    await expect(renderDocument(doc, 'markdown' as 'md')).rejects.toMatchObject({
      code: 'USAGE',
      message: "Unknown report format 'markdown'.",
      hint: 'Use one of: terminal, json, md, csv, html.',
    })
    await expect(renderDocument({ kind: 'horoscope' } as unknown as Report, 'md')).rejects.toThrow("Unknown document kind 'horoscope'.")
  })
})
