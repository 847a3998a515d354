import { PERCENTILES } from '../analyzers/kit.js'
import type { HeadroomDocument } from '../app/document.js'
import { METRICS, type MetricName } from '../core/metrics.js'
import type { DimensionAssessment, Recommendation, Report, ScalingReport } from '../core/report.js'
import { mergeEncoded } from '../loadtest/histogram.js'
import type { LoadTestResult } from '../loadtest/result.js'
import type { CacheReport } from '../simulators/cache/result.js'
import type { ExperimentResult, LambdaExperimentResult } from '../experiment/result.js'
import { currentType, describeChange, savingsOf } from '../reporters/format.js'
import type { View } from '../reporters/view.js'
import type { DisplaySeries } from '../store/types.js'

/**
 * What the HTML page's script draws, built here so the page does no arithmetic of its own beyond layout: every number
 * it shows is one the document (or the workspace's stored series) holds. The page reads it from an inline JSON block;
 * `headroom serve` sends the same object over its API.
 */
export interface Payload {
  kind: HeadroomDocument['kind'] | 'comparison' | 'experiment' | 'lambda-experiment'
  title: string
  /** The kind's own view (the terminal summary's sections): the overview page, drawn block by block as text. */
  view: View
  analysis?: AnalysisPayload
  scaling?: ScalingPayload
  loadtest?: LoadTestPayload
  cache?: CachePayload
  experiment?: ExperimentPayload
  lambda?: LambdaPayload
  /** Served live (`headroom serve`): the page may ask /api/analysis for other settings. */
  api?: boolean
}

/** The page's table: one row per recommendation, values in COLUMNS order. */
const COLUMNS = ['Resource', 'Kind', 'Analyzer', 'Finding', 'Risk', 'Current', 'Recommended', 'Now $/mo', 'Saves $/mo'] as const
type Cell = string | number | null

export interface AnalysisPayload {
  totals: { resources: number; recommendations: number; current: number; recommended: number; savings: number; upsizing: number; unpriced: number }
  byAnalyzer: { name: string; recommendations: number; current: number; savings: number }[]
  byService: { name: string; recommendations: number; current: number; savings: number }[]
  byFinding: Record<string, number>
  byRisk: Record<string, number>
  columns: readonly string[]
  rows: Cell[][]
  resources: ResourcePage[]
  /** Recommendations of resources without a page of their own, when pages are limited (the table still lists them). */
  unshown: number
  /** The sizing settings the analysis ran with (of the first analyzer that has them), and the percentiles to choose from. */
  settings: { percentile: string | null; headroomPct: number | null; percentiles: readonly string[] }
}

interface Line {
  label: string
  value: number
  role: 'demand' | 'need' | 'current' | 'option'
}

interface Chart {
  title: string
  unit: string
  /** How the sizing read this series (e.g. 'p99.5 of 5-minute averages'), when it did. */
  used: string | null
  stat: string
  /** Times, delta-encoded (Times): a third of the bytes of epoch ms for regular samples. */
  t: Times
  /** Values to 4 significant digits: finer than a chart can show. */
  v: number[]
  lines: Line[]
  note: string | null
}

interface ResourcePage {
  id: string
  kind: string
  tags: Record<string, string>
  analyzer: string
  finding: string
  risk: string
  summary: string
  current: string
  recommended: string | null
  why: string | null
  window: { start: number; end: number }
  evidence: { metric: string; stat: string; value: number; unit: string; samples: number; note: string }[]
  options: { rank: number; change: string; risk: string; binding: string | null; monthlyCost: number | null; monthlySavings: number | null }[]
  charts: Chart[]
}

/**
 * Which stored metric a sized dimension is read from, and whether the metric is a percent of today's capacity (then the
 * lines are drawn in today's percent: need / current capacity, as `monitor` draws them on CloudWatch). A data table,
 * as the adapters keep theirs: a new dimension is a new row.
 */
const DIMENSION_METRIC: Partial<Record<DimensionAssessment['dimension'], { metric: MetricName; percent: boolean }>> = {
  cpu: { metric: 'cpu.utilization', percent: true },
  memory: { metric: 'mem.utilization', percent: true },
  'engine-cpu': { metric: 'cache.engine_cpu.utilization', percent: true },
  'network-in': { metric: 'net.in.bytes_per_s', percent: false },
  'network-out': { metric: 'net.out.bytes_per_s', percent: false },
  'read-capacity': { metric: 'ddb.read.consumed_per_s', percent: false },
  'write-capacity': { metric: 'ddb.write.consumed_per_s', percent: false },
}

/** Findings that call for a change come first; among them the largest monthly change, saving or upsizing, leads. */
const ACTIONABLE = new Set(['Underprovisioned', 'Overprovisioned'])
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d
const sig4 = (x: number) => (x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(4)))

/** Epoch-ms times as the first time and the gaps after it in seconds (the page adds them up): `t0 + d[0] + ... + d[i]`. */
export interface Times {
  t0: number
  d: number[]
}
export function times(ms: readonly number[]): Times {
  const t0 = ms[0] ?? 0
  return { t0, d: ms.map((t, i) => (i === 0 ? 0 : (t - ms[i - 1]!) / 1000)) }
}

/**
 * The resources that get a page, at most `limit`: sized ones (a measured need), those to up- or downsize first, by the
 * size of the monthly change either way (an under-provisioned resource's upsizing cost counts as much as a saving).
 */
export function shownResources(report: Report, limit: number): string[] {
  const sized = report.recommendations.filter((r) => r.currentDimensions.some((d) => d.measured && d.need !== null))
  const act = (r: Recommendation) => (ACTIONABLE.has(r.finding) ? 0 : 1)
  const size = (r: Recommendation) => Math.abs(savingsOf(r) ?? 0)
  const ranked = [...sized].sort((a, b) => act(a) - act(b) || size(b) - size(a) || a.resource.id.localeCompare(b.resource.id))
  return [...new Set(ranked.map((r) => r.resource.id))].slice(0, limit)
}

function group(recs: readonly Recommendation[], key: (r: Recommendation) => string) {
  const m = new Map<string, { name: string; recommendations: number; current: number; savings: number }>()
  for (const r of recs) {
    const k = key(r)
    const g = m.get(k) ?? { name: k, recommendations: 0, current: 0, savings: 0 }
    g.recommendations++
    const cost = r.current.monthlyCost
    if (typeof cost === 'number') g.current += cost
    const s = savingsOf(r)
    if (s !== null && s > 0) g.savings += s
    m.set(k, g)
  }
  return [...m.values()].map((g) => ({ ...g, current: round(g.current), savings: round(g.savings) })).sort((a, b) => b.current - a.current)
}

function chartsOf(rec: Recommendation, series: readonly DisplaySeries[]): Chart[] {
  // The statistic the sizing read (maxima or averages, as its evidence says), else the maxima: peaks are what size.
  const byMetric = new Map<string, DisplaySeries[]>()
  for (const s of series) byMetric.set(s.metric, [...(byMetric.get(s.metric) ?? []), s])
  const charts: Chart[] = []
  for (const [metric, list] of byMetric) {
    const used = rec.evidence.find((e) => e.metric === metric && /^p[\d.]+ of /.test(e.stat))?.stat ?? null
    const wanted = used?.includes('averages') ? 'avg' : 'max'
    const s = list.find((x) => x.stat === wanted) ?? list.find((x) => x.stat === 'max') ?? list[0]!
    const info = METRICS[metric as MetricName]
    const map = Object.entries(DIMENSION_METRIC).find(([, m]) => m.metric === metric)
    const dim = map ? rec.currentDimensions.find((d) => d.dimension === map[0]) : undefined
    const lines: Line[] = []
    let note: string | null = null
    if (dim && map && dim.measured && dim.capacity) {
      const percent = map[1].percent
      // In the series' own unit: today's percent for utilization metrics, the metric's rate otherwise.
      const at = (x: number) => (percent ? round((x / dim.capacity!) * 100, 3) : x)
      if (percent || dim.unit.startsWith(info.unit)) {
        if (dim.demand !== null) lines.push({ label: `demand: ${used ?? 'the sized percentile'}`, value: at(dim.demand), role: 'demand' })
        if (dim.need !== null) lines.push({ label: 'need (demand + headroom)', value: at(dim.need), role: 'need' })
        lines.push({ label: `capacity of ${currentType(rec)}`, value: at(dim.capacity), role: 'current' })
        for (const o of rec.options.slice(0, 3)) {
          const od = o.dimensions.find((d) => d.dimension === dim.dimension)
          if (od?.capacity) lines.push({ label: `capacity of option ${o.rank}: ${describeChange(o.change)}`, value: at(od.capacity), role: 'option' })
        }
      } else note = `The sizing of ${dim.dimension} is in ${dim.unit}, this series in ${info.unit}: no lines drawn across units.`
    }
    charts.push({ title: info.description, unit: info.unit, used, stat: s.stat, t: times(s.t), v: s.v.map(sig4), lines, note })
  }
  const order = (c: Chart) => Object.values(DIMENSION_METRIC).findIndex((m) => METRICS[m.metric].description === c.title)
  return charts.sort((a, b) => (order(a) < 0 ? 99 : order(a)) - (order(b) < 0 ? 99 : order(b)) || a.title.localeCompare(b.title))
}

function resourcePage(rec: Recommendation, series: readonly DisplaySeries[]): ResourcePage {
  const top = rec.options[0]
  return {
    id: rec.resource.id,
    kind: rec.resource.kind,
    tags: rec.resource.tags,
    analyzer: rec.analyzer,
    finding: rec.finding,
    risk: rec.currentPerformanceRisk,
    summary: rec.summary,
    current: currentType(rec),
    recommended: top ? describeChange(top.change) : null,
    why: top
      ? `${describeChange(top.change)}: ${top.bindingDimension ? `${top.bindingDimension} decides the size` : 'no dimension binds'}; performance risk ${top.performanceRisk}${
          top.monthlySavings !== null ? `; ${top.monthlySavings >= 0 ? 'saves' : 'costs'} $${Math.abs(top.monthlySavings).toFixed(2)}/month` : ''
        }.`
      : null,
    window: rec.window,
    evidence: rec.evidence.map((e) => ({ metric: e.metric, stat: e.stat, value: e.value, unit: e.unit, samples: e.samples, note: e.note ?? '' })),
    options: rec.options.map((o) => ({
      rank: o.rank,
      change: describeChange(o.change),
      risk: o.performanceRisk,
      binding: o.bindingDimension,
      monthlyCost: o.monthlyCost,
      monthlySavings: o.monthlySavings,
    })),
    charts: chartsOf(rec, series),
  }
}

function settingsOf(report: Report): AnalysisPayload['settings'] {
  const all = Object.values(report.meta.options.analyzers)
  const p = all.find((o) => typeof o.percentile === 'string')?.percentile
  // --headroom sets EC2's CPU headroom and the others' headroom (SHARED_OPTIONS): the first analyzer's is the one shown.
  const h = all.map((o) => o.cpuHeadroomPct ?? o.headroomPct).find((x) => typeof x === 'number')
  return { percentile: typeof p === 'string' ? p : null, headroomPct: typeof h === 'number' ? h : null, percentiles: PERCENTILES }
}

/** The fleet, the table of every recommendation, and a page (with its charts) per resource in `series`. */
export function analysisPayload(report: Report, series: readonly DisplaySeries[] = []): AnalysisPayload {
  const s = report.summary
  const bySeries = new Map<string, DisplaySeries[]>()
  for (const x of series) bySeries.set(x.resourceId, [...(bySeries.get(x.resourceId) ?? []), x])
  const pages: ResourcePage[] = []
  for (const id of shownResources(report, Infinity)) {
    const list = bySeries.get(id)
    if (!list) continue
    const rec = report.recommendations.find((r) => r.resource.id === id && r.currentDimensions.some((d) => d.measured && d.need !== null))!
    pages.push(resourcePage(rec, list))
  }
  const paged = new Set(pages.map((p) => p.id))
  return {
    totals: {
      resources: s.resources,
      recommendations: report.recommendations.length,
      current: s.currentMonthlyCost,
      recommended: s.recommendedMonthlyCost,
      savings: s.monthlySavings,
      upsizing: s.upsizingMonthlyCost,
      unpriced: s.unpricedResources,
    },
    byAnalyzer: group(report.recommendations, (r) => r.analyzer),
    byService: group(report.recommendations, (r) => r.resource.kind),
    byFinding: s.byFinding,
    byRisk: s.byRisk,
    columns: COLUMNS,
    rows: report.recommendations.map((r) => {
      const cost = r.current.monthlyCost
      return [
        r.resource.id,
        r.resource.kind,
        r.analyzer,
        r.finding,
        r.currentPerformanceRisk,
        currentType(r),
        r.options[0] ? describeChange(r.options[0].change) : null,
        typeof cost === 'number' ? round(cost) : null,
        savingsOf(r),
      ]
    }),
    resources: pages,
    unshown: report.recommendations.filter((r) => !paged.has(r.resource.id)).length,
    settings: settingsOf(report),
  }
}

export interface ScalingPayload {
  simulations: {
    group: string
    summary: string
    limitPct: number
    current: string | null
    pareto: string[]
    outcomes: {
      policySet: string
      description: string
      cost: number | null
      breachMinutes: number
      instanceHours: number
      timeline: { t: Times; demand: number[]; serving: number[]; desired: number[]; utilization: number[]; breach: number[] } | null
    }[]
  }[]
}

/** Most points a timeline keeps (per series): two per bucket (min and max), so ~2 per pixel of a wide chart. */
const TIMELINE_BUCKETS = 1500

/**
 * A per-minute timeline reduced to min/max per bucket on the utilization series, with the other series taken at the
 * same minutes; breach is 1 in a minute the simulator counted as a breach minute, and a bucket keeps a breach minute
 * when it has one, so no breach disappears when zoomed out.
 */
function timelineOf(tl: NonNullable<ScalingReport['simulations'][number]['outcomes'][number]['timeline']>, limitPct: number) {
  const n = tl.utilizationPct.length
  // The simulator's own flag; a report written before it had one is read by the rule for limits under 100%.
  const breachAt = (i: number) => (tl.breach ? (tl.breach[i] ?? 0) : tl.utilizationPct[i]! > limitPct ? 1 : 0)
  const keep: number[] = []
  const width = Math.max(1, Math.ceil(n / TIMELINE_BUCKETS))
  for (let b = 0; b < n; b += width) {
    const end = Math.min(n, b + width)
    let lo = b
    let hi = b
    let br = -1
    for (let i = b; i < end; i++) {
      if (tl.utilizationPct[i]! < tl.utilizationPct[lo]!) lo = i
      if (tl.utilizationPct[i]! > tl.utilizationPct[hi]!) hi = i
      if (br < 0 && breachAt(i)) br = i
    }
    keep.push(...new Set([lo, hi, ...(br >= 0 ? [br] : [])].sort((a, c) => a - c)))
  }
  const pick = (a: readonly number[]) => keep.map((i) => a[i]!)
  return {
    t: times(keep.map((i) => tl.startMs + i * tl.stepSec * 1000)),
    demand: pick(tl.demand).map(sig4),
    serving: pick(tl.serving),
    desired: pick(tl.desired),
    utilization: pick(tl.utilizationPct),
    breach: keep.map(breachAt),
  }
}

export function scalingPayload(report: ScalingReport): ScalingPayload {
  return {
    simulations: report.simulations.map((s) => ({
      group: s.group,
      summary: s.summary,
      limitPct: s.utilizationLimitPct,
      current: s.current,
      pareto: s.search?.pareto ?? [],
      outcomes: s.outcomes.map((o) => ({
        policySet: o.policySet,
        description: o.description,
        cost: o.cost,
        breachMinutes: o.breachMinutes,
        instanceHours: o.instanceHours,
        timeline: o.timeline ? timelineOf(o.timeline, s.utilizationLimitPct) : null,
      })),
    })),
  }
}

export interface LoadTestPayload {
  /** Latency (ms) at percentiles on HdrHistogram's plotter axis: x = 1 / (1 - p), so 10 = 90%, 1000 = 99.9%. */
  runs: { name: string; curves: { name: string; x: number[]; ms: number[] }[] }[]
  /** Responses and errors per second from each run's start (results from before headroom 0.1.1 have none). */
  throughput: { name: string; responses: number[]; errors: number[] }[]
  /** Gate thresholds drawn on the comparison (ms). */
  thresholds: { label: string; ms: number }[]
  summary: { name: string; requestsPerSec: number; p50: number; p99: number; max: number; errorsPct: number | null }[]
}

/** The latency distribution of an encoded histogram, from 0% to the highest percentile its count resolves. */
export function percentileCurve(encoded: string): { x: number[]; ms: number[] } {
  const h = mergeEncoded([encoded])
  const x: number[] = []
  const ms: number[] = []
  const count = h.totalCount
  if (count === 0) return { x, ms }
  // Five points per decade of 1/(1-p), up to where one more decade would be finer than one sample.
  for (let k = 0; ; k++) {
    const inv = 10 ** (k / 5)
    if (inv > count) break
    const p = 100 * (1 - 1 / inv)
    x.push(round(inv, 4))
    ms.push(h.getValueAtPercentile(p) / 1000)
  }
  x.push(round(count, 4))
  ms.push(h.maxValue / 1000)
  return { x, ms }
}

export function loadTestPayload(runs: readonly { name: string; result: LoadTestResult }[], thresholds: LoadTestPayload['thresholds'] = []): LoadTestPayload {
  return {
    runs: runs.map(({ name, result }) => ({
      name,
      curves: [
        { name: 'all requests (from intended start)', ...percentileCurve(result.histograms.corrected) },
        ...(result.model === 'open' ? [{ name: 'all requests (from send)', ...percentileCurve(result.histograms.uncorrected) }] : []),
        ...result.endpoints.map((e) => ({ name: e.name, ...percentileCurve(e.histogram) })),
      ],
    })),
    throughput: runs.flatMap(({ name, result }) => (result.timeline ? [{ name, responses: result.timeline.responses, errors: result.timeline.errors }] : [])),
    thresholds,
    summary: runs.map(({ name, result }) => ({
      name,
      requestsPerSec: result.rate.requestsPerSec,
      p50: result.latency.corrected.p50,
      p99: result.latency.corrected.p99,
      max: result.latency.corrected.max,
      errorsPct: null,
    })),
  }
}

interface CachePayload {
  byObjects: { x: number[]; hit: number[] }
  byBytes: { x: number[]; hit: number[]; byteHit: number[] }
  policies: { policy: string; x: number[]; hit: number[] }[]
  target: number | null
}

function cachePayload(r: CacheReport): CachePayload {
  return {
    byObjects: { x: r.byObjects.map((p) => p.objects), hit: r.byObjects.map((p) => p.hitRatio) },
    byBytes: { x: r.byBytes.map((p) => p.bytes), hit: r.byBytes.map((p) => p.requestHitRatio), byteHit: r.byBytes.map((p) => p.byteHitRatio) },
    policies: r.policies.map((p) => ({
      policy: `${p.policy}${p.ttlSec !== null ? `, TTL ${p.ttlSec} s` : ''}`,
      x: p.points.map((q) => q.objects),
      hit: p.points.map((q) => q.hitRatio),
    })),
    target: r.target.hitRatio,
  }
}

export interface PayloadOptions {
  /** Stored series of the resources to give a page (analysis documents; from the workspace). */
  series?: readonly DisplaySeries[]
}

/** The payload of any document: its summary view, and the charts its kind has. */
export async function documentPayload(doc: HeadroomDocument, o: PayloadOptions = {}): Promise<Payload> {
  const { kindRenderer } = await import('../reporters/registry.js')
  const r = await kindRenderer(doc.kind)
  // A review's every question is the point of it; the other kinds' summaries are their overview.
  const view = doc.kind === 'review' ? r.full(doc) : r.summary(doc, 10)
  const base = { kind: doc.kind, title: view.title, view }
  switch (doc.kind) {
    case 'analysis':
      return { ...base, analysis: analysisPayload(doc, o.series) }
    case 'scaling':
      return { ...base, scaling: scalingPayload(doc) }
    case 'loadtest':
      return { ...base, loadtest: loadTestPayload([{ name: doc.target, result: doc }]) }
    case 'cache':
      return { ...base, cache: cachePayload(doc) }
    default:
      return base
  }
}

interface ExperimentPayload {
  /** Per arm, its value in each round (x: round number from 1). */
  rounds: { arm: string; x: number[]; requestsPerSec: number[]; p99: number[] }[]
  /** --find-capacity: per arm each step's rate and the SLO metric's latency, in the order tried. */
  capacity: { arm: string; rate: number[]; latencyMs: number[]; held: boolean[] }[]
  slo: { metric: string; thresholdMs: number } | null
}

export function experimentPayload(r: ExperimentResult): ExperimentPayload {
  return {
    rounds: r.arms
      .filter((a) => a.runs.length)
      .map((a) => ({ arm: a.name, x: a.runs.map((x) => x.round + 1), requestsPerSec: a.runs.map((x) => x.requestsPerSec), p99: a.runs.map((x) => x.p99) })),
    capacity: r.arms.flatMap((a) =>
      a.capacity
        ? [
            {
              arm: a.name,
              rate: a.capacity.steps.map((s) => s.rate),
              latencyMs: a.capacity.steps.map((s) => s.latencyMs),
              held: a.capacity.steps.map((s) => s.held),
            },
          ]
        : [],
    ),
    slo: r.slo,
  }
}

interface LambdaPayload {
  /** Per architecture, by memory: the mean warm duration and the cost of a million warm invocations (null: errors or none). */
  archs: { arch: string; memory: number[]; durationMs: (number | null)[]; costPerMillion: (number | null)[] }[]
  current: { memoryMB: number; arch: string }
}

/** `experiment --lambda -f html`: duration and cost by memory size, one line per architecture (Power Tuning's chart). */
export function lambdaPayload(r: LambdaExperimentResult): LambdaPayload {
  const archs = [...new Set(r.settings.map((s) => s.arch))]
  return {
    archs: archs.map((arch) => {
      const ss = r.settings.filter((s) => s.arch === arch).sort((a, b) => a.memoryMB - b.memoryMB)
      const ok = (s: (typeof ss)[number]) => s.errors === 0
      return {
        arch,
        memory: ss.map((s) => s.memoryMB),
        durationMs: ss.map((s) => (ok(s) ? (s.warm.durationMs?.mean ?? null) : null)),
        costPerMillion: ss.map((s) => (ok(s) ? s.costPerMillionUsd : null)),
      }
    }),
    current: r.current,
  }
}
