import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { skipWithoutClickHouse, startCluster, type Cluster } from '../utils/clickhouse.js'
import { fakeAwsEnv } from '../utils/aws-cli.js'
import { fleetOf, startFakeAws } from '../utils/fake-aws.js'
import { freePort } from '../utils/prometheus.js'
import { runCli } from '../utils/run-cli.js'
import { csv, tmpProject } from '../utils/tmp.js'

// The built CLI against a real two-shard ClickHouse (Debian's clickhouse-server 18.16, two processes on loopback) and
// the demo's real traces (Azure and Alibaba VMs, 1.66 million samples).
const tmp = tmpProject('headroom-ch-e2e-')
let cluster: Cluster
const FIXED = { SOURCE_DATE_EPOCH: '1800000000' }
const store = (db: string) => `${cluster.url(db)}?shards=${cluster.shards.map((s) => `127.0.0.1:${s.http}`).join(',')}`

beforeAll(async () => {
  if (skipWithoutClickHouse) return
  cluster = await startCluster()
  const demo = await runCli(['demo'], { cwd: tmp.dir })
  expect(demo.code).toBe(0)
}, 180_000)
afterAll(async () => {
  await cluster?.stop()
})

describe.skipIf(skipWithoutClickHouse)('--store clickhouse:// on two shards', () => {
  it('migrate copies the workspace; analyze --format json is byte-identical to the DuckDB workspace; a second migrate adds nothing', async () => {
    const url = store('demo')
    const m = await runCli(['migrate', '--to', url], { cwd: tmp.dir })
    expect(m.stderr).toContain(`next: npx headroom analyze --store '${url}'`)
    expect(m.stdout).toMatch(
      new RegExp(
        `^copied 111 resources and 1,659,170 samples \\(1,659,170 new, 0 already stored\\) from .*headroom\\.duckdb to ${url.replace(/[?.]/g, '\\$&')} in [\\d.]+ s\\n$`,
      ),
    )
    expect(m.code).toBe(0)

    const duck = await runCli(['analyze', '--format', 'json', '--out', 'duck.json'], { cwd: tmp.dir, env: FIXED })
    const ch = await runCli(['analyze', '--format', 'json', '--out', 'ch.json', '--store', url], { cwd: tmp.dir, env: FIXED })
    expect([duck.code, ch.code]).toEqual([0, 0])
    expect(ch.stderr).toBe(duck.stderr.replace('duck.json', 'ch.json'))
    const [a, b] = [readFileSync(tmp.path('duck.json'), 'utf8'), readFileSync(tmp.path('ch.json'), 'utf8')]
    expect((JSON.parse(a) as { recommendations: unknown[] }).recommendations).toHaveLength(111)
    expect(b === a).toBe(true)

    const again = await runCli(['migrate', '--to', url], { cwd: tmp.dir })
    expect(again.stdout).toContain('1,659,170 samples (0 new, 1,659,170 already stored)')
    const status = await runCli(['status', '--store', url], { cwd: tmp.dir })
    expect(status.stdout).toMatch(
      new RegExp(
        `^store ${url.replace(/[?.]/g, '\\$&')}\\n  resources 111 \\(asg 1, ec2-instance 108, rds-instance 2\\)\\n  samples   1,659,170 in 211 series, .* UTC\\n  imports   2\\n$`,
      ),
    )
  }, 300_000)

  it('collect file --store writes there; a bad file exits 2 naming it and the store is as it was', async () => {
    const url = store('files')
    const header = 'resource_id,metric,timestamp,value,stat,period'
    const rows = Array.from(
      { length: 288 },
      (_, i) => `i-1,cpu.utilization,${new Date(Date.UTC(2026, 0, 1) + i * 300_000).toISOString()},${(i % 50) + 1},max,300`,
    )
    const manifest = tmp.file('resources.csv', csv('id,provider,kind,region,instance_type', ['i-1,aws,ec2-instance,us-east-1,m5.xlarge']))
    const ok = await runCli(['collect', 'file', tmp.file('ok.csv', csv(header, rows)), manifest, '--store', url], { cwd: tmp.dir })
    expect(ok.stdout).toMatch(
      new RegExp(
        `^imported 288 new samples \\(0 already stored\\), 1 resource from manifests, 0 created from samples, in [\\d.]+ s into ${url.replace(/[?.]/g, '\\$&')}\\n$`,
      ),
    )
    expect(ok.code).toBe(0)
    const before = await runCli(['status', '--store', url], { cwd: tmp.dir })

    const bad = await runCli(
      ['collect', 'file', tmp.file('bad.csv', csv(header, [...rows.slice(0, 3), 'i-2,cpu.utilization,not-a-time,5,max,300'])), '--store', url],
      {
        cwd: tmp.dir,
      },
    )
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('bad.csv')
    expect(bad.stderr).toContain('not-a-time')
    expect((await runCli(['status', '--store', url], { cwd: tmp.dir })).stdout).toBe(before.stdout)

    const an = await runCli(['analyze', '--store', url, '--format', 'json'], { cwd: tmp.dir, env: FIXED })
    expect(an.code).toBe(0)
    expect((JSON.parse(an.stdout) as { recommendations: { resource: { id: string } }[] }).recommendations[0]!.resource.id).toBe('i-1')
  }, 120_000)

  it('collect aws --store writes what it writes to a workspace: the two analyses are byte-identical', async () => {
    const fake = await startFakeAws({
      ...fleetOf(30),
      volumes: [{ id: 'vol-1', type: 'gp2', size: 100, attachedTo: 'i-00000000000000000' }],
      functions: [{ name: 'checkout', memory: 1024, arch: 'arm64' }],
      databases: [{ id: 'orders-db', cls: 'db.m5.large', engine: 'mysql' }],
      tables: [{ name: 'orders', mode: 'PROVISIONED', rcu: 100, wcu: 10 }],
    })
    try {
      const url = store('aws')
      const env = { ...fakeAwsEnv(fake.url, tmp.path), ...FIXED }
      const args = ['collect', 'aws', '--regions', 'us-east-1', '--as-of', '2026-11-20T00:00:00Z', '--kinds', 'ec2,ebs,lambda,rds,dynamodb']
      const intoWs = await runCli([...args, '--workspace', 'aws-ws'], { cwd: tmp.dir, env })
      const intoCh = await runCli([...args, '--store', url], { cwd: tmp.dir, env })
      expect([intoWs.code, intoCh.code], intoCh.stderr).toEqual([0, 0])
      expect(intoCh.stdout.replace(url, 'X')).toBe(intoWs.stdout.replace(tmp.path('aws-ws'), 'X'))
      const a = await runCli(['analyze', '--workspace', 'aws-ws', '--format', 'json'], { cwd: tmp.dir, env: FIXED })
      const b = await runCli(['analyze', '--store', url, '--format', 'json'], { cwd: tmp.dir, env: FIXED })
      expect((JSON.parse(a.stdout) as { recommendations: unknown[] }).recommendations.length).toBeGreaterThan(30)
      expect(b.stdout === a.stdout).toBe(true)
    } finally {
      await fake.close()
    }
  }, 180_000)

  it('an unreachable ClickHouse exits 3 naming the URL without its credentials', async () => {
    const port = await freePort()
    const r = await runCli(['analyze', '--store', `clickhouse://admin:hunter2@127.0.0.1:${port}/headroom`], { cwd: tmp.dir })
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(`Cannot reach ClickHouse at http://127.0.0.1:${port} (store clickhouse://127.0.0.1:${port}/headroom)`)
    expect(r.stderr).not.toContain('hunter2')
    expect(r.stderr).not.toContain('admin')
    const m = await runCli(['migrate', '--to', `clickhouse://admin:hunter2@127.0.0.1:${port}/headroom`], { cwd: tmp.dir })
    expect(m.code).toBe(3)
    expect(m.stderr).not.toContain('hunter2')
  })

  it('a shard down fails the analysis with exit 3 and writes no report', async () => {
    const url = store('down')
    expect((await runCli(['migrate', '--to', url], { cwd: tmp.dir })).code).toBe(0)
    await cluster.kill(1)
    try {
      const r = await runCli(['analyze', '--store', url, '--format', 'json', '--out', 'down.json'], { cwd: tmp.dir })
      expect(r.code).toBe(3)
      expect(r.stderr).toMatch(/headroom: error: (Cannot reach ClickHouse at http:\/\/127\.0\.0\.1:\d+|ClickHouse store clickhouse:\/\/)/)
      expect(r.stderr).toMatch(/nothing was written/i)
      expect(() => readFileSync(tmp.path('down.json'))).toThrow()
    } finally {
      await cluster.restart(1)
    }
  }, 120_000)
})
