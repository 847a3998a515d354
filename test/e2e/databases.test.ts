import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/core/report.js'
import { runCli } from '../utils/run-cli.js'
import { csv, tmpProject } from '../utils/tmp.js'

/**
 * DynamoDB, ElastiCache, NAT gateway and load balancer health end to end: CloudWatch-named samples (as a user exports
 * them: Sum per period for counts) and a manifest go through `collect file` into a real DuckDB workspace, and
 * `analyze --format json` must validate against the shipped JSON Schema and say what the analyzers' unit tests say.
 */
const tmp = tmpProject('headroom-e2e-db-')
const T0 = Date.UTC(2024, 4, 1)
const iso = (i: number, periodSec: number) => new Date(T0 + i * periodSec * 1000).toISOString()

function samples(): string {
  const rows: string[] = []
  for (let i = 0; i < 14 * 288; i++) {
    const t = iso(i, 300)
    // A steady on-demand table: 100 reads/s and 10 writes/s, exported as CloudWatch Sum per 5 minutes.
    rows.push(`orders,ConsumedReadCapacityUnits,${t},${100 * 300},Sum,300`, `orders,ConsumedWriteCapacityUnits,${t},${10 * 300},Sum,300`)
    // An idle provisioned table.
    rows.push(`audit,ConsumedReadCapacityUnits,${t},0,Sum,300`, `audit,ConsumedWriteCapacityUnits,${t},0,Sum,300`)
    rows.push(
      `sessions-001,CPUUtilization,${t},10,Maximum,300`,
      `sessions-001,DatabaseMemoryUsagePercentage,${t},30,Maximum,300`,
      `sessions-001,EngineCPUUtilization,${t},15,Maximum,300`,
    )
    rows.push(`sessions-001,CacheHits,${t},${900 * 300},Sum,300`, `sessions-001,CacheMisses,${t},${100 * 300},Sum,300`)
    rows.push(`nat-0a1,ActiveConnectionCount,${t},0,Maximum,300`, `nat-0a1,PacketsInFromSource,${t},0,Sum,300`)
    rows.push(`alb-web,HealthyHostCount,${t},${i < 13 * 288 ? 2 : 0},Minimum,300`, `alb-web,RequestCount,${t},600,Sum,300`)
  }
  return csv('resource_id,metric,timestamp,value,stat,period', rows)
}

let report: Report
let terminal: string
beforeAll(async () => {
  const manifest = tmp.file(
    'resources.json',
    JSON.stringify([
      { id: 'orders', kind: 'dynamodb-table', region: 'us-east-1', attributes: { billingMode: 'PAY_PER_REQUEST' } },
      { id: 'audit', kind: 'dynamodb-table', region: 'us-east-1', attributes: { billingMode: 'PROVISIONED', readCapacity: 10, writeCapacity: 10 } },
      { id: 'sessions-001', kind: 'elasticache-node', region: 'us-east-1', attributes: { nodeType: 'cache.r6g.xlarge', engine: 'redis' } },
      { id: 'nat-0a1', kind: 'nat-gateway', region: 'us-east-1' },
      { id: 'alb-web', kind: 'load-balancer', region: 'us-east-1' },
    ]),
  )
  const imp = await runCli(['collect', 'file', tmp.file('samples.csv', samples()), manifest, '--workspace', 'ws'], { cwd: tmp.dir })
  expect(imp.stdout + imp.stderr).toMatch(/imported 52,416 new samples/)
  const json = await runCli(['analyze', '--workspace', 'ws', '--format', 'json'], { cwd: tmp.dir })
  expect(json.code).toBe(0)
  report = JSON.parse(json.stdout) as Report
  terminal = (await runCli(['analyze', '--workspace', 'ws'], { cwd: tmp.dir })).stdout
})

const rec = (id: string, analyzer: string) => report.recommendations.find((r) => r.resource.id === id && r.analyzer === analyzer)!

describe('databases, caches and idle kinds through the CLI', () => {
  it('the JSON report validates against schema/report.schema.json', () => {
    const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../schema/report.schema.json', import.meta.url)), 'utf8')) as object
    const validate = new Ajv2020({ strict: false }).compile(schema)
    expect(validate(report), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
  })

  it('DynamoDB: the steady on-demand table is cheaper provisioned; the idle provisioned one is flagged', () => {
    // Worked in src/analyzers/dynamodb-capacity/index.test.ts: $49.275/month on-demand, $20.69 with auto scaling.
    const orders = rec('orders', 'dynamodb.capacity')
    expect(orders.current.monthlyCost).toBeCloseTo(49.275, 1)
    expect(orders.options[0]!.monthlyCost).toBeCloseTo(20.69, 2)
    expect(orders.reasons).toEqual(['OnDemandCostlierThanProvisioned'])
    // 10 RCU + 10 WCU fixed: 10 x (0.00013 + 0.00065) x 730 = $5.694/month, none of it used.
    const audit = rec('audit', 'dynamodb.capacity')
    expect([audit.finding, audit.reasons[0], audit.estimatedMonthlySavings]).toEqual(['Flagged', 'Idle', 5.69])
    expect(report.summary.byAnalyzer!['dynamodb.capacity']!.monthlySavings).toBeCloseTo(28.59 + 5.69, 1)
  })

  it('ElastiCache, NAT gateway and load balancer health', () => {
    expect(rec('sessions-001', 'elasticache.rightsize').options[0]!.change.nodeType).toBe('cache.r6g.large')
    expect(rec('nat-0a1', 'ta.idle')).toMatchObject({ check: 'idle-nat-gateway', reasons: ['Idle'] })
    // The last day has no healthy target; 600 requests per 5 minutes is far above TA's 100 a day.
    expect(report.recommendations.filter((r) => r.resource.id === 'alb-web').map((r) => r.reasons[0])).toEqual([
      'TrustedAdvisor:IdleLoadBalancerNoHealthyTargets',
    ])
  })

  it('the terminal report has a section per kind', () => {
    expect(terminal).toMatch(/DynamoDB tables: 2, \$54\.9\d\/month now, \$34\.2\d\/month to save/)
    expect(terminal).toMatch(/ElastiCache nodes \(1 of 1/)
    expect(terminal).toMatch(/Idle NAT gateway/)
    expect(terminal).not.toMatch(/KIND_NOT_ANALYZED/)
  })
})

describe('a measured hit ratio replaces the assumed one (simulate cache --for)', () => {
  const LOG = fileURLToPath(new URL('../fixtures/weblogs/elastic-examples-apache_logs-2015-05.log.gz', import.meta.url))
  it('the caching estimate for the read-heavy table uses what its access log repeats, and says where it came from', async () => {
    // Before: 100 reads/s x the assumed 80%.
    expect(rec('orders', 'cache.opportunity').summary).toMatch(/take an estimated 80 read units\/s off it .*assuming 80% of reads repeat/)
    const bad = await runCli(['simulate', 'cache', LOG, '--for', 'ordrs', '--workspace', 'ws'], { cwd: tmp.dir })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--for 'ordrs': no RDS instance or DynamoDB table with that id[\s\S]*Use one of: audit, orders\./)
    const sim = await runCli(['simulate', 'cache', LOG, '--for', 'orders', '--workspace', 'ws'], { cwd: tmp.dir })
    expect(sim.code, sim.stderr).toBe(0)
    expect(sim.stderr).toMatch(/stored for orders in .*ws: 85\.4% of requests repeat; `headroom analyze` uses it in place of the assumed 80%/)
    const after = JSON.parse((await runCli(['analyze', '--workspace', 'ws', '--format', 'json'], { cwd: tmp.dir })).stdout) as Report
    const c = after.recommendations.find((r) => r.resource.id === 'orders' && r.analyzer === 'cache.opportunity')!
    // 100 reads/s x 0.8541: 8,351 of the log's 9,778 cacheable requests repeat an earlier one.
    expect(c.summary).toMatch(
      /take an estimated 85\.4 read units\/s off it .*with the 85\.4% of requests that repeat in its access logs \(simulate cache on elastic-examples-apache_logs-2015-05\.log\.gz, 9,778 requests/,
    )
    expect(c.evidence.find((e) => e.metric === 'cache.hit_ratio')?.value).toBe(0.8541) // 8,351 / 9,778, to 4 places
    // The idle table has no measurement and no caching flag either way.
    expect(after.recommendations.some((r) => r.resource.id === 'audit' && r.analyzer === 'cache.opportunity')).toBe(false)
  })
})
