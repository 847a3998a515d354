import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { skipWithoutClickHouse, startCluster, type Cluster } from '../../../test/utils/clickhouse.js'
import { tmpProject } from '../../../test/utils/tmp.js'
import { ToolError } from '../../core/errors.js'
import type { MetricName, Statistic } from '../../core/metrics.js'
import type { ResourceRef } from '../../core/report.js'
import { DuckDbStore } from '../duckdb/store.js'
import type { CollectedSeries } from '../types.js'
import { ClickHouseStore } from './store.js'
import { parseStoreUrl } from './url.js'

// A real two-shard ClickHouse (Debian's clickhouse-server, two processes on loopback) and a real DuckDB file.
const tmp = tmpProject('headroom-ch-store-')
let cluster: Cluster
let dbs = 0
const url = () => `${cluster.url(`t${++dbs}`)}?shards=${cluster.shards.map((s) => `127.0.0.1:${s.http}`).join(',')}`
const open = (u: string, readOnly = false) => ClickHouseStore.open(parseStoreUrl(u), { readOnly })

beforeAll(async () => {
  if (!skipWithoutClickHouse) cluster = await startCluster()
}, 120_000)
afterAll(async () => {
  await cluster?.stop()
})

const DAY = 86_400_000
const T0 = Date.UTC(2026, 0, 1)
/** One resource with one sample, committed: what a failed write must leave as it was. Returns the counts after it. */
async function seedOne(ch: ClickHouseStore) {
  await ch.appendSeries(
    [{ resourceId: 'i-keep', metric: 'cpu.utilization', stat: 'max', periodSec: 300, ts: Float64Array.from([T0]), values: Float64Array.from([7]) }],
    'test',
    'kept',
    { provider: 'aws', kind: 'ec2-instance' },
  )
  return ch.counts()
}

/** `n` resources with one CPU series each, `points` samples from T0: enough that cityHash64 sends some to each shard. */
const fleet = (n: number, points: number): CollectedSeries[] =>
  Array.from({ length: n }, (_, i) => ({
    resourceId: `i-${i}`,
    metric: 'cpu.utilization' as const,
    stat: 'max' as const,
    periodSec: 300,
    ts: Float64Array.from({ length: points }, (_, k) => T0 + k * 300_000),
    values: Float64Array.from({ length: points }, (_, k) => i + k),
  }))
const ref = (id: string): ResourceRef => ({
  provider: 'aws',
  kind: 'ec2-instance',
  id,
  region: 'us-east-1',
  attributes: { instanceType: 'm5.large' },
  tags: {},
})

/** Both stores with the same resources and series, written the same way (appendSeries in a transaction). */
async function both(series: CollectedSeries[], refs: ResourceRef[]): Promise<{ duck: DuckDbStore; ch: ClickHouseStore }> {
  const duck = await DuckDbStore.open(tmp.path(`d${dbs + 1}`))
  const ch = await open(url())
  for (const s of [duck, ch])
    await s.transaction(async () => {
      await s.upsertResources(refs)
      await s.appendSeries(series, 'test', 'property', { provider: 'aws', kind: 'ec2-instance' })
    })
  return { duck, ch }
}

describe.skipIf(skipWithoutClickHouse)('ClickHouse store on two shards', () => {
  it('summarises usage exactly as the DuckDB store: every quantile, edge, count, average and day to the last bit (property)', async () => {
    // Values from a small set with ties and fine fractions, 1-minute data (rolled up to 5 minutes) beside 5-minute
    // and hourly data, gaps, and now and then a straggler days after the rest: the cases the window rules are about.
    const value = fc.oneof(fc.constantFrom(0, 12.5, 99.5, 100, 98), fc.double({ min: 0, max: 100, noNaN: true, noDefaultInfinity: true }))
    const seriesArb = fc.record({
      r: fc.integer({ min: 0, max: 5 }),
      metric: fc.constantFrom<MetricName>('cpu.utilization', 'mem.utilization', 'net.in.bytes_per_s'),
      stat: fc.constantFrom<Statistic>('max', 'avg', 'sum', 'min'),
      period: fc.constantFrom(60, 300, 3600),
      start: fc.integer({ min: 0, max: 2 * 288 }),
      values: fc.array(value, { minLength: 1, maxLength: 400 }),
      gap: fc.integer({ min: 1, max: 3 }),
      straggler: fc.option(fc.integer({ min: 3, max: 20 }), { nil: undefined }),
    })
    await fc.assert(
      fc.asyncProperty(fc.array(seriesArb, { minLength: 1, maxLength: 6 }), fc.boolean(), async (specs, asOf) => {
        const seen = new Set<string>()
        const series: CollectedSeries[] = []
        for (const s of specs) {
          const key = `${s.r}/${s.metric}/${s.stat}/${s.period}`
          if (seen.has(key)) continue
          seen.add(key)
          const ts = s.values.map((_, i) => T0 + s.start * 300_000 + i * s.gap * s.period * 1000)
          const values = [...s.values]
          if (s.straggler !== undefined) {
            ts.push(ts.at(-1)! + s.straggler * DAY)
            values.push(values[0]!)
          }
          series.push({
            resourceId: `i-${s.r}`,
            metric: s.metric,
            stat: s.stat,
            periodSec: s.period,
            ts: Float64Array.from(ts),
            values: Float64Array.from(values),
          })
        }
        const { duck, ch } = await both(series, [ref('i-0'), ref('i-1'), ref('i-idle')])
        try {
          const q = { lookbackDays: 2, ...(asOf ? { asOf: T0 + 1.5 * DAY } : {}) }
          const [a, b] = [await duck.usage(q), await ch.usage(q)]
          expect(JSON.stringify(b)).toBe(JSON.stringify(a))
          expect(await ch.counts()).toEqual(await duck.counts())
          expect(await ch.resources()).toEqual(await duck.resources())
        } finally {
          duck.close()
          ch.close()
        }
      }),
      { numRuns: 25 },
    )
  }, 600_000)

  it('merges idempotently: a second append adds nothing, and a changed value is counted as conflicting and not stored', async () => {
    const u = url()
    const ch = await open(u)
    try {
      const s: CollectedSeries = {
        resourceId: 'i-a',
        metric: 'cpu.utilization',
        stat: 'max',
        periodSec: 300,
        ts: Float64Array.from([T0, T0 + 300_000]),
        values: Float64Array.from([1, 2]),
      }
      const first = await ch.appendSeries([s], 'test', 'first', { provider: 'aws', kind: 'ec2-instance' })
      expect(first).toEqual({ rowsRead: 2, rowsAdded: 2, alreadyStored: 0, conflicting: 0, resourcesCreated: 1 })
      const again = await ch.appendSeries([{ ...s, values: Float64Array.from([1, 5]) }], 'test', 'again', { provider: 'aws', kind: 'ec2-instance' })
      expect(again).toEqual({ rowsRead: 2, rowsAdded: 0, alreadyStored: 2, conflicting: 1, resourcesCreated: 0 })
      const u2 = await ch.usage({ lookbackDays: 1 })
      expect(u2[0]!.metrics['cpu.utilization']!.max!.max).toBe(2)
      expect(await ch.counts()).toEqual({ resources: 1, samples: 2, series: 1, imports: 2 })
    } finally {
      ch.close()
    }
  })

  it('a failed write leaves the store as it was, for this reader and any other', async () => {
    const u = url()
    const ch = await open(u)
    try {
      const before = await seedOne(ch)
      const many = fleet(40, 2)
      await expect(
        ch.transaction(async () => {
          await ch.upsertResources([ref('i-new')])
          await ch.appendSeries(many, 'test', 'lost', { provider: 'aws', kind: 'ec2-instance' })
          throw new Error('collector failed after writing')
        }),
      ).rejects.toThrow('collector failed after writing')
      expect(await ch.counts()).toEqual(before)
      const other = await open(u, true)
      try {
        expect(await other.counts()).toEqual(before)
        expect((await other.resources()).map((r) => r.id)).toEqual(['i-keep'])
      } finally {
        other.close()
      }
    } finally {
      ch.close()
    }
  })

  it('concurrent collections are separate batches: one failing loses only its own rows', async () => {
    const ch = await open(url())
    try {
      const ok = ch.transaction(async () => {
        await new Promise((r) => setTimeout(r, 50))
        return ch.appendSeries(fleet(3, 2), 'test', 'ok', { provider: 'aws', kind: 'ec2-instance' })
      })
      const failing = ch.transaction(async () => {
        await ch.appendSeries(
          [{ resourceId: 'i-lost', metric: 'cpu.utilization', stat: 'max', periodSec: 300, ts: Float64Array.from([T0]), values: Float64Array.from([1]) }],
          'test',
          'lost',
          { provider: 'aws', kind: 'ec2-instance' },
        )
        throw new Error('worker failed')
      })
      // Writes from outside any transaction queue behind the open ones, as their own batch.
      const outside = ch.replaceSourceIssues('test', [{ code: 'X', severity: 'info', message: 'kept' }], T0)
      const [a, b, c] = await Promise.allSettled([ok, failing, outside])
      expect(a.status).toBe('fulfilled')
      expect(b.status).toBe('rejected')
      expect(c.status).toBe('fulfilled')
      expect((await ch.resources()).map((r) => r.id)).toEqual(['i-0', 'i-1', 'i-2'])
      expect(await ch.counts()).toEqual({ resources: 3, samples: 6, series: 3, imports: 1 })
      expect((await ch.sourceIssues()).map((i) => i.message)).toEqual(['kept'])
    } finally {
      ch.close()
    }
  })

  it('a shard down mid-way fails the write and the read with the store named, and nothing of the write appears after it is back', async () => {
    const u = url()
    const ch = await open(u)
    try {
      const before = await seedOne(ch)
      await cluster.kill(1)
      const many = fleet(40, 1) // cityHash64 sends some to the shard that is down
      const write = await ch.appendSeries(many, 'test', 'lost', { provider: 'aws', kind: 'ec2-instance' }).catch((e: unknown) => e)
      expect(write).toBeInstanceOf(ToolError)
      expect((write as ToolError).exitCode).toBe(3)
      const read = await ch.usage({ lookbackDays: 1 }).catch((e: unknown) => e)
      expect(read).toBeInstanceOf(ToolError)
      expect((read as ToolError).message).toContain(parseStoreUrl(u).display)
      await cluster.restart(1)
      const after = await open(u, true)
      try {
        expect(await after.counts()).toEqual(before)
      } finally {
        after.close()
      }
    } finally {
      ch.close()
    }
  }, 120_000)

  it('an unreachable server is a store error naming the URL without its credentials', async () => {
    const err = await ClickHouseStore.open(parseStoreUrl('clickhouse://alice:s3cret@127.0.0.1:9/headroom')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ToolError)
    expect((err as ToolError).exitCode).toBe(3)
    expect((err as ToolError).message).toContain('127.0.0.1:9')
    expect((err as ToolError).message).not.toContain('s3cret')
    expect((err as ToolError).message).not.toContain('alice')
  })

  it('a wrong password is a store error saying where credentials go, without printing them', async () => {
    const u = url().replace('clickhouse://', 'clickhouse://default:wrong-secret@')
    const err = await open(u).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ToolError)
    expect((err as ToolError).message).toMatch(/: Wrong password for user default \(ClickHouse code 193\)$/)
    expect((err as ToolError).message).not.toContain('wrong-secret')
    expect((err as ToolError).hint).toContain('clickhouse://user:password@host:8123/db')
  })

  it('a store that was never written is named, with how to fill it', async () => {
    const err = await open(url(), true).catch((e: unknown) => e)
    expect((err as ToolError).message).toMatch(/^No headroom store at clickhouse:\/\/127\.0\.0\.1:\d+\/t\d+\?shards=/)
    expect((err as ToolError).hint).toContain('headroom migrate --from .headroom --to URL')
  })
})
