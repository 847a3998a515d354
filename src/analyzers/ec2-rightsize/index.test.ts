import { beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { Catalog } from '../../catalog/catalog.js'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import { repeat, usage } from '../test-utils.js'
import { Ec2RightsizeOptionsSchema, ec2Rightsize, type Ec2RightsizeOptions } from './index.js'

const services = loadServiceCatalogs()

let catalog: Catalog
beforeAll(() => {
  catalog = loadCatalog()
})
const opts = (o: Partial<Ec2RightsizeOptions> = {}) => Ec2RightsizeOptionsSchema.parse(o)
const analyze = (u: ReturnType<ReturnType<typeof usage>['build']>, o: Partial<Ec2RightsizeOptions> = {}) =>
  ec2Rightsize.analyze({ usage: u, catalog, services }, opts(o)).recommendations[0]!

describe('ec2.rightsize worked examples (us-east-1 prices from the bundled catalog)', () => {
  it('prices used below are the catalog’s', () => {
    expect(catalog.priceUsd('m5.2xlarge', 'us-east-1')).toBe(0.384)
    expect(catalog.priceUsd('r6g.large', 'us-east-1')).toBe(0.1008)
    expect(catalog.priceUsd('m5.large', 'us-east-1')).toBe(0.096)
    expect(catalog.priceUsd('c6g.xlarge', 'us-east-1')).toBe(0.136)
    expect(catalog.priceUsd('m5a.large', 'us-east-1')).toBe(0.086)
  })

  it('Overprovisioned: m5.2xlarge at 20% CPU and 25% memory -> r6g.large', () => {
    // CPU p99.5 = 20% of 8 vCPU = 1.6 vCPU; need = 1.6 x 1.2 = 1.92 vCPU -> at least 2 vCPU.
    // Memory peak = 25% of 32 GiB = 8 GiB; need = 8 x 1.2 = 9.6 GiB -> at least 16 GiB.
    // Cheapest offered type with >= 2 vCPU and >= 16 GiB: r6g.large at $0.1008/h (t4g.xlarge, 4 vCPU/16 GiB,
    // is $0.1344). Monthly: 0.1008 x 730 = $73.58; now 0.384 x 730 = $280.32; savings $206.74.
    const rec = analyze(
      usage('i-over', 'm5.2xlarge')
        .series('cpu.utilization', 'max', repeat([20]))
        .series('mem.utilization', 'max', repeat([25]))
        .build(),
    )
    expect(rec.finding).toBe('Overprovisioned')
    expect(rec.reasons).toEqual(['CPUOverprovisioned', 'MemoryOverprovisioned'])
    expect(rec.current.monthlyCost).toBe(280.32)
    const top = rec.options[0]!
    expect(top.change.instanceType).toBe('r6g.large')
    expect(top.monthlyCost).toBe(73.58)
    expect(top.monthlySavings).toBe(206.74)
    expect(rec.estimatedMonthlySavings).toBe(206.74)
    // Projected CPU = 1.6 / 2 = 80%; memory = 8 / 16 = 50%. Every interval is at 20% of today's 8 vCPU, under
    // the 2 / 1.2 = 1.667 vCPU the rule allows (20.8% of 8), so no interval exceeds: VeryLow.
    const cpu = top.dimensions.find((d) => d.dimension === 'cpu')!
    expect(cpu.projectedUtilization).toBeCloseTo(80, 9)
    expect(cpu.exceedanceShare).toBe(0)
    expect(top.dimensions.find((d) => d.dimension === 'memory')!.projectedUtilization).toBeCloseTo(50, 9)
    expect(top.performanceRisk).toBe('VeryLow')
    expect(top.bindingDimension).toBe('cpu') // 1.92/2 = 96% of capacity vs memory 9.6/16 = 60%
    expect(top.migrationEffort).toBe('Medium') // Graviton
    expect(top.platformDifferences).toContain('Architecture')
    expect(rec.options.some((o) => o.migrationEffort === 'VeryLow')).toBe(true) // a same-architecture option is offered
    expect(rec.options.length).toBeLessThanOrEqual(3)
    expect(new Set(rec.options.map((o) => String(o.change.instanceType).split('.')[0])).size).toBe(rec.options.length)
    expect(rec.bestPractices).toContain('PERF02-BP04')
    expect(rec.memoryBlind).toBe(false)
  })

  it('Underprovisioned, memory-blind: m5.large at 90% CPU -> c6g.xlarge for $29.20 more', () => {
    // need = 0.9 x 2 x 1.2 = 2.16 vCPU > 2 -> CPUUnderprovisioned. Memory is not measured, so options keep
    // >= 8 GiB. Cheapest with >= 4 vCPU and >= 8 GiB: t4g.xlarge ($0.1344) is burstable with baseline
    // 40% x 4 = 1.6 vCPU < the 1.8 vCPU daily average, so it is excluded; c6g.xlarge ($0.136) fits.
    // Extra: (0.136 - 0.096) x 730 = $29.20.
    const rec = analyze(
      usage('i-under', 'm5.large')
        .series('cpu.utilization', 'max', repeat([90]))
        .series('cpu.utilization', 'avg', repeat([90]))
        .build(),
    )
    expect(rec.finding).toBe('Underprovisioned')
    expect(rec.reasons).toEqual(['CPUUnderprovisioned'])
    expect(rec.options[0]!.change.instanceType).toBe('c6g.xlarge')
    expect(rec.options[0]!.monthlySavings).toBe(-29.2)
    expect(rec.options.map((o) => o.change.instanceType)).not.toContain('t4g.xlarge')
    expect(rec.estimatedMonthlySavings).toBe(0)
    expect(rec.memoryBlind).toBe(true)
    // Never reports memory risk as low when memory is not measured.
    for (const d of [...rec.currentDimensions, ...rec.options.flatMap((o) => o.dimensions)].filter((x) => x.dimension === 'memory'))
      expect(d.risk).toBe('Unknown')
    expect(rec.currentPerformanceRisk).toBe('High') // every interval is above 2 / 1.2 = 83.3%
    expect(rec.evidence.some((e) => e.metric === 'mem.utilization' && e.stat === 'not measured')).toBe(true)
  })

  it('Optimized with a cheaper equal-size type: m5.large at 70% CPU, 80% memory, no Graviton -> m5a.large', () => {
    // CPU need 0.7 x 2 x 1.2 = 1.68 vCPU, memory need 6.4 x 1.2 = 7.68 GiB: m5.large fits. m5a.large (2 vCPU, 8 GiB)
    // is $0.086/h: same capacity, so no dimension is over-provisioned -> Optimized, with a (0.096 - 0.086) x 730 = $7.30 option.
    // t3.large ($0.0832, 2 vCPU, 8 GiB) is burstable with a 30% x 2 = 0.6 vCPU baseline < 1.4 vCPU sustained: excluded.
    const rec = analyze(
      usage('i-ok', 'm5.large')
        .series('cpu.utilization', 'max', repeat([70]))
        .series('cpu.utilization', 'avg', repeat([70]))
        .series('mem.utilization', 'max', repeat([80]))
        .build(),
      { allowArchitectureChange: false },
    )
    expect(rec.finding).toBe('Optimized')
    expect(rec.reasons).toEqual([])
    expect(rec.options[0]!.change.instanceType).toBe('m5a.large')
    expect(rec.options[0]!.monthlySavings).toBe(7.3)
    expect(rec.options.every((o) => o.platformDifferences.every((p) => p !== 'Architecture'))).toBe(true)
  })

  it('burstable only when its baseline covers the highest daily average', () => {
    // 5% of 2 vCPU = 0.1 vCPU sustained; t4g.large baseline 30% x 2 = 0.6 vCPU covers it.
    // (maxOptions 10: cheaper 1-vCPU memory types such as r6g.medium at $0.0504 fill the default three.)
    const low = analyze(
      usage('i-low', 'm5.large')
        .series('cpu.utilization', 'max', repeat([5]))
        .series('cpu.utilization', 'avg', repeat([5]))
        .build(),
      { maxOptions: 10 },
    )
    const t4g = low.options.find((o) => o.change.instanceType === 't4g.large')
    expect(t4g).toBeDefined()
    expect(t4g!.notes.join(' ')).toMatch(/baseline 30% per vCPU \(0\.6 vCPU\) covers the highest daily average of 0\.1 vCPU/)
    // 35% of 2 vCPU = 0.7 vCPU sustained > 0.6: no t*.large may be offered.
    const mid = analyze(
      usage('i-mid', 'm5.large')
        .series('cpu.utilization', 'max', repeat([35]))
        .series('cpu.utilization', 'avg', repeat([35]))
        .build(),
      { maxOptions: 10 },
    )
    expect(mid.options.map((o) => o.change.instanceType)).not.toContain('t4g.large')
    for (const o of mid.options) {
      const t = catalog.get(String(o.change.instanceType))!
      if (t.burstable) expect((t.burstBaselinePct! / 100) * t.vcpus).toBeGreaterThanOrEqual(0.7)
    }
  })

  it('allow-shrink without memory data keeps risk at least Medium on options with less memory', () => {
    const rec = analyze(
      usage('i-blind', 'm5.2xlarge')
        .series('cpu.utilization', 'max', repeat([10]))
        .build(),
      { memoryBlind: 'allow-shrink' },
    )
    const shrunk = rec.options.filter((o) => catalog.get(String(o.change.instanceType))!.memoryGiB < 32)
    expect(shrunk.length).toBeGreaterThan(0)
    for (const o of shrunk) expect(['Medium', 'High']).toContain(o.performanceRisk)
  })

  it('InsufficientData below 30 hours, and for unknown instance types', () => {
    const short = analyze(
      usage('i-short', 'm5.large')
        .series('cpu.utilization', 'max', repeat([50], 100))
        .build(),
    )
    expect(short.finding).toBe('InsufficientData')
    expect(short.summary).toMatch(/8\.3 h of CPU data/) // 100 x 5 min = 8.3 h
    expect(short.options).toEqual([])
    expect(
      analyze(
        usage('i-x', undefined)
          .series('cpu.utilization', 'max', repeat([5]))
          .build(),
      ).reasons,
    ).toEqual(['InstanceTypeUnknown'])
    expect(
      analyze(
        usage('i-y', 'm5.huge')
          .series('cpu.utilization', 'max', repeat([5]))
          .build(),
      ).summary,
    ).toMatch(/m5\.huge is not in the catalog/)
  })

  it('unpriced region: savings unknown, never invented', () => {
    const out = ec2Rightsize.analyze(
      {
        usage: usage('i-eu', 'm5.large', 'eu-west-1')
          .series('cpu.utilization', 'max', repeat([5]))
          .build(),
        catalog,
        services,
      },
      opts(),
    )
    expect(out.recommendations[0]!.estimatedMonthlySavings).toBeNull()
    expect(out.issues.map((i) => i.code)).toContain('PRICE_UNKNOWN')
  })

  it('unpriced region: options by fit, ranked by the us-east-1 price, never "Optimized" for want of a price', () => {
    // The bundled catalog prices no type in eu-west-1. The same load as the worked example above (m5.2xlarge at 20%
    // CPU, 25% memory: need 1.92 vCPU and 9.6 GiB) gets the same candidates, ranked by their us-east-1 prices
    // (r6g.large $0.1008 < m5.2xlarge $0.384): Overprovisioned, with no cost, no savings, and a note saying why.
    expect(catalog.priceUsd('m5.2xlarge', 'eu-west-1')).toBeUndefined()
    expect(catalog.offeredIn(catalog.get('r6g.large')!, 'eu-west-1')).toBe(true)
    const rec = analyze(
      usage('i-eu-over', 'm5.2xlarge', 'eu-west-1')
        .series('cpu.utilization', 'max', repeat([20]))
        .series('mem.utilization', 'max', repeat([25]))
        .build(),
    )
    expect(rec.finding).toBe('Overprovisioned')
    expect(rec.reasons).toEqual(['CPUOverprovisioned', 'MemoryOverprovisioned'])
    expect(rec.options.length).toBeGreaterThan(0)
    expect(rec.options[0]!.change.instanceType).toBe('r6g.large')
    for (const o of rec.options) {
      expect([o.monthlyCost, o.monthlySavings]).toEqual([null, null])
      expect(o.notes.join(' ')).toMatch(/Price unknown: the catalog has no on-demand price for \S+ in eu-west-1; ranked by its us-east-1 price/)
    }
    expect(rec.estimatedMonthlySavings).toBeNull()
    expect(rec.summary).toMatch(/^m5\.2xlarge -> r6g\.large covers the need \(VeryLow risk\); savings unknown: the catalog has no price in eu-west-1/)
    // Busy enough that nothing smaller fits: Optimized; an equal-size type that ranks cheaper (m6g.large, $0.077 vs
    // $0.096 in us-east-1) is offered as in us-east-1, with its saving unknown.
    const busy = analyze(
      usage('i-eu-busy', 'm5.large', 'eu-west-1')
        .series('cpu.utilization', 'max', repeat([80]))
        .series('mem.utilization', 'max', repeat([80]))
        .build(),
    )
    expect(busy.finding).toBe('Optimized')
    expect(busy.options[0]!.change.instanceType).toBe('m6g.large')
    expect(busy.summary).toMatch(/^m5\.large -> m6g\.large covers the need \(VeryLow risk\); savings unknown: the catalog has no price in eu-west-1/)
    // m5a.large ($0.086 in us-east-1) at 80% CPU and memory, x86 only: needs 1.92 vCPU and 7.68 GiB; no x86 type ranks
    // cheaper and fits (t3a.large's 30% baseline cannot carry the load; c-types have 4 GiB), so nothing is offered.
    const fits = analyze(
      usage('i-eu-fits', 'm5a.large', 'eu-west-1')
        .series('cpu.utilization', 'max', repeat([80]))
        .series('mem.utilization', 'max', repeat([80]))
        .build(),
      { allowArchitectureChange: false },
    )
    expect([fits.finding, fits.options.length]).toEqual(['Optimized', 0])
    expect(fits.summary).toMatch(/no smaller type covers the need \(price unknown in eu-west-1\)/)
    // Too small: the fix is named, without a price.
    const under = analyze(
      usage('i-eu-under', 'm5.large', 'eu-west-1')
        .series('cpu.utilization', 'max', repeat([99]))
        .build(),
    )
    expect(under.finding).toBe('Underprovisioned')
    expect(under.summary).toMatch(/fits \(price unknown in eu-west-1\)\./)
  })

  it('under-provisioned with a cheaper fix says it saves (not "$-19.05 more")', () => {
    // c5.xlarge (4 vCPU, 8 GiB, $0.17/h) at 99% CPU: need 4 x 0.99 x 1.2 = 4.75 vCPU -> 8 vCPU. Memory 10% of 8 GiB
    // = 0.8 GiB, need 0.96 GiB. The cheapest 8-vCPU type covering both is cheaper than... nothing here: c5.xlarge is
    // the cheapest 4-vCPU compute type, so a cheaper 8-vCPU fix needs a burstable or Graviton type; the wording rule
    // is tested on whichever sign the catalog gives.
    const rec = analyze(
      usage('i-under', 'c5.xlarge')
        .series('cpu.utilization', 'max', repeat([99]))
        .series('mem.utilization', 'max', repeat([10]))
        .build(),
    )
    expect(rec.finding).toBe('Underprovisioned')
    const s = rec.options[0]!.monthlySavings!
    expect(rec.summary).toMatch(s >= 0 ? /fits and saves \$[\d.]+\/month/ : /fits for \$[\d.]+\/month more/)
    expect(rec.summary).not.toMatch(/\$-/)
  })
})

describe('ec2.rightsize properties', () => {
  const cpuSeries = fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 400, maxLength: 600 })
  const build = (values: number[], type = 'm5.2xlarge') =>
    usage('i-p', type)
      .series('cpu.utilization', 'max', values)
      .series(
        'mem.utilization',
        'max',
        values.map((v) => v / 2),
      )
      .build()
  const chosenCost = (rec: ReturnType<typeof analyze>) =>
    rec.options[0]?.monthlyCost ?? (rec.finding === 'Underprovisioned' ? Infinity : (rec.current.monthlyCost as number))

  it('more headroom never picks a cheaper option', () => {
    fc.assert(
      fc.property(cpuSeries, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 40 }), (values, h, dh) => {
        const a = analyze(build(values), { cpuHeadroomPct: h, memoryHeadroomPct: h })
        const b = analyze(build(values), { cpuHeadroomPct: h + dh, memoryHeadroomPct: h + dh })
        expect(chosenCost(b)).toBeGreaterThanOrEqual(chosenCost(a))
      }),
      { numRuns: 40 },
    )
  })

  it('every option covers the need, and projected utilization = demand / capacity', () => {
    fc.assert(
      fc.property(cpuSeries, fc.constantFrom('m5.large', 'c5.2xlarge', 'r5.xlarge', 'm6g.4xlarge'), (values, type) => {
        const rec = analyze(build(values, type))
        for (const o of rec.options)
          for (const d of o.dimensions.filter((x) => x.measured)) {
            expect(d.need!).toBeLessThanOrEqual(d.capacity! + 1e-9)
            expect(d.projectedUtilization!).toBeCloseTo((d.demand! / d.capacity!) * 100, 9)
          }
      }),
      { numRuns: 40 },
    )
  })
})
