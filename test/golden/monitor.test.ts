import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/app/config.js'
import { runDemo } from '../../src/cli/demo.js'
import { runMonitor } from '../../src/cli/monitor.js'
import type { Effects } from '../../src/core/effects.js'
import { DashboardBodySchema } from '../../src/monitor/cloudwatch.js'
import { importFiles } from '../../src/store/duckdb/import-files.js'
import { DuckDbStore } from '../../src/store/duckdb/store.js'
import { tmpProject } from '../utils/tmp.js'

/**
 * The product document's dashboard (EC2 CPU and network, the load balancer's response time) rebuilt for a workspace's
 * EC2 instance and Application Load Balancer: the real NAB CPU series of an r5.large (data/traces/nab, MIT) and an ALB
 * from the manifest. Through the CLI path, with a fixed clock; the golden is the CloudFormation template.
 */
const ROOT = join(import.meta.dirname, '../..')
const EXPECTED = join(import.meta.dirname, 'monitor/expected')
const tmp = tmpProject('headroom-monitor-golden-')

function capture(): Effects & { out: () => string } {
  let out = ''
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: () => true },
    now: () => Date.UTC(2026, 10, 30),
    env: {},
    cwd: tmp.dir,
    out: () => out,
  }
}

beforeAll(async () => {
  const store = await DuckDbStore.open(tmp.path('ws'))
  const rows = readFileSync(join(ROOT, 'data/traces/nab/ec2_cpu_utilization_fe7f93.csv'), 'utf8').trim().split('\n').slice(1)
  const samples = tmp.file(
    'cpu.csv',
    ['resource_id,metric,timestamp,value,stat', ...rows.map((r) => `i-0fe7f93,CPUUtilization,${r},Average`)].join('\n') + '\n',
  )
  const manifest = tmp.file(
    'resources.json',
    JSON.stringify([
      { id: 'i-0fe7f93', kind: 'ec2-instance', region: 'us-east-1', instanceType: 'r5.large' },
      { id: 'shop-alb', kind: 'load-balancer', region: 'us-east-1', attributes: { loadBalancer: 'app/shop-alb/50dc6c495c0c9188' } },
    ]),
  )
  await importFiles(store, [samples, manifest])
  store.close()
})

/** Compares with (or, outside CI, writes) a golden file. */
function golden(name: string, out: string): void {
  const path = join(EXPECTED, name)
  if (!existsSync(path)) {
    expect(process.env.CI, `missing golden file ${path}`).toBeFalsy()
    mkdirSync(EXPECTED, { recursive: true })
    writeFileSync(path, out)
  }
  expect(out).toBe(readFileSync(path, 'utf8'))
}

describe('monitor golden output', () => {
  it('renders the CloudFormation template as in test/golden/monitor/expected', async () => {
    const effects = capture()
    const code = await runMonitor(
      {
        config: resolveConfig({ cwd: tmp.dir, file: false, flags: { workspace: tmp.path('ws') } }),
        format: 'cloudformation-yaml',
        afterRecommendations: false,
        alarmActions: ['arn:aws:sns:us-east-1:123456789012:ops'],
        apply: false,
      },
      effects,
    )
    expect(code).toBe(0)
    const out = effects.out()
    golden('template.yaml', out)
    // What the product document's dashboard shows, found in the template a user deploys.
    const t = parse(out) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }
    const dash = Object.values(t.Resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')!
    const body = DashboardBodySchema.parse(JSON.parse(dash.Properties.DashboardBody as string))
    const metrics = body.widgets.flatMap((w) => (w.type === 'metric' ? w.properties.metrics.map((m) => m.slice(0, 4).map(String).join(' ')) : []))
    expect(metrics).toContain('AWS/EC2 CPUUtilization InstanceId i-0fe7f93')
    expect(metrics).toContain('AWS/EC2 NetworkIn InstanceId i-0fe7f93')
    expect(metrics).toContain('AWS/ApplicationELB TargetResponseTime LoadBalancer app/shop-alb/50dc6c495c0c9188')
    const alarm = Object.values(t.Resources).find((r) => r.Type === 'AWS::CloudWatch::Alarm')!
    // NAB fe7f93 on r5.large: CPU p99.5 of 5-minute averages 68.1% of 2 vCPU -> need 1.64 vCPU with 20% headroom = 81.8%.
    expect(alarm.Properties).toMatchObject({
      MetricName: 'CPUUtilization',
      Statistic: 'Average',
      Threshold: 81.8,
      AlarmActions: ['arn:aws:sns:us-east-1:123456789012:ops'],
    })
  })

  it('the demo workspace: every alarm, its threshold, statistic and comparison, and every dashboard, as in demo-alarms.txt', async () => {
    const effects = capture()
    await runDemo(tmp.path('demo'), effects)
    const code = await runMonitor(
      {
        config: resolveConfig({ cwd: tmp.dir, file: false, flags: { workspace: tmp.path('demo') } }),
        format: 'dashboard-json',
        afterRecommendations: false,
        alarmActions: [],
        apply: false,
      },
      effects,
    )
    expect(code).toBe(0)
    const doc = JSON.parse(effects.out()) as {
      dashboards: { DashboardName: string; DashboardBody: string }[]
      alarms: { AlarmName: string; MetricName: string; Statistic: string; ComparisonOperator: string; Threshold: number }[]
    }
    const lines = [
      ...doc.dashboards.map((d) => `dashboard ${d.DashboardName}: ${DashboardBodySchema.parse(JSON.parse(d.DashboardBody)).widgets.length} widgets`),
      ...doc.alarms.map((a) => `${a.AlarmName} ${a.MetricName} ${a.Statistic} ${a.ComparisonOperator === 'GreaterThanThreshold' ? '>' : '>='} ${a.Threshold}`),
    ]
    golden('demo-alarms.txt', lines.join('\n') + '\n')
  }, 60_000)
})
