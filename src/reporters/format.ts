import type { Coverage, Issue, Recommendation } from '../core/report.js'

/** USD with cents and thousands separators; negative amounts lead with '-' ('-$19.05'); unknown is 'n/a'. */
export const usd = (x: number | null | undefined): string =>
  x === null || x === undefined
    ? 'n/a'
    : `${x < 0 && Math.abs(x) >= 0.005 ? '-' : ''}$${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`

/**
 * The monthly savings of acting on a recommendation, signed the way every format shows it (JSON `monthlySavings`, CSV
 * `option1_savings_usd`, the terminal and Markdown savings columns): positive saves, negative costs more. For an
 * under-provisioned resource that is the top option's (usually negative: the fix costs more), not the fleet
 * total's 0; null when unpriced.
 */
export function savingsOf(r: Recommendation): number | null {
  if (r.finding === 'Underprovisioned') return r.options[0]?.monthlySavings ?? null
  return r.estimatedMonthlySavings
}

/** Length as a terminal shows it: ANSI colour codes take no columns. */

const visibleLength = (s: string): number => s.replace(/\u001b\[[0-9;]*m/g, '').length

export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined ? 'n/a' : `${x.toFixed(digits)}%`
}

/** What an option changes, in a few words, for every analyzer's `change` shape. */
export function describeChange(c: Readonly<Record<string, string | number>>): string {
  if (c.instanceType !== undefined) return String(c.instanceType)
  if (c.instanceClass !== undefined) return String(c.instanceClass)
  if (c.nodeType !== undefined) return String(c.nodeType)
  if (c.volumeType !== undefined)
    return `${String(c.volumeType)}${c.iops !== undefined ? ` ${String(c.iops)} IOPS` : ''}${c.throughputMiBps !== undefined ? ` ${String(c.throughputMiBps)} MiB/s` : ''}`
  if (c.memorySizeMB !== undefined) return `${String(c.memorySizeMB)} MB${c.architecture !== undefined ? ` ${String(c.architecture)}` : ''}`
  if (c.billingMode === 'PAY_PER_REQUEST') return 'on-demand'
  if (c.billingMode === 'PROVISIONED')
    return c.autoScaling
      ? `provisioned, auto scaling at ${String(c.targetPct)}% (RCU ${String(c.readCapacityRange)}, WCU ${String(c.writeCapacityRange)})`
      : `provisioned ${String(c.readCapacity)} RCU / ${String(c.writeCapacity)} WCU`
  return Object.entries(c)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ')
}
export const topType = (r: Recommendation): string => (r.options[0] ? describeChange(r.options[0].change) : '')
export const currentType = (r: Recommendation): string => {
  const c = r.current
  const v =
    c.instanceType ??
    c.instanceClass ??
    c.nodeType ??
    (c.volumeType != null ? `${String(c.volumeType)} ${String(c.sizeGiB ?? '')} GiB`.trim() : null) ??
    (c.memorySizeMB != null ? `${String(c.memorySizeMB)} MB ${String(c.architecture ?? '')}`.trim() : null)
  if (v != null) return String(v)
  if (c.billingMode === 'PAY_PER_REQUEST') return 'on-demand'
  if (c.billingMode === 'PROVISIONED') return 'provisioned'
  // An analyzer these helpers do not know (a library caller's own): its text settings, as describeChange shows options.
  return Object.entries(c)
    .filter(([k, x]) => typeof x === 'string' && k !== 'monthlyCost')
    .map(([k, x]) => `${k}=${String(x)}`)
    .join(', ')
}

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
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(c))))
  const pad = (c: string, i: number) => ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(c)))
  return rows
    .map((r) =>
      r
        .map((c, i) => (align[i] === 'r' ? pad(c, i) + c : c + pad(c, i)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/** '13 resources: 3 analyzed, 8 with too little data, 1 stopped, 1 of a kind no analyzer takes' (empty buckets left out). */
export function coverageText(resources: number, c: Coverage): string {
  const parts = [
    `${c.analyzed} analyzed`,
    c.insufficientData ? `${c.insufficientData} with too little data` : '',
    c.stopped ? `${c.stopped} stopped` : '',
    c.noAnalyzer ? `${c.noAnalyzer} of a kind no analyzer takes` : '',
  ].filter(Boolean)
  return `${resources} resource${resources === 1 ? '' : 's'}: ${parts.join(', ')}`
}
