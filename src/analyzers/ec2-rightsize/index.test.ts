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

  const over = usage('i-over', 'm5.2xlarge')
    .series('cpu.utilization', 'max', repeat([20]))
    .series('mem.utilization', 'max', repeat([25]))
    .build()

  it('Overprovisioned: m5.2xlarge at 20% CPU and 25% memory -> r5a.large, with r6g.large (Graviton) beside it', () => {
    // CPU p99.5 = 20% of 8 vCPU = 1.6 vCPU; need = 1.6 x 1.2 = 1.92 vCPU -> at least 2 vCPU.
    // Memory peak = 25% of 32 GiB = 8 GiB; need = 8 x 1.2 = 9.6 GiB -> at least 16 GiB.
    // Same architecture (x86_64) first: the cheapest x86 type with >= 2 vCPU and >= 16 GiB is r5a.large at $0.113/h:
    // 0.113 x 730 = $82.49 a month, saving 280.32 - 82.49 = $197.83. The cheapest overall, r6g.large (arm64, $0.1008/h,
    // $73.58), is shown beside it with what it adds: 206.74 - 197.83 = $8.91/month, at Medium migration effort.
    const rec = analyze(over)
    expect(rec.options.map((o) => [o.rank, o.change.instanceType, o.migrationEffort])).toEqual([
      [1, 'r5a.large', 'VeryLow'],
      [2, 'r6a.large', 'VeryLow'],
      [3, 'r6g.large', 'Medium'],
    ])
    expect([rec.options[0]!.monthlyCost, rec.options[0]!.monthlySavings, rec.estimatedMonthlySavings]).toEqual([82.49, 197.83, 197.83])
    expect(rec.options[2]!.notes).toContain('Saves $8.91/month more than r5a.large (rank 1), at Medium migration effort.')
    expect(rec.summary).toMatch(
      /^m5\.2xlarge -> r5a\.large saves \$198\/month \(VeryLow risk\).*; r6g\.large \(arm64\) would save \$8\.91\/month more, after a migration\.$/,
    )
  })

  it('Overprovisioned, preferring no architecture: m5.2xlarge at 20% CPU and 25% memory -> r6g.large', () => {
    // As above, ranked together: r6g.large at $0.1008/h is the cheapest type with >= 2 vCPU and >= 16 GiB (t4g.xlarge,
    // 4 vCPU/16 GiB, is $0.1344). Monthly: 0.1008 x 730 = $73.58; now 0.384 x 730 = $280.32; savings $206.74.
    const rec = analyze(over, { preferArchitecture: 'any' })
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

  it('Underprovisioned, memory-blind: m5.large at 90% CPU -> c6a.xlarge for $41.61 more (c6g.xlarge for $29.20 after a migration)', () => {
    // need = 0.9 x 2 x 1.2 = 2.16 vCPU > 2 -> CPUUnderprovisioned. Memory is not measured, so options keep
    // >= 8 GiB. Cheapest with >= 4 vCPU and >= 8 GiB: t4g.xlarge ($0.1344) is burstable with baseline
    // 40% x 4 = 1.6 vCPU < the 1.8 vCPU daily average, so it is excluded; c6g.xlarge ($0.136, arm64) fits:
    // (0.136 - 0.096) x 730 = $29.20 more. On x86_64, ranked first, c6a.xlarge ($0.153): (0.153 - 0.096) x 730 = $41.61.
    const u = usage('i-under', 'm5.large')
      .series('cpu.utilization', 'max', repeat([90]))
      .series('cpu.utilization', 'avg', repeat([90]))
      .build()
    expect(analyze(u).options.map((o) => [o.change.instanceType, o.monthlySavings])).toEqual([
      ['c6a.xlarge', -41.61],
      ['c5a.xlarge', -42.34],
      ['c6g.xlarge', -29.2],
    ])
    expect(analyze(u).summary).toMatch(/c6a\.xlarge fits for \$41\.61\/month more; c6g\.xlarge \(arm64\) would save \$12\.41\/month more, after a migration\.$/)
    const rec = analyze(u, { preferArchitecture: 'any' })
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
      { maxOptions: 10, preferArchitecture: 'any' },
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
      { maxOptions: 10, preferArchitecture: 'any' },
    )
    expect(mid.options.map((o) => o.change.instanceType)).not.toContain('t4g.large')
    for (const o of mid.options) {
      const t = catalog.get(String(o.change.instanceType))!
      if (t.burstable) expect((t.burstBaselinePct! / 100) * t.vcpus).toBeGreaterThanOrEqual(0.7)
    }
  })

  it('allow-shrink without memory data keeps risk at least Medium on options with less memory, so they rank after those that keep it', () => {
    const u = usage('i-blind', 'm5.2xlarge')
      .series('cpu.utilization', 'max', repeat([10]))
      .build()
    const byPrice = analyze(u, { memoryBlind: 'allow-shrink', rankBy: 'price' })
    const shrunk = byPrice.options.filter((o) => catalog.get(String(o.change.instanceType))!.memoryGiB < 32)
    expect(shrunk.length).toBeGreaterThan(0)
    for (const o of shrunk) expect(['Medium', 'High']).toContain(o.performanceRisk)
    // By risk (the default), the VeryLow options that keep 32 GiB come first.
    const byRisk = analyze(u, { memoryBlind: 'allow-shrink', maxOptions: 10 })
    expect(byRisk.options[0]!.performanceRisk).toBe('VeryLow')
    expect(catalog.get(String(byRisk.options[0]!.change.instanceType))!.memoryGiB).toBeGreaterThanOrEqual(32)
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
      { preferArchitecture: 'any' },
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
      { preferArchitecture: 'any' },
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

  it('more headroom never picks a cheaper option (price first)', () => {
    // Price first only: ranked by risk, more headroom can raise a pricier option's risk to its cheaper rival's level,
    // and the tie then goes to the cheaper one.
    fc.assert(
      fc.property(cpuSeries, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 40 }), (values, h, dh) => {
        const a = analyze(build(values), { cpuHeadroomPct: h, memoryHeadroomPct: h, rankBy: 'price' })
        const b = analyze(build(values), { cpuHeadroomPct: h + dh, memoryHeadroomPct: h + dh, rankBy: 'price' })
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

describe('ec2.rightsize ranking, demand capped at the ceiling, peaks and wording (issue 12)', () => {
  const riskRankOf = (r: string) => ['VeryLow', 'Low', 'Medium', 'High'].indexOf(r)
  const archChange = (o: { platformDifferences: readonly string[] }) => (o.platformDifferences.includes('Architecture') ? 1 : 0)
  const pattern = fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 48 })

  it('risk before price: no higher-risk option ranks above a lower-risk one (within an architecture by default, across with any)', () => {
    fc.assert(
      fc.property(pattern, fc.constantFrom('m5.large', 'm5.2xlarge', 'c5.xlarge', 'r5.xlarge', 'm6g.xlarge'), (p, type) => {
        const u = usage('i-p', type)
          .series('cpu.utilization', 'max', repeat(p))
          .series('mem.utilization', 'max', repeat(p.map((v) => v / 2)))
          .build()
        const byDefault = analyze(u, { maxOptions: 5 }).options
        for (let i = 1; i < byDefault.length; i++) {
          const [a, b] = [byDefault[i - 1]!, byDefault[i]!]
          expect(archChange(a)).toBeLessThanOrEqual(archChange(b)) // the current architecture first
          if (archChange(a) === archChange(b)) expect(riskRankOf(a.performanceRisk)).toBeLessThanOrEqual(riskRankOf(b.performanceRisk))
        }
        const together = analyze(u, { maxOptions: 5, preferArchitecture: 'any' }).options
        // the last place may hold the same-architecture answer chooseOptions keeps; every other pair is in risk order
        for (let i = 1; i < together.length - 1; i++)
          expect(riskRankOf(together[i - 1]!.performanceRisk)).toBeLessThanOrEqual(riskRankOf(together[i]!.performanceRisk))
      }),
      { numRuns: 60 },
    )
  })

  it('price first on request: the cheapest option ranks first whatever its risk, and its peaks are flagged', () => {
    // m5.xlarge (4 vCPU) at 5% CPU with ten 5-minute peaks at 100% (0.25% of 4,032 intervals, under the 0.5% that P99.5
    // ignores): need 0.05 x 4 x 1.2 = 0.24 vCPU. Price first picks a 2-vCPU t3a.small ($0.0188/h, $13.72/month): the
    // 4-vCPU peaks are 200% of its capacity, so 10 intervals exceed it (s100 = 0.248%, over 0.1%): Medium risk, flagged.
    // Risk first (the default) picks the cheapest type those peaks fit: t3a.xlarge (4 vCPU), VeryLow.
    const u = usage('i-spiky', 'm5.xlarge')
      .series('cpu.utilization', 'max', [...repeat([5], 4032 - 10), ...repeat([100], 10)])
      .series('mem.utilization', 'max', repeat([10]))
      .build()
    const cheap = analyze(u, { rankBy: 'price' }).options[0]!
    expect([cheap.change.instanceType, cheap.performanceRisk, cheap.monthlyCost]).toEqual(['t3a.small', 'Medium', 13.72])
    const cpu = cheap.dimensions.find((d) => d.dimension === 'cpu')!
    expect([cpu.peak, cpu.peakUtilization]).toEqual([4, 200])
    expect(cheap.notes).toContain("Peaks would saturate: the highest 5-minute cpu demand (4 vCPU) is 200% of t3a.small's 2 vCPU.")
    const safe = analyze(u).options[0]!
    expect([safe.change.instanceType, safe.performanceRisk]).toEqual(['t3a.xlarge', 'VeryLow'])
    expect(safe.notes.some((n) => n.startsWith('Peaks would saturate'))).toBe(false)
  })

  it('CPU at its ceiling: the need is a lower bound, said in the summary and evidence, and every option’s CPU risk is at least Medium', () => {
    // m5.xlarge with 30 of 4,032 five-minute maxima at 100% (0.744%, more than the 0.5% P99.5 ignores): p99.5 = 100%,
    // need >= 4 x 1.2 = 4.8 vCPU. Without the cap an 8-vCPU option would be VeryLow (no recorded value above 4 vCPU).
    const u = usage('i-capped', 'm5.xlarge')
      .series('cpu.utilization', 'max', [...repeat([60], 4032 - 30), ...repeat([100], 30)])
      .series('mem.utilization', 'max', repeat([40]))
      .build()
    const rec = analyze(u)
    expect(rec.finding).toBe('Underprovisioned')
    expect(rec.summary).toContain('need at least 4.8 vCPU')
    expect(rec.summary).toContain('CPU was at its ceiling (99.5% or more) in 30 of 4032 intervals (0.744%)')
    expect(rec.evidence.find((e) => e.stat.startsWith('intervals at 99.5% CPU or more'))?.value).toBe(30)
    expect(rec.options.length).toBeGreaterThan(0)
    for (const o of rec.options) {
      const cpu = o.dimensions.find((d) => d.dimension === 'cpu')!
      expect(cpu.risk).toBe('Medium')
      expect(cpu.note).toMatch(/the need is a lower bound/)
    }
    // Below the ceiling at p99.5 (29 of the 30 peaks at 99%): the need is measured, not censored.
    const fine = analyze(
      usage('i-fine', 'm5.xlarge')
        .series('cpu.utilization', 'max', [...repeat([60], 4032 - 30), ...repeat([99], 29), 100])
        .series('mem.utilization', 'max', repeat([40]))
        .build(),
    )
    expect(fine.summary).not.toContain('at least')
    expect(fine.evidence.some((e) => e.stat.startsWith('intervals at'))).toBe(false)
  })

  it('an under-provisioned resource whose fix is cheaper "fits and saves"', () => {
    // x1e.xlarge (4 vCPU, 122 GiB, $0.834/h: $608.82/month) at 95% CPU and 5% memory: need 4.56 vCPU, 7.32 GiB, and
    // its 120 GB of instance storage kept. c5ad.2xlarge ($0.344/h: $251.12) fits and saves 608.82 - 251.12 = $357.70.
    const rec = analyze(
      usage('i-x1e', 'x1e.xlarge')
        .series('cpu.utilization', 'max', repeat([95]))
        .series('cpu.utilization', 'avg', repeat([80]))
        .series('mem.utilization', 'max', repeat([5]))
        .build(),
    )
    expect(rec.finding).toBe('Underprovisioned')
    expect(rec.options[0]!.monthlySavings).toBe(357.7)
    expect(rec.summary).toContain('c5ad.2xlarge fits and saves $358/month')
    expect(rec.summary).not.toMatch(/\$-|more;/)
  })

  it('values under 1 keep significant digits: a 0.26569% CPU peak is 0.2657, not 0.266', () => {
    const rec = analyze(
      usage('i-idle', 'm5.large')
        .series('cpu.utilization', 'max', repeat([0.1, 0.26569]))
        .build(),
    )
    expect(rec.evidence.find((e) => e.stat === 'max of 5-minute maxima')?.value).toBe(0.2657)
  })
})

describe('ec2.rightsize and the instance platform (issue 21, item 2)', () => {
  const busy = (platform?: string) => {
    const u = usage('i-plat', 'm5.2xlarge')
      .series('cpu.utilization', 'max', repeat([20]))
      .series('mem.utilization', 'max', repeat([25]))
      .build()
    return platform ? { ...u, resource: { ...u.resource, attributes: { ...u.resource.attributes, platform } } } : u
  }

  it('Windows: never Linux prices, never Graviton; options still ranked (by their Linux price) and the finding still made', () => {
    const out = ec2Rightsize.analyze({ usage: busy('Windows'), catalog, services }, opts({ preferArchitecture: 'any' }))
    const rec = out.recommendations[0]!
    expect(rec.current).toMatchObject({ platform: 'Windows', monthlyCost: null })
    expect(rec.estimatedMonthlySavings).toBeNull()
    expect(rec.finding).toBe('Overprovisioned')
    expect(rec.options.length).toBeGreaterThan(0)
    for (const o of rec.options) {
      expect([o.monthlyCost, o.monthlySavings]).toEqual([null, null])
      expect(catalog.get(String(o.change.instanceType))!.architectures).toContain('x86_64')
      expect(o.platformDifferences).not.toContain('Architecture')
      expect(o.notes[0]).toBe('Price unknown: the catalog has no Windows price; ranked by its Linux/UNIX price.')
    }
    expect(out.issues.find((i) => i.code === 'PRICE_UNKNOWN')?.message).toMatch(/runs Windows: the catalog has Linux\/UNIX prices only.*no Graviton options/)
    expect(rec.summary).toMatch(/savings unknown: the catalog has no Windows prices/)
  })

  it('RHEL runs on arm64: Graviton stays an option, but nothing is priced as Linux', () => {
    const rec = analyze(busy('Red Hat Enterprise Linux'))
    expect(rec.current.monthlyCost).toBeNull()
    expect(rec.options.some((o) => o.platformDifferences.includes('Architecture'))).toBe(true)
    expect(rec.options.every((o) => o.monthlyCost === null)).toBe(true)
  })

  it('Linux/UNIX (as discovery writes it, or no platform) is priced as before', () => {
    expect(analyze(busy('Linux/UNIX')).current.monthlyCost).toBe(280.32)
    expect(analyze(busy()).current.monthlyCost).toBe(280.32)
  })
})
