import { shownOf } from '../../reporters/sections.js'
import type { Presenter } from '../types.js'

export const rdsPresent: Presenter = {
  shows: () => true,
  sections: (recs, { top }) =>
    recs.length === 0
      ? []
      : [
          {
            title: `RDS instances (${shownOf(recs.length, top)}; the catalog has almost no RDS prices, so classes are ranked smallest first, then by their EC2 type's price)`,
            blocks: [
              {
                type: 'table',
                head: ['DB INSTANCE', 'FINDING', 'NOW', 'RECOMMENDED', 'RISK', 'REASONS'],
                align: ['l', 'l', 'l', 'l', 'l', 'l'],
                rows: recs
                  .slice(0, top)
                  .map((r) => [
                    r.resource.id,
                    r.finding,
                    String(r.current.instanceClass ?? ''),
                    String(r.options[0]?.change.instanceClass ?? ''),
                    r.options[0]?.performanceRisk ?? '',
                    r.reasons.join(','),
                  ]),
              },
            ],
          },
        ],
}
