import { readFileSync } from 'node:fs'
import { CloudWatchClient, PutDashboardCommand } from '@aws-sdk/client-cloudwatch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DashboardBodySchema } from '../../src/monitor/cloudwatch.js'
import { fakeAwsEnv, setProcessEnv } from '../utils/aws-cli.js'
import { fleetOf, startFakeAws, type FakeAws } from '../utils/fake-aws.js'
import { runCli } from '../utils/run-cli.js'
import { tmpProject } from '../utils/tmp.js'

/**
 * `headroom monitor` as a user runs it: the built CLI over the demo workspace (real traces), and --apply with the real
 * AWS SDK against the local AWS-shaped server, which checks PutDashboard and PutMetricAlarm as AWS documents them.
 */
const tmp = tmpProject('headroom-e2e-monitor-')
let fake: FakeAws
const env = () => fakeAwsEnv(fake.url, tmp.path)

beforeAll(async () => {
  fake = await startFakeAws(fleetOf(0))
  const demo = await runCli(['demo'], { cwd: tmp.dir })
  expect(demo.code, demo.stderr).toBe(0)
}, 120_000)
afterAll(() => fake.close())

describe('headroom monitor (built CLI, demo workspace)', () => {
  it('--apply puts every dashboard and alarm through CloudWatch; a second run changes nothing', async () => {
    const file = await runCli(['monitor', '--format', 'dashboard-json', '-o', 'plan.json'], { cwd: tmp.dir })
    expect(file.code, file.stderr).toBe(0)
    const plan = JSON.parse(readFileSync(tmp.path('plan.json'), 'utf8')) as { dashboards: { DashboardName: string }[]; alarms: { AlarmName: string }[] }
    const a = await runCli(['monitor', '--apply'], { cwd: tmp.dir, env: env() })
    expect(a.code, a.stderr).toBe(0)
    expect(a.stderr).toMatch(/applied in us-east-1: 1 dashboard\(s\) and \d+ alarm\(s\) created or replaced by name/)
    expect([...fake.dashboards.keys()]).toEqual(plan.dashboards.map((d) => d.DashboardName))
    expect(fake.alarms.size).toBe(plan.alarms.length)
    expect(plan.alarms.length).toBeGreaterThan(100)
    for (const body of fake.dashboards.values()) expect(DashboardBodySchema.safeParse(body).success).toBe(true)
    const again = await runCli(['monitor', '--apply'], { cwd: tmp.dir, env: env() })
    expect(again.code, again.stderr).toBe(0)
    expect([fake.dashboards.size, fake.alarms.size]).toEqual([1, plan.alarms.length])
    expect(fake.calls.get('cloudwatch:PutDashboard')).toBe(2)
    // The apply is recorded in the workspace: the review judges PERF05-BP02 from it.
    const review = await runCli(['review', '-f', 'json', '--no-store'], { cwd: tmp.dir })
    const bp = (
      JSON.parse(review.stdout) as { questions: { bestPractices: { id: string; status: string; decidedBy: string; evidence: string[] }[] }[] }
    ).questions
      .flatMap((q) => q.bestPractices)
      .find((b) => b.id === 'PERF05-BP02')!
    expect(bp).toMatchObject({ status: 'met', decidedBy: 'measured' })
    expect(bp.evidence[0]).toMatch(
      new RegExp(
        `^Latest headroom monitor --apply: .* in us-east-1, 1 dashboard and ${plan.alarms.length} alarms; ${plan.alarms.length} of ${plan.alarms.length} sized resources`,
      ),
    )
  })

  it('the fake checks what CloudWatch checks: a widget past the grid is refused (so the test above can fail)', async () => {
    const restore = setProcessEnv(env())
    try {
      const cw = new CloudWatchClient({ region: 'us-east-1' })
      const body = { widgets: [{ type: 'metric', x: 20, y: 0, width: 8, height: 6, properties: { region: 'us-east-1', metrics: [] } }] }
      await expect(cw.send(new PutDashboardCommand({ DashboardName: 'bad', DashboardBody: JSON.stringify(body) }))).rejects.toThrow(
        /outside the 24-column grid/,
      )
    } finally {
      restore()
    }
  })

  it('without cloudwatch:PutMetricAlarm: exit 3 naming the action and the write policy', async () => {
    const denied = await startFakeAws(fleetOf(0), { deny: ['cloudwatch:PutMetricAlarm'] })
    try {
      const r = await runCli(['monitor', '--apply'], { cwd: tmp.dir, env: fakeAwsEnv(denied.url, tmp.path) })
      expect(r.code).toBe(3)
      expect(r.stderr).toMatch(/cloudwatch:PutMetricAlarm/)
      expect(r.stderr).toMatch(/docs\/iam-policy-monitor\.json/)
    } finally {
      await denied.close()
    }
  })

  it('--after-recommendations moves thresholds to the recommended types; terraform JSON carries the same alarms', async () => {
    const now = JSON.parse((await runCli(['monitor', '--format', 'dashboard-json'], { cwd: tmp.dir })).stdout) as {
      alarms: { AlarmName: string; Threshold: number }[]
    }
    const after = JSON.parse((await runCli(['monitor', '--format', 'dashboard-json', '--after-recommendations'], { cwd: tmp.dir })).stdout) as typeof now
    const t = (x: typeof now, name: string) => x.alarms.find((a) => a.AlarmName === name)!.Threshold
    // NAB fe7f93 stays on 2 vCPU (r5.large -> r5a.large): same level; an instance moved to a larger type gets a lower one.
    expect(t(after, 'headroom-nab-ec2-fe7f93-cpu')).toBe(t(now, 'headroom-nab-ec2-fe7f93-cpu'))
    expect(after.alarms.some((a) => a.Threshold < t(now, a.AlarmName))).toBe(true)
    const tf = JSON.parse((await runCli(['monitor', '--format', 'terraform'], { cwd: tmp.dir })).stdout) as {
      resource: { aws_cloudwatch_metric_alarm: Record<string, unknown> }
    }
    expect(Object.keys(tf.resource.aws_cloudwatch_metric_alarm)).toHaveLength(now.alarms.length)
  })

  it('bad options exit 2 with the fix', async () => {
    const cases: [string[], RegExp][] = [
      [['--format', 'pdf'], /argument 'pdf' is invalid/],
      [['--alarm-actions', 'ops-topic'], /--alarm-actions 'ops-topic' is not an ARN/],
      [['--resources', 'i-nope'], /--resources: i-nope is not in .*Resources it holds: /s],
      [['--format', 'prometheus-rules'], /No host in .* was collected from Prometheus/],
      [['--format', 'prometheus-rules', '--apply'], /--apply puts CloudWatch dashboards and alarms; Prometheus rules are a file/],
      [['--name', 'my dashboard'], /--name 'my dashboard' is not a dashboard name/],
    ]
    for (const [args, message] of cases) {
      const r = await runCli(['monitor', ...args], { cwd: tmp.dir })
      expect([r.code, r.stderr], args.join(' ')).toEqual([2, expect.stringMatching(message)])
    }
  })
})
