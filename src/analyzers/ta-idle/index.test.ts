import { describe, expect, it } from 'vitest'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import type { DailyUsage, UsageSummary } from '../../store/types.js'
import { repeat, seriesUsage } from '../test-utils.js'
import { taIdle } from './index.js'

const services = loadServiceCatalogs()

const catalog = loadCatalog()
function summary(kind: 'load-balancer' | 'rds-instance', metric: string, perDay: { total: number; max: number }[]): UsageSummary {
  const daily: DailyUsage[] = perDay.map((d, i) => ({
    day: `2024-01-${String(i + 1).padStart(2, '0')}`,
    metric: metric as DailyUsage['metric'],
    stat: 'avg',
    samples: 288,
    avg: d.total / 86400,
    max: d.max,
    total: d.total,
  }))
  return {
    resource: { provider: 'file', kind, id: `${kind}-1`, region: 'us-east-1', attributes: {}, tags: {} },
    window: { start: 0, end: 1 },
    metrics: {},
    daily,
  }
}
const run = (u: UsageSummary) => taIdle.analyze({ usage: u, catalog, services }, {})

describe('Trusted Advisor idle checks, verbatim thresholds', () => {
  it('idle load balancer: fewer than 100 requests a day on each of the last 7 days', () => {
    const days = (x: number[]) => x.map((t) => ({ total: t, max: t }))
    expect(run(summary('load-balancer', 'lb.requests_per_s', days([5000, 99, 0, 12, 50, 99, 1, 30]))).recommendations[0]!.reasons).toEqual([
      'TrustedAdvisor:IdleLoadBalancer',
    ]) // the 5000 is outside the last 7
    expect(run(summary('load-balancer', 'lb.requests_per_s', days([99, 0, 12, 50, 100, 1, 30]))).recommendations).toEqual([]) // 100 is not fewer than 100
    const short = run(summary('load-balancer', 'lb.requests_per_s', days([1, 1, 1])))
    expect([short.recommendations, short.issues[0]!.code]).toEqual([[], 'TA_IDLE_NOT_EVALUATED'])
  })
  it('idle RDS: no connection in the last 7 days', () => {
    const none = Array.from({ length: 7 }, () => ({ total: 0, max: 0 }))
    const flagged = run(summary('rds-instance', 'db.connections', none)).recommendations
    expect([flagged[0]!.reasons, flagged[0]!.estimatedMonthlySavings]).toEqual([['TrustedAdvisor:IdleDBInstance'], null])
    expect(run(summary('rds-instance', 'db.connections', [...none.slice(1), { total: 300, max: 1 }])).recommendations).toEqual([])
  })
})

describe('idle triggers beyond request counts', () => {
  it('load balancer with no healthy targets throughout the latest day (TA hjLMh88uM8 second trigger)', () => {
    const u = summary('load-balancer', 'lb.healthy_hosts', [
      { total: 86400, max: 2 },
      { total: 0, max: 0 },
    ])
    const recs = run(u).recommendations
    expect(recs.map((r) => r.reasons[0])).toEqual(['TrustedAdvisor:IdleLoadBalancerNoHealthyTargets'])
    expect(
      run(
        summary('load-balancer', 'lb.healthy_hosts', [
          { total: 0, max: 0 },
          { total: 100, max: 1 },
        ]),
      ).recommendations,
    ).toEqual([])
  })
  it('NAT gateway with no connection and no packet in the window (Compute Optimizer idle kind)', () => {
    const nat = (conn: number, packets: number): UsageSummary => ({
      resource: { provider: 'file', kind: 'nat-gateway', id: 'nat-1', region: 'us-east-1', attributes: {}, tags: {} },
      window: { start: 0, end: 1 },
      daily: [],
      metrics: {
        'nat.active_connections': { max: seriesUsage('nat.active_connections', 'max', repeat([conn])) },
        'nat.packets_in_per_s': { sum: seriesUsage('nat.packets_in_per_s', 'sum', repeat([packets])) },
      },
    })
    expect(run(nat(0, 0)).recommendations[0]).toMatchObject({ analyzer: 'ta.idle', check: 'idle-nat-gateway' })
    expect(run(nat(0, 0.01)).recommendations).toEqual([])
    expect(run(nat(1, 0)).recommendations).toEqual([])
  })
})
