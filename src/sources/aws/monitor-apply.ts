import { PutDashboardCommand, PutMetricAlarmCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { ToolError } from '../../core/errors.js'
import type { MonitoringPlan } from '../../monitor/plan.js'
import { authError } from './clients.js'
import { authProblem } from './collect.js'
import { describeAwsError, FOREIGN_ANSWER_HINT, isForeignAnswer } from './errors.js'

/**
 * `headroom monitor --apply`: PutDashboard for each dashboard and PutMetricAlarm for each alarm. Both create or replace
 * by name, so a second run with the same workspace changes nothing: the apply is idempotent. A dashboard CloudWatch
 * accepts with validation messages is an error here (it would render wrong), naming the dashboard and the message.
 */
export async function applyMonitoring(
  cw: CloudWatchClient,
  plan: MonitoringPlan,
  onProgress?: (s: string) => void,
): Promise<{ dashboards: number; alarms: number }> {
  const send = async <T>(what: string, command: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f()
    } catch (err) {
      if (authProblem(err)) throw authError(err, command)
      throw new ToolError('SOURCE_UNAVAILABLE', `CloudWatch refused ${what}: ${describeAwsError(err)}`, {
        hint: isForeignAnswer(err) ? FOREIGN_ANSWER_HINT : 'Nothing after it was put; fix the cause and run again (puts replace by name).',
      })
    }
  }
  for (const d of plan.dashboards) {
    const r = await send(`dashboard ${d.name}`, 'PutDashboardCommand', () =>
      cw.send(new PutDashboardCommand({ DashboardName: d.name, DashboardBody: JSON.stringify(d.body) })),
    )
    const messages = r.DashboardValidationMessages ?? []
    if (messages.length)
      throw new ToolError(
        'SOURCE_UNAVAILABLE',
        `CloudWatch put dashboard ${d.name} with validation messages: ${messages.map((m) => `${m.DataPath ?? ''} ${m.Message ?? ''}`.trim()).join('; ')}`,
        {
          hint: 'This is a headroom bug: report it with the dashboard JSON (headroom monitor --format dashboard-json).',
        },
      )
    onProgress?.(`put dashboard ${d.name} (${d.body.widgets.length} widgets)`)
  }
  for (const { alarm } of plan.alarms) await send(`alarm ${alarm.AlarmName}`, 'PutMetricAlarmCommand', () => cw.send(new PutMetricAlarmCommand(alarm)))
  if (plan.alarms.length) onProgress?.(`put ${plan.alarms.length} alarm(s)`)
  return { dashboards: plan.dashboards.length, alarms: plan.alarms.length }
}
