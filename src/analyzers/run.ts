import type { Catalog } from '../catalog/catalog.js'
import type { ServiceCatalogs } from '../catalog/services.js'
import { isoMinute } from '../core/time.js'
import { REPORT_SCHEMA_VERSION, type Coverage, type Issue, type PerformanceRisk, type Recommendation, type Report, type ResourceRef } from '../core/report.js'
import type { UsageSummary } from '../store/types.js'
import { ANALYZER_IDS, resolveAnalyzerOptions, type AnalyzerOptionsInput, type AnalyzerOptionsMap, type SharedOptions } from './options.js'
import { ANALYZERS } from './registry.js'
import { riskRank } from './risk.js'
import type { Analyzer } from './types.js'

export interface AnalysisOptions {
  /**
   * Every analyzer's options, resolved (resolveAnalyzerOptions; the CLI and analyzeWorkspace resolve defaults < config
   * file < flags). Alternatively `shared` and `analyzers` are resolved here over the defaults.
   */
  resolved?: AnalyzerOptionsMap
  /** Settings several analyzers share (SHARED_OPTIONS: percentile, headroomPct, ...). */
  shared?: SharedOptions
  /** Per-analyzer overrides by registry id, e.g. `{ 'rds.rightsize': { percentile: 'max' } }`. */
  analyzers?: AnalyzerOptionsInput
  /** RDS, EBS, Lambda, ElastiCache and DynamoDB catalogs (loadServiceCatalogs() for the bundled ones). */
  services: ServiceCatalogs
  lookbackDays: number
  asOf?: number
  now: number
  version: string
  /** Notes from option resolution (shared settings an analyzer could not take), carried into report.issues. */
  notes?: readonly string[]
}

/**
 * Runs every registered analyzer whose resource kinds include a usage summary's kind, with that analyzer's own
 * resolved options, and assembles the report. Pure: no IO, clock passed in. Adding an analyzer is a registry line.
 */
export function runAnalysis(usages: readonly UsageSummary[], catalog: Catalog, opts: AnalysisOptions): Report {
  // Resolved by the caller (with its notes), or here from `shared` and `analyzers` (with the notes of this resolution).
  const own = opts.resolved
    ? undefined
    : resolveAnalyzerOptions([
        { source: 'library call', ...(opts.shared ? { shared: opts.shared } : {}), ...(opts.analyzers ? { analyzers: opts.analyzers } : {}) },
      ])
  const resolved = opts.resolved ?? own!.options
  const byKind = new Map<string, { analyzer: Analyzer<unknown>; options: unknown }[]>()
  for (const id of ANALYZER_IDS) {
    const analyzer = ANALYZERS[id] as unknown as Analyzer<unknown>
    for (const kind of analyzer.meta.resourceKinds) byKind.set(kind, [...(byKind.get(kind) ?? []), { analyzer, options: resolved[id] }])
  }
  const recommendations: Recommendation[] = []
  const issues: Issue[] = [...(opts.notes ?? []), ...(own?.notes ?? [])].map((message) => ({ code: 'OPTION_NOT_APPLIED', severity: 'info' as const, message }))
  const unanalyzedKinds = new Map<string, string[]>()
  for (const usage of usages) {
    const runs = byKind.get(usage.resource.kind) ?? []
    for (const { analyzer, options } of runs) {
      const out = analyzer.analyze({ usage, catalog, services: opts.services }, options)
      recommendations.push(...out.recommendations)
      issues.push(...out.issues)
    }
    if (usage.stragglers) {
      const st = usage.stragglers
      issues.push({
        code: 'SAMPLES_AFTER_WINDOW',
        severity: 'warning',
        resourceId: usage.resource.id,
        message: `${usage.resource.id}: ${st.samples} isolated sample${st.samples === 1 ? '' : 's'} (${isoMinute(st.first)}${st.last !== st.first ? ` to ${isoMinute(st.last)}` : ''} UTC) ${st.samples === 1 ? 'lies' : 'lie'} after its latest dense data; the window ends at ${isoMinute(usage.window.end)} UTC without them. Check the export, or pass --as-of to choose the window.`,
      })
    }
    if (runs.length === 0) unanalyzedKinds.set(usage.resource.kind, [...(unanalyzedKinds.get(usage.resource.kind) ?? []), usage.resource.id])
  }
  for (const [kind, ids] of unanalyzedKinds) {
    const n = ids.length
    const eg = `${n > 1 ? 'e.g. ' : ''}${ids.slice(0, 3).join(', ')}${n > 3 ? ', ...' : ''}`
    if (kind === 'asg')
      issues.push({
        code: 'ASG_SIMULATE',
        severity: 'info',
        message: `${n} Auto Scaling group${n > 1 ? 's' : ''} (${eg}): no analyzer sizes a group; replay its load against scaling policies with \`headroom simulate scaling --group ${n === 1 ? ids[0] : '<id>'} --search\`.`,
      })
    else
      issues.push({
        code: 'KIND_NOT_ANALYZED',
        severity: 'info',
        message: `${n} ${kind} resource${n > 1 ? 's' : ''} (${eg}): no analyzer for this kind yet; stored, and left out of this report.`,
      })
  }
  recommendations.sort(compareRecommendations)
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'analysis',
    meta: {
      tool: 'headroom',
      version: opts.version,
      generatedAt: opts.now,
      options: { lookbackDays: opts.lookbackDays, asOf: opts.asOf ?? null, analyzers: resolved },
      catalogSources: catalog.sources.map((s) => `${s.name} (${s.origin}, ${s.date})`),
    },
    summary: summarize(
      usages.map((u) => u.resource),
      recommendations,
      new Set(byKind.keys()),
    ),
    recommendations,
    issues,
  }
}

/** Biggest savings first, then the riskiest current state, then by resource id for a stable order. */
function compareRecommendations(a: Recommendation, b: Recommendation): number {
  return (
    (b.estimatedMonthlySavings ?? -1) - (a.estimatedMonthlySavings ?? -1) ||
    findingOrder(a) - findingOrder(b) ||
    a.resource.id.localeCompare(b.resource.id) ||
    a.analyzer.localeCompare(b.analyzer)
  )
}
const FINDING_ORDER = ['Underprovisioned', 'Overprovisioned', 'Flagged', 'Sized', 'Optimized', 'InsufficientData']
const findingOrder = (r: Recommendation) => FINDING_ORDER.indexOf(r.finding)

/**
 * Fleet totals over every priced resource, whatever its kind. Savings count one action per resource: the largest
 * estimated saving among that resource's recommendations, so a resource is never counted twice; current cost is one
 * figure per resource; upsizing is the extra cost of the top option of Underprovisioned resources. `analyzed` and
 * `byRisk` describe EC2 right-sizing; `coverage` puts every resource of the workspace in one bucket (analyzedKinds:
 * the kinds some analyzer takes).
 */
export function summarize(
  resources: readonly Pick<ResourceRef, 'id' | 'kind'>[],
  recs: readonly Recommendation[],
  analyzedKinds: ReadonlySet<string>,
): Report['summary'] {
  const byFinding: Record<string, number> = {}
  const byRisk: Record<string, number> = {}
  const bestByResource = new Map<string, number>()
  const costByResource = new Map<string, number>()
  const upsizeByResource = new Map<string, number>()
  const unpricedIds = new Set<string>()
  let analyzed = 0
  for (const r of recs) {
    byFinding[r.finding] = (byFinding[r.finding] ?? 0) + 1
    if (r.analyzer === 'ec2.rightsize') {
      if (r.finding !== 'InsufficientData') analyzed++
      const risk: PerformanceRisk | 'Unknown' = r.options[0]?.performanceRisk ?? r.currentPerformanceRisk
      if (r.finding !== 'InsufficientData') byRisk[risk] = (byRisk[risk] ?? 0) + 1
    }
    // Current cost: one figure per resource, from any analyzer that priced it; unpriced when an analyzer tried and could not.
    if (typeof r.current.monthlyCost === 'number') costByResource.set(r.resource.id, Math.max(costByResource.get(r.resource.id) ?? 0, r.current.monthlyCost))
    else if ('monthlyCost' in r.current || r.analyzer === 'ec2.rightsize') unpricedIds.add(r.resource.id)
    const extra = r.options[0]?.monthlySavings
    if (r.finding === 'Underprovisioned' && extra != null && extra < 0)
      upsizeByResource.set(r.resource.id, Math.max(upsizeByResource.get(r.resource.id) ?? 0, -extra))
  }
  for (const id of costByResource.keys()) unpricedIds.delete(id)
  const current = [...costByResource.values()].reduce((a, b) => a + b, 0)
  const upsizing = [...upsizeByResource.values()].reduce((a, b) => a + b, 0)
  const unpriced = unpricedIds.size
  for (const r of recs)
    if (r.estimatedMonthlySavings !== null && r.estimatedMonthlySavings > 0)
      bestByResource.set(r.resource.id, Math.max(bestByResource.get(r.resource.id) ?? 0, r.estimatedMonthlySavings))
  const savings = [...bestByResource.values()].reduce((a, b) => a + b, 0)
  const byAnalyzer: NonNullable<Report['summary']['byAnalyzer']> = {}
  for (const r of recs) {
    const a = (byAnalyzer[r.analyzer] ??= { recommendations: 0, currentMonthlyCost: 0, monthlySavings: 0, unpriced: 0 })
    a.recommendations++
    if (typeof r.current.monthlyCost === 'number') a.currentMonthlyCost += r.current.monthlyCost
    else if ('monthlyCost' in r.current) a.unpriced++
    if ((r.estimatedMonthlySavings ?? 0) > 0) a.monthlySavings += r.estimatedMonthlySavings!
  }
  for (const a of Object.values(byAnalyzer)) {
    a.currentMonthlyCost = Math.round(a.currentMonthlyCost * 100) / 100
    a.monthlySavings = Math.round(a.monthlySavings * 100) / 100
  }
  const r2 = (x: number) => Math.round(x * 100) / 100
  const ordered = <T extends string>(counts: Record<string, number>, order: readonly T[]) =>
    Object.fromEntries(order.filter((k) => counts[k] !== undefined).map((k) => [k, counts[k]!]))
  return {
    resources: resources.length,
    analyzed,
    coverage: coverageOf(resources, recs, analyzedKinds),
    currentMonthlyCost: r2(current),
    recommendedMonthlyCost: r2(current - savings + upsizing),
    monthlySavings: r2(savings),
    upsizingMonthlyCost: r2(upsizing),
    unpricedResources: unpriced,
    byFinding: ordered(byFinding, FINDING_ORDER),
    byRisk: ordered(byRisk, ['High', 'Medium', 'Low', 'VeryLow', 'Unknown']),
    byAnalyzer: Object.fromEntries(Object.entries(byAnalyzer).sort(([a], [b]) => a.localeCompare(b))),
  }
}

/**
 * Why each resource is in the report: analyzed (some analyzer gave a finding other than InsufficientData, or checked it
 * and found nothing to flag), stopped (an instance not running: not sized), too little data (every analyzer of its kind
 * said InsufficientData), or no analyzer for its kind. The four add up to the resources of the workspace.
 */
function coverageOf(resources: readonly Pick<ResourceRef, 'id' | 'kind'>[], recs: readonly Recommendation[], analyzedKinds: ReadonlySet<string>): Coverage {
  const byResource = new Map<string, Recommendation[]>()
  const key = (r: Pick<ResourceRef, 'id' | 'kind'>) => `${r.kind} ${r.id}`
  for (const r of recs) byResource.set(key(r.resource), [...(byResource.get(key(r.resource)) ?? []), r])
  const c: Coverage = { analyzed: 0, stopped: 0, insufficientData: 0, noAnalyzer: 0 }
  for (const res of resources) {
    const mine = byResource.get(key(res)) ?? []
    if (!analyzedKinds.has(res.kind) && mine.length === 0) c.noAnalyzer++
    else if (mine.length === 0 || mine.some((r) => r.finding !== 'InsufficientData')) c.analyzed++
    else if (mine.some((r) => r.reasons.includes('InstanceNotRunning'))) c.stopped++
    else c.insufficientData++
  }
  return c
}

/** `--fail-on`: a finding name, or a risk level that any resource's current risk reaches. */
export type FailOn = { finding: string } | { risk: PerformanceRisk }

export function parseFailOn(value: string): FailOn | undefined {
  const v = value.trim().toLowerCase()
  const findings = ['overprovisioned', 'underprovisioned', 'insufficientdata', 'flagged', 'optimized']
  const f = findings.find((x) => x === v)
  if (f) return { finding: FINDING_ORDER.concat('Optimized').find((x) => x.toLowerCase() === f) ?? f }
  const risks: PerformanceRisk[] = ['VeryLow', 'Low', 'Medium', 'High']
  const r = risks.find((x) => x.toLowerCase() === v || x.toLowerCase() === v.replace(/[-_ ]/g, ''))
  return r ? { risk: r } : undefined
}

/** Recommendations that trip the gate. */
export function gateHits(report: Report, failOn: FailOn): Recommendation[] {
  if ('finding' in failOn) return report.recommendations.filter((r) => r.finding === failOn.finding)
  return report.recommendations.filter((r) => r.currentPerformanceRisk !== 'Unknown' && riskRank(r.currentPerformanceRisk) >= riskRank(failOn.risk))
}
