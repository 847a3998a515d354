import type { Catalog } from '../catalog/catalog.js'
import { UsageError } from '../core/errors.js'
import type { Report } from '../core/report.js'
import { monitoringPlan, type MonitoringPlan, type MonitorOptions } from '../monitor/plan.js'
import { prometheusRules, type RuleGroup } from '../monitor/prometheus.js'
import type { WorkspaceReader } from '../store/types.js'
import { analyzeWorkspace } from './analyze.js'
import type { ResolvedConfig } from './config.js'

export interface MonitorWorkspaceInput {
  reader: WorkspaceReader
  catalog: Catalog
  config: Pick<ResolvedConfig, 'analysis' | 'analyzers' | 'notes'>
  workspace: string
  now: number
  options: Omit<MonitorOptions, 'region'> & {
    /** Only resources in this region (and those without one); default: the workspace's only region. */
    region?: string
  }
}

export interface MonitorResult {
  region: string
  plan: MonitoringPlan
  rules: { groups: RuleGroup[]; notes: string[] }
  analysis: Report
}

/**
 * `headroom monitor` as a library call: the workspace analyzed as `analyze` would, then dashboards, alarms and
 * Prometheus rules for what it found (src/monitor/). Alarms are regional, so one run covers one region.
 */
export async function monitorWorkspace(i: MonitorWorkspaceInput): Promise<MonitorResult> {
  const all = await i.reader.resources()
  const unknown = i.options.resources?.filter((id) => !all.some((r) => r.id === id)) ?? []
  if (unknown.length)
    throw new UsageError(
      `--resources: ${unknown.slice(0, 5).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in ${i.workspace}`,
      `Resources it holds: ${all
        .slice(0, 8)
        .map((r) => r.id)
        .join(', ')}${all.length > 8 ? ', ...' : ''} (headroom status lists them).`,
    )
  const regions = [...new Set(all.map((r) => r.region).filter((x): x is string => !!x))].sort()
  const region = i.options.region ?? (regions.length <= 1 ? (regions[0] ?? 'us-east-1') : undefined)
  if (region === undefined)
    throw new UsageError(
      `The workspace holds resources in ${regions.length} regions (${regions.join(', ')})`,
      'Alarms are regional: pick one with --region, one run per region.',
    )
  const resources = all.filter((r) => (r.region ?? region) === region)
  const analysis = await analyzeWorkspace({ reader: i.reader, catalog: i.catalog, config: i.config, now: i.now, workspace: i.workspace })
  return {
    region,
    plan: monitoringPlan(analysis, resources, { ...i.options, region }),
    rules: prometheusRules(analysis, resources, i.options.resources),
    analysis,
  }
}
