import type { Recommendation, Report, ResourceKind, ScalingReport } from '../core/report.js'
import type { LoadTestResult } from '../loadtest/result.js'
import type { CacheReport } from '../simulators/cache/result.js'
import { IDLE_PCT } from '../monitor/plan.js'
import type { CacheMeasurement, MonitoringApply } from '../store/types.js'

/** A practice's status; "not applicable" only comes from an answer (e.g. accelerators for a web API). */
export const STATUSES = ['met', 'partly', 'not met', 'not applicable', 'not evidenced'] as const
export type Status = (typeof STATUSES)[number]

/** A best practice's verdict: what decided it, in sentences a reviewer can check against the workspace. */
export interface Verdict {
  status: Status
  evidence: string[]
}

/** What a review reads: the workspace's analysis and resources, and the headroom documents passed with --evidence. */
export interface ReviewEvidence {
  now: number
  /** analyzeWorkspace with the workspace's config; null when the workspace has no samples. */
  analysis: Report | null
  resources: readonly { id: string; kind: ResourceKind }[]
  cacheMeasurements: readonly CacheMeasurement[]
  /** `headroom monitor --apply` runs recorded in the workspace, latest first. */
  monitoring: readonly MonitoringApply[]
  scaling: readonly { file: string; doc: ScalingReport }[]
  loadtests: readonly { file: string; doc: LoadTestResult }[]
  caches: readonly { file: string; doc: CacheReport }[]
}

/**
 * The thresholds of the rules below. They are headroom's, not AWS's (the framework states practices, not numbers);
 * docs/review.md lists every rule with them.
 */
const RULES = {
  /** PERF02-BP04: at most this share of sized spend over- or under-provisioned is "met"... */
  rightSizedMet: 0.1,
  /** ...and above this share it is "not met"; between, "partly". */
  rightSizedNotMet: 0.3,
  /** PERF02-BP05: a current policy breaching in at least this share of the window's minutes is "not met". */
  breachNotMet: 0.01,
  /** PERF05-BP04: a load test older than this many days no longer shows the workload as it is. */
  loadTestMaxAgeDays: 30,
} as const

const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
const money = (x: number) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
const DB_KINDS: readonly ResourceKind[] = ['rds-instance', 'dynamodb-table']

function measured(r: Recommendation, dims: readonly string[]): boolean {
  return r.currentDimensions.some((d) => dims.includes(d.dimension) && d.measured)
}

/** PERF02-BP03: CPU, memory and network measured for every running EC2 instance. */
function computeMetrics(e: ReviewEvidence): Verdict {
  const recs = (e.analysis?.recommendations ?? []).filter((r) => r.analyzer === 'ec2.rightsize' && !r.reasons.includes('InstanceNotRunning'))
  if (!recs.length) return { status: 'not evidenced', evidence: ['No running EC2 instance in the workspace.'] }
  const cpu = recs.filter((r) => r.finding !== 'InsufficientData').length
  const memory = recs.filter((r) => r.finding !== 'InsufficientData' && !r.memoryBlind).length
  const network = recs.filter((r) => measured(r, ['network-in', 'network-out'])).length
  const n = recs.length
  const status: Status = cpu === 0 ? 'not met' : cpu === n && memory === n && network === n ? 'met' : 'partly'
  return {
    status,
    evidence: [
      `${plural(n, 'running EC2 instance')}: ${cpu} with enough CPU data to size, ${memory} with memory (${n - memory} memory-blind or without data), ${network} with network.`,
    ],
  }
}

/** PERF02-BP04: the share of sized spend that is over- or under-provisioned. */
function rightSized(e: ReviewEvidence): Verdict {
  const sized = (e.analysis?.recommendations ?? []).filter(
    (r) => r.bestPractices.includes('PERF02-BP04') && ['Overprovisioned', 'Underprovisioned', 'Optimized'].includes(r.finding),
  )
  if (!sized.length) return { status: 'not evidenced', evidence: ['No resource in the workspace has enough data to be sized.'] }
  const cost = (r: Recommendation) => (typeof r.current.monthlyCost === 'number' ? r.current.monthlyCost : 0)
  const total = sized.reduce((a, r) => a + cost(r), 0)
  const over = sized.filter((r) => r.finding === 'Overprovisioned')
  const under = sized.filter((r) => r.finding === 'Underprovisioned')
  const off = [...over, ...under].reduce((a, r) => a + cost(r), 0)
  // Unpriced resources count by number when nothing sized is priced.
  const share = total > 0 ? off / total : (over.length + under.length) / sized.length
  const status: Status = share <= RULES.rightSizedMet ? 'met' : share > RULES.rightSizedNotMet ? 'not met' : 'partly'
  const saving = (rs: readonly Recommendation[]) => rs.reduce((a, r) => a + Math.max(0, r.estimatedMonthlySavings ?? 0), 0)
  const offSaving = saving(over)
  const sameSize = saving(sized.filter((r) => r.finding === 'Optimized'))
  return {
    status,
    evidence: [
      `${plural(sized.length, 'resource')} sized: ${over.length} overprovisioned, ${under.length} underprovisioned, ${sized.length - over.length - under.length} optimized; ${pct(share)} of ${total > 0 ? `their ${money(total)}/month` : 'them (none priced)'} is over- or under-provisioned (met up to ${pct(RULES.rightSizedMet)}, not met above ${pct(RULES.rightSizedNotMet)}).`,
      ...(offSaving > 0 ? [`Right-sizing the overprovisioned would save ${money(offSaving)}/month.`] : []),
      ...(under.length ? ['The underprovisioned need larger types, which cost more (headroom analyze prices them).'] : []),
      ...(sameSize > 0
        ? [`Cheaper types that fit the optimized ones as well would save ${money(sameSize)}/month: a PERF02-BP01 choice, not a sizing one.`]
        : []),
    ],
  }
}

/** PERF02-BP05: the current scaling policies, replayed against the recorded load (simulate scaling documents). */
function scalesDynamically(e: ReviewEvidence): Verdict {
  const groups = e.resources.filter((r) => r.kind === 'asg').map((r) => r.id)
  const sims = e.scaling.flatMap(({ file, doc }) => doc.simulations.map((s) => ({ file, s })))
  const withPolicy = sims.filter(({ s }) => s.current !== null)
  if (!withPolicy.length) {
    if (!groups.length)
      return { status: 'not evidenced', evidence: ['No Auto Scaling group in the workspace and no simulate scaling result passed with --evidence.'] }
    return {
      status: 'not evidenced',
      evidence: [
        `${plural(groups.length, 'Auto Scaling group')} in the workspace (${groups.slice(0, 5).join(', ')}), and no simulate scaling result with its current policy: run \`headroom simulate scaling --group ID --policy-file ... -f json -o scaling.json\` and pass it with --evidence.`,
      ],
    }
  }
  const lines: string[] = []
  let worst = 0
  for (const { file, s } of withPolicy) {
    const cur = s.outcomes.find((o) => o.policySet === 'current') ?? s.outcomes[0]!
    const minutes = Math.max(1, (s.window.end - s.window.start) / 60_000)
    worst = Math.max(worst, cur.breachMinutes / minutes)
    lines.push(
      `${s.group}: the current policy breached ${plural(cur.breachMinutes, 'minute')} of ${Math.round(minutes / 1440)} days (${pct(cur.breachMinutes / minutes)}) at ${s.utilizationLimitPct}% utilization, ${cur.minInstances}-${cur.maxInstances} instances (${file.split('/').at(-1)}).`,
    )
  }
  const covered = new Set(withPolicy.map(({ s }) => s.group))
  const missing = groups.filter((g) => !covered.has(g))
  if (missing.length) lines.push(`${plural(missing.length, 'group')} of the workspace not simulated: ${missing.slice(0, 5).join(', ')}.`)
  const status: Status = worst >= RULES.breachNotMet ? 'not met' : worst > 0 || missing.length ? 'partly' : 'met'
  return { status, evidence: lines }
}

/** PERF03-BP03: data stores with enough data to judge. */
function dataStoreMetrics(e: ReviewEvidence): Verdict {
  const dbs = e.resources.filter((r) => DB_KINDS.includes(r.kind))
  if (!dbs.length) return { status: 'not evidenced', evidence: ['No RDS instance or DynamoDB table in the workspace.'] }
  const recs = (e.analysis?.recommendations ?? []).filter((r) => DB_KINDS.includes(r.resource.kind) && r.finding !== 'InsufficientData')
  const withData = new Set(recs.map((r) => r.resource.id))
  const n = dbs.filter((d) => withData.has(d.id)).length
  const status: Status = n === 0 ? 'not met' : n === dbs.length ? 'met' : 'partly'
  return { status, evidence: [`RDS instances and DynamoDB tables with enough metrics to be judged: ${n} of ${dbs.length}.`] }
}

/** PERF03-BP05: caching opportunities flagged, and whether their hit ratio was measured from access logs. */
function caching(e: ReviewEvidence): Verdict {
  const stores = e.resources.filter((r) => [...DB_KINDS, 'elasticache-node'].includes(r.kind))
  if (!stores.length && !e.caches.length)
    return { status: 'not evidenced', evidence: ['No database or cache in the workspace and no simulate cache result passed with --evidence.'] }
  const flags = (e.analysis?.recommendations ?? []).filter((r) => r.analyzer === 'cache.opportunity' && r.finding === 'Flagged')
  const measuredIds = new Set(e.cacheMeasurements.map((m) => m.resourceId))
  const caches = e.resources.filter((r) => r.kind === 'elasticache-node').length
  const lines = [
    flags.length
      ? `${plural(flags.length, 'database')} read-heavy enough for a cache: ${flags.map((f) => f.resource.id).join(', ')}; ${flags.filter((f) => measuredIds.has(f.resource.id)).length} with a hit ratio measured from access logs (simulate cache --for).`
      : `No database shows a caching opportunity (cache.opportunity)${caches ? `; ${plural(caches, 'ElastiCache node')} in the workspace` : ''}.`,
    ...e.caches.map(
      ({ file, doc }) =>
        `${file.split('/').at(-1)}: at most ${pct(doc.target.maxHitRatio)} of ${doc.requests.cacheable.toLocaleString('en-US')} requests can hit; ${doc.target.reachable && doc.target.objects !== null ? `${pct(doc.target.hitRatio)} needs ${doc.target.objects.toLocaleString('en-US')} objects` : `${pct(doc.target.hitRatio)} is out of reach`}.`,
    ),
  ]
  const sized = flags.length > 0 && flags.every((f) => measuredIds.has(f.resource.id))
  const status: Status = !flags.length ? 'met' : sized || e.caches.length ? 'partly' : 'not met'
  return { status, evidence: lines }
}

/** PERF05-BP04: load-test results passed with --evidence, their age and their gates. */
function loadTested(e: ReviewEvidence): Verdict {
  if (!e.loadtests.length)
    return { status: 'not evidenced', evidence: ['No load-test result passed with --evidence (headroom loadtest ... -f json -o result.json).'] }
  const latest = [...e.loadtests].sort((a, b) => b.doc.startedAt - a.doc.startedAt)[0]!
  const ageDays = (e.now - latest.doc.startedAt) / 86_400_000
  const name = latest.file.split('/').at(-1)
  const gate = latest.doc.ensure
  const lines = [
    `Latest load test ${name}: ${new Date(latest.doc.startedAt).toISOString().slice(0, 10)} (${ageDays.toFixed(0)} days ago), ${
      gate === null
        ? 'no ensure gates'
        : gate.passed
          ? `ensure passed (${gate.checks.map((c) => c.check).join(', ')})`
          : `ensure failed: ${gate.checks
              .filter((c) => !c.passed)
              .map((c) => c.check)
              .join(', ')}`
    }.`,
  ]
  const status: Status = gate !== null && !gate.passed ? 'not met' : gate !== null && ageDays <= RULES.loadTestMaxAgeDays ? 'met' : 'partly'
  if (status === 'partly') lines.push(`Met needs a result from the last ${RULES.loadTestMaxAgeDays} days whose ensure gates passed.`)
  return { status, evidence: lines }
}

/** PERF05-BP02: alarms put by `headroom monitor --apply` at the sized levels, against the resources that have one. */
function monitored(e: ReviewEvidence): Verdict {
  if (!e.monitoring.length)
    return {
      status: 'not evidenced',
      evidence: ['No `headroom monitor --apply` recorded in the workspace; monitoring set up another way is for --answers.'],
    }
  const latest = e.monitoring[0]!
  const alarmed = new Set(e.monitoring.flatMap((m) => m.alarmed))
  // The resources that should have an alarm: a sized CPU need above the idle level (monitor makes none below it).
  const sized = new Set(
    (e.analysis?.recommendations ?? [])
      .filter((r) =>
        r.currentDimensions.some((d) => d.dimension === 'cpu' && d.measured && d.need !== null && d.capacity && (d.need / d.capacity) * 100 >= IDLE_PCT),
      )
      .map((r) => r.resource.id),
  )
  const covered = [...sized].filter((id) => alarmed.has(id)).length
  const status: Status = sized.size === 0 || covered === sized.size ? 'met' : covered > 0 ? 'partly' : 'not met'
  return {
    status,
    evidence: [
      `Latest headroom monitor --apply: ${new Date(latest.appliedAt).toISOString().slice(0, 10)} in ${latest.region}, ${plural(latest.dashboards, 'dashboard')} and ${plural(latest.alarms, 'alarm')}; ${covered} of ${plural(sized.size, 'sized resource')} have an alarm at the level they were sized for.`,
    ],
  }
}

/**
 * The best practices headroom judges from measurements, each with its rule. A rule with nothing to look at in this
 * workspace says so ("not evidenced", with why), and the practice is then asked like the others.
 */
export const EVIDENCED: Readonly<Record<string, (e: ReviewEvidence) => Verdict>> = {
  'PERF02-BP03': computeMetrics,
  'PERF02-BP04': rightSized,
  'PERF02-BP05': scalesDynamically,
  'PERF03-BP03': dataStoreMetrics,
  'PERF03-BP05': caching,
  'PERF05-BP02': monitored,
  'PERF05-BP04': loadTested,
}

export const RISKS = ['high', 'medium', 'none', 'unanswered'] as const
export type Risk = (typeof RISKS)[number]

/**
 * A question's risk: high if any practice is not met, else medium if any is partly, none if every practice is met
 * (or not applicable); otherwise (some practice not evidenced) unanswered: headroom does not guess.
 */
export function questionRisk(statuses: readonly Status[]): Risk {
  if (statuses.includes('not met')) return 'high'
  if (statuses.includes('partly')) return 'medium'
  return statuses.every((s) => s === 'met' || s === 'not applicable') ? 'none' : 'unanswered'
}
