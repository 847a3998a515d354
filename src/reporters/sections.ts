import type { Recommendation, RecommendationOption } from '../core/report.js'
import { currentType, savingsOf, topType, usd } from './format.js'
import type { Section } from './view.js'

/** The analyzer kit for presenters (src/analyzers/types.ts Presenter): the section shapes the summary repeats. */

/** Rows per table: the first `top`, and the title's '(shown of all)'. */
export const shownOf = (n: number, top: number): string => `${Math.min(top, n)} of ${n}`

/**
 * A priced resource kind (EBS volumes, Lambda functions, DynamoDB tables): monthly cost now and savings over all of
 * them, then the ones with something to change. `shows` is the matching Presenter.shows.
 */
export function pricedSection(
  recs: readonly Recommendation[],
  o: {
    title: string
    column: string
    savePrefix: string
    top: number
    now: (r: Recommendation) => string
    option: (o: RecommendationOption) => string
  },
): Section[] {
  if (recs.length === 0) return []
  // Per resource, as the fleet summary counts: an analyzer may add a check (e.g. Lambda's error-rate flag) beside its
  // sizing, and neither the resource nor its cost counts twice.
  const now = new Map<string, number>()
  const save = new Map<string, number>()
  for (const r of recs) {
    if (typeof r.current.monthlyCost === 'number') now.set(r.resource.id, Math.max(now.get(r.resource.id) ?? 0, r.current.monthlyCost))
    save.set(r.resource.id, Math.max(save.get(r.resource.id) ?? 0, r.estimatedMonthlySavings ?? 0))
  }
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)
  const shown = recs.filter(pricedShows).slice(0, o.top)
  return [
    {
      title: `${o.title}: ${save.size}, ${usd(sum(now))}/month now, ${o.savePrefix}${usd(sum(save))}/month to save (us-east-1 prices)`,
      blocks: shown.length
        ? [
            {
              type: 'table',
              head: [o.column, 'FINDING', 'NOW', 'RECOMMENDED', 'RISK', 'SAVES/MO'],
              align: ['l', 'l', 'l', 'l', 'l', 'r'],
              rows: shown.map((r) => {
                const top = r.options[0]
                return [r.resource.id, r.finding, o.now(r), top ? o.option(top) : '', top?.performanceRisk ?? '', usd(savingsOf(r))]
              }),
            },
          ]
        : [],
    },
  ]
}
/** What pricedSection lists: everything but the optimized and the unmeasured. */
export const pricedShows = (r: Recommendation): boolean => r.finding !== 'Optimized' && r.finding !== 'InsufficientData'

/** The section of an analyzer without a presenter of its own: its changes in one table, titled by its meta.title. */
export function genericSection(title: string, recs: readonly Recommendation[], top: number): Section[] {
  const shown = recs.filter(genericShows)
  if (shown.length === 0) return []
  return [
    {
      title: `${title} (${shownOf(shown.length, top)})`,
      blocks: [
        {
          type: 'table',
          head: ['RESOURCE', 'FINDING', 'NOW', 'RECOMMENDED', 'RISK', 'SAVES/MO'],
          align: ['l', 'l', 'l', 'l', 'l', 'r'],
          rows: shown.slice(0, top).map((r) => [r.resource.id, r.finding, currentType(r), topType(r), r.options[0]?.performanceRisk ?? '', usd(savingsOf(r))]),
        },
      ],
    },
  ]
}
/** Flags go to the summary's checks list and unmeasured resources to its insufficient-data list. */
export const genericShows = (r: Recommendation): boolean => r.finding !== 'Flagged' && r.finding !== 'InsufficientData'
