import type { Recommendation, RecommendationOption } from '../../core/report.js'
import { currentType, pct, savingsOf, topType, usd } from '../../reporters/format.js'
import { shownOf } from '../../reporters/sections.js'
import type { Section } from '../../reporters/view.js'
import { round } from '../kit.js'
import type { Presenter } from '../types.js'

/**
 * The best option on the other CPU architecture and what it saves beyond the option ranked first, where the first
 * keeps the architecture (preferArchitecture 'current') and the other saves more; undefined otherwise. The analyzer
 * writes it into the option's note and summary; the terminal totals it.
 */
export function otherArchitectureExtra<O extends RecommendationOption>(options: readonly O[]): { option: O; extra: number } | undefined {
  const [top, ...rest] = options
  if (!top || top.monthlySavings === null || top.platformDifferences.includes('Architecture')) return undefined
  const option = rest.find((o) => o.platformDifferences.includes('Architecture'))
  if (option?.monthlySavings == null || option.monthlySavings <= top.monthlySavings) return undefined
  return { option, extra: round(option.monthlySavings - top.monthlySavings) }
}

/** The highest peak over capacity among the option's measured dimensions, in percent ('' when none is known). */
const peakOf = (r: Recommendation): string => {
  const peaks = (r.options[0]?.dimensions ?? []).flatMap((d) => (d.peakUtilization === undefined ? [] : [d.peakUtilization]))
  return peaks.length ? pct(Math.max(...peaks), 0) : ''
}

/** EC2 right-sizing in the summary: the biggest savings, then the under-provisioned (the ones at risk now). */
export const ec2Present: Presenter = {
  headline: (recs, s) => `EC2 right-sizing of ${s.analyzed} of ${recs.length} instances`,
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
            head: ['RESOURCE', 'FINDING', 'NOW', 'RECOMMENDED', 'RISK', 'BINDS', 'PEAK', 'SAVES/MO'],
            align: ['l', 'l', 'l', 'l', 'l', 'l', 'r', 'r'],
            rows: saving
              .slice(0, top)
              .map((r) => [
                r.resource.id,
                r.finding,
                currentType(r),
                topType(r),
                r.options[0]?.performanceRisk ?? '',
                r.options[0]?.bindingDimension ?? '',
                peakOf(r),
                usd(savingsOf(r)),
              ]),
          },
          {
            type: 'text',
            tone: 'dim',
            text: 'PEAK: the highest 5-minute demand seen, as a share of the recommended type’s capacity (over 150%, its notes say: peaks would saturate).',
          },
        ],
      })
    const others = recs.flatMap((r) => {
      const x = otherArchitectureExtra(r.options)
      return x ? [x.extra] : []
    })
    if (others.length > 0)
      out.push({
        title: 'Other architecture',
        blocks: [
          {
            type: 'text',
            text: `Moving CPU architecture (Graviton for x86 instances) would save ${usd(others.reduce((a, b) => a + b, 0))}/month more on ${others.length} instance${others.length === 1 ? '' : 's'} than the same-architecture options ranked first, at Medium migration effort (the AMI and software rebuilt for the other architecture); --prefer-architecture any ranks them together.`,
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
