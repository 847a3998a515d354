import type { ScalingReport, SimulationResult } from '../core/report.js'
import { cell } from './csv.js'
import { isoDay, usd } from './format.js'
import type { KindRenderer } from './registry.js'
import type { Section, View } from './view.js'

const HEAD = ['POLICY SET', 'POLICIES', 'COST', 'INST-H', 'BREACH MIN', 'PEAK UTIL', 'ACTIONS', 'INSTANCES']
const ALIGN = ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'] as const

/** One row per simulated policy set: * marks the cheapest with zero breach minutes, + the Pareto front. */
function rows(sim: SimulationResult): string[][] {
  const pareto = new Set(sim.search?.pareto ?? [])
  return sim.outcomes.map((o) => [
    o.policySet + (o.policySet === sim.search?.cheapestZeroBreach ? ' *' : pareto.has(o.policySet) ? ' +' : ''),
    o.description,
    usd(o.cost),
    o.instanceHours.toFixed(1),
    String(o.breachMinutes),
    `${o.peakUtilizationPct.toFixed(0)}%`,
    String(o.scalingActions),
    `${o.minInstances}-${o.maxInstances}`,
  ])
}
const header = (sim: SimulationResult) =>
  `Scaling what-if: group ${sim.group} (${sim.instanceTypes.join(', ')}, launch delay ${sim.launchDelaySec} s, utilization limit ${sim.utilizationLimitPct}%)`
const caveats = (sim: SimulationResult) =>
  sim.evidence.filter((x) => x.stat.startsWith('minutes without') || x.stat.startsWith('samples at') || x.note?.startsWith('no averages'))

/** The terminal: per group the policy sets side by side, the verdict, and the caveats of the recorded load. */
export function scalingSummaryView(report: ScalingReport): View {
  const [first, ...rest] = report.simulations
  const sections: Section[] = []
  const body = (sim: SimulationResult) => {
    sections.push({
      blocks: [
        { type: 'table', head: HEAD, rows: rows(sim), align: ALIGN },
        ...(sim.search
          ? [
              {
                type: 'text' as const,
                tone: 'dim' as const,
                text: `* cheapest with zero breach minutes, + on the cost / breach-minutes Pareto front (${sim.search.evaluated} candidates evaluated)`,
              },
            ]
          : []),
      ],
    })
    sections.push({
      blocks: [
        { type: 'text', text: sim.summary },
        ...caveats(sim).map((e) => ({ type: 'text' as const, tone: 'warn' as const, text: `note: ${e.value} ${e.stat}${e.note ? `: ${e.note}` : ''}` })),
      ],
    })
  }
  if (first) body(first)
  for (const sim of rest) {
    sections.push({
      title: header(sim),
      blocks: [{ type: 'text', tone: 'dim', text: `${isoDay(sim.window.start)} to ${isoDay(sim.window.end)}; load: ${sim.demandSource}` }],
    })
    body(sim)
  }
  return {
    title: first ? header(first) : 'Scaling what-if: nothing simulated',
    lead: first ? [`${isoDay(first.window.start)} to ${isoDay(first.window.end)}; load: ${first.demandSource}`] : [],
    sections,
  }
}

/** Markdown and HTML: each group's settings, the policy sets, the verdict. */
export function scalingFullView(report: ScalingReport): View {
  return {
    title: 'headroom report',
    lead: [`Generated ${new Date(report.meta.generatedAt).toISOString()} by headroom ${report.meta.version}.`],
    sections: report.simulations.map((sim) => ({
      title: `Scaling what-if: ${sim.group}`,
      blocks: [
        {
          type: 'text',
          text: `${sim.instanceTypes.join(', ')}, launch delay ${sim.launchDelaySec} s, utilization limit ${sim.utilizationLimitPct}%, ${isoDay(sim.window.start)} to ${isoDay(sim.window.end)}. Load: ${sim.demandSource}. Best practices: ${sim.bestPractices.join(', ')}.`,
        },
        { type: 'table', head: HEAD, rows: rows(sim), align: ALIGN },
        ...(sim.search
          ? [
              {
                type: 'text' as const,
                text: `\\* cheapest with zero breach minutes; + on the cost / breach-minutes Pareto front; ${sim.search.evaluated} candidates evaluated.`,
              },
            ]
          : []),
        { type: 'text', text: sim.summary },
      ],
    })),
  }
}

const COLUMNS = [
  'group',
  'policy_set',
  'description',
  'cost_usd',
  'instance_hours',
  'breach_minutes',
  'peak_utilization_pct',
  'peak_demand_pct',
  'scaling_actions',
  'min_instances',
  'max_instances',
  'cheapest_zero_breach',
  'pareto',
] as const

/** One row per simulated policy set. */
export function renderScalingCsv(report: ScalingReport): string {
  const out = report.simulations.flatMap((sim) =>
    sim.outcomes.map((o) =>
      [
        sim.group,
        o.policySet,
        o.description,
        o.cost,
        o.instanceHours,
        o.breachMinutes,
        o.peakUtilizationPct,
        o.peakDemandPct,
        o.scalingActions,
        o.minInstances,
        o.maxInstances,
        sim.search?.cheapestZeroBreach === o.policySet,
        (sim.search?.pareto ?? []).includes(o.policySet),
      ]
        .map(cell)
        .join(','),
    ),
  )
  return [COLUMNS.join(','), ...out].join('\n') + '\n'
}

export const scalingRenderer: KindRenderer<ScalingReport> = { summary: scalingSummaryView, full: scalingFullView, csv: renderScalingCsv }
