import { existsSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { DuckDbStore } from '../../src/store/duckdb/store.js'
import { storeFingerprint } from '../utils/aws-cli.js'
import { runCli } from '../utils/run-cli.js'
import { tmpProject } from '../utils/tmp.js'

/**
 * `collect s3-inventory` end to end on an inventory written as S3 writes one (manifest.json; gzipped, headerless,
 * quoted CSV in fileSchema order, or Parquet with snake_case columns), then `analyze`: the lifecycle rules priced from
 * the ages in the report, and the configuration `--lifecycle-dir` writes.
 */
const tmp = tmpProject('headroom-e2e-s3-inventory-')
const TAKEN = Date.UTC(2026, 10, 29)
const DAY = 86_400_000
const GIB = 2 ** 30
const SCHEMA = 'Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, StorageClass, IntelligentTieringAccessTier'

/** 1,000 objects of 1 GiB aged 10, 60, 120 and 400 days (100, 200, 300, 400 of them), 50 of 1 KB, a noncurrent version, a delete marker. */
function rows(): string[][] {
  const out: string[][] = []
  const add = (key: string, size: number, ageDays: number, latest = true, marker = false) =>
    out.push([
      'logs-archive',
      key,
      'v1',
      String(latest),
      String(marker),
      marker ? '' : String(size),
      new Date(TAKEN - ageDays * DAY).toISOString(),
      'etag',
      'STANDARD',
      '',
    ])
  let n = 0
  for (const [count, age] of [
    [100, 10],
    [200, 60],
    [300, 120],
    [400, 400],
  ] as const)
    for (let i = 0; i < count; i++) add(`logs/${n++}.gz`, GIB, age)
  for (let i = 0; i < 50; i++) add(`small/${i}.json`, 1024, 200)
  add('logs/0.gz', GIB, 500, false)
  add('gone.txt', 0, 3, true, true)
  return out
}
const csv = (r: string[][]) => r.map((x) => x.map((v) => `"${v.replace(/"/g, '""')}"`).join(',')).join('\n') + '\n'
const manifest = (file: string, format: 'CSV' | 'Parquet', schema = SCHEMA) =>
  JSON.stringify({
    sourceBucket: 'logs-archive',
    destinationBucket: 'arn:aws:s3:::inventory-dest',
    version: '2016-11-30',
    creationTimestamp: String(TAKEN),
    fileFormat: format,
    fileSchema: schema,
    files: [{ key: `logs-archive/daily/data/${file}`, size: 1, MD5checksum: 'x' }],
  })

describe('collect s3-inventory', () => {
  it('summarises a CSV inventory by class and age; analyze prices Glacier IR and Standard-IA rules and writes the configuration', async () => {
    writeFileSync(tmp.path('a1.csv.gz'), gzipSync(csv(rows())))
    writeFileSync(tmp.path('manifest.json'), manifest('a1.csv.gz', 'CSV'))
    const c = await runCli(['collect', 's3-inventory', 'manifest.json', '-w', 'ws'], { cwd: tmp.dir })
    expect(c.code, c.stderr).toBe(0)
    expect(c.stderr).toContain('1,052 rows in 1 CSV file(s), taken 2026-11-29T00:00:00.000Z; 1,050 current objects')
    expect(c.stderr).toContain('Standard objects of 128 KB or more by age: <30 d 100 GiB, 30-90 d 200 GiB, 90-180 d 300 GiB, 180+ d 400 GiB')
    expect(c.stderr).toMatch(/note: 1 noncurrent versions \(1 GiB\) are left out/)
    expect(c.stdout).toMatch(/^imported the S3 Inventory of logs-archive \(2 new samples/)
    const a = await runCli(['analyze', '-w', 'ws', '--format', 'json', '--lifecycle-dir', 'rules'], { cwd: tmp.dir })
    expect(a.code, a.stderr).toBe(0)
    type Rec = { analyzer: string; finding: string; options: { change: Record<string, unknown>; monthlySavings: number }[] }
    const [rec] = (JSON.parse(a.stdout) as { recommendations: Rec[] }).recommendations.filter((r) => r.analyzer === 's3.storage-class')
    // The unit test's worked example: 700 GiB older than 90 days x $0.019 = $13.30; 900 older than 30 x $0.0105 = $9.45.
    expect(rec!.options.map((o) => [o.change.storageClass, o.monthlySavings])).toEqual([
      ['GLACIER_IR', 13.3],
      ['STANDARD_IA', 9.45],
    ])
    expect(a.stderr).toContain('wrote rules/logs-archive.lifecycle.json')
    const written = JSON.parse((await import('node:fs')).readFileSync(tmp.path('rules/logs-archive.lifecycle.json'), 'utf8')) as unknown
    expect(written).toEqual({
      Rules: [
        {
          ID: 'headroom-glacier-ir-90d',
          Status: 'Enabled',
          Filter: { ObjectSizeGreaterThan: 131072 },
          Transitions: [{ Days: 90, StorageClass: 'GLACIER_IR' }],
        },
      ],
    })
  })

  it('reads the Parquet form too, with the same summary', async () => {
    // Written by DuckDB from the same rows, with the snake_case columns S3 uses in Parquet inventories.
    const s = await DuckDbStore.open(tmp.path('parquet-writer'))
    writeFileSync(tmp.path('rows.csv'), csv(rows()))
    await s.run(`COPY (SELECT b AS bucket, k AS key, l::BOOLEAN AS is_latest, m::BOOLEAN AS is_delete_marker,
        TRY_CAST(sz AS BIGINT) AS size, t::TIMESTAMPTZ AS last_modified_date, c AS storage_class
      FROM read_csv('${tmp.path('rows.csv')}', header = false, all_varchar = true, names = ['b', 'k', 'v', 'l', 'm', 'sz', 't', 'e', 'c', 'tier']))
      TO '${tmp.path('p1.parquet')}' (FORMAT parquet)`)
    s.close()
    writeFileSync(tmp.path('manifest-parquet.json'), manifest('p1.parquet', 'Parquet', 'message s3.inventory { required binary bucket (UTF8); }'))
    const c = await runCli(['collect', 's3-inventory', 'manifest-parquet.json', '-w', 'wsp'], { cwd: tmp.dir })
    expect(c.code, c.stderr).toBe(0)
    expect(c.stderr).toContain('Standard objects of 128 KB or more by age: <30 d 100 GiB, 30-90 d 200 GiB, 90-180 d 300 GiB, 180+ d 400 GiB')
  })

  it('a row S3 would not write, a missing data file or an ORC report: named, exit 2, the workspace as it was', async () => {
    const ok = await runCli(['collect', 's3-inventory', 'manifest.json', '-w', 'ws2'], { cwd: tmp.dir })
    expect(ok.code, ok.stderr).toBe(0)
    const before = await storeFingerprint(tmp.path('ws2'))
    const bad = rows()
    bad[7]![5] = '12 MB'
    writeFileSync(tmp.path('bad.csv.gz'), gzipSync(csv(bad)))
    writeFileSync(tmp.path('manifest-bad.json'), manifest('bad.csv.gz', 'CSV'))
    const b = await runCli(['collect', 's3-inventory', 'manifest-bad.json', '-w', 'ws2'], { cwd: tmp.dir })
    expect(b.code).toBe(2)
    expect(b.stderr).toMatch(/bad\.csv\.gz: 1 object\(s\) without a readable size or last-modified date, e\.g\. key 'logs\/7\.gz' \(Size '12 MB'/)
    writeFileSync(tmp.path('manifest-missing.json'), manifest('nowhere.csv.gz', 'CSV'))
    const miss = await runCli(['collect', 's3-inventory', 'manifest-missing.json', '-w', 'ws2'], { cwd: tmp.dir })
    expect(miss.code).toBe(2)
    expect(miss.stderr).toMatch(/data file 'logs-archive\/daily\/data\/nowhere\.csv\.gz' is not at .*nowhere\.csv\.gz/)
    writeFileSync(tmp.path('manifest-schema.json'), manifest('a1.csv.gz', 'CSV', 'Bucket, Key, "Size", LastModifiedDate, StorageClass'))
    const schema = await runCli(['collect', 's3-inventory', 'manifest-schema.json', '-w', 'ws2'], { cwd: tmp.dir })
    expect(schema.code).toBe(2)
    expect(schema.stderr).toMatch(/column 'fileSchema': '"Size"' is not an inventory field name/)
    writeFileSync(tmp.path('manifest-orc.json'), manifest('a1.csv.gz', 'ORC' as 'CSV'))
    const orc = await runCli(['collect', 's3-inventory', 'manifest-orc.json', '-w', 'ws2'], { cwd: tmp.dir })
    expect(orc.code).toBe(2)
    expect(orc.stderr).toMatch(/'ORC' is not read/)
    expect(await storeFingerprint(tmp.path('ws2'))).toEqual(before)
    expect(existsSync(tmp.path('ws'))).toBe(true)
  })
})
