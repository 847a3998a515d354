import type { Issue, Recommendation, SimulationResult } from '../core/report.js'

export const usd = (x: number | null | undefined): string =>
  x === null || x === undefined ? 'n/a' : `${x < 0 ? '-' : ''}$${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`

export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined ? 'n/a' : `${x.toFixed(digits)}%`
}

export const topType = (r: Recommendation): string => String(r.options[0]?.change.instanceType ?? '')
export const currentType = (r: Recommendation): string => String(r.current.instanceType ?? '')

/** Issues with the same code folded into one line, so 100 identical notes read as one. */
export function groupIssues(issues: readonly Issue[]): { code: string; severity: Issue['severity']; count: number; example: string }[] {
  const groups = new Map<string, { code: string; severity: Issue['severity']; count: number; example: string }>()
  for (const i of issues) {
    const g = groups.get(i.code)
    if (g) g.count++
    else groups.set(i.code, { code: i.code, severity: i.severity, count: 1, example: i.message })
  }
  return [...groups.values()]
}

export function table(rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const widths: number[] = []
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)))
  return rows
    .map((r) => r.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd())
    .join('\n')
}

export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/** Rows describing each simulated policy set (shared by the terminal and Markdown renderers). */
export function scalingRows(sim: SimulationResult): string[][] {
  const pareto = new Set(sim.search?.pareto ?? [])
  return sim.outcomes.map((o) => [
    o.policySet + (o.policySet === sim.search?.cheapestZeroBreach ? ' *' : pareto.has(o.policySet) ? ' +' : ''),
    o.description,
    usd(o.cost),
    o.instanceHours.toFixed(1),
    String(o.breachMinutes),
    `${o.peakUtilizationPct.toFixed(0)}%`,
    String(o.scalingActions),
    `${o.minInstances}-${o.maxInstances}`,
  ])
}
export const SCALING_HEADER = ['POLICY SET', 'POLICIES', 'COST', 'INST-H', 'BREACH MIN', 'PEAK UTIL', 'ACTIONS', 'INSTANCES']
