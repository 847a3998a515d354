import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { AGE_BANDS_DAYS, S3_MIN_TRANSITION_BYTES, type InventoryClass, type InventorySummary } from '../../catalog/s3.js'
import { InputError } from '../../core/errors.js'
import { sqlString, type DuckDbStore } from './store.js'

/**
 * An S3 Inventory report (its manifest.json and the data files it lists, downloaded beside it), summarised by DuckDB
 * without loading it into memory: per storage class, the bytes and objects of 128 KB or more by age band, and the
 * smaller ones apart. Formats as S3 writes them (S3 user guide, "Amazon S3 Inventory": the manifest's `fileFormat`
 * CSV, Parquet or ORC and `fileSchema`; CSV files are gzipped, headerless, quoted, in `fileSchema` order; Parquet columns
 * are the snake_case names). Current versions only (IsLatest), no delete markers: lifecycle Transitions apply to
 * current versions; noncurrent ones are counted apart.
 */
export interface InventoryManifest {
  sourceBucket: string
  fileFormat: 'CSV' | 'Parquet'
  fileSchema: string
  creationTimestamp: number
  files: string[]
}

export function readInventoryManifest(path: string): InventoryManifest {
  let m: { sourceBucket?: unknown; fileFormat?: unknown; fileSchema?: unknown; creationTimestamp?: unknown; files?: { key?: unknown }[] }
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as typeof m
  } catch (e) {
    throw new InputError(
      { file: path },
      `is not JSON: ${(e as Error).message.split('\n')[0]}`,
      'Give the manifest.json S3 Inventory wrote beside its data files.',
    )
  }
  const field = (k: string, v: unknown) => {
    if (typeof v !== 'string' || !v)
      throw new InputError(
        { file: path, column: k },
        `missing or not a string`,
        'Give the manifest.json S3 Inventory wrote (it has sourceBucket, fileFormat, fileSchema, files).',
      )
    return v
  }
  const fmt = field('fileFormat', m.fileFormat)
  if (fmt !== 'CSV' && fmt !== 'Parquet')
    throw new InputError(
      { file: path, column: 'fileFormat' },
      `'${fmt}' is not read`,
      'Configure the inventory as CSV or Parquet (ORC is not read), or convert the files.',
    )
  const dir = dirname(path)
  if (!Array.isArray(m.files) || m.files.length === 0)
    throw new InputError({ file: path, column: 'files' }, 'lists no data files', 'Give the manifest of a finished inventory report.')
  const files = m.files.map((f, i) => {
    const key = field(`files[${i}].key`, f.key)
    const found = [join(dir, key), join(dir, basename(key))].find((p) => existsSync(p))
    if (!found)
      throw new InputError(
        { file: path, column: `files[${i}].key` },
        `data file '${key}' is not at ${join(dir, basename(key))}`,
        'Download the data files next to manifest.json (aws s3 cp s3://DEST/KEY .), keeping their names or the key path.',
      )
    return found
  })
  const ts = Number(m.creationTimestamp)
  if (!Number.isFinite(ts) || ts <= 0)
    throw new InputError(
      { file: path, column: 'creationTimestamp' },
      `'${String(m.creationTimestamp)}' is not epoch milliseconds`,
      'Give the manifest as S3 wrote it.',
    )
  return { sourceBucket: field('sourceBucket', m.sourceBucket), fileFormat: fmt, fileSchema: field('fileSchema', m.fileSchema), creationTimestamp: ts, files }
}

/** Intelligent-Tiering's access tiers as the classes they are priced like (catalog/s3.ts S3_CLASSES ids). */
const IT_TIER: Record<string, string> = {
  FREQUENT: 'INTELLIGENT_TIERING',
  INFREQUENT: 'INTELLIGENT_TIERING_IA',
  ARCHIVE_INSTANT_ACCESS: 'INTELLIGENT_TIERING_AIA',
  ARCHIVE_ACCESS: 'GLACIER',
  DEEP_ARCHIVE_ACCESS: 'DEEP_ARCHIVE',
}

export interface InventoryRead {
  summary: InventorySummary
  rows: number
  noncurrent: { objects: number; bytes: number }
}

export async function summariseInventory(store: DuckDbStore, manifestPath: string, m: InventoryManifest): Promise<InventoryRead> {
  const files = `[${m.files.map(sqlString).join(', ')}]`
  let source: string
  let col: (name: string) => string | undefined
  if (m.fileFormat === 'CSV') {
    const names = m.fileSchema.split(',').map((s) => s.trim())
    const odd = names.find((n) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(n))
    if (odd !== undefined)
      throw new InputError(
        { file: manifestPath, column: 'fileSchema' },
        `'${odd}' is not an inventory field name`,
        'Give the manifest as S3 wrote it: fileSchema lists field names separated by commas (Bucket, Key, Size, ...).',
      )
    for (const need of ['Size', 'LastModifiedDate', 'StorageClass'])
      if (!names.includes(need))
        throw new InputError(
          { file: manifestPath, column: 'fileSchema' },
          `the inventory has no ${need} field (fields: ${names.join(', ')})`,
          'Add Size, Last modified date and Storage class to the inventory configuration’s optional fields.',
        )
    const columns = `{${names.map((n) => `${sqlString(n)}: 'VARCHAR'`).join(', ')}}`
    source = `read_csv(${files}, header = false, columns = ${columns}, quote = '"', escape = '"', filename = true)`
    col = (n) => (names.includes(n) ? `"${n}"` : undefined)
  } else {
    source = `read_parquet(${files}, filename = true)`
    const snake: Record<string, string> = {
      Key: 'key',
      Size: 'size',
      LastModifiedDate: 'last_modified_date',
      StorageClass: 'storage_class',
      IsLatest: 'is_latest',
      IsDeleteMarker: 'is_delete_marker',
      IntelligentTieringAccessTier: 'intelligent_tiering_access_tier',
    }
    const present = new Set((await store.all(`DESCRIBE SELECT * FROM ${source}`)).map((r) => String(r.column_name)))
    col = (n) => (snake[n] && present.has(snake[n]) ? `"${snake[n]}"` : undefined)
    for (const need of ['Size', 'LastModifiedDate', 'StorageClass'])
      if (!col(need))
        throw new InputError(
          { file: m.files[0]! },
          `has no ${snake[need]} column`,
          'Add Size, Last modified date and Storage class to the inventory configuration.',
        )
  }
  const str = (n: string) => (col(n) ? `CAST(${col(n)} AS VARCHAR)` : 'NULL')
  const rows = `(SELECT filename, ${str('Key')} AS key, TRY_CAST(${col('Size')} AS BIGINT) AS size, ${str('Size')} AS size_text,
      TRY_CAST(${col('LastModifiedDate')} AS TIMESTAMPTZ) AS modified, ${str('LastModifiedDate')} AS modified_text,
      upper(${str('StorageClass')}) AS class, upper(coalesce(${str('IntelligentTieringAccessTier')}, '')) AS tier,
      coalesce(lower(${str('IsLatest')}), 'true') <> 'false' AS latest, coalesce(lower(${str('IsDeleteMarker')}), 'false') = 'true' AS marker
    FROM ${source})`
  // A row S3 would not write: named by file, key and value (nothing is stored).
  let bad
  try {
    bad = await store.all(
      `SELECT filename, key, size_text, modified_text, count(*) OVER () AS n FROM ${rows} WHERE NOT marker AND (size IS NULL OR size < 0 OR modified IS NULL) LIMIT 1`,
    )
  } catch (e) {
    throw new InputError(
      { file: m.files[0]! },
      `cannot be read as ${m.fileFormat}: ${(e as Error).message.split('\n')[0]}`,
      'Check that the data files are complete and match the manifest.',
    )
  }
  if (bad.length) {
    const b = bad[0]!
    throw new InputError(
      { file: String(b.filename) },
      `${String(b.n)} object(s) without a readable size or last-modified date, e.g. key '${String(b.key)}' (Size '${String(b.size_text)}', LastModifiedDate '${String(b.modified_text)}')`,
      'Give the inventory files as S3 wrote them, with the manifest that lists them.',
    )
  }
  const at = `to_timestamp(${m.creationTimestamp / 1000})`
  const [, b1, b2, b3] = AGE_BANDS_DAYS
  const groups = await store.all(`SELECT class, tier, size < ${S3_MIN_TRANSITION_BYTES} AS small,
      CASE WHEN date_diff('day', modified, ${at}) < ${b1} THEN 0 WHEN date_diff('day', modified, ${at}) < ${b2} THEN 1
           WHEN date_diff('day', modified, ${at}) < ${b3} THEN 2 ELSE 3 END AS band,
      sum(size)::DOUBLE AS bytes, count(*)::BIGINT AS objects
    FROM ${rows} WHERE NOT marker AND latest GROUP BY ALL ORDER BY ALL`)
  const nc = await store.all(
    `SELECT count(*)::BIGINT AS objects, coalesce(sum(size), 0)::DOUBLE AS bytes, (SELECT count(*) FROM ${rows})::BIGINT AS total FROM ${rows} WHERE NOT marker AND NOT latest`,
  )
  const classes: Record<string, InventoryClass> = {}
  for (const g of groups) {
    const cls = String(g.class) === 'INTELLIGENT_TIERING' ? (IT_TIER[String(g.tier)] ?? 'INTELLIGENT_TIERING') : String(g.class) || 'STANDARD'
    const c = (classes[cls] ??= { bytes: [0, 0, 0, 0], objects: [0, 0, 0, 0], smallBytes: 0, smallObjects: 0 })
    if (g.small === true) {
      c.smallBytes += Number(g.bytes)
      c.smallObjects += Number(g.objects)
    } else {
      c.bytes[Number(g.band)]! += Number(g.bytes)
      c.objects[Number(g.band)]! += Number(g.objects)
    }
  }
  return {
    summary: { takenAt: m.creationTimestamp, classes },
    rows: Number(nc[0]!.total),
    noncurrent: { objects: Number(nc[0]!.objects), bytes: Number(nc[0]!.bytes) },
  }
}
