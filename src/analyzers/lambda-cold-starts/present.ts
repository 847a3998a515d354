import { shownOf } from '../../reporters/sections.js'
import { usd } from '../../reporters/format.js'
import type { Presenter } from '../types.js'

/** The flagged functions in one table: cold-start share, init, the latency added, and the cheapest provisioned option. */
export const coldStartPresent: Presenter = {
  shows: (r) => r.finding === 'Flagged',
  sections: (recs, { top }) => {
    const flagged = recs.filter((r) => r.finding === 'Flagged')
    if (!flagged.length) return []
    const added = (r: (typeof recs)[number]) => r.evidence.find((e) => e.stat === 'mean latency cold starts add per invocation')?.value
    return [
      {
        title: `Lambda cold starts: ${shownOf(flagged.length, top)} functions where they matter`,
        blocks: [
          {
            type: 'table',
            head: ['FUNCTION', 'COLD %', 'MEAN INIT MS', 'ADDS MS', 'PROVISIONED', 'CHANGE/MO'],
            align: ['l', 'r', 'r', 'r', 'r', 'r'],
            rows: flagged.slice(0, top).map((r) => {
              const o = r.options[0]
              const save = o?.monthlySavings ?? null
              return [
                r.resource.id,
                String(r.current.coldStartPct),
                r.current.meanInitMs === null ? '-' : String(r.current.meanInitMs),
                String(added(r) ?? '-'),
                o ? String(o.change.provisionedConcurrency) : '-',
                save === null ? '-' : save >= 0 ? `-${usd(save)}` : `+${usd(-save)}`,
              ]
            }),
          },
        ],
      },
    ]
  },
}
