import type { z } from 'zod'
import type { Catalog } from '../catalog/catalog.js'
import type { MetricName } from '../core/metrics.js'
import type { Issue, Recommendation, ResourceKind } from '../core/report.js'
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
  catalog: Catalog
}

export interface AnalyzerOutput {
  recommendations: Recommendation[]
  issues: Issue[]
}

/** Analyzers are pure: same usage, catalog and options in, same recommendations out. */
export interface Analyzer<O = unknown> {
  meta: AnalyzerMeta
  options: z.ZodType<O>
  analyze(input: AnalyzerInput, options: O): AnalyzerOutput
}

export const defineAnalyzer = <O>(a: Analyzer<O>): Analyzer<O> => a
