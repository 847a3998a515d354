import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import type { ResolvedConfig } from '../app/config.js'
import { monitorWorkspace } from '../app/monitor.js'
import { loadWorkspaceCatalog } from '../catalog/load.js'
import type { Effects } from '../core/effects.js'
import { UsageError } from '../core/errors.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import { VERSION } from '../core/version.js'
import type { MonitorFormat } from '../monitor/formats.js'
import { renderMonitoring } from '../monitor/render.js'
import { checkEndpointEnv } from '../sources/aws/clients.js'
import { tagCalls } from '../sources/aws/errors.js'
import { applyMonitoring } from '../sources/aws/monitor-apply.js'
import { DuckDbStore } from '../store/duckdb/store.js'
import { emitRendered } from './output.js'

export interface MonitorCommandOptions {
  config: ResolvedConfig
  format: MonitorFormat
  out?: string
  name?: string
  region?: string
  groupByTag?: string
  afterRecommendations: boolean
  alarmActions: string[]
  resources?: string[]
  apply: boolean
  profile?: string
}

/** `headroom monitor`: dashboards, alarms and Prometheus rules for the workspace, written or (--apply) put through the CloudWatch API. */
export async function runMonitor(o: MonitorCommandOptions, effects: Effects): Promise<ExitCode> {
  const workspace = o.config.workspace
  if (!existsSync(workspace))
    throw new UsageError(`No workspace at ${workspace}`, 'Collect data first (headroom collect ..., or headroom demo), or pass --workspace.')
  if (o.apply && o.format === 'prometheus-rules')
    throw new UsageError(
      '--apply puts CloudWatch dashboards and alarms; Prometheus rules are a file',
      'Write them with --out rules.yml and load them into Prometheus (rule_files).',
    )
  const name = o.name ?? 'headroom'
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(name)) throw new UsageError(`--name '${name}' is not a dashboard name`, 'Use letters, digits, - and _ (up to 200).')
  const store = await DuckDbStore.open(workspace, { readOnly: true })
  let r
  try {
    r = await monitorWorkspace({
      reader: store,
      catalog: loadWorkspaceCatalog(workspace),
      config: o.config,
      workspace,
      now: effects.now(),
      options: {
        name,
        afterRecommendations: o.afterRecommendations,
        alarmActions: o.alarmActions,
        ...(o.region === undefined ? {} : { region: o.region }),
        ...(o.groupByTag === undefined ? {} : { groupByTag: o.groupByTag }),
        ...(o.resources === undefined ? {} : { resources: o.resources }),
      },
    })
  } finally {
    store.close()
  }
  const { plan, rules, region } = r
  if (o.format === 'prometheus-rules' && !rules.groups.length)
    throw new UsageError(
      `No host in ${workspace} was collected from Prometheus: no rules to write`,
      'Collect hosts with headroom collect prometheus first; for AWS resources use --format cloudformation-yaml, terraform or dashboard-json.',
    )
  if (o.format !== 'prometheus-rules' && !plan.dashboards.length)
    throw new UsageError(
      `No resource in ${workspace}${o.region ? ` in ${region}` : ''} has CloudWatch metrics to chart`,
      'Check --resources and --region; headroom status lists what the workspace holds.',
    )
  const description = `headroom ${VERSION} monitor for ${basename(workspace.replace(/\/\.headroom\/?$/, ''))} in ${region}: ${plan.dashboards.length} dashboard(s), ${plan.alarms.length} alarm(s); thresholds at the level each resource was sized for${o.afterRecommendations ? ' on its recommended type' : ''} (docs/monitor.md)`
  const text = renderMonitoring(plan, rules, o.format, description)
  const count =
    o.format === 'prometheus-rules'
      ? `${rules.groups.reduce((a, g) => a + g.rules.length, 0)} Prometheus rules`
      : `${plan.dashboards.length} dashboard(s) with ${plan.dashboards.reduce((a, d) => a + d.body.widgets.length, 0)} widgets and ${plan.alarms.length} alarm(s) for ${region}`
  if (!o.apply || o.out) emitRendered(text, o.out, `wrote ${o.format}: ${count} to ${o.out}`, effects)
  for (const n of o.format === 'prometheus-rules' ? rules.notes : plan.notes) effects.stderr.write(`note: ${n}\n`)
  if (o.apply) {
    if (o.profile) process.env.AWS_PROFILE = o.profile
    checkEndpointEnv(process.env)
    const cw = tagCalls(new CloudWatchClient({ region, ...(o.profile ? { profile: o.profile } : {}) }))
    const done = await applyMonitoring(cw, plan, (s) => effects.stderr.write(`${region}: ${s}\n`))
    // Kept for `headroom review` (PERF05-BP02): what was put, and which resources now have an alarm.
    const w = await DuckDbStore.open(workspace)
    try {
      await w.recordMonitoringApply({ appliedAt: effects.now(), region, ...done, alarmed: [...new Set(plan.alarms.map((a) => a.resourceId))] })
    } finally {
      w.close()
    }
    effects.stderr.write(
      `applied in ${region}: ${done.dashboards} dashboard(s) and ${done.alarms} alarm(s) created or replaced by name (a second run changes nothing)\n`,
    )
  }
  return EXIT.OK
}
