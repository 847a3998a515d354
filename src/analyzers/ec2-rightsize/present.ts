import type { Recommendation } from '../../core/report.js'
import { currentType, savingsOf, topType, usd } from '../../reporters/format.js'
import { shownOf } from '../../reporters/sections.js'
import type { Section } from '../../reporters/view.js'
import type { Presenter } from '../types.js'

/** EC2 right-sizing in the summary: the biggest savings, then the under-provisioned (the ones at risk now). */
export const ec2Present: Presenter = {
  headline: (s) => `EC2 right-sizing of ${s.analyzed} of ${s.resources} resources`,
  count: (recs, s) => `${s.analyzed} of ${recs.length} EC2 instances`,
  settings: (e, days) =>
    `EC2 sizing: ${String(e.percentile)} of 5-minute maxima + ${String(e.cpuHeadroomPct)}% CPU headroom, memory peak + ${String(e.memoryHeadroomPct)}%, ${days}-day window, on-demand Linux prices`,
  shows: (r) => r.finding !== 'InsufficientData',
  sections(recs, { top }) {
    const out: Section[] = []
    const saving = recs.filter((r) => (r.estimatedMonthlySavings ?? 0) > 0)
    if (saving.length > 0)
      out.push({
        title: `Biggest savings (${saving.slice(0, top).length} of ${saving.length})`,
        blocks: [
          {
            type: 'table',
            head: ['RESOURCE', 'FINDING', 'NOW', 'RECOMMENDED', 'RISK', 'BINDS', 'SAVES/MO'],
            align: ['l', 'l', 'l', 'l', 'l', 'l', 'r'],
            rows: saving
              .slice(0, top)
              .map((r) => [
                r.resource.id,
                r.finding,
                currentType(r),
                topType(r),
                r.options[0]?.performanceRisk ?? '',
                r.options[0]?.bindingDimension ?? '',
                usd(savingsOf(r)),
              ]),
          },
        ],
      })
    const under = recs.filter((r: Recommendation) => r.finding === 'Underprovisioned')
    if (under.length > 0)
      out.push({
        title: `At risk: under-provisioned (${shownOf(under.length, top)})`,
        blocks: [
          {
            type: 'table',
            head: ['RESOURCE', 'NOW', 'REASONS', 'RECOMMENDED', 'SAVES/MO'],
            align: ['l', 'l', 'l', 'l', 'r'],
            rows: under.slice(0, top).map((r) => [r.resource.id, currentType(r), r.reasons.join(','), topType(r) || '(none fits)', usd(savingsOf(r))]),
          },
        ],
      })
    return out
  },
}
