import type { Report } from '../core/report.js'

const COLUMNS = [
  'resource_id', 'kind', 'region', 'analyzer', 'finding', 'reasons', 'current_type', 'current_monthly_usd', 'current_risk',
  'option1_type', 'option1_monthly_usd', 'option1_savings_usd', 'option1_risk', 'option1_binding', 'option1_cpu_projected_pct',
  'option2_type', 'option2_savings_usd', 'option3_type', 'option3_savings_usd', 'memory_blind', 'best_practices', 'summary',
] as const

function cell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return ''
  const s = String(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** One row per recommendation, like Compute Optimizer's CSV export. */
export function renderCsv(report: Report): string {
  const rows = report.recommendations.map((r) => {
    const [a, b, c] = r.options
    return [
      r.resource.id, r.resource.kind, r.resource.region, r.analyzer, r.finding, r.reasons.join(';'), r.current.instanceType, r.current.monthlyCost, r.currentPerformanceRisk,
      a?.change.instanceType, a?.monthlyCost, a?.monthlySavings, a?.performanceRisk, a?.bindingDimension,
      a?.dimensions.find((d) => d.dimension === 'cpu')?.projectedUtilization?.toFixed(2),
      b?.change.instanceType, b?.monthlySavings, c?.change.instanceType, c?.monthlySavings, r.memoryBlind, r.bestPractices.join(';'), r.summary,
    ].map(cell).join(',')
  })
  return [COLUMNS.join(','), ...rows].join('\n') + '\n'
}
