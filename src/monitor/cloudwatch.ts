import { z } from 'zod'

/**
 * CloudWatch dashboard bodies and alarm properties as AWS documents them, with their limits as zod checks: every body
 * and alarm `headroom monitor` writes is parsed through these before it is written or put.
 * Dashboard body: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 * (widgets 0-500; x 0-23, width 1-24, height 1-1000 on a 24-column grid; `properties` required; a metric widget's
 * `metrics` array 0-500 items; `region` required; `period` a multiple of 60; annotations horizontal [{value, label,
 * color, fill}]). Alarm: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html
 * and the CloudWatch quotas page (period x evaluation periods <= 86,400 s, at most 5 actions per state).
 */
export const DASHBOARD_LIMITS = { widgets: 500, metricsPerWidget: 500, columns: 24 } as const

const Horizontal = z.object({
  value: z.number(),
  label: z.string().max(255).optional(),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .optional(),
  fill: z.enum(['above', 'below', 'none']).optional(),
  yAxis: z.enum(['left', 'right']).optional(),
})
/** A metric line: namespace, metric name, dimension name/value pairs, then optional rendering options. */
const MetricItem = z.array(
  z.union([z.string(), z.object({ label: z.string().optional(), stat: z.string().optional(), yAxis: z.enum(['left', 'right']).optional() })]),
)
const MetricWidget = z.object({
  type: z.literal('metric'),
  x: z.number().int().min(0).max(23),
  y: z.number().int().min(0),
  width: z.number().int().min(1).max(24),
  height: z.number().int().min(1).max(1000),
  properties: z.object({
    title: z.string().optional(),
    view: z.enum(['timeSeries', 'singleValue', 'gauge', 'bar', 'pie', 'table']),
    region: z.string().min(1),
    stat: z.string(),
    period: z
      .number()
      .int()
      .min(60)
      .refine((p) => p % 60 === 0, 'period must be a multiple of 60'),
    metrics: z.array(MetricItem).max(DASHBOARD_LIMITS.metricsPerWidget),
    annotations: z.object({ horizontal: z.array(Horizontal) }).optional(),
    yAxis: z.object({ left: z.object({ min: z.number().optional(), max: z.number().optional(), label: z.string().optional() }) }).optional(),
  }),
})
const TextWidget = z.object({
  type: z.literal('text'),
  x: z.number().int().min(0).max(23),
  y: z.number().int().min(0),
  width: z.number().int().min(1).max(24),
  height: z.number().int().min(1).max(1000),
  properties: z.object({ markdown: z.string() }),
})
export const DashboardBodySchema = z
  .object({
    start: z.string().optional(),
    periodOverride: z.enum(['auto', 'inherit']).optional(),
    widgets: z.array(z.discriminatedUnion('type', [MetricWidget, TextWidget])).max(DASHBOARD_LIMITS.widgets),
  })
  .superRefine((b, ctx) => {
    for (const [i, w] of b.widgets.entries())
      if (w.x + w.width > DASHBOARD_LIMITS.columns)
        ctx.addIssue({ code: 'custom', path: ['widgets', i], message: `x ${w.x} + width ${w.width} is past the ${DASHBOARD_LIMITS.columns}-column grid` })
  })
export type DashboardBody = z.infer<typeof DashboardBodySchema>
export type MetricWidgetT = z.infer<typeof MetricWidget>

/** PutDashboard's name rule: letters, digits, - and _, up to 255. */
export const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/

const COMPARISON_OPERATORS = ['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'] as const
const TREAT_MISSING = ['breaching', 'notBreaching', 'ignore', 'missing'] as const

/** AWS::CloudWatch::Alarm properties (PutMetricAlarm's parameters), single-metric form. */
export const AlarmSchema = z
  .object({
    AlarmName: z.string().min(1).max(255),
    AlarmDescription: z.string().max(1024),
    Namespace: z.string().min(1).max(255),
    MetricName: z.string().min(1).max(255),
    Dimensions: z.array(z.object({ Name: z.string().min(1).max(255), Value: z.string().min(1).max(1024) })).max(30),
    Statistic: z.enum(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']),
    Period: z
      .number()
      .int()
      .min(10)
      .refine((p) => p === 10 || p === 30 || p % 60 === 0, 'Period must be 10, 30 or a multiple of 60'),
    EvaluationPeriods: z.number().int().min(1),
    DatapointsToAlarm: z.number().int().min(1),
    Threshold: z.number(),
    ComparisonOperator: z.enum(COMPARISON_OPERATORS),
    TreatMissingData: z.enum(TREAT_MISSING),
    AlarmActions: z.array(z.string()).max(5).optional(),
    OKActions: z.array(z.string()).max(5).optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.DatapointsToAlarm > a.EvaluationPeriods) ctx.addIssue({ code: 'custom', message: 'DatapointsToAlarm is more than EvaluationPeriods' })
    if (a.Period * a.EvaluationPeriods > 86_400) ctx.addIssue({ code: 'custom', message: 'Period x EvaluationPeriods is over 86,400 s' })
  })
export type Alarm = z.infer<typeof AlarmSchema>
