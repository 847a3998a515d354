import type { z } from 'zod'
import type { Catalog } from '../catalog/catalog.js'
import type { ServiceCatalogs } from '../catalog/services.js'
import type { MetricName } from '../core/metrics.js'
import type { Issue, Recommendation, ResourceKind, Report } from '../core/report.js'
import type { Section } from '../reporters/view.js'
import type { UsageSummary } from '../store/types.js'

export interface AnalyzerMeta {
  id: string
  title: string
  resourceKinds: readonly ResourceKind[]
  requires: readonly MetricName[]
  since: string
  /** The page that explains its rules and shows a worked example (repository path). */
  docs: string
  recommended: boolean
  bestPractices: readonly string[]
}

export interface AnalyzerInput {
  usage: UsageSummary
  /** EC2 instance types and prices (the workspace's overlay included). */
  catalog: Catalog
  /** RDS, EBS, Lambda, ElastiCache and DynamoDB catalogs and prices. */
  services: ServiceCatalogs
}

export interface AnalyzerOutput {
  recommendations: Recommendation[]
  issues: Issue[]
}

/**
 * How an analyzer's recommendations read in the terminal summary. The summary's shared parts (totals, the checks list,
 * insufficient data, notes) are generic; an analyzer without a presenter gets one table titled by its meta.title.
 */
export interface Presenter {
  /** The analyzer's own sections of the summary, given its recommendations (best first) and the rows per table. */
  sections(recs: readonly Recommendation[], ctx: { top: number }): Section[]
  /** Whether those sections show a recommendation; the shared lists (checks, insufficient data) take the rest. */
  shows(r: Recommendation): boolean
  /** A count for the summary's title, e.g. '3 hosts'. */
  count?(recs: readonly Recommendation[], summary: Report['summary']): string
  /** The summary's title phrase when this analyzer ran, e.g. 'EC2 right-sizing of 8 of 8 instances'; its count then goes unused. */
  headline?(recs: readonly Recommendation[], summary: Report['summary']): string
  /** A line under the title naming the settings it ran with. */
  settings?(options: Readonly<Record<string, unknown>>, lookbackDays: number): string
}

/** Analyzers are pure: same usage, catalog and options in, same recommendations out. */
export interface Analyzer<O = unknown> {
  meta: AnalyzerMeta
  options: z.ZodType<O>
  analyze(input: AnalyzerInput, options: O): AnalyzerOutput
  present?: Presenter
}

export const defineAnalyzer = <O>(a: Analyzer<O>): Analyzer<O> => a
