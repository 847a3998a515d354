import type { Recommendation } from '../../core/report.js'
import { shownOf } from '../../reporters/sections.js'
import type { Presenter } from '../types.js'

const cell = (r: Recommendation, k: string) => String(r.options[0]?.change[k] ?? '')

/** Containers in the summary: requests now beside the requests and limits proposed. */
export const k8sPresent: Presenter = {
  count: (recs) => `${recs.length} container workload${recs.length === 1 ? '' : 's'}`,
  shows: (r) => r.finding !== 'InsufficientData',
  sections: (recs, { top }) =>
    recs.length === 0
      ? []
      : [
          {
            title: `Container requests and limits (${shownOf(recs.length, top)})`,
            blocks: [
              {
                type: 'table',
                head: ['WORKLOAD/CONTAINER', 'FINDING', 'CPU REQ NOW', 'CPU REQ', 'MEM REQ NOW', 'MEM REQ/LIMIT'],
                align: ['l', 'l', 'r', 'r', 'r', 'r'],
                rows: recs
                  .slice(0, top)
                  .map((r) => [
                    r.resource.id,
                    r.finding + (r.reasons.length ? ` (${r.reasons.join(',')})` : ''),
                    r.current.cpuRequestCores === null || r.current.cpuRequestCores === undefined
                      ? 'unset'
                      : `${Math.round(Number(r.current.cpuRequestCores) * 1000)}m`,
                    cell(r, 'cpuRequest'),
                    r.current.memRequestBytes === null || r.current.memRequestBytes === undefined
                      ? 'unset'
                      : `${Math.ceil(Number(r.current.memRequestBytes) / 2 ** 20)}Mi`,
                    cell(r, 'memoryRequest'),
                  ]),
              },
            ],
          },
        ],
}
