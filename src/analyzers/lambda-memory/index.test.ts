import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import { costPerInvocation } from '../../catalog/lambda.js'
import type { UsageSummary } from '../../store/types.js'
import { repeat, usage } from '../test-utils.js'
import { durationAt, elasticity, LambdaOptionsSchema, lambdaMemory } from './index.js'

const services = loadServiceCatalogs()

const catalog = loadCatalog()
const N = 14 * 288
/** A function at `rate` invocations/s for 14 days with a constant duration; errors per second optional. */
function fn(attrs: Record<string, string | number>, o: { ms: number; rate?: number; memUsedMB?: number; errors?: number; n?: number }): UsageSummary {
  let b = usage('fn-1', undefined)
    .series('lambda.duration_ms', 'avg', repeat([o.ms], o.n ?? N))
    .series('lambda.invocations_per_s', 'avg', repeat([o.rate ?? 10], o.n ?? N))
  if (o.memUsedMB !== undefined) b = b.series('lambda.memory_used_mb', 'max', repeat([o.memUsedMB], o.n ?? N))
  if (o.errors !== undefined) b = b.series('lambda.errors_per_s', 'avg', repeat([o.errors], o.n ?? N))
  const u = b.build()
  // 14 days of data in a 14-day window: monthly invocations = 10/s x 730 h x 3600 = 26,280,000.
  return { ...u, window: { start: 0, end: 14 * 86_400_000 }, resource: { ...u.resource, kind: 'lambda-function', attributes: attrs } }
}
const run = (u: UsageSummary) => lambdaMemory.analyze({ usage: u, catalog, services }, LambdaOptionsSchema.parse({})).recommendations
const MONTHLY = 26_280_000

describe('Lambda prices used below', () => {
  it('are the bundled us-east-1 first-tier prices', () => {
    const p = services.lambda
    expect(p.requestUsd).toBeCloseTo(0.2e-6, 15)
    expect([p.gbSecondUsd.x86_64, p.gbSecondUsd.arm64]).toEqual([0.0000166667, 0.0000133334])
    // aws-facts §6 worked check: 1 M invocations x 128 MB x 100 ms = 12,500 GB-s -> $0.21 + $0.20.
    expect(costPerInvocation(128, 100, 'x86_64', services.lambda) * 1e6).toBeCloseTo(0.2083 + 0.2, 3)
  })
})

describe('lambda.memory worked examples', () => {
  it('I/O-bound by evidence: 1024 MB x86 -> 256 MB arm64', () => {
    // Measured 210 ms at 256 MB, 205 at 512, 200 at 1024: elasticity between 512 and 1024 = ln(205/200)/ln 2 = 0.036.
    // Today 1024 MB x86: 1 GB x 0.2 s x 0.0000166667 + 0.0000002 = $3.53334e-6 x 26.28 M = $92.86/month.
    // 128 MB is below the measured range, so duration doubles per halving: 210 x 256/128 = 420 ms;
    // arm64: 0.125 x 0.42 x 0.0000133334 + 0.0000002 = $9.0e-7 x 26.28 M = $23.65. 256 MB arm64 at its measured 210 ms
    // costs the same (0.25 x 0.21 = 0.125 x 0.42 GB-s), and at equal cost the faster size wins: 256 MB arm64, $23.65.
    const [rec] = run(fn({ memorySizeMB: 1024, architecture: 'x86_64', durationByMemory: '256:210,512:205,1024:200' }, { ms: 200, memUsedMB: 90 }))
    expect(rec!.current.monthlyCost).toBe(92.86)
    expect(rec!.options[0]!.change).toEqual({ memorySizeMB: 256, architecture: 'arm64' })
    expect(rec!.options[0]!.monthlyCost).toBeCloseTo(costPerInvocation(256, 210, 'arm64', services.lambda) * MONTHLY, 2)
    expect(rec!.options[0]!.monthlyCost).toBe(23.65)
    expect([rec!.finding, rec!.reasons]).toEqual(['Overprovisioned', ['MemoryOverprovisioned', 'ArchitectureChange']])
    expect(rec!.evidence.find((e) => e.stat === 'classification')!.note).toMatch(
      /^I\/O-bound: duration 205 ms at 512 MB and 200 ms at 1024 MB: elasticity 0\.04/,
    )
  })

  it('CPU-bound by evidence: the same cost at every size below one vCPU, so the fastest', () => {
    // 1600 ms at 256, 800 at 512, 400 at 1024, 380 at 2048: elasticity 1 between 512 and 1024. x86 cost per invocation
    // is 0.5 x 0.8 = 0.25 x 1.6 = 1 x 0.4 = 0.4 GB-s at 256, 512 and 1024 MB; arm64 is 20% cheaper: 1024 MB arm64
    // runs 400 ms for 0.4 x 0.0000133334 + 0.0000002 = $5.53336e-6 x 26.28 M = $145.42 vs $180.46 today.
    const [rec] = run(fn({ memorySizeMB: 512, architecture: 'x86_64', durationByMemory: '256:1600,512:800,1024:400,2048:380' }, { ms: 800 }))
    expect(rec!.options[0]!.change).toEqual({ memorySizeMB: 1024, architecture: 'arm64' })
    expect([rec!.current.monthlyCost, rec!.options[0]!.monthlyCost]).toEqual([180.46, 145.42])
    expect(rec!.summary).toMatch(/It is CPU-bound: duration 800 ms at 512 MB and 400 ms at 1024 MB: elasticity 1/)
  })

  it('without a duration curve, downsizing is priced at its worst case and arm64 wins', () => {
    // 1024 MB, 100 ms, 200 MB used (floor 240 MB). Smaller sizes cost the same in the CPU-bound worst case
    // (0.25 GB x 0.4 s = 1 GB x 0.1 s), so the cheapest certain saving is arm64 at 1024 MB:
    // (0.0000166667 - 0.0000133334) x 0.1 = $3.3333e-7 x 26.28 M = $8.76/month.
    const [rec] = run(fn({ memorySizeMB: 1024, architecture: 'x86_64' }, { ms: 100, memUsedMB: 200 }))
    expect(rec!.options[0]!.change).toEqual({ memorySizeMB: 1024, architecture: 'arm64' })
    expect(rec!.options[0]!.monthlySavings).toBe(8.76)
    expect(rec!.options.every((o) => Number(o.change.memorySizeMB) >= 240)).toBe(true)
    const smaller = rec!.options.find((o) => Number(o.change.memorySizeMB) < 1024)
    if (smaller) expect(smaller.performanceRisk).toBe('Medium')
    expect(rec!.summary).toMatch(/CPU sensitivity unknown: the saving is the worst case/)
  })

  it('memory nearly full is Underprovisioned; a high error rate is flagged (Trusted Advisor L4dfs2Q3C2)', () => {
    const recs = run(fn({ memorySizeMB: 1024, architecture: 'x86_64', timeoutSec: 3 }, { ms: 100, memUsedMB: 980, errors: 2 }))
    expect(recs.map((r) => [r.finding, r.reasons])).toEqual([
      ['Flagged', ['TrustedAdvisor:HighErrorRate']],
      ['Underprovisioned', ['MemoryUnderprovisioned']],
    ])
    expect(recs[1]!.options.every((o) => Number(o.change.memorySizeMB) > 1024)).toBe(true)
    expect(recs[0]!.evidence[0]!.value).toBe(20) // 2 errors per 10 invocations
  })

  it('InsufficientData with fewer than 50 invocations, or no memory setting', () => {
    expect(run(fn({ memorySizeMB: 512 }, { ms: 100, rate: 0.0001, n: 100 }))[0]!.reasons).toEqual(['InsufficientData'])
    expect(run(fn({}, { ms: 100 }))[0]!.reasons).toEqual(['MemoryUnknown'])
  })
})

describe('duration model', () => {
  it('interpolates measured points, is conservative outside them, and never speeds up with less memory', () => {
    const pts = [
      { mb: 256, ms: 1000 },
      { mb: 1024, ms: 250 },
    ]
    expect(durationAt(pts, 512)).toBeCloseTo(500, 9) // log-log midpoint
    expect(durationAt(pts, 128)).toBe(2000)
    expect(durationAt(pts, 4096)).toBe(250)
    expect(elasticity(pts[0]!, pts[1]!)).toBeCloseTo(1, 12)
    fc.assert(
      fc.property(fc.integer({ min: 128, max: 10240 }), fc.integer({ min: 128, max: 10240 }), (a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a]
        expect(durationAt(pts, lo)).toBeGreaterThanOrEqual(durationAt(pts, hi) - 1e-9)
      }),
    )
  })
})

describe('lambda.memory timeout risk from the longest invocations (issue 21, item 3)', () => {
  it('a function peaking at 2,990 ms under a 3 s timeout is at risk, whatever its 5-minute averages say, and never gets less memory', () => {
    // 1024 MB x86, averages 300 ms, but Duration Maximum reaches 2,990 ms once a day: 2,990 > 0.9 x 3,000 = 2,700.
    const u = fn({ memorySizeMB: 1024, architecture: 'x86_64', timeoutSec: 3 }, { ms: 300 })
    const maxima = repeat([...repeat([600], 287), 2990], N)
    const withMax: UsageSummary = {
      ...u,
      metrics: {
        ...u.metrics,
        'lambda.duration_ms': {
          ...u.metrics['lambda.duration_ms'],
          max: usage('x', undefined).series('lambda.duration_ms', 'max', maxima).build().metrics['lambda.duration_ms']!.max!,
        },
      },
    }
    const [rec] = run(withMax)
    expect(rec!.finding).toBe('Underprovisioned')
    expect(rec!.reasons).toContain('DurationNearTimeout')
    expect(rec!.currentPerformanceRisk).toBe('High')
    expect(rec!.evidence.find((e) => e.stat === 'longest invocation (max of 5-minute maxima)')?.value).toBe(2990)
    for (const o of rec!.options) expect(Number(o.change.memorySizeMB)).toBeGreaterThan(1024)
    // More memory helps only if it is CPU-bound: at 1,769 MB (one vCPU) 2,990 x 1024 / 1769 = 1,731 ms. Same architecture
    // first (no migration on top of a risk); sizes past one vCPU give a single thread no more relief, so cost decides.
    expect(rec!.options.map((o) => `${String(o.change.memorySizeMB)} ${String(o.change.architecture)}`)).toEqual(['1769 x86_64', '2048 x86_64', '3008 x86_64'])
    expect(rec!.options[0]!.notes).toContain(
      'If it is CPU-bound, its longest invocations fall to about 1731 ms here; if it waits on I/O, more memory does not help: raise the timeout instead.',
    )
    expect(rec!.summary).toMatch(/The longest invocation took 2990 ms of the 3 s timeout: raise the timeout, or give it more CPU/)
    // The same averages without the maxima: the old reading (Overprovisioned, less memory) is what the averages allow.
    const [blind] = run(u)
    expect(blind!.finding).not.toBe('Underprovisioned')
  })
})
