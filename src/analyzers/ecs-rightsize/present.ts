import { shownOf } from '../../reporters/sections.js'
import { savingsOf, usd } from '../../reporters/format.js'
import type { Recommendation } from '../../core/report.js'
import type { Presenter } from '../types.js'

const size = (cpu: unknown, mem: unknown) => `${Number(cpu) / 1024} vCPU / ${Number(mem) / 1024} GB`

/** Services in one table: launch type, the task size (Fargate) or reservation (EC2) now and proposed, tasks, saving. */
export const ecsPresent: Presenter = {
  shows: (r) => r.finding !== 'Flagged' && r.finding !== 'InsufficientData' && (r.finding !== 'Optimized' || r.options.length > 0),
  sections: (recs, { top }) => {
    const shown = recs.filter((r) => ecsPresent.shows(r))
    if (!shown.length) return []
    const proposed = (r: Recommendation) => {
      const c = r.options[0]?.change
      if (!c) return '-'
      if (c.memoryReservationMiB !== undefined) return `reserve ${String(c.cpuUnits)} CPU units, ${String(c.memoryReservationMiB)} MiB`
      return `${size(c.cpuUnits, c.memoryMiB)}${c.architecture ? ` ${String(c.architecture)}` : ''}`
    }
    return [
      {
        title: `ECS services and Fargate tasks (${shownOf(shown.length, top)})`,
        blocks: [
          {
            type: 'table',
            head: ['SERVICE', 'LAUNCH', 'FINDING', 'TASK NOW', 'TASKS', 'RECOMMENDED', 'RISK', 'SAVES/MO'],
            align: ['l', 'l', 'l', 'l', 'r', 'l', 'l', 'r'],
            rows: shown
              .slice(0, top)
              .map((r) => [
                r.resource.id,
                String(r.current.launchType),
                r.finding,
                `${size(r.current.cpuUnits, r.current.memoryMiB)}${r.current.architecture ? ` ${String(r.current.architecture)}` : ''}`,
                String(r.current.tasks),
                proposed(r),
                r.options[0]?.performanceRisk ?? '',
                usd(savingsOf(r)),
              ]),
          },
        ],
      },
    ]
  },
}
