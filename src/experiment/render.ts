import type { View } from '../reporters/view.js'
import type { ExperimentResult, LambdaExperimentResult } from './result.js'

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
  const users = c.unit === 'arrivals/s'
  return {
    title: `headroom ${r.version}: experiment, capacity at ${slo} of ${r.arms.length} arms`,
    lead: [
      `${r.load.what}; open model (latency from the scheduled start, so queueing counts); ${(c.runMs / 1000).toFixed(1)} s per step`,
      ...(users ? ['the scenario run with its arrival rates scaled: a rate is virtual users arriving a second at its peak phase'] : []),
      `rate doubled from ${c.startRate}/s until the SLO failed (or over 1% errors), then bisected to within ${(c.precision * 100).toFixed(0)}%; prices ${r.region}`,
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
              `${users ? 'ARRIVALS/S' : 'REQ/S'} AT ${slo.toUpperCase()}`,
              'FAILED AT',
              'LIMITED BY',
              users ? 'ARRIVALS / $' : 'REQ / $',
            ],
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

const usd = (x: number) => (x >= 0.01 ? `$${x.toFixed(4)}` : `$${x.toPrecision(3)}`)
const ratio = (x: { mean: number; lo: number; hi: number; significant: boolean } | null) =>
  x
    ? `${x.mean >= 1 ? '+' : ''}${((x.mean - 1) * 100).toFixed(1)}% (${((x.lo - 1) * 100).toFixed(1)}..${((x.hi - 1) * 100).toFixed(1)})${x.significant ? '' : ' ns'}`
    : '-'

/** `experiment --lambda`: per setting the warm and cold invocations, the cost, the change from the current one; the choices; the restore. */
export function lambdaView(r: LambdaExperimentResult): View {
  const level = `${(r.confidence * 100).toFixed(0)}%`
  const mark = (name: string) => [r.choices.cost === name ? 'cost' : '', r.choices.speed === name ? 'speed' : '', r.choices.balanced === name ? 'balanced' : '']
  const restored = r.restored
  return {
    title: `headroom ${r.version}: experiment, Lambda ${r.function.name}: ${r.settings.length} settings x ${r.invocationsPerSetting} invocations`,
    lead: [
      `current ${r.current.arch}/${r.current.memoryMB} MB (the baseline); each setting a published version, invoked through headroom's alias in ${r.rounds} rounds (order alternating); payload ${r.payloadBytes} bytes`,
      `durations from each invocation's REPORT line (Lambda's measurement); warm means with ${level} bootstrap intervals; cold starts counted apart; prices ${r.prices.region} ($${r.prices.gbSecondUsd.x86_64}/GB-s x86_64, $${r.prices.gbSecondUsd.arm64}/GB-s arm64, $${(r.prices.requestUsd * 1e6).toFixed(2)}/1M requests)`,
    ],
    sections: [
      {
        blocks: [
          {
            type: 'table',
            head: [
              'SETTING',
              'RUNS',
              'ERRORS',
              'COLD',
              'INIT MS',
              'WARM MS',
              'BILLED MS',
              'P99 MS',
              'MAX MEM MB',
              '$ / 1M',
              'COST VS CURRENT',
              'TIME VS CURRENT',
              'CHOSEN BY',
            ],
            rows: r.settings.map((s) => [
              `${s.name}${s.current ? ' (current)' : ''}`,
              String(s.invocations),
              s.errors ? `${s.errors} ${s.errorTypes.join(',')}` : '0',
              String(s.cold.count),
              s.cold.initMs === null ? '-' : s.cold.initMs.toFixed(1),
              iv(s.warm.durationMs, 1),
              s.warm.billedMs ? s.warm.billedMs.mean.toFixed(1) : '-',
              s.warm.p99Ms === null ? '-' : s.warm.p99Ms.toFixed(1),
              s.warm.maxMemoryUsedMB === null ? '-' : String(s.warm.maxMemoryUsedMB),
              s.costPerInvocationUsd ? usd(s.costPerInvocationUsd.mean * 1e6) : '-',
              s.current ? 'baseline' : ratio(s.vsCurrent.cost),
              s.current ? 'baseline' : ratio(s.vsCurrent.duration),
              mark(s.name).filter(Boolean).join(', ') || '-',
            ]),
            align: ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
          },
          { type: 'text', text: `ns: not significant at ${level} (the interval includes no change)` },
        ],
      },
      {
        title: 'Choices (Lambda Power Tuning’s strategies, among settings without errors)',
        blocks: [
          {
            type: 'list',
            items: [
              `cost: ${r.choices.cost ?? '-'} (lowest mean cost of a warm invocation)`,
              `speed: ${r.choices.speed ?? '-'} (lowest mean warm duration)`,
              `balanced: ${r.choices.balanced ?? '-'} (lowest ${r.balancedWeight} x cost/max + ${(1 - r.balancedWeight).toFixed(2)} x duration/max)`,
            ],
          },
        ],
      },
      {
        title: `Verdict (${r.verdict.strategy})`,
        blocks: [{ type: 'text', text: r.verdict.statement, tone: r.verdict.improvement ? 'strong' : undefined }],
      },
      {
        title: 'Restored',
        blocks: [
          {
            type: 'text',
            text: restored.ok
              ? `${r.function.name} is as it was: ${restored.memoryMB} MB, ${restored.arch}, code SHA-256 unchanged; alias deleted, versions ${restored.versionsDeleted.join(', ') || '(none published)'} deleted`
              : `NOT fully restored: ${restored.problems.join('; ')}`,
            tone: restored.ok ? undefined : 'strong',
          },
        ],
      },
      ...(r.warnings.length ? [{ title: 'Warnings', blocks: [{ type: 'list' as const, items: r.warnings }] }] : []),
    ],
  }
}
