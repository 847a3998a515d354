import { readFileSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { beforeAll, afterAll, describe, expect, it } from 'vitest'
import { DuckDBInstance } from '@duckdb/node-api'
import { csv, tmpProject } from '../../../test/utils/tmp.js'
import { InputError } from '../../core/errors.js'
import { DuckDbStore } from './store.js'
import { catalogChecks } from '../../app/import-checks.js'
import { loadWorkspaceCatalog } from '../../catalog/load.js'
import { importFiles } from './import-files.js'

const tmp = tmpProject()
const HEADER = 'resource_id,metric,timestamp,value'
const good = (n = 3) => Array.from({ length: n }, (_, i) => `i-1,cpu.utilization,2024-01-01T00:${String(i * 5).padStart(2, '0')}:00Z,${10 + i}`)

let store: DuckDbStore
/** A fingerprint of everything stored, to prove a failed import changed nothing. */
const fingerprint = async () =>
  JSON.stringify([
    await store.all('SELECT count(*)::INT n, coalesce(sum(value), 0) s FROM samples'),
    await store.all('SELECT id, kind, region, attributes::VARCHAR a FROM resources ORDER BY id'),
    await store.all('SELECT * EXCLUDE (first_ts, last_ts) FROM series ORDER BY ALL'),
    await store.all('SELECT count(*)::INT n FROM imports'),
  ])

beforeAll(async () => {
  store = await DuckDbStore.open(tmp.path('ws'))
  await importFiles(store, [
    tmp.file('seed.csv', csv(HEADER, good(5))),
    tmp.file('seed.json', JSON.stringify([{ id: 'i-1', kind: 'ec2-instance', region: 'us-east-1', instanceType: 'm5.large' }])),
  ])
})
afterAll(() => store.close())

interface BadCase {
  name: string
  file: () => string
  /** Expected location and message pattern. */
  row?: number
  column?: string
  message: RegExp
  hint?: RegExp
}

const gzTruncated = () => {
  const gz = gzipSync(Buffer.from(csv(HEADER, good(200))))
  return tmp.file('cut.csv.gz', gz.subarray(0, gz.length - 20))
}

const BAD: BadCase[] = [
  {
    name: 'missing column',
    file: () => tmp.file('nocol.csv', csv('resource_id,metric,timestamp', ['i-1,cpu.utilization,2024-01-01T00:00:00Z'])),
    column: 'value',
    message: /missing column 'value'/,
  },
  {
    name: 'unknown column',
    file: () => tmp.file('extra.csv', csv(`${HEADER},valeu`, ['i-1,cpu.utilization,2024-01-01T00:00:00Z,1,2'])),
    column: 'valeu',
    message: /unknown column 'valeu'/,
  },
  {
    name: 'unparsable number',
    file: () => tmp.file('num.csv', csv(HEADER, [...good(2), 'i-1,cpu.utilization,2024-01-02T00:00:00Z,12,5'.replace('12,5', '"12,5"')])),
    row: 3,
    column: 'value',
    message: /value '12,5' is not a number/,
  },
  {
    name: 'unparsable timestamp',
    file: () => tmp.file('ts.csv', csv(HEADER, [...good(1), 'i-1,cpu.utilization,yesterday,3'])),
    row: 2,
    column: 'timestamp',
    message: /timestamp 'yesterday' is not a date-time/,
    hint: /ISO 8601/,
  },
  {
    name: 'unknown metric',
    file: () => tmp.file('metric.csv', csv(HEADER, ['i-1,cpu_util,2024-01-01T00:00:00Z,3'])),
    row: 1,
    column: 'metric',
    message: /unknown metric 'cpu_util'/,
    hint: /cpu\.utilization.*CPUUtilization/,
  },
  {
    name: 'NaN',
    file: () => tmp.file('nan.csv', csv(HEADER, [...good(3), 'i-1,cpu.utilization,2024-01-02T00:00:00Z,NaN'])),
    row: 4,
    column: 'value',
    message: /'NaN' is NaN or infinite/,
  },
  {
    name: 'Inf',
    file: () => tmp.file('inf.csv', csv(HEADER, ['i-1,net.in.bytes_per_s,2024-01-02T00:00:00Z,inf'])),
    row: 1,
    column: 'value',
    message: /NaN or infinite/,
  },
  {
    name: 'negative',
    file: () => tmp.file('neg.csv', csv(HEADER, ['i-1,NetworkIn,2024-01-02T00:00:00Z,-5'])),
    row: 1,
    column: 'value',
    message: /-5 is negative/,
  },
  {
    name: 'over 100 percent',
    file: () => tmp.file('pct.csv', csv(HEADER, [...good(2), 'i-1,mem.utilization,2024-01-02T00:00:00Z,100.5'])),
    row: 3,
    column: 'value',
    message: /100\.5 is over 100 for a percent metric/,
  },
  {
    name: 'duplicate rows',
    file: () => tmp.file('dup.csv', csv(HEADER, [...good(3), 'i-1,cpu.utilization,2024-01-01T00:05:00Z,11'])),
    row: 4,
    column: 'timestamp',
    message: /duplicate sample: rows 2 and 4/,
  },
  {
    name: 'samples denser than the period',
    file: () =>
      tmp.file(
        'dense.csv',
        csv(
          HEADER,
          Array.from({ length: 30 }, (_, i) => `i-2,cpu.utilization,${new Date(Date.UTC(2024, 1, 1) + i * 60_000).toISOString()},5`),
        ),
      ),
    column: 'period',
    message: /60 s apart on average, closer than the period of 300 s/,
    hint: /--period 60/,
  },
  {
    name: 'unit that does not fit the metric',
    file: () => tmp.file('unit.csv', csv(`${HEADER},unit`, ['i-1,NetworkIn,2024-01-02T00:00:00Z,5,percent'])),
    row: 1,
    column: 'unit',
    message: /unit 'percent' does not fit metric 'NetworkIn'/,
  },
  {
    name: 'unknown statistic',
    file: () => tmp.file('stat.csv', csv(`${HEADER},stat`, ['i-1,cpu.utilization,2024-01-02T00:00:00Z,5,p42'])),
    row: 1,
    column: 'stat',
    message: /unknown statistic 'p42'/,
  },
  { name: 'truncated gzip', file: gzTruncated, message: /gzip stream is truncated/ },
  { name: 'empty file', file: () => tmp.file('empty.csv', ''), message: /the file is empty/ },
  { name: 'header only', file: () => tmp.file('header.csv', `${HEADER}\n`), message: /has a header but no rows/ },
  { name: 'neither samples nor manifest', file: () => tmp.file('other.csv', csv('a,b', ['1,2'])), message: /neither sample columns .* found: a, b/ },
  {
    name: 'manifest: unknown kind',
    file: () => tmp.file('m1.json', JSON.stringify([{ id: 'i-9', kind: 'vm' }])),
    row: 1,
    column: 'kind',
    message: /unknown kind 'vm'/,
  },
  {
    name: 'manifest: bad region',
    file: () => tmp.file('m2.json', JSON.stringify([{ id: 'i-9', region: 'us-east1' }])),
    row: 1,
    column: 'region',
    message: /'us-east1' is not an AWS region/,
  },
  {
    name: 'manifest: duplicate id',
    file: () => tmp.file('m3.csv', csv('id,kind,region,instance_type', ['i-9,ec2-instance,us-east-1,m5.large', 'i-9,ec2-instance,us-east-1,m5.large'])),
    row: 2,
    column: 'id',
    message: /listed twice \(rows 1 and 2\)/,
  },
  {
    name: 'manifest: unknown instance type',
    file: () => tmp.file('m4.json', JSON.stringify({ resources: [{ id: 'i-9', instanceType: 'm5.larg' }] })),
    row: 1,
    column: 'instance_type',
    message: /unknown EC2 instance type 'm5\.larg' \(m5 has m5\.12xlarge/,
  },
  { name: 'manifest: not JSON', file: () => tmp.file('m5.json', '[{"id": "i-9",'), message: /not valid JSON/ },
  {
    name: 'manifest: NUL byte in an id',
    file: () => tmp.file('m6.json', JSON.stringify([{ id: 'i-\u00009', kind: 'ec2-instance' }])),
    row: 1,
    column: 'id',
    message: /id 'i-\\u00009' contains a control character/,
  },
  // Plausibility (issue 20): each of these was once imported with exit 0.
  {
    name: 'timestamp in the far future',
    file: () => tmp.file('f1.csv', csv(HEADER, [...good(2), 'i-1,cpu.utilization,9999-01-01T00:00:00Z,5'])),
    row: 3,
    column: 'timestamp',
    message: /timestamp '9999-01-01T00:00:00Z' is in the future \(after \d{4}-/,
    hint: /--as-of DATE .* --any-time/,
  },
  {
    name: 'timestamp in year 10000',
    file: () => tmp.file('f2.csv', csv(HEADER, ['i-1,cpu.utilization,10000-01-01T00:00:00Z,5'])),
    row: 1,
    column: 'timestamp',
    message: /timestamp '10000-01-01T00:00:00Z' is (in the future|not a date-time)/,
  },
  {
    name: 'epoch of 1e15 seconds',
    file: () => tmp.file('f3.csv', csv(HEADER, ['i-1,cpu.utilization,1000000000000000,5'])),
    row: 1,
    column: 'timestamp',
    message: /timestamp '1000000000000000' is in the future/,
    hint: /epoch unit/,
  },
  {
    name: 'timestamp in 1970',
    file: () => tmp.file('f4.csv', csv(HEADER, [...good(1), 'i-1,cpu.utilization,0,5'])),
    row: 2,
    column: 'timestamp',
    message: /timestamp '0' is before 2006-01-01/,
    hint: /a zero or an epoch in the wrong unit/,
  },
  {
    name: 'unterminated quote',
    file: () => tmp.file('q.csv', csv(HEADER, [...good(1), '"i-2,cpu.utilization,2024-01-01T00:05:00Z,6', 'i-3,cpu.utilization,2024-01-01T00:10:00Z,7'])),
    row: 2,
    column: 'resource_id',
    message: /"i-2 has a stray double quote/,
    hint: /double a quote inside one/,
  },
  {
    name: 'NUL byte in an id',
    file: () => tmp.file('nul.csv', csv(HEADER, [...good(1), 'i-\u00002,cpu.utilization,2024-01-01T00:05:00Z,6'])),
    row: 2,
    column: 'resource_id',
    message: /resource_id 'i-\\x002' contains a control character/,
  },
  {
    name: 'a 1 MB id',
    file: () => tmp.file('long.csv', csv(HEADER, [`i-${'x'.repeat(1_000_000)},cpu.utilization,2024-01-01T00:00:00Z,5`])),
    row: 1,
    column: 'resource_id',
    message: /resource_id is 1,000,002 characters long \(at most 1024\)/,
  },
]

describe('collect file: bad input gets one clear error and writes nothing', () => {
  for (const c of BAD)
    it(c.name, async () => {
      const before = await fingerprint()
      const path = c.file()
      // A good file in the same call must not be written either.
      const err = await importFiles(
        store,
        [tmp.file(`ok-${c.name.replace(/\W/g, '')}.csv`, csv(HEADER, ['i-3,cpu.utilization,2024-03-01T00:00:00Z,1'])), path],
        catalogChecks(loadWorkspaceCatalog(tmp.path('ws'))),
      ).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(InputError)
      const e = err as InputError
      expect(e.exitCode).toBe(2)
      expect(e.location.file).toBe(path)
      if (c.row !== undefined) expect(e.location.row).toBe(c.row)
      if (c.column !== undefined) expect(e.location.column).toBe(c.column)
      expect(e.message).toMatch(c.message)
      expect(e.hint).toBeTruthy()
      if (c.hint) expect(e.hint).toMatch(c.hint)
      expect(await fingerprint()).toBe(before)
    })
})

describe('collect file: accepted formats', () => {
  it('CloudWatch names, per-period units, epoch and offset timestamps, gzip and Parquet', async () => {
    const s = await DuckDbStore.open(tmp.path('ws-formats'))
    const text = csv('resource_id,metric,timestamp,value,stat,period,unit', [
      'i-cw,CPUUtilization,1704067200,50,Maximum,300,', // epoch seconds = 2024-01-01T00:00Z
      'i-cw,CPUUtilization,1704067500000,60,Maximum,300,Percent', // epoch ms
      'i-cw,NetworkIn,2024-01-01T02:00:00+02:00,3000,Average,300,', // 3000 bytes per 300 s = 10 B/s, at 00:00Z
      'i-cw,net.out.bytes_per_s,2024-01-01 00:00:00,7,avg,300,bytes/s',
    ])
    const gz = tmp.file('cw.csv.gz', gzipSync(Buffer.from(text)))
    const db = await DuckDBInstance.create(':memory:')
    const c = await db.connect()
    const pq = tmp.path('mem.parquet')
    await c.run(
      `COPY (SELECT 'i-cw' AS resource_id, 'mem.utilization' AS metric, TIMESTAMP '2024-01-01 00:00:00' + to_minutes(i * 5) AS "timestamp", i::DOUBLE AS value, 'max' AS stat FROM range(3) t(i)) TO '${pq}' (FORMAT PARQUET)`,
    )
    c.closeSync()
    db.closeSync()
    const r = await importFiles(s, [gz, pq])
    expect(r.merge.rowsAdded).toBe(7)
    const rows = await s.all(
      `SELECT m.name AS metric, st.name AS stat, strftime(ts, '%Y-%m-%dT%H:%M') AS ts, value FROM samples x JOIN metrics m ON m.id = x.metric_id JOIN stats st ON st.id = x.stat_id ORDER BY ALL`,
    )
    expect(rows).toEqual([
      { metric: 'cpu.utilization', stat: 'max', ts: '2024-01-01T00:00', value: 50 },
      { metric: 'cpu.utilization', stat: 'max', ts: '2024-01-01T00:05', value: 60 },
      { metric: 'mem.utilization', stat: 'max', ts: '2024-01-01T00:00', value: 0 },
      { metric: 'mem.utilization', stat: 'max', ts: '2024-01-01T00:05', value: 1 },
      { metric: 'mem.utilization', stat: 'max', ts: '2024-01-01T00:10', value: 2 },
      { metric: 'net.in.bytes_per_s', stat: 'avg', ts: '2024-01-01T00:00', value: 10 },
      { metric: 'net.out.bytes_per_s', stat: 'avg', ts: '2024-01-01T00:00', value: 7 },
    ])
    expect(r.merge.resourcesCreated).toBe(1)
    s.close()
  })

  it('a CSV manifest with tags', async () => {
    const s = await DuckDbStore.open(tmp.path('ws-manifest'))
    const p = tmp.file(
      'res.csv',
      csv('id,kind,region,instance_type,tags', ['i-a,ec2-instance,eu-west-1,m7g.large,team=web;env=prod', 'db-1,rds-instance,us-east-1,,']),
    )
    await importFiles(s, [p], catalogChecks(loadWorkspaceCatalog(tmp.path('ws-manifest'))))
    expect(await s.resources()).toEqual([
      { provider: 'file', kind: 'rds-instance', id: 'db-1', region: 'us-east-1', attributes: {}, tags: {} },
      { provider: 'file', kind: 'ec2-instance', id: 'i-a', region: 'eu-west-1', attributes: { instanceType: 'm7g.large' }, tags: { team: 'web', env: 'prod' } },
    ])
    s.close()
  })
})

it('docs/file-format.md examples import as documented', async () => {
  const doc = readFileSync(new URL('../../../docs/file-format.md', import.meta.url), 'utf8')
  const blocks = [...doc.matchAll(/```(csv|json) file=(\S+)\n([\s\S]*?)```/g)]
  expect(blocks.length).toBeGreaterThanOrEqual(2)
  const paths = blocks.map(([, , name, body]) => {
    const p = tmp.path(name!)
    writeFileSync(p, body!)
    return p
  })
  const s = await DuckDbStore.open(tmp.path('ws-docs'))
  const r = await importFiles(s, paths, catalogChecks(loadWorkspaceCatalog(tmp.path('ws-docs'))))
  expect(r.merge.rowsAdded).toBeGreaterThan(0)
  s.close()
})

describe('collect file: time plausibility is configurable', () => {
  it('a later --as-of (notAfter) admits data that ends later; --any-time (anyTime) admits synthetic dates', async () => {
    const ws = await DuckDbStore.open(tmp.path('ws-times'))
    try {
      const future = tmp.file('later.csv', csv(HEADER, ['i-9,cpu.utilization,2031-05-01T00:00:00Z,5']))
      await expect(importFiles(ws, [future], { notAfter: Date.UTC(2031, 0, 1) })).rejects.toThrow(/is in the future \(after 2031-01-01T00:00:00\.000Z/)
      expect((await importFiles(ws, [future], { notAfter: Date.UTC(2031, 4, 1) })).merge.rowsAdded).toBe(1)
      const old = tmp.file('old.csv', csv(HEADER, ['i-8,cpu.utilization,1999-12-31T23:55:00Z,5']))
      expect((await importFiles(ws, [old], { anyTime: true })).merge.rowsAdded).toBe(1)
    } finally {
      ws.close()
    }
  })
})
