import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DimensionAssessment, Recommendation, Report, ResourceRef } from '../core/report.js'
import { AlarmSchema, DashboardBodySchema } from './cloudwatch.js'
import { monitoringPlan, type MonitorOptions } from './plan.js'
import { prometheusRules } from './prometheus.js'
import { renderMonitoring } from './render.js'

/** Worked examples: only the fields the plan reads are filled in a Recommendation. */
const dim = (dimension: 'cpu' | 'memory', demand: number, need: number, capacity: number, unit = 'vCPU') =>
  ({ dimension, measured: true, demand, need, capacity, unit }) as DimensionAssessment
function ec2(id: string, cur: DimensionAssessment[], option: { type: string; dims: DimensionAssessment[] } | null, memoryBlind = false): Recommendation {
  return {
    analyzer: 'ec2.rightsize',
    resource: { id, kind: 'ec2-instance', provider: 'aws', region: 'us-east-1', attributes: {}, tags: {} },
    finding: 'Overprovisioned',
    current: { instanceType: 'm5.xlarge' },
    currentDimensions: cur,
    options: option ? [{ change: { instanceType: option.type }, dimensions: option.dims }] : [],
    evidence: [{ metric: 'cpu.utilization', stat: 'p99.5 of 5-minute maxima', value: 25, unit: 'percent', samples: 4032 }],
    memoryBlind,
  } as unknown as Recommendation
}
const ref = (id: string, kind: ResourceRef['kind'] = 'ec2-instance', tags: Record<string, string> = {}): ResourceRef => ({
  id,
  kind,
  provider: 'aws',
  region: 'us-east-1',
  attributes: {},
  tags,
})
const report = (recs: Recommendation[]) => ({ recommendations: recs }) as unknown as Report
const O: MonitorOptions = { name: 'shop', region: 'us-east-1', afterRecommendations: false, alarmActions: [] }

describe('monitoringPlan: names as CloudWatch knows them', () => {
  it('a region-qualified id (us-east-1:checkout) is charted by its name, and an ECS service by its cluster and service', () => {
    const fn: ResourceRef = { ...ref('us-east-1:checkout', 'lambda-function') }
    const w = monitoringPlan(report([]), [fn], O).dashboards[0]!.body.widgets[0]!
    expect(w.type === 'metric' && w.properties.metrics[0]).toEqual(['AWS/Lambda', 'Duration', 'FunctionName', 'checkout'])
    // ecs.rightsize's worked example: 1 vCPU / 4 GB tasks need 192 CPU units (18.75% of 1,024) and 1,280 MiB (31.25% of 4,096).
    const svc: ResourceRef = { ...ref('us-east-1:prod/web', 'ecs-service'), attributes: { cluster: 'prod', service: 'web' } }
    const rec = {
      analyzer: 'ecs.rightsize',
      resource: svc,
      finding: 'Overprovisioned',
      current: { launchType: 'FARGATE', cpuUnits: 1024, memoryMiB: 4096 },
      currentDimensions: [dim('cpu', 153.6, 192, 1024, 'CPU units'), dim('memory', 1024, 1280, 4096, 'MiB')],
      options: [],
      evidence: [],
    } as unknown as Recommendation
    const p = monitoringPlan(report([rec]), [svc], O)
    expect(p.alarms.map((a) => [a.alarm.MetricName, a.alarm.Threshold, a.alarm.Dimensions])).toEqual([
      [
        'CPUUtilization',
        18.8,
        [
          { Name: 'ClusterName', Value: 'prod' },
          { Name: 'ServiceName', Value: 'web' },
        ],
      ],
      [
        'MemoryUtilization',
        31.3,
        [
          { Name: 'ClusterName', Value: 'prod' },
          { Name: 'ServiceName', Value: 'web' },
        ],
      ],
    ])
    const cpu = p.dashboards[0]!.body.widgets[0]!
    expect(cpu.type === 'metric' && cpu.properties.metrics[0]).toEqual(['AWS/ECS', 'CPUUtilization', 'ClusterName', 'prod', 'ServiceName', 'web'])
  })
})

describe('monitoringPlan', () => {
  // m5.xlarge (4 vCPU) whose p99.5 CPU demand is 0.83 vCPU: need 0.83 x 1.2 = 1.0 vCPU; recommended m5.large (2 vCPU).
  const rec = ec2('i-1', [dim('cpu', 0.83, 1.0, 4)], { type: 'm5.large', dims: [dim('cpu', 0.83, 1.0, 2)] })

  it('a CPU alarm at the sized level: need 1.0 of 4 vCPU = 25%; on the recommended 2 vCPU type, 50%', () => {
    const now = monitoringPlan(report([rec]), [ref('i-1')], O)
    expect(now.alarms).toHaveLength(1)
    const a = now.alarms[0]!.alarm
    expect(a).toMatchObject({
      AlarmName: 'headroom-i-1-cpu',
      Namespace: 'AWS/EC2',
      MetricName: 'CPUUtilization',
      Dimensions: [{ Name: 'InstanceId', Value: 'i-1' }],
      Statistic: 'Maximum', // the sizing used 5-minute maxima
      Threshold: 25,
      ComparisonOperator: 'GreaterThanThreshold',
      Period: 300,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    })
    expect(a.AlarmDescription).toMatch(
      /^headroom: CPU of i-1 above 25%, the level it was sized for \(demand 0\.83 \+ headroom = need 1\.00 of 4\.00 vCPU on m5\.xlarge/,
    )
    expect(a.AlarmDescription).toMatch(/Missing data: notBreaching, because no datapoints means the instance is stopped/)
    const after = monitoringPlan(report([rec]), [ref('i-1')], { ...O, afterRecommendations: true })
    expect(after.alarms[0]!.alarm.Threshold).toBe(50)
    expect(after.alarms[0]!.alarm.AlarmDescription).toMatch(/sized for on the recommended type \(.*of 2\.00 vCPU on m5\.large/)
  })

  it('the CPU widget draws the need at 25% and the recommended type saturating at 50% of today', () => {
    const w = monitoringPlan(report([rec]), [ref('i-1')], O).dashboards[0]!.body.widgets[0]!
    expect(w.type === 'metric' && w.properties.annotations?.horizontal.map((h) => [h.value, h.label])).toEqual([
      [25, 'sized need (demand 0.83 + headroom = need 1.00 of 4.00 vCPU on m5.xlarge)'],
      [50, "100% of m5.large, in today's %"],
    ])
    // Memory not measured: no memory widget (nothing to chart) and no memory alarm; CPU, network in and out remain.
    expect(monitoringPlan(report([rec]), [ref('i-1')], O).dashboards[0]!.body.widgets.map((x) => x.type === 'metric' && x.properties.title)).toEqual([
      'i-1: CPU (%)',
      'i-1: Network in (bytes per 5 min)',
      'i-1: Network out (bytes per 5 min)',
    ])
  })

  it('measured memory: a memory widget and an alarm that keeps its state when the agent stops (TreatMissingData missing)', () => {
    const withMem = ec2('i-2', [dim('cpu', 0.83, 1.0, 4), dim('memory', 6, 7.2, 16, 'GiB')], null)
    const p = monitoringPlan(report([withMem]), [ref('i-2')], O)
    expect(p.dashboards[0]!.body.widgets.map((x) => x.type === 'metric' && x.properties.metrics[0]!.slice(0, 2))).toContainEqual([
      'CWAgent',
      'mem_used_percent',
    ])
    // 7.2 of 16 GiB = 45%.
    expect(p.alarms.map((a) => [a.alarm.MetricName, a.alarm.Threshold, a.alarm.TreatMissingData])).toEqual([
      ['CPUUtilization', 25, 'notBreaching'],
      ['mem_used_percent', 45, 'missing'],
    ])
  })

  it('an idle instance gets no alarm (it would fire on any activity); an underprovisioned one alarms at 100% or more', () => {
    const idle = ec2('i-idle', [dim('cpu', 0.01, 0.012, 2)], null)
    const hot = ec2('i-hot', [dim('cpu', 2.4, 2.9, 2)], null)
    const p = monitoringPlan(report([idle, hot]), [ref('i-idle'), ref('i-hot')], O)
    expect(p.alarms.map((a) => [a.alarm.AlarmName, a.alarm.Threshold, a.alarm.ComparisonOperator])).toEqual([
      ['headroom-i-hot-cpu', 100, 'GreaterThanOrEqualToThreshold'],
    ])
    expect(p.notes).toContain('i-idle: no CPU alarm: it was sized for 0.6%, which any activity would cross (idle; see the analysis).')
  })

  it('600 instances: split into dashboards of at most 500 widgets, each inside the grid and valid', () => {
    const many = Array.from({ length: 600 }, (_, i) => ref(`i-${String(i).padStart(4, '0')}`))
    const p = monitoringPlan(report([]), many, O)
    // 3 widgets each (CPU, network in, out; no memory data): 1,800 widgets, 166 instances (498 widgets) a dashboard.
    expect(p.dashboards.map((d) => [d.name, d.body.widgets.length])).toEqual([
      ['shop-1', 498],
      ['shop-2', 498],
      ['shop-3', 498],
      ['shop-4', 306],
    ])
    for (const d of p.dashboards) {
      expect(DashboardBodySchema.safeParse(d.body).success).toBe(true)
      for (const w of d.body.widgets) expect(w.x + w.width).toBeLessThanOrEqual(24)
    }
    expect(p.dashboards.flatMap((d) => d.resources)).toHaveLength(600)
    // No sizing, so no alarms, and each is named.
    expect(p.alarms).toEqual([])
    expect(p.notes).toHaveLength(600)
  })

  it('--group-by-tag: a dashboard per tag value; --resources keeps only those', () => {
    const rs = [ref('a', 'ec2-instance', { team: 'web' }), ref('b', 'rds-instance', { team: 'data' }), ref('c', 'ec2-instance')]
    expect(monitoringPlan(report([]), rs, { ...O, groupByTag: 'team' }).dashboards.map((d) => [d.name, d.resources])).toEqual([
      ['shop-data', ['b']],
      ['shop-untagged', ['c']],
      ['shop-web', ['a']],
    ])
    expect(monitoringPlan(report([]), rs, { ...O, resources: ['b'] }).dashboards[0]!.resources).toEqual(['b'])
  })
})

describe('the CloudWatch schemas reject what CloudWatch rejects', () => {
  const widget = {
    type: 'metric',
    x: 0,
    y: 0,
    width: 8,
    height: 6,
    properties: { view: 'timeSeries', region: 'us-east-1', stat: 'Maximum', period: 300, metrics: [] },
  }
  it('dashboard bodies: past the grid, over 500 widgets, a period not a multiple of 60', () => {
    expect(DashboardBodySchema.safeParse({ widgets: [widget] }).success).toBe(true)
    expect(DashboardBodySchema.safeParse({ widgets: [{ ...widget, x: 20 }] }).success).toBe(false)
    expect(DashboardBodySchema.safeParse({ widgets: Array.from({ length: 501 }, () => widget) }).success).toBe(false)
    expect(DashboardBodySchema.safeParse({ widgets: [{ ...widget, properties: { ...widget.properties, period: 90 } }] }).success).toBe(false)
  })
  it('alarms: more datapoints than periods, over a day of evaluation, an unknown TreatMissingData', () => {
    const a = {
      AlarmName: 'x',
      AlarmDescription: '',
      Namespace: 'AWS/EC2',
      MetricName: 'CPUUtilization',
      Dimensions: [],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'missing',
    }
    expect(AlarmSchema.safeParse(a).success).toBe(true)
    expect(AlarmSchema.safeParse({ ...a, DatapointsToAlarm: 6 }).success).toBe(false)
    expect(AlarmSchema.safeParse({ ...a, EvaluationPeriods: 300, DatapointsToAlarm: 1 }).success).toBe(false)
    expect(AlarmSchema.safeParse({ ...a, TreatMissingData: 'zero' }).success).toBe(false)
  })
  it('a CloudFormation template over 500 resources is refused with the ways to split it', () => {
    // 501 sized instances: 501 alarms and 1,503 widgets in 4 dashboards.
    const many = Array.from({ length: 501 }, (_, i) => ec2(`i-${i}`, [dim('cpu', 1, 1.2, 2)], null))
    const p = monitoringPlan(
      report(many),
      many.map((r) => ref(r.resource.id)),
      O,
    )
    expect(() => renderMonitoring(p, { groups: [] }, 'cloudformation-yaml', 'x')).toThrow(/^505 dashboards and alarms are more than the 500 resources/)
    const tf = JSON.parse(renderMonitoring(p, { groups: [] }, 'terraform', 'x')) as { resource: { aws_cloudwatch_metric_alarm: Record<string, unknown> } }
    expect(Object.keys(tf.resource.aws_cloudwatch_metric_alarm)).toHaveLength(501)
  })
})

const promtool = spawnSync('promtool', ['--version']).status === 0
describe.skipIf(!promtool && process.env.CI !== 'true')('Prometheus rules (promtool check rules)', () => {
  it('recording rules and an alert per sized host at its level, accepted by promtool', () => {
    const host = (id: string): ResourceRef => ({ id, kind: 'host', provider: 'prometheus', attributes: {}, tags: {} })
    const hostRec = (id: string, cpu: DimensionAssessment[]): Recommendation => ({ ...ec2(id, cpu, null), analyzer: 'host.sizing', resource: host(id) })
    const rules = prometheusRules(
      report([hostRec('node-1:9100', [dim('cpu', 3, 3.6, 8, 'cores'), dim('memory', 10, 12, 32, 'GiB')]), hostRec('node-2:9100', [])]),
      [host('node-1:9100'), host('node-2:9100')],
    )
    const alerts = rules.groups[1]!.rules as { alert: string; expr: string }[]
    // 3.6 of 8 cores = 45%; 12 of 32 GiB = 37.5%.
    expect(alerts.map((a) => a.expr)).toEqual([
      'headroom:node_cpu_utilization:percent{instance="node-1:9100"} > 45',
      'headroom:node_memory_utilization:percent{instance="node-1:9100"} > 37.5',
    ])
    expect(rules.notes).toEqual(['node-2:9100: no alert: its analysis has no sized need (too little data).'])
    const file = join(mkdtempSync(join(tmpdir(), 'headroom-rules-')), 'rules.yml')
    writeFileSync(file, renderMonitoring({ dashboards: [], alarms: [], notes: [] }, rules, 'prometheus-rules', 'test'))
    expect(execFileSync('promtool', ['check', 'rules', file]).toString()).toMatch(/SUCCESS: 4 rules found/)
  })
})
