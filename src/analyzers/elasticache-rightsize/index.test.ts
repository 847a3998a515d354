import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import type { MetricName, Statistic } from '../../core/metrics.js'
import type { ResourceRef } from '../../core/report.js'
import { repeat, resourceUsage, seriesUsage } from '../test-utils.js'
import { CacheOptionsSchema, elastiCacheRightsize } from './index.js'

const services = loadServiceCatalogs()

const catalog = loadCatalog()
const o = CacheOptionsSchema.parse({})
const node = (nodeType: string, engine = 'redis'): ResourceRef => ({
  provider: 'file',
  kind: 'elasticache-node',
  id: 'sessions-001',
  region: 'us-east-1',
  attributes: { nodeType, engine },
  tags: {},
})
const N = 14 * 288
function run(nodeType: string, series: [MetricName, Statistic, number][], engine = 'redis') {
  const u = resourceUsage(node(nodeType, engine))
  for (const [m, s, v] of series) u.metrics[m] = { ...(u.metrics[m] ?? {}), [s]: seriesUsage(m, s, repeat([v], N)) }
  return elastiCacheRightsize.analyze({ usage: u, catalog, services }, o).recommendations[0]!
}
const lookups = (hits: number, misses: number): [MetricName, Statistic, number][] => [
  ['cache.hits_per_s', 'avg', hits],
  ['cache.misses_per_s', 'avg', misses],
]

describe('elasticache.rightsize', () => {
  it('worked example: an r6g.xlarge at 10% CPU and 30% memory fits an r6g.large', () => {
    // r6g.xlarge: 4 vCPU, 32 GiB (EC2). CPU need 0.10 x 4 x 1.2 = 0.48 vCPU <= 2 (r6g.large).
    // Memory: 30% of the current node, need 0.30 x 1.2 = 0.36 of it; r6g.large has 16 / 32 = 0.5 of it -> fits, 60% used.
    const rec = run('cache.r6g.xlarge', [
      ['cpu.utilization', 'max', 10],
      ['cache.memory.utilization', 'max', 30],
      ['cache.engine_cpu.utilization', 'max', 15],
      ...lookups(900, 100),
    ])
    expect(rec.finding).toBe('Overprovisioned')
    expect(rec.options[0]!.change).toEqual({ nodeType: 'cache.r6g.large' })
    const mem = rec.options[0]!.dimensions.find((d) => d.dimension === 'memory')!
    expect(mem.projectedUtilization).toBe(60)
    expect(mem.need).toBe(0.36)
    expect(rec.estimatedMonthlySavings).toBeNull() // neither r6g price is in the bundled data: unknown, not invented
    expect(rec.evidence.find((e) => e.stat.startsWith('hit ratio'))!.value).toBe(0.9)
  })

  it('evicting at 98% memory is Underprovisioned and moves up a size', () => {
    // m6g.large 8 GiB (EC2): need 0.98 x 1.2 = 1.176 of the node; m6g.xlarge has 2x -> fits.
    const rec = run('cache.m6g.large', [
      ['cpu.utilization', 'max', 20],
      ['cache.memory.utilization', 'max', 98],
      ['cache.evictions_per_s', 'avg', 5],
      ...lookups(500, 500),
    ])
    expect(rec.finding).toBe('Underprovisioned')
    expect(rec.reasons).toContain('MemoryUnderprovisioned')
    expect(rec.options[0]!.change.nodeType).toBe('cache.m6g.xlarge')
    expect(rec.evidence.find((e) => e.stat.startsWith('hit ratio'))!.note).toMatch(/too small/)
  })

  it('a hot engine thread is Underprovisioned and calls for shards, not a larger node', () => {
    const rec = run('cache.r6g.2xlarge', [
      ['cpu.utilization', 'max', 14],
      ['cache.memory.utilization', 'max', 40],
      ['cache.engine_cpu.utilization', 'max', 95],
    ])
    expect(rec.finding).toBe('Underprovisioned')
    expect(rec.reasons).toContain('EngineCPUOverutilized')
    expect(rec.summary).toMatch(/add shards/)
    // Memcached has no single engine thread: the same host load is judged on CPUUtilization alone.
    expect(
      run(
        'cache.r6g.2xlarge',
        [
          ['cpu.utilization', 'max', 14],
          ['cache.memory.utilization', 'max', 40],
          ['cache.engine_cpu.utilization', 'max', 95],
        ],
        'memcached',
      ).reasons,
    ).not.toContain('EngineCPUOverutilized')
  })

  it('an idle node is flagged with its price where the catalog has one', () => {
    // cache.m4.large: $227.76 for 1,460 h in the infracost golden = $0.156/h x 730 = $113.88/month.
    const rec = run('cache.m4.large', [['cpu.utilization', 'max', 2], ...lookups(0, 0)], 'memcached')
    expect(rec.finding).toBe('Flagged')
    expect(rec.reasons).toEqual(['Idle'])
    expect(rec.estimatedMonthlySavings).toBe(113.88)
  })

  it('memory-blind: never shrinks memory without DatabaseMemoryUsagePercentage', () => {
    const rec = run('cache.r6g.xlarge', [['cpu.utilization', 'max', 5]])
    expect(rec.memoryBlind).toBe(true)
    expect(rec.finding).toBe('Optimized')
  })

  it('names what is missing', () => {
    expect(run('cache.x9.huge', [['cpu.utilization', 'max', 5]]).reasons).toEqual(['NodeTypeUnknown'])
    expect(run('cache.r6g.large', []).finding).toBe('InsufficientData')
  })

  it('property: more load never recommends a smaller node', () => {
    const order = [
      'cache.r6g.large',
      'cache.r6g.xlarge',
      'cache.r6g.2xlarge',
      'cache.r6g.4xlarge',
      'cache.r6g.8xlarge',
      'cache.r6g.12xlarge',
      'cache.r6g.16xlarge',
    ]
    const size = (r: ReturnType<typeof run>) => order.indexOf(String(r.options[0]?.change.nodeType ?? 'none'))
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 60, noNaN: true }),
        fc.double({ min: 0, max: 60, noNaN: true }),
        fc.double({ min: 1, max: 1.6, noNaN: true }),
        (cpu, mem, k) => {
          const a = run('cache.r6g.4xlarge', [
            ['cpu.utilization', 'max', cpu],
            ['cache.memory.utilization', 'max', mem],
          ])
          const b = run('cache.r6g.4xlarge', [
            ['cpu.utilization', 'max', cpu * k],
            ['cache.memory.utilization', 'max', mem * k],
          ])
          if (size(a) >= 0 && size(b) >= 0) expect(size(b)).toBeGreaterThanOrEqual(size(a))
          if (size(a) < 0) expect(size(b)).toBeLessThan(0)
        },
      ),
      { numRuns: 200 },
    )
  })
})
