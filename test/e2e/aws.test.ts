import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { DuckDbStore } from '../../src/store/duckdb/store.js'
import { fleetOf, startFakeAws, type FakeAws, type Faults, type FakeFleet } from '../utils/fake-aws.js'
import { fakeAwsEnv, storeFingerprint } from '../utils/aws-cli.js'
import { BIN, runCli } from '../utils/run-cli.js'
import { tmpProject } from '../utils/tmp.js'

/**
 * `headroom collect aws` with the real AWS SDK v3 clients talking to a local AWS-shaped server (test/utils/fake-aws.ts)
 * through AWS_ENDPOINT_URL: no AWS account exists here. The server counts calls and injects faults.
 */
const tmp = tmpProject('headroom-e2e-aws-')
let fake: FakeAws | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

const AS_OF = '2026-11-20T00:00:00Z'
const env = (url: string): Record<string, string> => fakeAwsEnv(url, tmp.path)
const collect = (url: string, ws: string, extra: string[] = [], e: Record<string, string> = {}) =>
  runCli(['collect', 'aws', '--regions', 'us-east-1', '--workspace', ws, '--as-of', AS_OF, ...extra], { cwd: tmp.dir, env: { ...env(url), ...e } })

const fingerprint = (ws: string) => storeFingerprint(tmp.path(ws))

const mixed: Partial<FakeFleet> = {
  volumes: [{ id: 'vol-1', type: 'gp2', size: 100, attachedTo: 'i-00000000000000000' }],
  functions: [{ name: 'checkout', memory: 1024, arch: 'arm64' }],
  databases: [{ id: 'orders-db', cls: 'db.m5.large', engine: 'mysql' }],
  tables: [{ name: 'orders', mode: 'PROVISIONED', rcu: 100, wcu: 10 }],
  groups: [{ name: 'web', min: 1, max: 4, desired: 2 }],
}

describe('headroom collect aws (real SDK, local AWS-shaped server)', () => {
  it('a 2,000-instance fleet is fetched in exactly the minimum number of GetMetricData calls', async () => {
    fake = await startFakeAws(fleetOf(2000))
    // 2,000 x 8 EC2 series + 200 instances with agent memory = 16,200 series.
    // 14 days: 4,032 points each; 25 per call (100,800 / 4,032) -> 648 calls; the minimum is 16,200 x 4,032 / 100,800 = 648.
    const dry = await collect(fake.url, 'dry', ['--kinds', 'ec2', '--dry-run'])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stderr).toMatch(
      /16,200 series x 14 days at 300 s = 65,318,400 data points at most, in 648 GetMetricData calls \(minimum possible 648\); estimated CloudWatch cost \$0\.16/,
    )
    expect(dry.stdout).toMatch(/dry run: nothing fetched or stored/)
    expect(fake.calls.get('cloudwatch:GetMetricData')).toBeUndefined()
    expect(fake.calls.get('ec2:DescribeInstances')).toBe(20) // discovery only, 100 instances a page
    expect(existsSync(tmp.path('dry'))).toBe(false)
    // A 1-day collection of the same fleet: 288 points, 350 series per call, 16,200 / 350 -> 47 calls (= the minimum).
    const r = await collect(fake.url, 'fleet', ['--kinds', 'ec2', '--days', '1'])
    expect(r.code, r.stderr).toBe(0)
    expect(fake.calls.get('cloudwatch:GetMetricData')).toBe(47)
    // No terminal here: progress comes as plain lines (every 5 s and at the end), not a redrawn line (issue 21, item 7).
    expect(r.stderr).toMatch(/^calls 47\/47  datapoints 48,600  \d+ s elapsed, ETA 0 s$/m)
    expect(r.stderr).not.toMatch(/\r/)
    expect(fake.calls.get('ec2:DescribeInstances')).toBe(40) // the dry run's 20 pages and this run's 20
    expect(fake.limitViolations).toBe(0)
    expect(r.stdout).toMatch(
      /collected 2000 resources and 48,600 data points from 1 region\(s\) in 47 GetMetricData calls \(0 retries, 0 already stored, 0 failed\)/,
    )
  })

  it('ListMetrics entries repeated by the endpoint do not inflate the plan: one memory series per instance (issue 21, item 5)', async () => {
    const planLine = (r: { stderr: string }) => /\d[\d,]* series x .*GetMetricData calls \(minimum possible [\d,]+\)/.exec(r.stderr)?.[0]
    fake = await startFakeAws(fleetOf(200))
    const once = await collect(fake.url, 'lm-once', ['--kinds', 'ec2', '--dry-run'])
    await fake.close()
    fake = await startFakeAws(fleetOf(200), { repeatListMetrics: 7 })
    const repeated = await collect(fake.url, 'lm-repeated', ['--kinds', 'ec2', '--dry-run'])
    expect([once.code, repeated.code]).toEqual([0, 0])
    // 200 x 8 EC2 series + the 20 instances with agent memory, each listed 7 times: still 1,620 series.
    expect(planLine(once)).toMatch(/^1,620 series x/)
    expect(planLine(repeated)).toBe(planLine(once))
  })

  it('a run in which every GetMetricData call fails exits 3 naming the API and the error, and stores nothing (issue 21, item 4)', async () => {
    fake = await startFakeAws(fleetOf(30, mixed), { rejectGetMetricData: true })
    const r = await collect(fake.url, 'all-failed')
    expect(r.code, r.stderr).toBe(3)
    expect(r.stderr).toMatch(
      /GetMetricData failed in (\d+) of \1 calls \(us-east-1: GetMetricData at http:\/\/127\.0\.0\.1:\d+: InvalidParameterCombination(Exception)?: The request was rejected by the fake\); nothing was stored/,
    )
    expect(r.stdout).not.toMatch(/collected/)
    const s = await DuckDbStore.open(tmp.path('all-failed'), { readOnly: true })
    expect((await s.all('SELECT count(*)::INT AS n FROM resources'))[0]!.n).toBe(0)
    s.close()
    // The same fleet answering: the run that failed left nothing behind to resume, and everything is collected.
    await fake.close()
    fake = await startFakeAws(fleetOf(30, mixed))
    const ok = await collect(fake.url, 'all-failed')
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toMatch(/collected 3\d resources/)
  })

  it('a Windows instance is never priced as Linux nor offered Graviton (issue 21, item 2)', async () => {
    const fleet = fleetOf(4)
    fleet.instances[1] = { ...fleet.instances[1]!, type: 'm5.2xlarge', platform: 'Windows' }
    fake = await startFakeAws(fleet)
    const c = await collect(fake.url, 'windows', ['--kinds', 'ec2'])
    expect(c.code, c.stderr).toBe(0)
    const a = await runCli(['analyze', '--workspace', 'windows', '--format', 'json', '--as-of', AS_OF], { cwd: tmp.dir })
    expect(a.code, a.stderr).toBe(0)
    const report = JSON.parse(a.stdout) as {
      recommendations: {
        analyzer: string
        resource: { id: string }
        current: Record<string, unknown>
        options: { monthlyCost: number | null; platformDifferences: string[] }[]
      }[]
      issues: { code: string; message: string }[]
    }
    const win = report.recommendations.find((r) => r.analyzer === 'ec2.rightsize' && r.resource.id === fleet.instances[1]!.id)!
    expect(win.current).toMatchObject({ platform: 'Windows', monthlyCost: null })
    // The fake answers three data points per series, too few to size (InsufficientData): the options' rules are the
    // analyzer's worked examples (ec2-rightsize/index.test.ts); here, the platform reaches it from discovery.
    for (const o of win.options) {
      expect(o.monthlyCost).toBeNull()
      expect(o.platformDifferences).not.toContain('Architecture')
    }
    expect(report.issues.some((i) => i.code === 'PRICE_UNKNOWN' && /runs Windows/.test(i.message))).toBe(true)
    // a Linux neighbour is priced as before
    const linux = report.recommendations.find((r) => r.analyzer === 'ec2.rightsize' && r.resource.id === fleet.instances[0]!.id)!
    expect(typeof linux.current.monthlyCost).toBe('number')
  })

  it('RDS engine and licence model reach the analyzer: SQL Server is never offered Graviton nor priced as MySQL (issue 21, items 2 and 7)', async () => {
    const fleet = fleetOf(0, {
      databases: [
        { id: 'erp', cls: 'db.t3.large', engine: 'sqlserver-se', license: 'license-included' },
        { id: 'shop', cls: 'db.t3.large', engine: 'mysql', license: 'general-public-license' },
      ],
    })
    fake = await startFakeAws(fleet)
    const c = await collect(fake.url, 'rds', ['--kinds', 'rds'])
    expect(c.code, c.stderr).toBe(0)
    const s = await DuckDbStore.open(tmp.path('rds'), { readOnly: true })
    // Stored by discovery, as the analyzer reads it.
    expect(await s.all(`SELECT id, json_extract_string(attributes, '$.licenseModel') AS licence FROM resources ORDER BY id`)).toEqual([
      { id: 'us-east-1:erp', licence: 'license-included' },
      { id: 'us-east-1:shop', licence: 'general-public-license' },
    ])
    s.close()
    const a = await runCli(['analyze', '--workspace', 'rds', '--format', 'json', '--as-of', AS_OF], { cwd: tmp.dir })
    expect(a.code, a.stderr).toBe(0)
    const recs = (JSON.parse(a.stdout) as { recommendations: { analyzer: string; resource: { id: string }; current: Record<string, unknown> }[] })
      .recommendations
    const rds = (id: string) => recs.find((r) => r.analyzer === 'rds.rightsize' && r.resource.id === id)!.current
    // The one bundled RDS price is MySQL's db.t3.large ($0.136/h x 730): SQL Server's license-included class is unknown.
    expect(rds('us-east-1:shop')).toMatchObject({ engine: 'mysql', monthlyCost: 99.28 })
    expect(rds('us-east-1:erp')).toMatchObject({ engine: 'sqlserver-se', licenseModel: 'license-included', monthlyCost: null })
    // Options need 30 h of data (the fake answers three points); their engine rules are the analyzer's worked examples.
  })

  it('a Lambda function peaking near its timeout is never offered less memory, and says why (issue 21, item 3)', async () => {
    // 14 days of 5-minute data: 600 invocations per period averaging 1.2 s, the longest 2,990 ms against a 3 s timeout.
    const fleet = fleetOf(0, {
      functions: [{ name: 'near', memory: 1024, timeoutSec: 3, load: { invocations: 600, avgMs: 1200, maxMs: 2990, p99Ms: 2600 } }],
    })
    fake = await startFakeAws(fleet)
    const c = await collect(fake.url, 'lambda', ['--kinds', 'lambda'])
    expect(c.code, c.stderr).toBe(0)
    const a = await runCli(['analyze', '--workspace', 'lambda', '--format', 'json', '--as-of', AS_OF], { cwd: tmp.dir })
    expect(a.code, a.stderr).toBe(0)
    const rec = (
      JSON.parse(a.stdout) as {
        recommendations: {
          analyzer: string
          finding: string
          summary: string
          options: { change: { memorySizeMB: number }; performanceRisk: string; notes: string[] }[]
        }[]
      }
    ).recommendations.find((r) => r.analyzer === 'lambda.memory')!
    expect(rec.finding).not.toBe('InsufficientData')
    // The Duration maximum (2,990 ms > 90% of 3,000) decides, not the 1.2 s average: nothing below 1024 MB.
    expect(rec.options.length).toBeGreaterThan(0)
    for (const o of rec.options) expect(o.change.memorySizeMB).toBeGreaterThanOrEqual(1024)
    expect(rec.finding).toBe('Underprovisioned')
    expect(rec.summary).toMatch(/The longest invocation took 2990 ms of the 3 s timeout: raise the timeout/)
    // One vCPU (1,769 MB) on its own architecture first: 2,990 x 1024 / 1769 = 1,731 ms if it is CPU-bound.
    expect(rec.options[0]!.change).toEqual({ memorySizeMB: 1769, architecture: 'x86_64' })
    expect(rec.options[0]!.notes.join(' ')).toMatch(/fall to about 1731 ms here/)
  })

  it('Lambda Insights: cold starts, init and memory used are collected for the functions that report it, and priced against provisioned concurrency (issue 18, item 4)', async () => {
    // 600 invocations per 5 minutes (2/s) of 1.2 s: 2.4 environments busy on average. 12 cold starts per period (2%)
    // of 800 ms init; 300 MB used. 'plain' has no Lambda Insights: ListMetrics does not list it, so no query for it.
    const load = { invocations: 600, avgMs: 1200, maxMs: 1500 }
    const fleet = fleetOf(0, {
      functions: [
        { name: 'api', memory: 1024, load, insights: { coldStartsPerPeriod: 12, initMs: 800, memoryUsedMB: 300 } },
        { name: 'plain', memory: 512, load },
      ],
    })
    fake = await startFakeAws(fleet)
    const c = await collect(fake.url, 'insights', ['--kinds', 'lambda'])
    expect(c.code, c.stderr).toBe(0)
    const s = await DuckDbStore.open(tmp.path('insights'), { readOnly: true })
    const stored = await s.all(
      `SELECT r.id, m.name AS metric, count(*)::INT AS n FROM samples x JOIN resources r ON r.key = x.resource_key JOIN metrics m ON m.id = x.metric_id
       WHERE m.name IN ('lambda.cold_starts_per_s', 'lambda.init_duration_ms', 'lambda.memory_used_mb') GROUP BY ALL ORDER BY ALL`,
    )
    s.close()
    expect(stored.map((r) => [r.id, r.metric])).toEqual([
      ['us-east-1:api', 'lambda.cold_starts_per_s'],
      ['us-east-1:api', 'lambda.init_duration_ms'],
      ['us-east-1:api', 'lambda.memory_used_mb'],
    ])
    const a = await runCli(['analyze', '--workspace', 'insights', '--format', 'json', '--as-of', AS_OF], { cwd: tmp.dir })
    expect(a.code, a.stderr).toBe(0)
    type Rec = { analyzer: string; resource: { id: string }; finding: string; current: Record<string, unknown>; evidence: { stat: string; value: number }[] }
    const recs = (JSON.parse(a.stdout) as { recommendations: Rec[] }).recommendations
    const cold = recs.filter((r) => r.analyzer === 'lambda.cold-starts')
    expect(cold.map((r) => r.resource.id)).toEqual(['us-east-1:api'])
    // 12 of 600 = 2% (SampleCount per period / Invocations per period); the mean init is the Average's.
    expect(cold[0]!.current).toMatchObject({ coldStartPct: 2, meanInitMs: 800 })
    expect(cold[0]!.finding).toBe('Flagged')
    // used_memory_max reaches lambda.memory's memory floor.
    const mem = recs.find((r) => r.analyzer === 'lambda.memory' && r.resource.id === 'us-east-1:api')!
    expect(mem.evidence.find((e) => e.stat === 'peak')?.value).toBe(300)
  })

  it('NVIDIA GPUs through the CloudWatch agent: the per-instance series are collected and sized; per-GPU-only ones are named (issue 18, item 1)', async () => {
    const fleet = fleetOf(0, {
      instances: [
        { id: 'i-0000000000000gpu1', type: 'g5.12xlarge', gpu: { utilPct: 15, memUsedMiB: 4577 } },
        { id: 'i-0000000000000gpu2', type: 'g5.xlarge', gpu: { utilPct: 50, memUsedMiB: 1000, perGpuOnly: true } },
      ],
    })
    fake = await startFakeAws(fleet)
    const c = await collect(fake.url, 'gpu', ['--kinds', 'ec2'])
    expect(c.code, c.stderr).toBe(0)
    const a = await runCli(['analyze', '--workspace', 'gpu', '--format', 'json', '--as-of', AS_OF], { cwd: tmp.dir })
    expect(a.code, a.stderr).toBe(0)
    type Rec = { analyzer: string; resource: { id: string }; finding: string; evidence: { metric: string; stat: string; value: number }[] }
    const report = JSON.parse(a.stdout) as { recommendations: Rec[]; issues: { code: string; message: string }[] }
    const gpu = report.recommendations.filter((r) => r.analyzer === 'gpu.rightsize')
    expect(gpu.map((r) => r.resource.id)).toEqual(['i-0000000000000gpu1', 'i-0000000000000gpu2'])
    expect(gpu[0]!.finding).not.toBe('InsufficientData')
    // The per-GPU-only instance has no GPU series: unmeasured, and the issue says what to set.
    expect(gpu[1]!.finding).toBe('InsufficientData')
    const ev = gpu[0]!.evidence
    expect(ev.find((e) => e.metric === 'gpu.utilization' && e.stat === 'max')!.value).toBe(15)
    // nvidia_smi_memory_used is MiB: stored as bytes, shown as MiB again.
    expect(ev.find((e) => e.metric === 'gpu.memory.used.bytes')!.value).toBe(4577)
    expect(report.issues.find((i) => i.code === 'AWS_GPU_PER_GPU_ONLY')?.message).toMatch(
      /1 instance\(s\) publish NVIDIA GPU metrics per GPU only \(i-0000000000000gpu2\)/,
    )
  })

  it('ECS services: 23 services over 2 clusters found (ListServices at its largest page, DescribeServices in tens), sized on Fargate and EC2, target tracking kept (issue 18, item 2)', async () => {
    const web = Array.from({ length: 21 }, (_, i) => ({
      cluster: 'prod',
      name: `svc-${String(i).padStart(2, '0')}`,
      launchType: 'FARGATE' as const,
      cpu: 1024,
      memory: 4096,
      desired: 3,
      load: { cpuPct: 15, memPct: 25 },
      ...(i === 0 ? { insightsTasks: 4.5 } : {}),
      ...(i === 1 ? { scaledOn: ['cpu' as const] } : {}),
    }))
    const fleet = fleetOf(0, {
      services: [
        ...web,
        {
          cluster: 'batch',
          name: 'worker',
          launchType: 'EC2',
          desired: 4,
          containers: [
            { name: 'worker', cpu: 768, memoryReservation: 1536 },
            { name: 'envoy', cpu: 256, memoryReservation: 512 },
          ],
          load: { cpuPct: 30, memPct: 40 },
        },
        {
          cluster: 'batch',
          name: 'spot',
          capacityProvider: 'FARGATE_SPOT',
          cpu: 512,
          memory: 1024,
          desired: 1,
          arch: 'ARM64',
          load: { cpuPct: 95, memPct: 90 },
        },
      ],
    })
    fake = await startFakeAws(fleet)
    const c = await collect(fake.url, 'ecs', ['--kinds', 'ecs'])
    expect(c.code, c.stderr).toBe(0)
    // ListServices asked for its maximum page (100; 10 unasked): one page per cluster; DescribeServices takes 10 a call.
    expect(fake.calls.get('ecs:ListClusters')).toBe(1)
    expect(fake.calls.get('ecs:ListServices')).toBe(2)
    expect(fake.calls.get('ecs:DescribeServices')).toBe(4) // 10 + 10 + 1, and batch's 2
    expect(fake.calls.get('ecs:DescribeTaskDefinition')).toBe(23)
    expect(fake.calls.get('application-autoscaling:DescribeScalingPolicies')).toBe(1)
    const a = await runCli(['analyze', '--workspace', 'ecs', '--format', 'json', '--as-of', AS_OF], { cwd: tmp.dir })
    expect(a.code, a.stderr).toBe(0)
    type Rec = {
      analyzer: string
      resource: { id: string; attributes: Record<string, string | number> }
      finding: string
      current: Record<string, unknown>
      options: { change: Record<string, unknown>; monthlySavings: number | null; notes: string[] }[]
    }
    const report = JSON.parse(a.stdout) as { recommendations: Rec[] }
    const ecs = new Map(report.recommendations.filter((r) => r.analyzer === 'ecs.rightsize').map((r) => [r.resource.id, r]))
    expect(ecs.size).toBe(23)
    // The unit test's worked example, through the wire: 1 vCPU / 4 GB x 3 tasks at 15% / 25% -> 0.25 vCPU / 2 GB, $85.96 saved.
    const plain = ecs.get('us-east-1:prod/svc-05')!
    expect(plain.finding).toBe('Overprovisioned')
    expect(plain.options[0]!.change).toEqual({ cpuUnits: 256, memoryMiB: 2048 })
    expect(plain.options[0]!.monthlySavings).toBe(85.96)
    // Container Insights' RunningTaskCount (4.5) prices svc-00 instead of its desired 3: $0.05826 x 730 x 4.5.
    expect(ecs.get('us-east-1:prod/svc-00')!.current.monthlyCost).toBe(191.38)
    // svc-01 scales on CPU by target tracking: its CPU is kept.
    expect(ecs.get('us-east-1:prod/svc-01')!.resource.attributes.scaledOn).toBe('cpu')
    expect(ecs.get('us-east-1:prod/svc-01')!.options[0]!.change).toEqual({ cpuUnits: 1024, memoryMiB: 2048 })
    // The EC2 service's task size is its containers' sum (1,024 units, 2,048 MiB): reservations proposed, no price.
    const worker = ecs.get('us-east-1:batch/worker')!
    expect([worker.resource.attributes.taskCpuUnits, worker.resource.attributes.taskMemoryMiB]).toEqual([1024, 2048])
    expect(worker.options[0]!.change).toEqual({ cpuUnits: 384, memoryReservationMiB: 1024 })
    // FARGATE_SPOT on Graviton at 95% CPU: underprovisioned, priced on arm64.
    const spot = ecs.get('us-east-1:batch/spot')!
    expect([spot.finding, spot.resource.attributes.launchType, spot.current.architecture]).toEqual(['Underprovisioned', 'FARGATE_SPOT', 'arm64'])
  })

  it('S3 buckets: found per region with their lifecycle rules, storage by class and request metrics; rules priced and written beside the bucket’s own (issue 18, item 3)', async () => {
    const GIB = 2 ** 30
    const fleet = fleetOf(0, {
      buckets: [
        // 1 GET a second, 20 GiB downloaded a month; an expiry rule of its own.
        {
          name: 'logs-archive',
          storage: { StandardStorage: 1001 },
          objects: 1_000_000,
          lifecycle: 'expire-tmp',
          requests: { getsPerDay: 86_400, bytesPerDay: (20 * GIB) / 30 },
        },
        { name: 'tiered', storage: { StandardStorage: 200, StandardIAStorage: 800 }, objects: 5000, lifecycle: 'to-ia' },
        { name: 'unknown-age', storage: { StandardStorage: 300 }, objects: 9000 },
        { name: 'elsewhere', region: 'eu-west-1', storage: { StandardStorage: 5 }, objects: 1 },
      ],
    })
    fake = await startFakeAws(fleet)
    const c = await collect(fake.url, 's3', ['--kinds', 's3'])
    expect(c.code, c.stderr).toBe(0)
    expect(fake.calls.get('s3:ListBuckets')).toBe(1)
    expect(fake.calls.get('s3:GetBucketLifecycleConfiguration')).toBe(3) // not eu-west-1's bucket
    const a = await runCli(['analyze', '--workspace', 's3', '--format', 'json', '--as-of', AS_OF, '--lifecycle-dir', 'rules'], { cwd: tmp.dir })
    expect(a.code, a.stderr).toBe(0)
    type Rec = {
      analyzer: string
      resource: { id: string }
      finding: string
      current: Record<string, unknown>
      options: { change: Record<string, unknown>; monthlySavings: number }[]
    }
    const recs = new Map(
      (JSON.parse(a.stdout) as { recommendations: Rec[] }).recommendations.filter((r) => r.analyzer === 's3.storage-class').map((r) => [r.resource.id, r]),
    )
    expect([...recs.keys()].sort()).toEqual(['logs-archive', 'tiered', 'unknown-age'])
    // Request metrics bound what is read: at least 1,001 - 20 = 981 GiB go unread for 30 days; Intelligent-Tiering bills
    // them $0.0125 instead of $0.023: $10.30, less monitoring of 1,000,000 objects at $0.0025/1,000: $7.80.
    const logs = recs.get('logs-archive')!
    expect(logs.options.map((o) => [o.change.storageClass, o.monthlySavings])).toEqual([['INTELLIGENT_TIERING', 7.8]])
    // 1,001 GiB x $0.023 + 2,592,000 GETs x $0.0004 / 1,000 = $24.06 now.
    expect(logs.current.monthlyCost).toBe(24.06)
    expect(recs.get('tiered')!.finding).toBe('Optimized') // its rule already transitions
    expect(recs.get('unknown-age')!.finding).toBe('Flagged') // no ages, no request metrics
    // The configuration keeps the bucket's own expiry rule: PutBucketLifecycleConfiguration replaces every rule.
    const written = JSON.parse(readFileSync(tmp.path('rules/logs-archive.lifecycle.json'), 'utf8')) as { Rules: { ID: string }[] }
    expect(written.Rules.map((r) => r.ID)).toEqual(['expire-tmp', 'headroom-intelligent-tiering-0d'])
    expect(written.Rules[0]).toEqual({ ID: 'expire-tmp', Filter: { Prefix: 'tmp/' }, Status: 'Enabled', Expiration: { Days: 7 } })
  })

  it('Auto Scaling groups are stored region-qualified, and simulate finds them by that id or by name (issue 21, item 7)', async () => {
    fake = await startFakeAws(fleetOf(4, mixed))
    const c = await collect(fake.url, 'asg', ['--kinds', 'asg'])
    expect(c.code, c.stderr).toBe(0)
    const s = await DuckDbStore.open(tmp.path('asg'), { readOnly: true })
    expect(await s.all(`SELECT id, json_extract_string(attributes, '$.name') AS name FROM resources WHERE kind = 'asg'`)).toEqual([
      { id: 'us-east-1:web', name: 'web' },
    ])
    s.close()
    for (const group of ['us-east-1:web', 'web']) {
      const r = await runCli(
        ['simulate', 'scaling', '--workspace', 'asg', '--group', group, '--search', '--instance-type', 'm5.large', '--format', 'json', '--as-of', AS_OF],
        {
          cwd: tmp.dir,
        },
      )
      expect(r.code, `${group}: ${r.stderr}`).toBe(0)
      expect((JSON.parse(r.stdout) as { kind: string }).kind).toBe('scaling')
    }
  })

  it('every discovered resource reaches the report: a stopped instance and an unattached volume with no datapoints (issue 21, item 1)', async () => {
    const fleet = fleetOf(4, { volumes: [{ id: 'vol-free', type: 'gp2', size: 200 }], groups: [{ name: 'web', min: 1, max: 4, desired: 2 }] })
    fleet.instances[2] = { ...fleet.instances[2]!, state: 'stopped' }
    fake = await startFakeAws(fleet, { emptySeriesFor: ['vol-free'] })
    const c = await collect(fake.url, 'every', ['--kinds', 'ec2,ebs,asg'])
    expect(c.code, c.stderr).toBe(0)
    const a = await runCli(['analyze', '--workspace', 'every', '--format', 'json', '--as-of', AS_OF], { cwd: tmp.dir })
    expect(a.code, a.stderr).toBe(0)
    const report = JSON.parse(a.stdout) as {
      summary: { resources: number; coverage: Record<string, number> }
      recommendations: { analyzer: string; check?: string; finding: string; reasons: string[]; resource: { id: string }; current: Record<string, unknown> }[]
    }
    expect(report.summary.resources).toBe(6) // 4 instances, the volume and the group, as discovered
    // Each in one bucket: the fake's three data points per series are too few to size the 3 running instances.
    expect(report.summary.coverage).toEqual({ analyzed: 1, stopped: 1, insufficientData: 3, noAnalyzer: 1 })
    // Trusted Advisor's unattached-volume check needs no datapoint: flagged, and its cost ($0.10 x 200 GiB) counted.
    const free = report.recommendations.find((r) => r.resource.id === 'vol-free' && r.check === 'underutilized')
    expect(free?.finding).toBe('Flagged')
    expect(free?.reasons).toEqual(['TrustedAdvisor:Unattached'])
    expect(free?.current.monthlyCost).toBe(20)
    // The stopped instance is listed with why it is not sized.
    const stopped = report.recommendations.find((r) => r.analyzer === 'ec2.rightsize' && r.resource.id === fleet.instances[2]!.id)
    expect([stopped?.finding, stopped?.reasons]).toEqual(['InsufficientData', ['InstanceNotRunning']])
    // The terminal accounts for all six, and lists each one not analyzed with why.
    const t = await runCli(['analyze', '--workspace', 'every', '--as-of', AS_OF], { cwd: tmp.dir })
    expect(t.stdout).toMatch(/^6 resources: 1 analyzed, 3 with too little data, 1 stopped, 1 of a kind no analyzer takes/m)
    expect(t.stdout).toContain(`${fleet.instances[2].id}: c5.xlarge is stopped: not sized`)
    expect(t.stdout).toMatch(/ASG_SIMULATE: 1 Auto Scaling group \(us-east-1:web\): .*--group us-east-1:web --search/)
  })

  it("--profile takes the profile's region and endpoint_url, as AWS_PROFILE does (issue 21, item 7)", async () => {
    fake = await startFakeAws(fleetOf(2))
    const config = tmp.file(
      'aws-config',
      `[profile emu]\nregion = eu-west-1\nendpoint_url = ${fake.url}\naws_access_key_id = AKIDTEST\naws_secret_access_key = test-secret\n`,
    )
    // No AWS_ENDPOINT_URL, AWS_REGION or keys in the environment: all of it comes from the profile.
    const rest = Object.fromEntries(Object.entries(env(fake.url)).filter(([k]) => !/^AWS_(ENDPOINT_URL|ACCESS_KEY_ID|SECRET_ACCESS_KEY|REGION)$/.test(k)))
    const r = await runCli(['collect', 'aws', '--profile', 'emu', '--kinds', 'ec2', '--workspace', 'profile', '--as-of', AS_OF], {
      cwd: tmp.dir,
      env: { ...rest, AWS_CONFIG_FILE: config },
    })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/^eu-west-1: 2 resources/m)
    expect(fake.calls.get('ec2:DescribeInstances')).toBe(1)
    expect(await fingerprint('profile')).toMatch(/, 2 resources$/)
  })

  it('no region anywhere: exit 2 saying where to give one, and that AWS_REGION is set but empty when it is', async () => {
    fake = await startFakeAws(fleetOf(1))
    const r = await runCli(['collect', 'aws', '--workspace', 'noregion', '--dry-run'], { cwd: tmp.dir, env: { ...env(fake.url), AWS_DEFAULT_REGION: '' } })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /no region: pass --regions us-east-1 \(comma list, or all\), set AWS_REGION, or set region in the default profile \(AWS_REGION and AWS_DEFAULT_REGION are set but empty\)/,
    )
    expect(fake.calls.size).toBe(0)
  })

  it('a future --as-of is refused before anything is asked or stored (issue 21, item 7)', async () => {
    fake = await startFakeAws(fleetOf(3))
    const r = await runCli(['collect', 'aws', '--regions', 'us-east-1', '--workspace', 'future', '--as-of', '2999-01-01'], { cwd: tmp.dir, env: env(fake.url) })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--as-of '2999-01-01' is in the future \(now \d{4}-\d\d-\d\dT\d\d:\d\dZ\)/)
    expect(r.stderr).toMatch(/leave --as-of out to end at the latest data/)
    expect(fake.calls.size).toBe(0)
    expect(existsSync(tmp.path('future'))).toBe(false)
  })

  it('throttling, 5xx, resets and paginated answers are retried and lose nothing; per-query errors are reported', async () => {
    const fleet = fleetOf(60, mixed)
    fake = await startFakeAws(fleet)
    const clean = await collect(fake.url, 'clean')
    expect(clean.code, clean.stderr).toBe(0)
    await fake.close()
    fake = await startFakeAws(fleet, { throttleEvery: 3, serverErrorEvery: 5, resetEvery: 7, paginate: true })
    const faulty = await collect(fake.url, 'faulty')
    expect(faulty.code, faulty.stderr).toBe(0)
    expect(faulty.stdout).toMatch(/\((\d+) retries, 0 already stored, 0 failed\)/)
    expect(Number(/\((\d+) retries/.exec(faulty.stdout)![1])).toBeGreaterThan(0)
    expect(await fingerprint('faulty')).toBe(await fingerprint('clean'))
    await fake.close()
    fake = await startFakeAws(fleet, { internalErrorMetrics: ['EBSReadBytes'] })
    const partial = await collect(fake.url, 'partial')
    expect(partial.code).toBe(0)
    expect(partial.stderr).toMatch(/60 x AWS_SERIES_FAILED, e\.g\. us-east-1 AWS\/EC2 EBSReadBytes for i-0+: CloudWatch answered InternalError/)
    // ... and the report carries them (Report.issues), so a CI reader sees which series are missing.
    const report = await runCli(['analyze', '--workspace', 'partial', '--format', 'json'], { cwd: tmp.dir })
    const issues = (JSON.parse(report.stdout) as { issues: { code: string }[] }).issues.filter((i) => i.code === 'AWS_SERIES_FAILED')
    expect(issues).toHaveLength(60)
  })

  it('an interrupted run (kill -9) resumes without refetching, and ends with the store an uninterrupted run makes', async () => {
    const fleet = fleetOf(300, mixed)
    fake = await startFakeAws(fleet)
    expect((await collect(fake.url, 'whole')).code).toBe(0)
    const whole = fake.calls.get('cloudwatch:GetMetricData')!
    await fake.close()
    // Kill the collector when the server has answered half the calls.
    const running: { child?: ReturnType<typeof spawn> } = {}
    const faults: Faults = { onGetMetricData: (n) => (n === Math.floor(whole / 2) ? running.child?.kill('SIGKILL') : undefined) }
    fake = await startFakeAws(fleet, faults)
    const child = (running.child = spawn(process.execPath, [BIN, 'collect', 'aws', '--regions', 'us-east-1', '--workspace', 'resumed', '--concurrency', '1'], {
      cwd: tmp.dir,
      env: { ...process.env, ...env(fake.url) },
      stdio: 'ignore',
    }))
    const code = await new Promise<number | null>((r) => child.on('close', (c, sig) => r(sig ? -1 : c)))
    expect(code).toBe(-1)
    const firstCalls = fake.calls.get('cloudwatch:GetMetricData')!
    const again = await runCli(['collect', 'aws', '--regions', 'us-east-1', '--workspace', 'resumed'], { cwd: tmp.dir, env: env(fake.url) })
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).toMatch(/resuming an interrupted run: \d+ calls already stored are skipped/)
    const secondCalls = fake.calls.get('cloudwatch:GetMetricData')! - firstCalls
    // Calls answered before the kill but not yet committed are fetched again: at most one flush (20 calls) plus the one in flight.
    expect(secondCalls).toBeLessThan(whole)
    expect(firstCalls + secondCalls).toBeLessThanOrEqual(whole + 21)
    // The resumed run used the interrupted run's window, so it equals a run of the same window; compare with one.
    expect(await fingerprint('resumed')).toMatch(/^\d+ samples/)
    const s = await DuckDbStore.open(tmp.path('resumed'), { readOnly: true })
    const runs = await s.all('SELECT window_end, finished_at FROM aws_runs')
    s.close()
    expect(runs).toHaveLength(1)
    expect(runs[0]!.finished_at).not.toBeNull()
    const sameWindow = await runCli(
      ['collect', 'aws', '--regions', 'us-east-1', '--workspace', 'reference', '--as-of', new Date(Number(runs[0]!.window_end)).toISOString()],
      { cwd: tmp.dir, env: env(fake.url) },
    )
    expect(sameWindow.code).toBe(0)
    expect(await fingerprint('resumed')).toBe(await fingerprint('reference'))
  })

  it("--compute-optimizer: AWS's own recommendations are stored and shown beside headroom's, agreement counted", async () => {
    fake = await startFakeAws(fleetOf(6, mixed))
    const r = await collect(fake.url, 'co', ['--compute-optimizer'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/us-east-1: 8 Compute Optimizer recommendations \(3 calls\)/)
    const report = JSON.parse((await runCli(['analyze', '--workspace', 'co', '--format', 'json'], { cwd: tmp.dir })).stdout) as {
      comparisons: {
        computeOptimizer: {
          compared: number
          findingAgrees: number
          rows: { resourceId: string; coFinding: string; coOption: string | null; headroomFinding: string }[]
        }
      }
    }
    const co = report.comparisons.computeOptimizer
    // 6 instances + 1 volume + 1 function; the fake's three data points per series leave headroom's EC2 and Lambda at
    // InsufficientData, so those disagree with Compute Optimizer's findings (and are listed as such).
    expect(co.compared).toBe(8)
    expect(co.rows.find((x) => x.resourceId === 'i-00000000000000001')).toMatchObject({
      coFinding: 'Overprovisioned',
      coOption: 'c5.large',
      headroomFinding: 'InsufficientData',
    })
    expect(co.rows.find((x) => x.resourceId === 'us-east-1:checkout')).toMatchObject({ coFinding: 'NotOptimized', coOption: '512 MB' })
    // Discovery kept the Auto Scaling group's policies in the describe-policies shape.
    const st = await DuckDbStore.open(tmp.path('co'), { readOnly: true })
    const web = (await st.resources()).find((x) => x.id === 'us-east-1:web')!
    st.close()
    expect(web.attributes.policyCount).toBe(1)
    expect(JSON.parse(String(web.attributes.scalingPolicies))).toMatchObject({
      ScalingPolicies: [{ PolicyType: 'TargetTrackingScaling', TargetTrackingConfiguration: { TargetValue: 70 } }],
    })
    const text = (await runCli(['analyze', '--workspace', 'co'], { cwd: tmp.dir })).stdout
    expect(text).toMatch(/Compute Optimizer side by side \(8 resources\): the finding agrees on \d+/)
  })

  it('catalog update: specs, offerings and prices from the APIs into the workspace overlay, used by the catalog command', async () => {
    fake = await startFakeAws(fleetOf(1))
    const r = await runCli(['catalog', 'update', '--regions', 'us-east-1', '--workspace', 'cat'], { cwd: tmp.dir, env: env(fake.url) })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/catalog updated: 27 instance types offered in us-east-1, 1 with on-demand prices/)
    // 1 of 27 priced: the Pricing API answered little, and the run says so (issue 21, item 6).
    expect(r.stderr).toMatch(/warning: only 1 of 27 instance types got an on-demand price from the Pricing API/)
    expect([fake.calls.get('ec2:DescribeInstanceTypes'), fake.calls.get('ec2:DescribeInstanceTypeOfferings'), fake.calls.get('pricing:GetProducts')]).toEqual([
      1, 1, 1,
    ])
    // The SDK parsed the EC2 XML back into the sample's values: a1.2xlarge is 8 vCPU, 16 GiB, arm64; p3.16xlarge has 8 GPUs.
    const overlay = JSON.parse(readFileSync(tmp.path('cat/catalog/ec2.json'), 'utf8')) as {
      types: { name: string; vcpus: number; memoryGiB: number; architectures: string[]; gpuCount: number; pricePerHour: Record<string, { amount: number }> }[]
    }
    const a1 = overlay.types.find((t) => t.name === 'a1.2xlarge')!
    expect([a1.vcpus, a1.memoryGiB, a1.architectures]).toEqual([8, 16, ['arm64']])
    expect(overlay.types.find((t) => t.name === 'p3.16xlarge')!.gpuCount).toBe(8)
    // GpuInfo's model and memory per GPU reach the overlay (gpu.rightsize sizes within them).
    expect(overlay.types.find((t) => t.name === 'p3.16xlarge')).toMatchObject({
      gpuManufacturer: 'NVIDIA',
      gpuModel: 'V100',
      gpuMemoryMiB: 16384,
      neuronDevice: null,
    })
    expect(overlay.types.find((t) => t.name === 'c5.large')!.pricePerHour['us-east-1']!.amount).toBe(0.085)
    const list = await runCli(['catalog', '--family', 'c5', '--json', '--workspace', 'cat'], { cwd: tmp.dir })
    expect(list.stdout).toMatch(/"c5\.large"[\s\S]*0\.085/)
  })

  it('AccessDenied and missing credentials: one clear message naming the action, exit 3, nothing stored', async () => {
    fake = await startFakeAws(fleetOf(5, mixed), { deny: ['ec2:DescribeInstances'] })
    const denied = await collect(fake.url, 'denied')
    expect(denied.code).toBe(3)
    expect(denied.stderr).toMatch(/AWS access denied \(ec2:DescribeInstances\)/)
    expect(denied.stderr).toMatch(/Allow "ec2:DescribeInstances" for this identity; docs\/iam-policy\.json/)
    expect(denied.stderr).not.toMatch(/test-secret|AKIDTEST/)
    const none = await collect(fake.url, 'nocreds', [], { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' })
    expect(none.code).toBe(3)
    expect(none.stderr).toMatch(/No AWS credentials found \(ec2:DescribeInstances\)/)
    const s = await DuckDbStore.open(tmp.path('denied'), { readOnly: true })
    expect((await s.all('SELECT count(*)::INT AS n FROM resources'))[0]!.n).toBe(0)
    s.close()
    // A policy written before ECS and S3 were collected: the denied kind is named, with the way to leave it out.
    fake.faults.deny = ['ecs:ListClusters']
    const ecs = await collect(fake.url, 'denied-ecs')
    expect(ecs.code).toBe(3)
    expect(ecs.stderr).toMatch(/AWS access denied \(ecs:ListClusters\)/)
    expect(ecs.stderr).toMatch(/Allow "ecs:ListClusters" for this identity; docs\/iam-policy\.json .* Or leave ecs out of --kinds\./)
  })

  it('answers that are not AWS (a proxy error page, an emulator without the API) name the API, endpoint and answer, not the parser (issue 21, item 6)', async () => {
    const raw = /SyntaxError|Unexpected token|\$response|Deserialization error/
    const hint = /The endpoint did not answer as AWS does: check AWS_ENDPOINT_URL/
    fake = await startFakeAws(fleetOf(3), { foreign: { 'ec2:DescribeInstances': 'html', 'pricing:GetProducts': 'not-found' } })
    const d = await collect(fake.url, 'foreign-ec2', ['--kinds', 'ec2'])
    expect(d.code).toBe(3)
    expect(d.stderr).toContain(`DescribeInstances at ${fake.url} answered HTTP 502 (text/html): "502 Bad Gateway", which is not an AWS API response`)
    expect(d.stderr).toMatch(hint)
    expect(d.stderr).not.toMatch(raw)
    // The catalog's Pricing API missing: nothing written, the bundled catalog stays.
    const c = await runCli(['catalog', 'update', '--regions', 'us-east-1', '--workspace', 'foreign-cat'], { cwd: tmp.dir, env: env(fake.url) })
    expect(c.code).toBe(3)
    expect(c.stderr).toContain(`catalog update failed: GetProducts at ${fake.url} answered HTTP 404 (text/plain): "404 page not found"`)
    expect(c.stderr).toMatch(hint)
    expect(c.stderr).not.toMatch(raw)
    expect(existsSync(tmp.path('foreign-cat/catalog/ec2.json'))).toBe(false)
    await fake.close()
    // GetMetricData behind a proxy that fails: every call fails, exit 3, nothing stored (item 4), said plainly.
    fake = await startFakeAws(fleetOf(3), { foreign: { 'cloudwatch:GetMetricData': 'html' } })
    const m = await collect(fake.url, 'foreign-cw', ['--kinds', 'ec2'])
    expect(m.code).toBe(3)
    expect(m.stderr).toMatch(/GetMetricData failed in 1 of 1 calls \(us-east-1: GetMetricData at http:\/\/127\.0\.0\.1:\d+ answered HTTP 502 \(text\/html\)/)
    expect(m.stderr).not.toMatch(raw)
    expect(await fingerprint('foreign-cw')).toBe('0 samples, sum null, 0 series owners, 0 resources')
  })

  it('an AWS_ENDPOINT_URL that is not a URL is refused by name before anything is created (issue 21, item 6)', async () => {
    fake = await startFakeAws(fleetOf(1))
    const r = await runCli(['collect', 'aws', '--regions', 'us-east-1', '--workspace', 'bad-endpoint'], {
      cwd: tmp.dir,
      env: { ...env(fake.url), AWS_ENDPOINT_URL: '' },
    })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/AWS_ENDPOINT_URL='' is not an http\(s\) URL, so no AWS call can be made/)
    expect(r.stderr).not.toMatch(/Invalid URL/)
    expect(fake.calls.size).toBe(0)
    expect(existsSync(tmp.path('bad-endpoint'))).toBe(false)
  })
})
