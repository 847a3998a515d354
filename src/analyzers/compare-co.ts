import type { Recommendation, Report } from '../core/report.js'
import type { StoredCoRecommendation } from '../store/types.js'

/** Compute Optimizer's recommendation for one resource, as stored by `collect aws --compute-optimizer`. */
export type CoRow = StoredCoRecommendation

const ANALYZER_OF: Record<string, string> = { 'ec2-instance': 'ec2.rightsize', 'ebs-volume': 'ebs.rightsize', 'lambda-function': 'lambda.memory' }

function headroomOption(r: Recommendation): string | null {
  const c = r.options[0]?.change
  if (!c || r.finding === 'Optimized' || r.finding === 'InsufficientData') return null
  if (c.instanceType !== undefined) return String(c.instanceType)
  if (c.volumeType !== undefined) return String(c.volumeType)
  if (c.memorySizeMB !== undefined) return `${String(c.memorySizeMB)} MB`
  return null
}

/**
 * headroom's recommendations beside Compute Optimizer's, per resource. Findings agree when they name the same state;
 * Compute Optimizer's EBS and Lambda findings are only Optimized / NotOptimized, so headroom's Over- and
 * Underprovisioned count as NotOptimized there. Options agree on the instance type, the volume type, or the memory.
 */
export function compareWithComputeOptimizer(report: Report, co: readonly CoRow[]): NonNullable<Report['comparisons']>['computeOptimizer'] {
  const rows: NonNullable<Report['comparisons']>['computeOptimizer']['rows'] = []
  for (const c of co) {
    const ours = report.recommendations.find((r) => r.resource.id === c.resourceId && r.analyzer === ANALYZER_OF[c.kind])
    if (!ours) continue
    // The API spells EC2 findings OVER_PROVISIONED, OPTIMIZED, ...; EBS and Lambda ones NotOptimized, Optimized.
    const k = c.finding.toLowerCase().replace(/_/g, '')
    const coFinding =
      (
        { overprovisioned: 'Overprovisioned', underprovisioned: 'Underprovisioned', optimized: 'Optimized', notoptimized: 'NotOptimized' } as Record<
          string,
          string
        >
      )[k] ?? c.finding
    const ourFinding = ours.finding
    const binary =
      coFinding === 'NotOptimized' ? (ourFinding === 'Overprovisioned' || ourFinding === 'Underprovisioned' ? 'NotOptimized' : ourFinding) : ourFinding
    const ourOption = headroomOption(ours)
    const coOption = coFinding === 'Optimized' ? null : c.recommended
    const coOptKey = c.kind === 'ebs-volume' ? (coOption?.split(' ')[0] ?? null) : coOption
    rows.push({
      resourceId: c.resourceId,
      kind: c.kind,
      headroomFinding: ourFinding,
      headroomOption: ourOption,
      headroomMonthlySavings: ours.estimatedMonthlySavings,
      coFinding,
      coOption,
      coMonthlySavings: c.monthlySavings,
      findingAgrees: binary === coFinding,
      optionAgrees: ourOption !== null && coOptKey !== null ? ourOption === coOptKey : null,
    })
  }
  const optionRows = rows.filter((r) => r.optionAgrees !== null)
  return {
    compared: rows.length,
    findingAgrees: rows.filter((r) => r.findingAgrees).length,
    optionCompared: optionRows.length,
    optionAgrees: optionRows.filter((r) => r.optionAgrees).length,
    rows,
  }
}
