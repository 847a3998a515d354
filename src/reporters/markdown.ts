import type { DimensionAssessment, Report } from '../core/report.js'
import { currentType, describeChange, groupIssues, isoDay, pct, savingsOf, scalingRows, SCALING_HEADER, topType, usd } from './format.js'

const esc = (s: string) => s.replace(/\|/g, '\\|')
const mdTable = (head: readonly string[], rows: readonly (readonly string[])[]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n')

function renderSimulationsOnly(report: Report, out: string[]): string {
  out.push(`Generated ${new Date(report.meta.generatedAt).toISOString()} by headroom ${report.meta.version}.`, '')
  const co = report.comparisons?.computeOptimizer
  if (co && co.compared > 0) {
    out.push('## Compute Optimizer side by side', '', `${co.compared} resources compared: the finding agrees on ${co.findingAgrees}; the top option agrees on ${co.optionAgrees} of ${co.optionCompared} where both suggest a change.`, '')
    out.push(mdTable(['Resource', 'headroom', 'Compute Optimizer', 'Agree'], co.rows.map((r) => [r.resourceId, `${r.headroomFinding}${r.headroomOption ? ` -> ${r.headroomOption}` : ''}`, `${r.coFinding}${r.coOption ? ` -> ${r.coOption}` : ''}`, r.findingAgrees && r.optionAgrees !== false ? 'yes' : 'no'])), '')
  }
  out.push(...simulationSections(report))
  return out.join('\n')
}

function simulationSections(report: Report): string[] {
  const out: string[] = []
  for (const sim of report.simulations) {
    out.push(`## Scaling what-if: ${sim.group}`, '')
    out.push(`${sim.instanceTypes.join(', ')}, launch delay ${sim.launchDelaySec} s, utilization limit ${sim.utilizationLimitPct}%, ${isoDay(sim.window.start)} to ${isoDay(sim.window.end)}. Load: ${sim.demandSource}. Best practices: ${sim.bestPractices.join(', ')}.`, '')
    out.push(mdTable(SCALING_HEADER, scalingRows(sim)), '')
    if (sim.search) out.push(`\\* cheapest with zero breach minutes; + on the cost / breach-minutes Pareto front; ${sim.search.evaluated} candidates evaluated.`, '')
    out.push(sim.summary, '')
  }
  return out
}

function dimCell(d: DimensionAssessment): string {
  if (!d.measured) return `${d.dimension}: not measured`
  const share = d.exceedanceShare === null ? '' : `, ${(d.exceedanceShare * 100).toFixed(2)}% of intervals over`
  return `${d.dimension}: ${pct(d.projectedUtilization)} (${d.risk}${share})`
}

/** The full report as Markdown: summary, every recommendation with its options and evidence, notes. */
export function renderMarkdown(report: Report): string {
  const s = report.summary
  const o = report.meta.options
  const e = o.analyzers['ec2.rightsize'] ?? {}
  const out: string[] = []
  out.push(`# headroom report`, '')
  if (report.recommendations.length === 0 && report.simulations.length > 0) return renderSimulationsOnly(report, out)
  out.push(`Generated ${new Date(report.meta.generatedAt).toISOString()} by headroom ${report.meta.version}. EC2 sizing: ${String(e.percentile)} of 5-minute maxima with ${String(e.cpuHeadroomPct)}% CPU headroom, memory peak + ${String(e.memoryHeadroomPct)}%, ${String(o.lookbackDays)}-day window; every analyzer's settings are in \`meta.options\` of the JSON report. Prices: on-demand Linux, 730 h/month.`, '')
  out.push('## Summary', '')
  out.push(mdTable(['', 'USD / month'], [
    ['Cost now', usd(s.currentMonthlyCost)],
    ['Savings (one action per resource)', usd(s.monthlySavings)],
    ['Upsizing under-provisioned resources', usd(s.upsizingMonthlyCost)],
    ['Cost recommended', usd(s.recommendedMonthlyCost)],
  ]), '')
  out.push(`Resources: ${s.resources}, analyzed: ${s.analyzed}, unpriced: ${s.unpricedResources}.`, '')
  out.push(mdTable(['Finding', 'Count'], Object.entries(s.byFinding).map(([k, v]) => [k, String(v)])), '')
  out.push(mdTable(['Risk of recommended option', 'Count'], Object.entries(s.byRisk).map(([k, v]) => [k, String(v)])), '')
  out.push('## Recommendations', '')
  out.push('Savings / month is what acting on the recommended option saves; negative means it costs more (the fix for an under-provisioned resource).', '')
  out.push(mdTable(['Resource', 'Finding', 'Reasons', 'Now', 'Recommended', 'Risk', 'Binding', 'Savings / month'],
    report.recommendations.map((r) => [r.resource.id, r.finding, r.reasons.join(', '), currentType(r), topType(r), r.options[0]?.performanceRisk ?? '', r.options[0]?.bindingDimension ?? '', usd(savingsOf(r))])), '')
  out.push('## Details', '')
  for (const r of report.recommendations) {
    out.push(`### ${r.resource.id} (${r.analyzer}${r.check ? `: ${r.check}` : ''})`, '')
    out.push(`**${r.finding}**${r.reasons.length ? ` (${r.reasons.join(', ')})` : ''}. ${r.summary}`, '')
    out.push(`Window ${isoDay(r.window.start)} to ${isoDay(r.window.end)}. Best practices: ${r.bestPractices.join(', ')}.${r.memoryBlind ? ' Memory-blind.' : ''}`, '')
    if (r.currentDimensions.length)
      out.push(`Current (${currentType(r)}, ${usd(typeof r.current.monthlyCost === 'number' ? r.current.monthlyCost : null)}/month, risk ${r.currentPerformanceRisk}): ${r.currentDimensions.map(dimCell).join('; ')}`, '')
    if (r.options.length)
      out.push(mdTable(['Rank', 'Change', 'Cost / month', 'Savings', 'Risk', 'Binding', 'Projected utilization', 'Migration', 'Notes'],
        r.options.map((x) => [String(x.rank), describeChange(x.change), usd(x.monthlyCost), usd(x.monthlySavings), x.performanceRisk, x.bindingDimension, x.dimensions.map(dimCell).join('; '), `${x.migrationEffort}${x.platformDifferences.length ? ` (${x.platformDifferences.join(', ')})` : ''}`, x.notes.join(' ')])), '')
    if (r.evidence.length)
      out.push(mdTable(['Evidence', 'Statistic', 'Value', 'Samples'], r.evidence.map((e) => [e.metric, e.stat, `${e.value} ${e.unit}`, String(e.samples)])), '')
  }
  const co = report.comparisons?.computeOptimizer
  if (co && co.compared > 0) {
    out.push('## Compute Optimizer side by side', '', `${co.compared} resources compared: the finding agrees on ${co.findingAgrees}; the top option agrees on ${co.optionAgrees} of ${co.optionCompared} where both suggest a change.`, '')
    out.push(mdTable(['Resource', 'headroom', 'Compute Optimizer', 'Agree'], co.rows.map((r) => [r.resourceId, `${r.headroomFinding}${r.headroomOption ? ` -> ${r.headroomOption}` : ''}`, `${r.coFinding}${r.coOption ? ` -> ${r.coOption}` : ''}`, r.findingAgrees && r.optionAgrees !== false ? 'yes' : 'no'])), '')
  }
  out.push(...simulationSections(report))
  const groups = groupIssues(report.issues)
  if (groups.length) {
    out.push('## Notes', '')
    for (const g of groups) out.push(`- ${g.severity} ${g.code}${g.count > 1 ? ` (x${g.count})` : ''}: ${g.example}`)
    out.push('')
  }
  return out.join('\n')
}
