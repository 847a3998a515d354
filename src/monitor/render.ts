import { stringify } from 'yaml'
import { UsageError } from '../core/errors.js'
import type { MonitoringPlan } from './plan.js'
import type { RuleGroup } from './prometheus.js'

import type { MonitorFormat } from './formats.js'

/** A CloudFormation logical id: letters and digits only, unique within the template. */
const logical = (prefix: string, s: string, k: number) => `${prefix}${k + 1}${s.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 255)
/** A Terraform resource name: letters, digits, _ and -, starting with a letter or _. */
const tfName = (s: string) => `h_${s.replace(/[^A-Za-z0-9_-]/g, '_')}`

/** CloudFormation's quota on resources declared in one template. */
const CFN_MAX_RESOURCES = 500

/** AWS::CloudWatch::Dashboard and AWS::CloudWatch::Alarm resources (the body as the JSON string the resource takes). */
function cloudformation(plan: MonitoringPlan, description: string): Record<string, unknown> {
  const n = plan.dashboards.length + plan.alarms.length
  if (n > CFN_MAX_RESOURCES)
    throw new UsageError(
      `${n} dashboards and alarms are more than the ${CFN_MAX_RESOURCES} resources a CloudFormation template may declare`,
      'Split the stacks with --group-by-tag or --resources, or use --format terraform, --format dashboard-json or --apply.',
    )
  const resources: Record<string, unknown> = {}
  for (const [k, d] of plan.dashboards.entries())
    resources[logical('Dashboard', d.name, k)] = {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: { DashboardName: d.name, DashboardBody: JSON.stringify(d.body) },
    }
  for (const [k, a] of plan.alarms.entries()) resources[logical('Alarm', `${a.resourceId}`, k)] = { Type: 'AWS::CloudWatch::Alarm', Properties: a.alarm }
  return { AWSTemplateFormatVersion: '2010-09-09', Description: description, Resources: resources }
}

/** Terraform's JSON syntax (.tf.json): aws_cloudwatch_dashboard and aws_cloudwatch_metric_alarm with the AWS provider's argument names. */
function terraform(plan: MonitoringPlan): Record<string, unknown> {
  const dashboards = Object.fromEntries(plan.dashboards.map((d) => [tfName(d.name), { dashboard_name: d.name, dashboard_body: JSON.stringify(d.body) }]))
  const alarms = Object.fromEntries(
    plan.alarms.map(({ alarm: a }) => [
      tfName(a.AlarmName),
      {
        alarm_name: a.AlarmName,
        alarm_description: a.AlarmDescription,
        namespace: a.Namespace,
        metric_name: a.MetricName,
        dimensions: Object.fromEntries(a.Dimensions.map((d) => [d.Name, d.Value])),
        statistic: a.Statistic,
        period: a.Period,
        evaluation_periods: a.EvaluationPeriods,
        datapoints_to_alarm: a.DatapointsToAlarm,
        threshold: a.Threshold,
        comparison_operator: a.ComparisonOperator,
        treat_missing_data: a.TreatMissingData,
        ...(a.AlarmActions ? { alarm_actions: a.AlarmActions } : {}),
      },
    ]),
  )
  return {
    resource: {
      ...(plan.dashboards.length ? { aws_cloudwatch_dashboard: dashboards } : {}),
      ...(plan.alarms.length ? { aws_cloudwatch_metric_alarm: alarms } : {}),
    },
  }
}

/** The document `headroom monitor --format F` writes. */
export function renderMonitoring(plan: MonitoringPlan, rules: { groups: RuleGroup[] }, format: MonitorFormat, description: string): string {
  switch (format) {
    case 'cloudformation-yaml':
      return `# ${description}\n` + stringify(cloudformation(plan, description), { lineWidth: 0 })
    case 'cloudformation-json':
      return JSON.stringify(cloudformation(plan, description), null, 2) + '\n'
    case 'terraform':
      return JSON.stringify(terraform(plan), null, 2) + '\n'
    case 'dashboard-json':
      // PutDashboard and PutMetricAlarm inputs as they are: `aws cloudwatch put-dashboard --cli-input-json` takes each.
      return (
        JSON.stringify(
          {
            dashboards: plan.dashboards.map((d) => ({ DashboardName: d.name, DashboardBody: JSON.stringify(d.body) })),
            alarms: plan.alarms.map((a) => a.alarm),
          },
          null,
          2,
        ) + '\n'
      )
    case 'prometheus-rules':
      return `# ${description}\n` + stringify({ groups: rules.groups }, { lineWidth: 0 })
  }
}
