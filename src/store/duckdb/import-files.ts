import { existsSync, statSync } from 'node:fs'
import { InputError, UsageError } from '../../core/errors.js'
import { METRIC_ALIASES, METRICS, METRIC_NAMES, STAT_ALIASES, STATISTICS, type MetricName } from '../../core/metrics.js'
import type { ResourceKind, ResourceRef } from '../../core/report.js'
import { metricId, statId, sqlString, text, type DuckDbStore, type MergeResult, type Row } from './store.js'
import { checkGzip } from '../../sources/file/gzip.js'
import { ID_CONTROL_HINT, ID_LENGTH_HINT, MAX_ID_LENGTH, parseManifestRows, readJsonManifestRows, type ManifestOptions } from '../../sources/file/manifest.js'

export interface FileImportOptions extends ManifestOptions {
  /** Sample period in seconds when a file has no `period` column. Default 300 (CloudWatch's 5 minutes). */
  defaultPeriodSec?: number
  /**
   * Latest plausible sample time, epoch ms. Default: the import's clock plus CLOCK_SKEW_MS. A sample after it is an
   * error (one row from year 9999 once moved a resource's whole 14-day window past its data).
   */
  notAfter?: number
  /** Skip the time plausibility rules (synthetic data): any time from year 1 to 9999 is accepted. */
  anyTime?: boolean
  /** Kind for resources that appear in samples but in no manifest. Default ec2-instance. */
  defaultKind?: ResourceKind
  /** Writes that belong with this import (e.g. an S3 Inventory summary), run inside its transaction. */
  alsoInTransaction?: () => Promise<void>
}

/** Default allowance for clocks running ahead of the importing machine's. */
const CLOCK_SKEW_MS = 5 * 60_000
/** No cloud metric predates EC2 and CloudWatch (2006): earlier times are zeros or seconds/milliseconds mix-ups. */
const EARLIEST_SAMPLE = Date.UTC(2006, 0, 1)

export interface FileImportResult {
  files: { path: string; type: 'samples' | 'manifest'; rows: number }[]
  resourcesUpserted: number
  merge: MergeResult
}

const SAMPLE_REQUIRED = ['resource_id', 'metric', 'timestamp', 'value'] as const
const SAMPLE_OPTIONAL = ['unit', 'stat', 'period'] as const
const MANIFEST_COLUMNS = ['id', 'kind', 'region', 'instance_type', 'provider', 'tags', 'name']

type Format = 'csv' | 'parquet' | 'json'

function formatOf(path: string): Format {
  const p = path.toLowerCase().replace(/\.gz$/, '')
  if (p.endsWith('.parquet')) return 'parquet'
  if (p.endsWith('.json')) return 'json'
  if (p.endsWith('.csv') || p.endsWith('.tsv') || p.endsWith('.txt')) return 'csv'
  throw new InputError({ file: path }, 'unknown file type', 'Use .csv, .csv.gz, .parquet or .json (see docs/file-format.md).')
}

function reader(path: string, format: Format): string {
  if (format === 'parquet') return `read_parquet(${sqlString(path)}, file_row_number = true)`
  // all_varchar: every cell is read as text and parsed below, so a bad cell is reported with its row and
  // column instead of failing the whole read with a sniffer error.
  return `(SELECT row_number() OVER () AS file_row_number, * FROM read_csv(${sqlString(path)}, all_varchar = true, header = true, auto_detect = true))`
}

async function describe(store: DuckDbStore, path: string, format: Format): Promise<Map<string, string>> {
  try {
    const rows = await store.all(`DESCRIBE SELECT * FROM ${reader(path, format)}`)
    return new Map(rows.map((r) => [text(r.column_name), text(r.column_type)]))
  } catch (cause) {
    throw new InputError(
      { file: path },
      `cannot be read as ${format.toUpperCase()}: ${firstLine(cause)}`,
      'Check that the file is complete and in the format its name says.',
    )
  }
}

function firstLine(e: unknown): string {
  return String((e as Error).message ?? e).split('\n')[0] ?? ''
}

/** Validates every file, then writes all of them in one transaction: on any error nothing is written. */
export async function importFiles(store: DuckDbStore, paths: readonly string[], opts: FileImportOptions = {}): Promise<FileImportResult> {
  if (paths.length === 0) throw new UsageError('No files given', 'Run `headroom collect file samples.csv [resources.json ...]`.')
  const period = opts.defaultPeriodSec ?? 300
  const plans: ({ path: string; type: 'manifest'; resources: ResourceRef[] } | { path: string; type: 'samples'; view: string; rows: number })[] = []
  let viewNo = 0
  for (const path of paths) {
    if (!existsSync(path)) throw new InputError({ file: path }, 'no such file', 'Check the path.')
    if (statSync(path).size === 0) throw new InputError({ file: path }, 'the file is empty', 'Export the data again; an empty file has nothing to import.')
    if (path.toLowerCase().endsWith('.gz')) await checkGzip(path)
    const format = formatOf(path)
    if (format === 'json') {
      plans.push({ path, type: 'manifest', resources: parseManifestRows(path, readJsonManifestRows(path), opts) })
      continue
    }
    const columns = await describe(store, path, format)
    const names = [...columns.keys()].filter((c) => c !== 'file_row_number')
    if (names.includes('resource_id') || names.includes('metric')) {
      const view = `import_src_${viewNo++}`
      const rows = await validateSamples(
        store,
        path,
        format,
        columns,
        view,
        period,
        opts.anyTime ? undefined : { notAfter: opts.notAfter ?? Date.now() + CLOCK_SKEW_MS, notBefore: EARLIEST_SAMPLE },
      )
      plans.push({ path, type: 'samples', view, rows })
    } else if (names.includes('id')) {
      plans.push({ path, type: 'manifest', resources: await readCsvManifest(store, path, format, names, opts) })
    } else {
      throw new InputError(
        { file: path },
        `has neither sample columns (${SAMPLE_REQUIRED.join(', ')}) nor manifest columns (id, kind, region, instance_type); found: ${names.join(', ') || 'none'}`,
        'Rename the columns as in docs/file-format.md.',
      )
    }
  }
  const resources = plans.flatMap((p) => (p.type === 'manifest' ? p.resources : []))
  const ids = new Map<string, string>()
  for (const r of resources) {
    const prev = ids.get(r.id)
    if (prev)
      throw new InputError({ file: prev }, `resource '${r.id}' is also listed in another manifest of this import`, 'List each resource once per import.')
    ids.set(r.id, plans.find((p) => p.type === 'manifest' && p.resources.includes(r))?.path ?? '')
  }
  const merged: MergeResult = { rowsRead: 0, rowsAdded: 0, alreadyStored: 0, conflicting: 0, resourcesCreated: 0 }
  await store.transaction(async () => {
    await store.upsertResources(resources)
    for (const p of plans) {
      if (p.type !== 'samples') continue
      const r = await store.mergeStaged(p.view, 'file', p.path, { provider: 'file', kind: opts.defaultKind ?? 'ec2-instance' }, `${p.view}_series`)
      merged.rowsRead += r.rowsRead
      merged.rowsAdded += r.rowsAdded
      merged.alreadyStored += r.alreadyStored
      merged.conflicting += r.conflicting
      merged.resourcesCreated += r.resourcesCreated
    }
    await opts.alsoInTransaction?.()
  })
  for (const p of plans)
    if (p.type === 'samples') await store.run(`DROP VIEW IF EXISTS ${p.view}; DROP TABLE IF EXISTS ${p.view}_series; DROP VIEW IF EXISTS ${p.view}_raw`)
  return {
    files: plans.map((p) => ({ path: p.path, type: p.type, rows: p.type === 'samples' ? p.rows : p.resources.length })),
    resourcesUpserted: resources.length,
    merge: merged,
  }
}

async function readCsvManifest(store: DuckDbStore, path: string, format: Format, names: string[], opts: ManifestOptions): Promise<ResourceRef[]> {
  for (const n of names)
    if (!MANIFEST_COLUMNS.includes(n))
      throw new InputError({ file: path, column: n }, `unknown manifest column '${n}'`, `Manifest columns are: ${MANIFEST_COLUMNS.join(', ')}.`)
  const rows = await store.all(`SELECT * FROM ${reader(path, format)} ORDER BY file_row_number`)
  if (rows.length === 0) throw new InputError({ file: path }, 'has a header but no rows', 'Add one row per resource.')
  return parseManifestRows(
    path,
    rows.map((r) => {
      const fields: Record<string, unknown> = {}
      for (const n of names) if (r[n] !== null && r[n] !== undefined && r[n] !== '') fields[n] = r[n]
      return { row: Number(r.file_row_number) + (format === 'parquet' ? 1 : 0), fields }
    }),
    opts,
  )
}

const PERCENT_METRICS = METRIC_NAMES.filter((m) => METRICS[m].unit === 'percent')

/** SQL CASE mapping a raw metric name (ours or a CloudWatch alias) to its metric id; NULL when unknown. */
function metricCase(col: string): string {
  const whens = [
    ...METRIC_NAMES.map((m) => `WHEN ${sqlString(m)} THEN ${metricId(m)}`),
    ...Object.entries(METRIC_ALIASES).map(([alias, a]) => `WHEN ${sqlString(alias)} THEN ${metricId(a.metric)}`),
  ]
  return `CASE ${col} ${whens.join(' ')} ELSE NULL END`
}

function statCase(col: string): string {
  const whens = [
    ...STATISTICS.map((s) => `WHEN ${sqlString(s)} THEN ${statId(s)}`),
    ...Object.entries(STAT_ALIASES).map(([alias, s]) => `WHEN ${sqlString(alias)} THEN ${statId(s)}`),
  ]
  return `CASE ${col} ${whens.join(' ')} ELSE NULL END`
}

/**
 * Unit handling: 'rate' values are already per second; 'per_period' values are totals over the period and
 * are divided by it; NULL means the unit does not fit the metric. An absent unit means the metric's own
 * unit, except CloudWatch aliases such as NetworkIn, whose values are per period as CloudWatch reports them.
 */
function unitModeCase(metricCol: string, unitCol: string | null): string {
  const perPeriodAliases = Object.entries(METRIC_ALIASES)
    .filter(([, a]) => a.perPeriod)
    .map(([n]) => sqlString(n))
  const percent = PERCENT_METRICS.flatMap((m) => [
    m,
    ...Object.entries(METRIC_ALIASES)
      .filter(([, a]) => a.metric === m)
      .map(([n]) => n),
  ]).map(sqlString)
  // headroom's own names all contain a dot and no CloudWatch alias does: one cheap test spares most rows the IN
  // list, which grew with each source's aliases (import of 121 M samples: about 2 s slower without it).
  const dflt = `CASE WHEN contains(${metricCol}, '.') THEN 'rate' WHEN ${metricCol} IN (${perPeriodAliases.join(', ')}) THEN 'per_period' ELSE 'rate' END`
  if (unitCol === null) return dflt
  const u = `lower(trim(coalesce(${unitCol}, '')))`
  // Gauges (cores, bytes in use) are never per-period totals: their own unit means the value as it is.
  const gauges = METRIC_NAMES.filter((m) => ['count', 'bytes', 'ms', 'MB'].includes(METRICS[m].unit))
  const gaugeNames = [
    ...gauges,
    ...Object.entries(METRIC_ALIASES)
      .filter(([, a]) => gauges.includes(a.metric))
      .map(([n]) => n),
  ].map(sqlString)
  return `CASE
    WHEN ${u} = '' THEN ${dflt}
    WHEN ${metricCol} IN (${gaugeNames.join(', ')}) THEN CASE WHEN ${u} IN ('bytes', 'count', 'cores', 'ms', 'milliseconds', 'mb', 'megabytes') THEN 'rate' ELSE NULL END
    WHEN ${metricCol} IN (${percent.join(', ')}) THEN CASE WHEN ${u} IN ('percent', '%', 'pct') THEN 'rate' ELSE NULL END
    WHEN ${u} IN ('bytes/s', 'bytes/second', 'count/s', 'count/second', 'ops/s', '1/s') THEN
      CASE WHEN (${u} LIKE 'bytes%') = (${metricCol} LIKE '%bytes%' OR ${metricCol} LIKE 'Network%' OR ${metricCol} LIKE '%Bytes') THEN 'rate' ELSE NULL END
    WHEN ${u} IN ('bytes', 'count', 'ops') THEN
      CASE WHEN (${u} = 'bytes') = (${metricCol} LIKE '%bytes%' OR ${metricCol} LIKE 'Network%' OR ${metricCol} LIKE '%Bytes') THEN 'per_period' ELSE NULL END
    ELSE NULL END`
}

function timestampExpr(col: string, type: string): string {
  const epoch = (x: string) => `CASE WHEN abs(${x}) >= 1e11 THEN make_timestamp((${x} * 1000)::BIGINT) ELSE make_timestamp((${x} * 1000000)::BIGINT) END`
  if (/^TIMESTAMP/.test(type) || type === 'DATE') return `CAST(${col} AS TIMESTAMP)`
  if (/INT|DOUBLE|FLOAT|DECIMAL|REAL/.test(type)) return epoch(`CAST(${col} AS DOUBLE)`)
  return `CASE WHEN regexp_full_match(trim(${col}), '[0-9]+(\\.[0-9]+)?') THEN ${epoch(`TRY_CAST(trim(${col}) AS DOUBLE)`)}
    ELSE TRY_CAST(TRY_CAST(trim(${col}) AS TIMESTAMPTZ) AS TIMESTAMP) END`
}

/** A value for an error message: control characters shown as \\xNN, at most 80 characters. */
function printable(v: string): string {
  const shown = v.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown
}

const numericType = (type: string) => /INT|DOUBLE|FLOAT|DECIMAL|REAL/.test(type)

/** Builds the normalised view over a samples file and checks it; throws the first problem found. */
async function validateSamples(
  store: DuckDbStore,
  path: string,
  format: Format,
  columns: Map<string, string>,
  view: string,
  period: number,
  times?: { notAfter: number; notBefore: number },
): Promise<number> {
  const names = [...columns.keys()].filter((c) => c !== 'file_row_number')
  for (const req of SAMPLE_REQUIRED)
    if (!columns.has(req))
      throw new InputError(
        { file: path, column: req },
        `missing column '${req}' (found: ${names.join(', ')})`,
        `A samples file needs the columns ${SAMPLE_REQUIRED.join(', ')}; optional: ${SAMPLE_OPTIONAL.join(', ')}. See docs/file-format.md.`,
      )
  for (const n of names)
    if (!(SAMPLE_REQUIRED as readonly string[]).includes(n) && !(SAMPLE_OPTIONAL as readonly string[]).includes(n))
      throw new InputError(
        { file: path, column: n },
        `unknown column '${n}'`,
        `Sample columns are ${[...SAMPLE_REQUIRED, ...SAMPLE_OPTIONAL].join(', ')}; remove or rename '${n}'.`,
      )
  const t = (c: string) => columns.get(c) ?? 'VARCHAR'
  const q = (c: string) => `"${c}"`
  const rowNo = format === 'parquet' ? 'file_row_number + 1' : 'file_row_number'
  const valueExpr = numericType(t('value')) ? `CAST(${q('value')} AS DOUBLE)` : `TRY_CAST(trim(${q('value')}) AS DOUBLE)`
  const metricRaw = `CAST(${q('metric')} AS VARCHAR)`
  const unitRaw = columns.has('unit') ? `CAST(${q('unit')} AS VARCHAR)` : null
  const statRaw = columns.has('stat') ? `CAST(${q('stat')} AS VARCHAR)` : null
  const periodExpr = columns.has('period')
    ? numericType(t('period'))
      ? `CAST(${q('period')} AS INTEGER)`
      : `TRY_CAST(trim(${q('period')}) AS INTEGER)`
    : String(period)
  await store.run(`CREATE OR REPLACE TEMP VIEW ${view}_raw AS
    SELECT (${rowNo})::BIGINT AS rn,
      CAST(${q('resource_id')} AS VARCHAR) AS rid_raw, ${metricRaw} AS metric_raw,
      CAST(${q('timestamp')} AS VARCHAR) AS ts_raw, CAST(${q('value')} AS VARCHAR) AS value_raw,
      ${unitRaw ?? 'NULL::VARCHAR'} AS unit_raw, ${statRaw ?? 'NULL::VARCHAR'} AS stat_raw,
      ${columns.has('period') ? `CAST(${q('period')} AS VARCHAR)` : 'NULL::VARCHAR'} AS period_raw,
      trim(CAST(${q('resource_id')} AS VARCHAR)) AS resource_id,
      ${metricCase(`trim(${metricRaw})`)} AS metric_id,
      ${statRaw ? `CASE WHEN trim(coalesce(${statRaw}, '')) = '' THEN ${statId('avg')} ELSE ${statCase(`trim(${statRaw})`)} END` : statId('avg')} AS stat_id,
      ${periodExpr} AS period_s,
      ${timestampExpr(q('timestamp'), t('timestamp'))} AS ts,
      ${valueExpr} AS value_in,
      ${unitModeCase(`trim(${metricRaw})`, unitRaw)} AS unit_mode
    FROM ${reader(path, format)}`)
  const pctIds = PERCENT_METRICS.map(metricId).join(', ')
  const checks: { cond: string; column: string; raw: string; problem: (r: Row) => string; hint: string }[] = [
    {
      cond: `resource_id IS NULL OR resource_id = ''`,
      column: 'resource_id',
      raw: 'rid_raw',
      problem: () => 'resource_id is empty',
      hint: 'Every sample needs the id of its resource, e.g. i-0abc123.',
    },
    {
      cond: `length(resource_id) > ${MAX_ID_LENGTH}`,
      column: 'resource_id',
      raw: 'rid_raw',
      problem: (r) => `resource_id is ${text(r.rid_raw).trim().length.toLocaleString('en-US')} characters long (at most ${MAX_ID_LENGTH})`,
      hint: ID_LENGTH_HINT,
    },
    {
      cond: `regexp_matches(resource_id, '[\\x00-\\x1f\\x7f]')`,
      column: 'resource_id',
      raw: 'rid_raw',
      problem: (r) => `resource_id '${printable(text(r.rid_raw))}' contains a control character (a NUL byte, tab or newline)`,
      hint: ID_CONTROL_HINT,
    },
    ...(format === 'parquet'
      ? []
      : (['rid_raw', 'metric_raw', 'ts_raw', 'value_raw'] as const).map((raw) => ({
          cond: `contains(coalesce(${raw}, ''), '"')`,
          column: { rid_raw: 'resource_id', metric_raw: 'metric', ts_raw: 'timestamp', value_raw: 'value' }[raw],
          raw,
          problem: (r: Row) => `${printable(text(r[raw]))} has a stray double quote: an unterminated or unbalanced quote in the CSV`,
          hint: 'Quote a whole field ("like this") and double a quote inside one (""); headroom does not guess where a broken quote ends.',
        }))),
    {
      cond: `metric_id IS NULL`,
      column: 'metric',
      raw: 'metric_raw',
      problem: (r) => `unknown metric '${text(r.metric_raw)}'`,
      hint: `Known metrics: ${METRIC_NAMES.join(', ')}; CloudWatch names also work: ${Object.keys(METRIC_ALIASES).join(', ')}.`,
    },
    {
      cond: `ts IS NULL`,
      column: 'timestamp',
      raw: 'ts_raw',
      problem: (r) => `timestamp '${text(r.ts_raw)}' is not a date-time`,
      hint: 'Use ISO 8601 (2024-05-01T12:00:00Z; no offset means UTC) or epoch seconds/milliseconds.',
    },
    ...(times
      ? [
          {
            cond: `ts > make_timestamp(${Math.floor(times.notAfter)}::BIGINT * 1000)`,
            column: 'timestamp',
            raw: 'ts_raw',
            problem: (r: Row) =>
              `timestamp '${text(r.ts_raw)}' is in the future (after ${new Date(times.notAfter).toISOString()}, the import's clock plus the allowed skew)`,
            hint: "Check the export's clock, time zone and epoch unit (seconds vs milliseconds). Data that really ends later: --as-of DATE (its end) or --clock-skew; synthetic data: --any-time.",
          },
          {
            cond: `ts < make_timestamp(${times.notBefore}::BIGINT * 1000)`,
            column: 'timestamp',
            raw: 'ts_raw',
            problem: (r: Row) => `timestamp '${text(r.ts_raw)}' is before ${new Date(times.notBefore).toISOString().slice(0, 10)}`,
            hint: 'No cloud metric predates EC2 and CloudWatch (2006): a 1970 date is usually a zero or an epoch in the wrong unit. Synthetic data: --any-time.',
          },
        ]
      : []),
    {
      cond: `value_in IS NULL`,
      column: 'value',
      raw: 'value_raw',
      problem: (r) => `value '${text(r.value_raw)}' is not a number`,
      hint: 'Write plain decimal numbers (a dot as decimal separator); leave out rows with no value.',
    },
    {
      cond: `isnan(value_in) OR isinf(value_in)`,
      column: 'value',
      raw: 'value_raw',
      problem: (r) => `value '${text(r.value_raw)}' is NaN or infinite`,
      hint: 'Drop the row: a missing measurement should be absent, not NaN or Inf.',
    },
    {
      cond: `value_in < 0`,
      column: 'value',
      raw: 'value_raw',
      problem: (r) => `value ${text(r.value_raw)} is negative`,
      hint: 'Utilization, rates and counts cannot be negative; check the export (counter resets must be handled before export).',
    },
    {
      cond: `metric_id IN (${pctIds}) AND value_in > 100`,
      column: 'value',
      raw: 'value_raw',
      problem: (r) => `value ${text(r.value_raw)} is over 100 for a percent metric (${text(r.metric_raw)})`,
      hint: 'Percent metrics are 0..100 of the whole instance; if the value is a fraction x100 or per-core sum, convert it first.',
    },
    {
      cond: `stat_id IS NULL`,
      column: 'stat',
      raw: 'stat_raw',
      problem: (r) => `unknown statistic '${text(r.stat_raw)}'`,
      hint: `Use one of ${STATISTICS.join(', ')} (CloudWatch's Maximum/Average/Minimum/Sum also work).`,
    },
    {
      cond: `period_s IS NULL OR period_s <= 0 OR period_s > 86400`,
      column: 'period',
      raw: 'period_raw',
      problem: (r) => `period '${text(r.period_raw)}' is not a whole number of seconds between 1 and 86400`,
      hint: 'Write the sample period in seconds, e.g. 300 for CloudWatch 5-minute data.',
    },
    {
      cond: `unit_mode IS NULL`,
      column: 'unit',
      raw: 'unit_raw',
      problem: (r) => `unit '${text(r.unit_raw)}' does not fit metric '${text(r.metric_raw)}'`,
      hint: 'Percent metrics take "percent"; byte metrics "bytes/s" or "bytes" (per period); op metrics "count/s" or "count".',
    },
  ]
  // One pass: each row gets the number of its first failing check (a short-circuit CASE), and only two
  // aggregates look at it; 20 FILTER aggregates (first row and count per check) cost 6x more at 10^8 rows.
  const problem = `CASE ${checks.map((c, i) => `WHEN ${c.cond} THEN ${i}`).join(' ')} ELSE NULL END`
  let agg: Row[]
  try {
    agg = await store.all(`SELECT count(*)::BIGINT AS n, min(epoch_ms(ts) // (period_s * 1000)) AS min_slot, max(epoch_ms(ts) // (period_s * 1000)) AS max_slot,
      min(rn) FILTER (WHERE p IS NOT NULL) AS first_row, count(p)::BIGINT AS bad
      FROM (SELECT rn, ts, period_s, ${problem} AS p FROM ${view}_raw)`)
  } catch (cause) {
    throw new InputError({ file: path }, `cannot be read: ${firstLine(cause)}`, 'Check that the file is complete (not truncated) and is valid CSV/Parquet.')
  }
  const a = agg[0] ?? {}
  const total = Number(a.n)
  if (total === 0) throw new InputError({ file: path }, 'has a header but no rows', 'Export the data again; there is nothing to import.')
  const bad = Number(a.bad ?? 0)
  if (bad > 0) {
    const firstRow = Number(a.first_row)
    const row = (await store.all(`SELECT *, ${problem} AS p FROM ${view}_raw WHERE rn = ${firstRow} LIMIT 1`))[0] ?? {}
    const check = checks[Number(row.p)]!
    const more = bad > 1 ? ` (${bad - 1} more row${bad > 2 ? 's' : ''} with problems in this file)` : ''
    throw new InputError({ file: path, row: firstRow, column: check.column, value: printable(text(row[check.raw])) }, check.problem(row) + more, check.hint)
  }
  await store.run(`CREATE OR REPLACE TEMP VIEW ${view} AS
    SELECT rn, resource_id, metric_id::SMALLINT AS metric_id, stat_id::UTINYINT AS stat_id, period_s, ts,
      CASE WHEN unit_mode = 'per_period' THEN value_in / period_s ELSE value_in END AS value
    FROM ${view}_raw`)
  await checkSeries(store, path, view, Number(a.min_slot), Number(a.max_slot))
  return total
}

/**
 * Builds `${view}_series` (one row per series: first/last timestamp, count) and fails on duplicate samples or
 * samples denser than their period. Exact duplicate search is a hash aggregate over every row (measured 6-13x
 * slower than the rest of an import), so it runs only on series that a cheap test flags: a bitstring with one
 * bit per period slot, built in the same pass as the series table, has fewer set bits than rows exactly when
 * two samples share a slot (a duplicate, or jittered data, which the exact search then tells apart).
 */
async function checkSeries(store: DuckDbStore, path: string, view: string, minSlot: number, maxSlot: number): Promise<void> {
  const span = maxSlot - minSlot + 1
  const slot = `(epoch_ms(ts) // (period_s * 1000))`
  // A bitstring costs span/8 bytes per series: up to 8,192 slots (28 days of 5-minute data) that is 1 KiB,
  // 160 MB for 160,000 series. Longer files use exact distinct counts (slower, bounded memory).
  const distinct = span <= 8192 ? `bit_count(bitstring_agg(${slot}, ${minSlot}, ${maxSlot}))` : `count(DISTINCT ${slot})`
  await store.run(`CREATE OR REPLACE TEMP TABLE ${view}_series AS
    SELECT resource_id, metric_id, stat_id, period_s, min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS n, ${distinct} AS slots
    FROM ${view} GROUP BY ALL`)
  const suspects = `(SELECT * FROM ${view}_series WHERE n > slots)`
  const dup = await store.all(`SELECT min(v.rn) AS a, max(v.rn) AS b FROM ${view} v
    SEMI JOIN ${suspects} s ON v.resource_id = s.resource_id AND v.metric_id = s.metric_id AND v.stat_id = s.stat_id AND v.period_s = s.period_s
    GROUP BY v.resource_id, v.metric_id, v.stat_id, v.period_s, v.ts HAVING count(*) > 1 ORDER BY a LIMIT 1`)
  if (dup.length > 0) {
    const d = dup[0]!
    const r = (await store.all(`SELECT rid_raw, metric_raw, ts_raw FROM ${view}_raw WHERE rn = ${Number(d.a)}`))[0] ?? {}
    throw new InputError(
      { file: path, row: Number(d.b), column: 'timestamp', value: text(r.ts_raw) },
      `duplicate sample: rows ${Number(d.a)} and ${Number(d.b)} are both ${text(r.rid_raw)} / ${text(r.metric_raw)} at ${text(r.ts_raw)}`,
      'Keep one row per resource, metric, statistic and timestamp (add a stat column if they are different statistics).',
    )
  }
  // Jitter may put two samples in one slot; only data clearly denser than its period is an error.
  const dense = await store.all(`SELECT resource_id, metric_id, period_s, n, epoch(last_ts) - epoch(first_ts) AS span
    FROM ${view}_series WHERE n > (epoch(last_ts) - epoch(first_ts)) / period_s + 1 LIMIT 1`)
  if (dense.length > 0) {
    const d = dense[0]!
    const spacing = Number(d.span) / Math.max(1, Number(d.n) - 1)
    throw new InputError(
      { file: path, column: 'period' },
      `samples of ${text(d.resource_id)} / ${METRIC_NAMES[Number(d.metric_id) - 1] as MetricName} are ${spacing.toFixed(0)} s apart on average, closer than the period of ${text(d.period_s)} s`,
      `Pass --period ${Math.max(1, Math.round(spacing))} (or add a period column) so the samples are not misread as ${text(d.period_s)}-second data.`,
    )
  }
}
