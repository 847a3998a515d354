import { topType, usd } from '../../reporters/format.js'
import { shownOf } from '../../reporters/sections.js'
import type { Presenter } from '../types.js'

/** Migration sizing in the summary: each host's cores and memory beside the EC2 type that fits it. */
export const hostPresent: Presenter = {
  count: (recs) => `${recs.length} host${recs.length === 1 ? '' : 's'}`,
  shows: (r) => r.finding !== 'InsufficientData',
  sections: (recs, { top }) =>
    recs.length === 0
      ? []
      : [
          {
            title: `Host -> EC2 sizing (${shownOf(recs.length, top)})`,
            blocks: [
              {
                type: 'table',
                head: ['HOST', 'CORES', 'MEM GiB', 'EC2 TYPE', '$/MONTH', 'RISK', 'BINDS'],
                align: ['l', 'r', 'r', 'l', 'r', 'l', 'l'],
                rows: recs
                  .slice(0, top)
                  .map((r) => [
                    r.resource.id,
                    String(r.current.vcpus ?? ''),
                    r.current.memoryGiB === null || r.current.memoryGiB === undefined ? 'n/a' : String(r.current.memoryGiB),
                    topType(r) || r.finding,
                    usd(r.options[0]?.monthlyCost),
                    r.options[0]?.performanceRisk ?? '',
                    r.options[0]?.bindingDimension ?? '',
                  ]),
              },
            ],
          },
        ],
}
