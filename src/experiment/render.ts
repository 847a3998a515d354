import type { View } from '../reporters/view.js'
import type { ExperimentResult } from './result.js'

const iv = (x: { mean: number; lo: number; hi: number } | null, d: number) => (x ? `${x.mean.toFixed(d)} (${x.lo.toFixed(d)}-${x.hi.toFixed(d)})` : '-')

/** The experiment as a view: per arm the means over rounds with their intervals, the comparisons, the verdict. */
export function experimentView(r: ExperimentResult): View {
  if (r.capacitySearch) return capacityView(r, r.capacitySearch)
  const level = `${(r.confidence * 100).toFixed(0)}%`
  const load =
    r.load.model === 'closed'
      ? `${r.load.connections ?? 'default'} connections as fast as answered (closed model: throughput decides)`
      : `${r.load.rate ?? 'the scenario’s'} arrivals/s (open model: latency at that load decides)`
  return {
    title: `headroom ${r.version}: experiment, ${r.arms.length} arms x ${r.rounds} rounds`,
    lead: [
      `${r.load.what}; ${load}${r.load.runMs ? `; ${(r.load.runMs / 1000).toFixed(1)} s per run` : ''}; arms alternate each round (A B, B A, ...)`,
      `means over rounds with ${level} bootstrap intervals; comparisons on paired rounds (t interval of log-ratios); prices ${r.region}`,
    ],
    sections: [
      {
        blocks: [
          {
            type: 'table',
            head: [
              'ARM',
              'TYPE',
              '$/H',
              'REQ/S',
              'P50 MS',
              'P99 MS',
              'ERRORS %',
              '$ / 1M REQ',
              'REQ / $',
              ...(r.slo ? [`${r.slo.metric} < ${r.slo.thresholdMs} ms`] : []),
            ],
            rows: r.arms.map((a) => [
              a.name,
              a.type ?? '-',
              a.pricePerHourUsd === null ? '-' : a.pricePerHourUsd.toFixed(4),
              iv(a.requestsPerSec, 0),
              iv(a.p50, 2),
              iv(a.p99, 2),
              a.errorsPct ? a.errorsPct.mean.toFixed(2) : '-',
              a.costPerMillionUsd ? iv(a.costPerMillionUsd, 3) : '-',
              a.requestsPerUsd === null ? '-' : a.requestsPerUsd.toLocaleString('en-US'),
              ...(r.slo ? [`${a.sloHeld} of ${a.runs.length} rounds`] : []),
            ]),
            align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
          },
        ],
      },
      {
        title: 'Compared with the first arm',
        blocks: [{ type: 'list', items: r.comparisons.map((c) => (c.primary ? [{ text: c.statement, tone: 'strong' as const }] : c.statement)) }],
      },
      {
        title: `Verdict (${r.verdict.metric})`,
        blocks: [{ type: 'text', text: r.verdict.statement, tone: r.verdict.better.length || r.verdict.worse.length ? 'strong' : undefined }],
      },
      ...(r.warnings.length ? [{ title: 'Warnings', blocks: [{ type: 'list' as const, items: r.warnings }] }] : []),
    ],
  }
}

/** --find-capacity: per arm the highest rate at which the SLO held, the bracket, and every step of the search. */
function capacityView(r: ExperimentResult, c: NonNullable<ExperimentResult['capacitySearch']>): View {
  const slo = `${r.slo!.metric} < ${r.slo!.thresholdMs} ms`
  return {
    title: `headroom ${r.version}: experiment, capacity at ${slo} of ${r.arms.length} arms`,
    lead: [
      `${r.load.what}; open model (latency from the scheduled start, so queueing counts); ${(c.runMs / 1000).toFixed(1)} s per step`,
      `rate doubled from ${c.startRate}/s until the SLO failed (or over 1% errors), then bisected to within ${(c.precision * 100).toFixed(0)}%; prices ${r.region}`,
    ],
    sections: [
      {
        blocks: [
          {
            type: 'table',
            head: ['ARM', 'TYPE', '$/H', `REQ/S AT ${slo.toUpperCase()}`, 'FAILED AT', 'LIMITED BY', 'REQ / $'],
            rows: r.arms.map((a) => [
              a.name,
              a.type ?? '-',
              a.pricePerHourUsd === null ? '-' : a.pricePerHourUsd.toFixed(4),
              a.capacity ? a.capacity.rate.toLocaleString('en-US') : '-',
              a.capacity?.failedAt != null ? a.capacity.failedAt.toLocaleString('en-US') : '-',
              a.capacity?.limitedBy ?? '-',
              a.capacity?.requestsPerUsd != null ? a.capacity.requestsPerUsd.toLocaleString('en-US') : '-',
            ]),
            align: ['l', 'l', 'r', 'r', 'r', 'l', 'r'],
          },
        ],
      },
      {
        title: 'Steps',
        blocks: [
          {
            type: 'list',
            items: r.arms.map(
              (a) =>
                `${a.name}: ${(a.capacity?.steps ?? [])
                  .map(
                    (s) =>
                      `${s.rate}/s ${s.held ? 'held' : 'failed'} (${r.slo!.metric} ${s.latencyMs.toFixed(1)} ms${s.errorsPct ? `, ${s.errorsPct}% errors` : ''}${s.generatorSaturated ? ', generator saturated' : ''})`,
                  )
                  .join(', ')}`,
            ),
          },
        ],
      },
      {
        title: `Verdict (${r.verdict.metric})`,
        blocks: [{ type: 'text', text: r.verdict.statement, tone: r.verdict.better.length || r.verdict.worse.length ? 'strong' : undefined }],
      },
      ...(r.warnings.length ? [{ title: 'Warnings', blocks: [{ type: 'list' as const, items: r.warnings }] }] : []),
    ],
  }
}
