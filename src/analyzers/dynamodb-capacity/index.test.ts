import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import { breakEvenUtilization } from '../../catalog/dynamodb.js'
import type { ResourceRef } from '../../core/report.js'
import { repeat, resourceUsage, withSeries } from '../test-utils.js'
import { dynamoDbCapacity, DynamoDbOptionsSchema } from './index.js'

const services = loadServiceCatalogs()

const catalog = loadCatalog()
const o = DynamoDbOptionsSchema.parse({})
const table = (attributes: ResourceRef['attributes']): ResourceRef => ({
  provider: 'file',
  kind: 'dynamodb-table',
  id: 'orders',
  region: 'us-east-1',
  attributes,
  tags: {},
})
const run = (
  attrs: ResourceRef['attributes'],
  reads: number[],
  writes: number[],
  extra: (u: ReturnType<typeof resourceUsage>) => ReturnType<typeof resourceUsage> = (u) => u,
) => {
  const u = extra(withSeries(withSeries(resourceUsage(table(attrs)), 'ddb.read.consumed_per_s', 'sum', reads), 'ddb.write.consumed_per_s', 'sum', writes))
  return dynamoDbCapacity.analyze({ usage: u, catalog, services }, o).recommendations[0]!
}
const DAYS14 = 14 * 288

describe('dynamodb.capacity', () => {
  it('break-even utilization follows from the catalog prices: 28.9% for reads and writes', () => {
    // 0.00065 / (3,600 x 0.625e-6) = 0.28889; 0.00013 / (3,600 x 0.125e-6) = 0.28889
    expect(breakEvenUtilization('write', services.dynamodb)).toBeCloseTo(0.28889, 4)
    expect(breakEvenUtilization('read', services.dynamodb)).toBeCloseTo(0.28889, 4)
  })

  it('worked example: a steady on-demand table is cheaper provisioned', () => {
    // 100 reads/s and 10 writes/s, flat, 14 days, on-demand.
    // On-demand per 730 h: 100 x 3,600 x 730 = 262.8 M RRU x $0.125/M = $32.85; 10 x 3,600 x 730 = 26.28 M WRU x $0.625/M
    // = $16.425; total $49.275.
    // Auto scaling at 70%: ceil(100 / 0.7) = 143 RCU (69.9% used, no alarm fires) and ceil(10 / 0.7) = 15 WCU:
    // 143 x $0.00013 x 730 = $13.5707 + 15 x $0.00065 x 730 = $7.1175 = $20.69/month. Saving $28.59.
    const rec = run({ billingMode: 'PAY_PER_REQUEST' }, repeat([100], DAYS14), repeat([10], DAYS14))
    expect(rec.finding).toBe('Flagged')
    expect(rec.reasons).toEqual(['OnDemandCostlierThanProvisioned'])
    expect(rec.current.monthlyCost).toBeCloseTo(49.275, 1)
    expect(rec.options[0]!.change).toMatchObject({ billingMode: 'PROVISIONED', autoScaling: 'true', readCapacityRange: '143-143', writeCapacityRange: '15-15' })
    expect(rec.options[0]!.monthlyCost).toBeCloseTo(20.69, 2)
    expect(rec.estimatedMonthlySavings).toBeCloseTo(28.59, 1)
    expect(rec.options[0]!.performanceRisk).toBe('VeryLow')
    expect(rec.summary).toMatch(/Switch from on-demand to provisioned with auto scaling at 70%/)
  })

  it('worked example: a spiky table stays on-demand (auto scaling would throttle the spike, fixed capacity costs more)', () => {
    // 1 read/s, except 1,000/s for one hour a day. On-demand: (23 x 3,600 x 1 + 3,600 x 1,000) = 3.6828 M RRU a day
    // x $0.125/M = $0.4604/day = $14.00 per 730 h. Fixed at ceil(1,000 / 0.7) = 1,429 RCU = $135.61/month.
    // Auto scaling needs 2 minutes above target before it adds capacity: the first minutes of each spike throttle.
    const day = Array.from({ length: 288 }, (_, i) => (i >= 120 && i < 132 ? 1000 : 1))
    const rec = run({ billingMode: 'PAY_PER_REQUEST' }, repeat(day, DAYS14), repeat([1], DAYS14))
    expect(rec.finding).toBe('Optimized')
    expect(rec.options[0]!.change.billingMode).toBe('PAY_PER_REQUEST')
    const auto = rec.options.find((x) => x.change.autoScaling)!
    expect(auto.performanceRisk).not.toBe('VeryLow')
    expect(rec.estimatedMonthlySavings).toBe(0)
  })

  it('a provisioned table far above its use is Overprovisioned; an idle one is flagged as idle', () => {
    // Fixed 1,000 RCU and 1,000 WCU for 20 reads/s and 2 writes/s: 1,000 x (0.00013 + 0.00065) x 730 = $569.40/month.
    const rec = run({ billingMode: 'PROVISIONED', readCapacity: 1000, writeCapacity: 1000 }, repeat([20], DAYS14), repeat([2], DAYS14))
    expect(rec.finding).toBe('Overprovisioned')
    expect(rec.current.monthlyCost).toBeCloseTo(569.4, 1)
    expect(rec.estimatedMonthlySavings).toBeGreaterThan(500)
    const idle = run({ billingMode: 'PROVISIONED', readCapacity: 5, writeCapacity: 5 }, repeat([0], DAYS14), repeat([0], DAYS14))
    expect(idle.finding).toBe('Flagged')
    expect(idle.reasons).toEqual(['Idle'])
    // 5 x (0.00013 + 0.00065) x 730 = $2.847/month, all saved on-demand at zero traffic.
    expect(idle.estimatedMonthlySavings).toBeCloseTo(2.85, 2)
  })

  it('recorded throttle events make the current capacity Underprovisioned', () => {
    const rec = run({ billingMode: 'PROVISIONED', readCapacity: 50, writeCapacity: 10 }, repeat([49], DAYS14), repeat([5], DAYS14), (u) =>
      withSeries(u, 'ddb.read.throttled_per_s', 'sum', repeat([0.5], DAYS14)),
    )
    expect(rec.finding).toBe('Underprovisioned')
    expect(rec.currentPerformanceRisk).toBe('High')
    expect(rec.reasons).toEqual(['ThrottledRequests'])
  })

  it('says what is missing instead of guessing', () => {
    expect(run({}, repeat([1], DAYS14), repeat([1], DAYS14)).reasons).toEqual(['BillingModeUnknown'])
    expect(run({ billingMode: 'PROVISIONED' }, repeat([1], DAYS14), repeat([1], DAYS14)).reasons).toEqual(['ProvisionedCapacityUnknown'])
    expect(run({ billingMode: 'PAY_PER_REQUEST' }, repeat([1], 100), repeat([1], 100)).finding).toBe('InsufficientData')
  })

  it('property: more load never recommends less provisioned capacity', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 288, maxLength: 600 }), fc.double({ min: 1, max: 3, noNaN: true }), (d, k) => {
        const a = run({ billingMode: 'PAY_PER_REQUEST' }, d, d)
        const b = run(
          { billingMode: 'PAY_PER_REQUEST' },
          d.map((x) => x * k),
          d.map((x) => x * k),
        )
        const capOf = (r: typeof a, key: 'readCapacity' | 'writeCapacity') => Number(r.options.find((x) => x.change[key] !== undefined)!.change[key])
        expect(capOf(b, 'readCapacity')).toBeGreaterThanOrEqual(capOf(a, 'readCapacity'))
        expect(capOf(b, 'writeCapacity')).toBeGreaterThanOrEqual(capOf(a, 'writeCapacity'))
      }),
      { numRuns: 40 },
    )
  })
})
