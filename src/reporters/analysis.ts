import type { Presenter } from '../analyzers/types.js'
import { ANALYZERS } from '../analyzers/registry.js'
import type { DimensionAssessment, Recommendation, Report } from '../core/report.js'
import { coverageText, currentType, describeChange, groupIssues, isoDay, pct, savingsOf, topType, usd } from './format.js'
import { genericSection, genericShows } from './sections.js'
import { renderCsv } from './csv.js'
import type { KindRenderer, RenderOptions } from './registry.js'
import { renderMarkdownView, renderTerminalView, type Inline, type Section, type View } from './view.js'

const FINDINGS = ['Underprovisioned', 'Overprovisioned', 'Sized', 'Optimized', 'InsufficientData', 'Flagged']
const RISKS = ['VeryLow', 'Low', 'Medium', 'High']

interface Part {
  id: string
  present: Presenter
  recs: Recommendation[]
  options: Readonly<Record<string, unknown>>
}

/**
 * The report's recommendations by analyzer, in registry order (analyzers a library caller ran that the registry does
 * not know come last), each with its presenter: its own, or one table titled by its meta.title.
 */
function partsOf(report: Report): Part[] {
  const byId = new Map<string, Recommendation[]>()
  for (const r of report.recommendations) byId.set(r.analyzer, [...(byId.get(r.analyzer) ?? []), r])
  const known = ANALYZERS as Readonly<Record<string, { meta: { title: string }; present?: Presenter }>>
  const ids = [...Object.keys(known).filter((id) => byId.has(id)), ...[...byId.keys()].filter((id) => !(id in known))]
  return ids.map((id) => {
    const title = known[id]?.meta.title ?? id
    const present = known[id]?.present ?? { shows: genericShows, sections: (recs, { top }) => genericSection(title, recs, top) }
    return { id, present, recs: byId.get(id)!, options: report.meta.options.analyzers[id] ?? {} }
  })
}

/** The line each analyzer with a presenter adds under the title, naming the settings it ran with. */
const settingsOf = (report: Report, parts: readonly Part[]): string[] =>
  parts.flatMap((p) => (p.present.settings ? [p.present.settings(p.options, report.meta.options.lookbackDays)] : []))

/** The terminal summary: fleet cost now vs recommended, counts, each analyzer's section, the shared lists. */
export function analysisSummaryView(report: Report, top: number): View {
  const s = report.summary
  const parts = partsOf(report)
  // The title: the first analyzer's headline phrase (EC2 right-sizing), and the other analyzers' counts.
  const lead0 = parts.find((p) => p.present.headline !== undefined)
  const counts = parts.flatMap((p) => (p !== lead0 && p.present.count ? [p.present.count(p.recs, s)] : []))
  const headline = lead0?.present.headline?.(lead0.recs, s) ?? `${s.resources} resource${s.resources === 1 ? '' : 's'}`
  const title = `headroom ${report.meta.version}: ${headline}${counts.length ? ` (${counts.join(', ')})` : ''}`
  const settings = settingsOf(report, parts)
  const sections: Section[] = []
  // Every resource of the workspace is accounted for: the ones not analyzed are listed below (Insufficient data, Notes).
  if (s.coverage.analyzed < s.resources)
    sections.push({
      blocks: [{ type: 'text', tone: 'warn', text: `${coverageText(s.resources, s.coverage)} (each one not analyzed is listed below, with why).` }],
    })
  if (s.currentMonthlyCost > 0 || s.monthlySavings > 0 || s.unpricedResources > 0) {
    sections.push({
      blocks: [
        {
          type: 'pairs',
          rows: [
            ['Monthly cost now', usd(s.currentMonthlyCost)],
            ['Savings (one action per resource)', [{ text: usd(s.monthlySavings), tone: 'good' }]],
            ['Upsizing the under-provisioned', s.upsizingMonthlyCost > 0 ? [{ text: `+${usd(s.upsizingMonthlyCost)}`, tone: 'warn' }] : usd(0)],
            ['Monthly cost recommended', usd(s.recommendedMonthlyCost)],
          ],
        },
        ...(s.unpricedResources > 0
          ? [
              {
                type: 'text' as const,
                tone: 'warn' as const,
                text: `${s.unpricedResources} resource(s) have no price in the catalog and are left out of the totals.`,
              },
            ]
          : []),
      ],
    })
  }
  sections.push({
    blocks: [
      {
        type: 'text',
        text: `Findings: ${
          FINDINGS.filter((f) => s.byFinding[f])
            .map((f) => `${f} ${s.byFinding[f]}`)
            .join(', ') || 'none'
        }`,
      },
      {
        type: 'text',
        text: `Risk of the recommended option: ${
          RISKS.filter((r) => s.byRisk[r])
            .map((r) => `${r} ${s.byRisk[r]}`)
            .join(', ') || 'none'
        }`,
      },
    ],
  })
  for (const p of parts) sections.push(...p.present.sections(p.recs, { top }))
  const left = (finding: string) => parts.flatMap((p) => p.recs.filter((r) => r.finding === finding && !p.present.shows(r)))
  const flags = left('Flagged')
  if (flags.length > 0)
    sections.push({
      title: `Checks: Trusted Advisor, idle resources, caching (${flags.length})`,
      blocks: [{ type: 'list', items: flags.slice(0, top).map((f) => `${f.resource.id}: ${f.summary}`) }],
    })
  const co = report.comparisons?.computeOptimizer
  if (co && co.compared > 0) {
    const differ = co.rows.filter((r) => !r.findingAgrees || r.optionAgrees === false)
    sections.push({
      title: `Compute Optimizer side by side (${co.compared} resources): the finding agrees on ${co.findingAgrees}; the top option agrees on ${co.optionAgrees} of ${co.optionCompared} where both suggest a change`,
      blocks: differ.length
        ? [
            {
              type: 'table',
              head: ['RESOURCE', 'HEADROOM', 'COMPUTE OPTIMIZER'],
              align: ['l', 'l', 'l'],
              rows: differ
                .slice(0, top)
                .map((r) => [
                  r.resourceId,
                  `${r.headroomFinding}${r.headroomOption ? ` -> ${r.headroomOption}` : ''}`,
                  `${r.coFinding}${r.coOption ? ` -> ${r.coOption}` : ''}`,
                ]),
            },
          ]
        : [],
    })
  }
  const insufficient = left('InsufficientData')
  if (insufficient.length > 0)
    sections.push({
      title: `Insufficient data (${insufficient.length})`,
      blocks: [{ type: 'list', items: insufficient.slice(0, top).map((r) => `${r.resource.id}: ${r.summary}`) }],
    })
  const blind = report.recommendations.filter((r) => r.memoryBlind && r.finding !== 'InsufficientData' && r.finding !== 'Flagged').length
  if (blind > 0)
    sections.push({
      blocks: [
        {
          type: 'text',
          tone: 'warn',
          text: `${blind} recommendation(s) are memory-blind (memory not measured): options keep at least the current memory; memory risk is unknown.`,
        },
      ],
    })
  const groups = groupIssues(report.issues)
  if (groups.length > 0)
    sections.push({
      title: 'Notes',
      blocks: [{ type: 'list', items: groups.map((g) => `${g.count > 1 ? `${g.count} x ` : ''}${g.code}: ${g.count > 1 ? `e.g. ${g.example}` : g.example}`) }],
    })
  const lead = settings.length ? settings : [`${report.meta.options.lookbackDays}-day window`]
  lead[lead.length - 1] += " (every analyzer's settings: headroom config)"
  return { title, lead, sections }
}

function dimCell(d: DimensionAssessment): string {
  if (!d.measured) return `${d.dimension}: not measured`
  const share = d.exceedanceShare === null ? '' : `, ${(d.exceedanceShare * 100).toFixed(2)}% of intervals over`
  return `${d.dimension}: ${pct(d.projectedUtilization)} (${d.risk}${share})`
}

/** The full report (Markdown, HTML): summary, every recommendation with its options and evidence, notes. */
export function analysisFullView(report: Report): View {
  const s = report.summary
  const settings = settingsOf(report, partsOf(report))
  const sections: Section[] = []
  sections.push({
    title: 'Summary',
    blocks: [
      {
        type: 'pairs',
        head: ['', 'USD / month'],
        rows: [
          ['Cost now', usd(s.currentMonthlyCost)],
          ['Savings (one action per resource)', usd(s.monthlySavings)],
          ['Upsizing under-provisioned resources', usd(s.upsizingMonthlyCost)],
          ['Cost recommended', usd(s.recommendedMonthlyCost)],
        ],
      },
      { type: 'text', text: `${coverageText(s.resources, s.coverage)}; EC2 instances sized: ${s.analyzed}; unpriced: ${s.unpricedResources}.` },
      { type: 'table', head: ['Finding', 'Count'], rows: Object.entries(s.byFinding).map(([k, v]) => [k, String(v)]) },
      { type: 'table', head: ['Risk of recommended option', 'Count'], rows: Object.entries(s.byRisk).map(([k, v]) => [k, String(v)]) },
    ],
  })
  sections.push({
    title: 'Recommendations',
    blocks: [
      {
        type: 'text',
        text: 'Savings / month is what acting on the recommended option saves; negative means it costs more (the fix for an under-provisioned resource).',
      },
      {
        type: 'table',
        head: ['Resource', 'Finding', 'Reasons', 'Now', 'Recommended', 'Risk', 'Binding', 'Savings / month'],
        align: ['l', 'l', 'l', 'l', 'l', 'l', 'l', 'r'],
        rows: report.recommendations.map((r) => [
          r.resource.id,
          r.finding,
          r.reasons.join(', '),
          currentType(r),
          topType(r),
          r.options[0]?.performanceRisk ?? '',
          r.options[0]?.bindingDimension ?? '',
          usd(savingsOf(r)),
        ]),
      },
    ],
  })
  sections.push({ title: 'Details', blocks: [] })
  for (const r of report.recommendations) {
    const finding: Inline = [{ text: r.finding, tone: 'strong' }, { text: `${r.reasons.length ? ` (${r.reasons.join(', ')})` : ''}. ${r.summary}` }]
    sections.push({
      title: `${r.resource.id} (${r.analyzer}${r.check ? `: ${r.check}` : ''})`,
      level: 3,
      blocks: [
        { type: 'text', text: finding },
        {
          type: 'text',
          text: `Window ${isoDay(r.window.start)} to ${isoDay(r.window.end)}. Best practices: ${r.bestPractices.join(', ')}.${r.memoryBlind ? ' Memory-blind.' : ''}`,
        },
        ...(r.currentDimensions.length
          ? [
              {
                type: 'text' as const,
                text: `Current (${currentType(r)}, ${usd(typeof r.current.monthlyCost === 'number' ? r.current.monthlyCost : null)}/month, risk ${r.currentPerformanceRisk}): ${r.currentDimensions.map(dimCell).join('; ')}`,
              },
            ]
          : []),
        ...(r.options.length
          ? [
              {
                type: 'table' as const,
                head: ['Rank', 'Change', 'Cost / month', 'Savings', 'Risk', 'Binding', 'Projected utilization', 'Migration', 'Notes'],
                rows: r.options.map((x) => [
                  String(x.rank),
                  describeChange(x.change),
                  usd(x.monthlyCost),
                  usd(x.monthlySavings),
                  x.performanceRisk,
                  x.bindingDimension,
                  x.dimensions.map(dimCell).join('; '),
                  `${x.migrationEffort}${x.platformDifferences.length ? ` (${x.platformDifferences.join(', ')})` : ''}`,
                  x.notes.join(' '),
                ]),
              },
            ]
          : []),
        ...(r.evidence.length
          ? [
              {
                type: 'table' as const,
                head: ['Evidence', 'Statistic', 'Value', 'Samples'],
                rows: r.evidence.map((x) => [x.metric, x.stat, `${x.value} ${x.unit}`, String(x.samples)]),
              },
            ]
          : []),
      ],
    })
  }
  const co = report.comparisons?.computeOptimizer
  if (co && co.compared > 0)
    sections.push({
      title: 'Compute Optimizer side by side',
      blocks: [
        {
          type: 'text',
          text: `${co.compared} resources compared: the finding agrees on ${co.findingAgrees}; the top option agrees on ${co.optionAgrees} of ${co.optionCompared} where both suggest a change.`,
        },
        {
          type: 'table',
          head: ['Resource', 'headroom', 'Compute Optimizer', 'Agree'],
          rows: co.rows.map((r) => [
            r.resourceId,
            `${r.headroomFinding}${r.headroomOption ? ` -> ${r.headroomOption}` : ''}`,
            `${r.coFinding}${r.coOption ? ` -> ${r.coOption}` : ''}`,
            r.findingAgrees && r.optionAgrees !== false ? 'yes' : 'no',
          ]),
        },
      ],
    })
  const groups = groupIssues(report.issues)
  if (groups.length)
    sections.push({
      title: 'Notes',
      blocks: [{ type: 'list', items: groups.map((g) => `${g.severity} ${g.code}${g.count > 1 ? ` (x${g.count})` : ''}: ${g.example}`) }],
    })
  return {
    title: 'headroom report',
    lead: [
      `Generated ${new Date(report.meta.generatedAt).toISOString()} by headroom ${report.meta.version}${settings.length ? '' : `, ${report.meta.options.lookbackDays}-day window`}; every analyzer's settings are in \`meta.options\` of the JSON report. Prices: on-demand Linux, 730 h/month.${settings.length ? ` ${settings.map((x) => `${x}.`).join(' ')}` : ''}`,
    ],
    sections,
  }
}

export const analysisRenderer: KindRenderer<Report> = { summary: analysisSummaryView, full: analysisFullView, csv: renderCsv }

/** The terminal summary of an analysis (library callers; the CLI goes through renderDocument). */
export const renderTerminal = (report: Report, opts: RenderOptions = {}): string =>
  renderTerminalView(analysisSummaryView(report, opts.top ?? 10), opts.color ?? false)
/** The full analysis as Markdown. */
export const renderMarkdown = (report: Report): string => renderMarkdownView(analysisFullView(report))
