import { HOURS_PER_MONTH } from '../../catalog/catalog.js'
import type { Evidence, ScalingOutcome, SimulationResult } from '../../core/report.js'
import { simulateScaling } from './simulate.js'
import type { GroupSpec, PolicySet, ScalingPolicy, SimulationOutcome } from './types.js'

export interface ScalingWhatIfInput {
  group: GroupSpec
  demand: Float64Array
  startMs: number
  utilizationLimitPct: number
  demandSource: string
  evidence: Evidence[]
  /** The group's policies as they are today, if known. */
  current?: PolicySet
  search?: boolean
  /** Per-minute series for the current policy and the cheapest zero-breach candidate; 'all': for every outcome kept (the HTML report's Pareto points). */
  timeline?: boolean | 'all'
}

const SEARCH_TARGETS = [30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90]
const SEARCH_STEP_THRESHOLDS = [50, 60, 70, 80, 90]

/**
 * The grid `--search` evaluates: target tracking on CPU at 30..90% (step 5), step scaling with scale-out alarms at
 * 50..90% (+1/+2/+3 instances for 0-10/10-20/20+ points above, scale-in -1 below threshold - 30 after 5 minutes),
 * each with min size min, min+1, min+2 (capped at max), and target tracking with the warm-up at the launch delay,
 * +2 min and +5 min.
 */
function searchGrid(group: GroupSpec): PolicySet[] {
  const sets: PolicySet[] = []
  const mins = [...new Set([group.minSize, group.minSize + 1, group.minSize + 2].map((m) => Math.min(m, group.maxSize)))]
  const warmups = [group.launchDelaySec, group.launchDelaySec + 120, group.launchDelaySec + 300]
  for (const minSize of mins) {
    for (const target of SEARCH_TARGETS)
      for (const warmupSec of warmups)
        sets.push({
          name: `tt-${target}-min${minSize}-warm${warmupSec}`,
          minSize,
          policies: [
            {
              type: 'TargetTracking',
              name: `cpu-${target}`,
              targetValue: target,
              disableScaleIn: false,
              warmupSec,
              scaleOutDatapoints: 3,
              scaleInDatapoints: 15,
              scaleInRatio: 0.9,
            },
          ],
        })
    for (const threshold of SEARCH_STEP_THRESHOLDS)
      sets.push({
        name: `step-${threshold}-min${minSize}`,
        minSize,
        policies: [
          {
            type: 'StepScaling',
            name: `out-${threshold}`,
            adjustmentType: 'ChangeInCapacity',
            alarm: { threshold, comparison: 'GreaterThanOrEqualToThreshold', evaluationPeriods: 1, datapointsToAlarm: 1, periodSec: 60 },
            steps: [
              { lower: 0, upper: 10, adjustment: 1 },
              { lower: 10, upper: 20, adjustment: 2 },
              { lower: 20, upper: null, adjustment: 3 },
            ],
          },
          {
            type: 'StepScaling',
            name: `in-${threshold - 30}`,
            adjustmentType: 'ChangeInCapacity',
            alarm: { threshold: threshold - 30, comparison: 'LessThanThreshold', evaluationPeriods: 5, datapointsToAlarm: 5, periodSec: 60 },
            steps: [{ lower: null, upper: 0, adjustment: -1 }],
          },
        ],
      })
  }
  return sets
}

function describePolicySet(set: PolicySet, group: GroupSpec): string {
  const parts = set.policies.map((p: ScalingPolicy) => {
    switch (p.type) {
      case 'TargetTracking':
        return `target tracking ${p.targetValue}%${p.disableScaleIn ? ' (no scale-in)' : ''}${p.warmupSec !== undefined ? `, warm-up ${p.warmupSec} s` : ''}`
      case 'StepScaling':
        return `step scaling at ${p.alarm.comparison.startsWith('Greater') ? '>=' : '<'} ${p.alarm.threshold}%`
      case 'SimpleScaling':
        return `simple scaling ${p.adjustment > 0 ? '+' : ''}${p.adjustment} at ${p.alarm.threshold}%, cooldown ${p.cooldownSec} s`
      case 'Scheduled':
        return `scheduled '${p.name}'`
      case 'Predictive':
        return `predictive ${p.targetValue}%`
    }
  })
  return `${parts.join(' + ') || 'no scaling policy'}; min ${set.minSize ?? group.minSize}, max ${set.maxSize ?? group.maxSize}`
}

function toOutcome(o: SimulationOutcome, set: PolicySet, group: GroupSpec, startMs: number): ScalingOutcome {
  const r = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d
  return {
    policySet: o.policySet,
    description: describePolicySet(set, group),
    instanceHours: r(o.instanceHours),
    cost: o.cost === null ? null : r(o.cost),
    breachMinutes: o.breachMinutes,
    peakUtilizationPct: r(o.peakUtilizationPct, 1),
    peakDemandPct: r(o.peakDemandPct, 1),
    scalingActions: o.scalingActions,
    minInstances: o.minInstances,
    maxInstances: o.maxInstances,
    ...(o.timeline
      ? {
          timeline: {
            startMs,
            stepSec: 60,
            desired: Array.from(o.timeline.desired),
            serving: Array.from(o.timeline.serving),
            demand: Array.from(o.timeline.demand, (x) => r(x, 3)),
            utilizationPct: Array.from(o.timeline.utilization, (x) => r(x, 1)),
            breach: Array.from(o.timeline.breach),
          },
        }
      : {}),
  }
}

/** Cost first, then instance-hours (for unpriced types), then fewer breach minutes. */
const costKey = (o: ScalingOutcome) => o.cost ?? o.instanceHours

/** Sets not dominated on (cost, breach minutes), cheapest first. */
function paretoFront(outcomes: readonly ScalingOutcome[]): ScalingOutcome[] {
  const sorted = [...outcomes].sort((a, b) => costKey(a) - costKey(b) || a.breachMinutes - b.breachMinutes || a.policySet.localeCompare(b.policySet))
  const front: ScalingOutcome[] = []
  let best = Infinity
  for (const o of sorted)
    if (o.breachMinutes < best) {
      front.push(o)
      best = o.breachMinutes
    }
  return front
}

/** Runs the current policy and (optionally) the search grid. Pure. */
export function runScalingWhatIf(input: ScalingWhatIfInput): SimulationResult {
  const { group, demand, startMs } = input
  const base = { group, demand, startMs, utilizationLimitPct: input.utilizationLimitPct }
  const hours = demand.length / 60
  const outcomes: ScalingOutcome[] = []
  const current = input.current ? toOutcome(simulateScaling(base, input.current, { timeline: !!input.timeline }), input.current, group, startMs) : undefined
  let search: SimulationResult['search']
  if (input.search) {
    const sets = searchGrid(group)
    const results = sets
      .map((s) => toOutcome(simulateScaling(base, s), s, group, startMs))
      .sort((a, b) => costKey(a) - costKey(b) || a.breachMinutes - b.breachMinutes || a.policySet.localeCompare(b.policySet))
    const front = paretoFront(results)
    let zero = results.find((o) => o.breachMinutes === 0)
    if (zero && input.timeline) {
      const set = sets.find((s) => s.name === zero!.policySet)!
      zero = toOutcome(simulateScaling(base, set, { timeline: true }), set, group, startMs)
    }
    const monthly = (o: ScalingOutcome) => (o.cost === null ? null : (o.cost / hours) * HOURS_PER_MONTH)
    const cm = current ? monthly(current) : null
    const zm = zero ? monthly(zero) : null
    search = {
      evaluated: results.length,
      pareto: front.map((o) => o.policySet),
      cheapestZeroBreach: zero?.policySet ?? null,
      monthlySavingsVsCurrent: cm !== null && zm !== null ? Math.round((cm - zm) * 100) / 100 : null,
    }
    const keep = new Set([...front.map((o) => o.policySet), ...(zero ? [zero.policySet] : [])])
    // Timelines are kept for the few outcomes reported, not the whole grid: re-run those with one (it is deterministic).
    const withTimeline = (o: ScalingOutcome) => {
      const set = sets.find((s) => s.name === o.policySet)!
      return toOutcome(simulateScaling(base, set, { timeline: true }), set, group, startMs)
    }
    outcomes.push(
      ...results
        .filter((o) => keep.has(o.policySet))
        .map((o) => (zero && o.policySet === zero.policySet ? zero : input.timeline === 'all' ? withTimeline(o) : o)),
    )
  }
  if (current) outcomes.unshift(current)
  return {
    kind: 'autoscaling',
    group: group.name,
    window: { start: startMs, end: startMs + demand.length * 60_000 },
    demandSource: input.demandSource,
    instanceTypes: group.instanceTypes.map((t) => t.name),
    launchDelaySec: group.launchDelaySec,
    utilizationLimitPct: input.utilizationLimitPct,
    outcomes,
    current: current?.policySet ?? null,
    ...(search ? { search } : {}),
    evidence: input.evidence,
    bestPractices: ['PERF02-BP05', 'PERF02-BP04', 'PERF01-BP06'],
    summary: summarize(current, search, outcomes, hours),
  }
}

function summarize(current: ScalingOutcome | undefined, search: SimulationResult['search'], outcomes: ScalingOutcome[], hours: number): string {
  const usd = (x: number | null) => (x === null ? 'unpriced' : `$${x.toFixed(2)}`)
  const parts: string[] = []
  if (current)
    parts.push(
      `Current policy: ${current.instanceHours.toFixed(0)} instance-hours, ${usd(current.cost)} over ${(hours / 24).toFixed(1)} days, ${current.breachMinutes} breach minutes.`,
    )
  if (search) {
    const zero = outcomes.find((o) => o.policySet === search.cheapestZeroBreach)
    if (!zero) parts.push(`None of the ${search.evaluated} candidate policies avoided every breach: raise the group's max size or shorten the launch delay.`)
    else {
      parts.push(`Cheapest of ${search.evaluated} candidates with zero breach minutes: ${zero.description} (${usd(zero.cost)}).`)
      if (search.monthlySavingsVsCurrent !== null)
        parts.push(
          search.monthlySavingsVsCurrent >= 0
            ? `It saves $${search.monthlySavingsVsCurrent.toFixed(2)} per month against the current policy.`
            : `It costs $${(-search.monthlySavingsVsCurrent).toFixed(2)} per month more than the current policy${current && current.breachMinutes > 0 ? `, which breached ${current.breachMinutes} minutes` : ''}.`,
        )
    }
  }
  return parts.join(' ')
}
