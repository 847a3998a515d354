import type { Report } from '../core/report.js'
import { currentType, describeChange } from './format.js'

const COLUMNS = [
  'resource_id',
  'kind',
  'region',
  'analyzer',
  'check',
  'finding',
  'reasons',
  'current_type',
  'current_monthly_usd',
  'current_risk',
  'option1_type',
  'option1_monthly_usd',
  'option1_savings_usd',
  'option1_risk',
  'option1_binding',
  'option1_cpu_projected_pct',
  'option2_type',
  'option2_savings_usd',
  'option3_type',
  'option3_savings_usd',
  'memory_blind',
  'best_practices',
  'summary',
] as const

/** One CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
export function cell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return ''
  const s = String(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** One row per recommendation, like Compute Optimizer's CSV export. */
export function renderCsv(report: Report): string {
  const rows = report.recommendations.map((r) => {
    const [a, b, c] = r.options
    return [
      r.resource.id,
      r.resource.kind,
      r.resource.region,
      r.analyzer,
      r.check,
      r.finding,
      r.reasons.join(';'),
      currentType(r),
      r.current.monthlyCost,
      r.currentPerformanceRisk,
      a ? describeChange(a.change) : undefined,
      a?.monthlyCost,
      a?.monthlySavings,
      a?.performanceRisk,
      a?.bindingDimension,
      a?.dimensions.find((d) => d.dimension === 'cpu')?.projectedUtilization?.toFixed(2),
      b ? describeChange(b.change) : undefined,
      b?.monthlySavings,
      c ? describeChange(c.change) : undefined,
      c?.monthlySavings,
      r.memoryBlind,
      r.bestPractices.join(';'),
      r.summary,
    ]
      .map(cell)
      .join(',')
  })
  return [COLUMNS.join(','), ...rows].join('\n') + '\n'
}
