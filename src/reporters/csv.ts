import type { Report } from '../core/report.js'
import { currentType, describeChange } from './format.js'

const COLUMNS = [
  'resource_id', 'kind', 'region', 'analyzer', 'check', 'finding', 'reasons', 'current_type', 'current_monthly_usd', 'current_risk',
  'option1_type', 'option1_monthly_usd', 'option1_savings_usd', 'option1_risk', 'option1_binding', 'option1_cpu_projected_pct',
  'option2_type', 'option2_savings_usd', 'option3_type', 'option3_savings_usd', 'memory_blind', 'best_practices', 'summary',
] as const

/** One CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
export function cell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return ''
  const s = String(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

const SIMULATION_COLUMNS = [
  'group', 'policy_set', 'description', 'cost_usd', 'instance_hours', 'breach_minutes', 'peak_utilization_pct', 'peak_demand_pct',
  'scaling_actions', 'min_instances', 'max_instances', 'cheapest_zero_breach', 'pareto',
] as const

/** One row per simulated policy set (a scaling what-if report has no recommendations). */
function renderSimulationsCsv(report: Report): string {
  const rows = report.simulations.flatMap((sim) => sim.outcomes.map((o) => [
    sim.group, o.policySet, o.description, o.cost, o.instanceHours, o.breachMinutes, o.peakUtilizationPct, o.peakDemandPct, o.scalingActions, o.minInstances, o.maxInstances,
    sim.search?.cheapestZeroBreach === o.policySet, (sim.search?.pareto ?? []).includes(o.policySet),
  ].map(cell).join(',')))
  return [SIMULATION_COLUMNS.join(','), ...rows].join('\n') + '\n'
}

/** One row per recommendation, like Compute Optimizer's CSV export; a scaling what-if: one row per policy set. */
export function renderCsv(report: Report): string {
  if (report.recommendations.length === 0 && report.simulations.length > 0) return renderSimulationsCsv(report)
  const rows = report.recommendations.map((r) => {
    const [a, b, c] = r.options
    return [
      r.resource.id, r.resource.kind, r.resource.region, r.analyzer, r.check, r.finding, r.reasons.join(';'), currentType(r), r.current.monthlyCost, r.currentPerformanceRisk,
      a ? describeChange(a.change) : undefined, a?.monthlyCost, a?.monthlySavings, a?.performanceRisk, a?.bindingDimension,
      a?.dimensions.find((d) => d.dimension === 'cpu')?.projectedUtilization?.toFixed(2),
      b ? describeChange(b.change) : undefined, b?.monthlySavings, c ? describeChange(c.change) : undefined, c?.monthlySavings, r.memoryBlind, r.bestPractices.join(';'), r.summary,
    ].map(cell).join(',')
  })
  return [COLUMNS.join(','), ...rows].join('\n') + '\n'
}
