import { shownOf } from '../../reporters/sections.js'
import type { Presenter } from '../types.js'

export const elastiCachePresent: Presenter = {
  shows: (r) => r.finding !== 'InsufficientData',
  sections(all, { top }) {
    const recs = all.filter((r) => r.finding !== 'InsufficientData')
    if (recs.length === 0) return []
    return [
      {
        title: `ElastiCache nodes (${shownOf(recs.length, top)}; prices are known for 2 node types, so sizes are ranked smallest first)`,
        blocks: [
          {
            type: 'table',
            head: ['NODE', 'FINDING', 'NOW', 'RECOMMENDED', 'RISK', 'BINDS', 'REASONS'],
            align: ['l', 'l', 'l', 'l', 'l', 'l', 'l'],
            rows: recs
              .slice(0, top)
              .map((r) => [
                r.resource.id,
                r.finding,
                String(r.current.nodeType ?? ''),
                String(r.options[0]?.change.nodeType ?? ''),
                r.options[0]?.performanceRisk ?? '',
                r.options[0]?.bindingDimension ?? '',
                r.reasons.join(','),
              ]),
          },
        ],
      },
    ]
  },
}
