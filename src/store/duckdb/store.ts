import { AsyncLocalStorage } from 'node:async_hooks'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import type { InventorySummary } from '../../catalog/s3.js'
import { ToolError } from '../../core/errors.js'
import { METRIC_NAMES, STATISTICS, type MetricName, type Statistic } from '../../core/metrics.js'
import type { Issue, ResourceKind, ResourceRef } from '../../core/report.js'
import {
  QUANTILE_LEVELS,
  SERIES_KINDS,
  CEILING_LEVELS,
  EXCEEDANCE_LIMITS,
  type AwsRunStore,
  type CollectedSeries,
  type MergeResult,
  type GroupLoad,
  type GroupLoadReader,
  type StoredCoRecommendation,
  type CacheMeasurement,
  type MonitoringApply,
  type DisplaySeries,
  type WorkspaceReader,
  type UsageQuery,
  type UsageSummary,
} from '../types.js'
import { addDailyRow, addSeriesRow, displayRows } from '../usage.js'
import { exactSum } from '../sum.js'
import { DAILY_ROWS, LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.js'

const STORE_FILE = 'headroom.duckdb'
/** Resources per usage-summary pass (DuckDbStore.usage): bounds the quantile buffers DuckDB holds at once. */
const USAGE_BATCH = 2_500
/** Resources per sorted read when a workspace is copied out (eachSeriesChunk). */
const COPY_KEYS = 100

export type SqlValue = string | number | boolean | null
export type Row = Record<string, unknown>

/** A DuckDB JSON cell as text: strings as they are, null as '', anything else serialised. */
export function text(v: unknown): string {
  if (typeof v === 'string') return v
  if (v === null || v === undefined) return ''
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v)
  return JSON.stringify(v)
}

/** Metric and statistic ids as stored (migration 1 seeds them in vocabulary order, 1-based). */
export const metricId = (m: MetricName): number => METRIC_NAMES.indexOf(m) + 1
export const statId = (s: Statistic): number => STATISTICS.indexOf(s) + 1

export type { MergeResult } from '../types.js'

/**
 * The workspace store: one DuckDB file. Percentiles and per-day aggregates are SQL here, never JS loops
 * (ARCHITECTURE "heavy numbers stay in the database"). The usage SQL is plain DuckDB SQL over three
 * tables, so a larger deployment can run the same statements on a distributed SQL engine.
 */
export class DuckDbStore implements WorkspaceReader, GroupLoadReader, AwsRunStore {
  /**
   * One connection, one writer. DuckDB's node binding runs each statement on a worker thread, so two async callers
   * on one connection interleave their statements: a second BEGIN inside the first caller's transaction ("Current
   * transaction is aborted"), or an appender used while another statement runs (a segmentation fault). Both were
   * seen with `collect aws --concurrency 8`. Every statement and every transaction therefore takes this lock, in
   * the order asked (a promise chain); the transaction's own statements, and the store methods it calls, run under
   * the lock it already holds (the AsyncLocalStorage below tells them apart from other callers).
   */
  private tail: Promise<void> = Promise.resolve()
  private readonly holder = new AsyncLocalStorage<symbol>()
  private held: symbol | undefined

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  /** Runs `fn` alone on the connection; re-entrant for code already running under the lock. */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const mine = this.holder.getStore()
    if (mine !== undefined && mine === this.held) return fn()
    const before = this.tail
    let release!: () => void
    this.tail = new Promise<void>((r) => (release = r))
    await before
    const token = Symbol('store-lock')
    this.held = token
    try {
      return await this.holder.run(token, fn)
    } finally {
      this.held = undefined
      release()
    }
  }

  static async open(workspaceDir: string, options: { readOnly?: boolean } = {}): Promise<DuckDbStore> {
    const path = resolve(workspaceDir, STORE_FILE)
    if (!options.readOnly) mkdirSync(dirname(path), { recursive: true })
    let instance: DuckDBInstance
    try {
      instance = await DuckDBInstance.create(path, options.readOnly ? { access_mode: 'READ_ONLY' } : {})
    } catch (cause) {
      const msg = String((cause as Error).message ?? cause)
      if (/lock/i.test(msg))
        throw new ToolError('STORE_LOCKED', `Workspace ${path} is in use by another headroom process`, {
          cause,
          hint: 'Wait for the other command to finish, or use a different --workspace.',
        })
      if (/No such file|does not exist/i.test(msg) && options.readOnly)
        throw new ToolError('STORE_IO', `No workspace at ${workspaceDir}`, {
          cause,
          hint: 'Run `headroom demo` or `headroom collect file ...` first, or pass --workspace DIR.',
        })
      throw new ToolError('STORE_IO', `Cannot open workspace ${path}: ${msg}`, { cause })
    }
    const conn = await instance.connect()
    await conn.run("SET TimeZone = 'UTC'")
    const store = new DuckDbStore(path, instance, conn)
    if (!options.readOnly) await store.migrate()
    else await store.checkVersion()
    return store
  }

  close(): void {
    this.conn.closeSync()
    this.instance.closeSync()
  }

  all(sql: string, params?: Record<string, SqlValue>): Promise<Row[]> {
    return this.exclusive(async () => {
      const t = PROFILE ? performance.now() : 0
      const reader = params ? await this.conn.runAndReadAll(sql, params) : await this.conn.runAndReadAll(sql)
      const rows = reader.getRowObjectsJson() as Row[]
      if (PROFILE) profileLine(t, sql)
      return rows
    })
  }

  run(sql: string, params?: Record<string, SqlValue>): Promise<void> {
    return this.exclusive(async () => {
      const t = PROFILE ? performance.now() : 0
      if (params) await this.conn.run(sql, params)
      else await this.conn.run(sql)
      if (PROFILE) profileLine(t, sql)
    })
  }

  /**
   * Runs `fn` in one transaction: everything it wrote is kept, or (on any error) nothing is. Transactions from
   * concurrent callers queue and commit one after another, in the order they were asked for; `fn` must not wait
   * on another caller's store work (that caller would wait for this transaction: a deadlock).
   */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      await this.run('BEGIN TRANSACTION')
      try {
        const result = await fn()
        await this.run('COMMIT')
        return result
      } catch (err) {
        await this.run('ROLLBACK')
        throw err
      }
    })
  }

  async schemaVersion(): Promise<number> {
    const rows = await this.all("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'schema_migrations' AND table_schema = 'main'")
    if (Number(rows[0]?.n) === 0) return 0
    const v = await this.all('SELECT coalesce(max(version), 0) AS v FROM schema_migrations')
    return Number(v[0]?.v ?? 0)
  }

  private async checkVersion(): Promise<number> {
    const current = await this.schemaVersion()
    if (current > LATEST_SCHEMA_VERSION)
      throw new ToolError(
        'STORE_MIGRATION',
        `Workspace ${this.path} has schema version ${current}, newer than this headroom understands (${LATEST_SCHEMA_VERSION})`,
        { hint: 'Upgrade headroom, or use a new --workspace.' },
      )
    return current
  }

  async migrate(): Promise<number> {
    const current = await this.checkVersion()
    if (current === 0) await this.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)')
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue
      await this.transaction(async () => {
        await this.run(m.sql)
        await this.run('INSERT INTO schema_migrations VALUES ($v, $n, now()::TIMESTAMP)', { v: m.version, n: m.name })
      })
    }
    return LATEST_SCHEMA_VERSION
  }

  /** Inserts or updates resources by id (ids are unique within a workspace), in one statement. Call inside a transaction. */
  upsertResources(refs: readonly ResourceRef[]): Promise<void> {
    return this.exclusive(async () => {
      if (refs.length === 0) return
      await this.run(
        `CREATE OR REPLACE TEMP TABLE resource_stage (id VARCHAR, provider VARCHAR, kind VARCHAR, region VARCHAR, attributes VARCHAR, tags VARCHAR)`,
      )
      const app = await this.conn.createAppender('resource_stage', 'main', 'temp')
      for (const r of refs) {
        app.appendVarchar(r.id)
        app.appendVarchar(r.provider)
        app.appendVarchar(r.kind)
        if (r.region === undefined) app.appendNull()
        else app.appendVarchar(r.region)
        app.appendVarchar(JSON.stringify(r.attributes))
        app.appendVarchar(JSON.stringify(r.tags))
        app.endRow()
      }
      app.flushSync()
      app.closeSync()
      await this.run(`INSERT INTO resources (id, provider, kind, region, attributes, tags, updated_at)
        SELECT id, provider, kind, region, attributes::JSON, tags::JSON, now()::TIMESTAMP FROM resource_stage
        ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, kind = excluded.kind, region = excluded.region,
          attributes = excluded.attributes, tags = excluded.tags, updated_at = excluded.updated_at`)
      await this.run('DROP TABLE resource_stage')
    })
  }

  async resources(): Promise<ResourceRef[]> {
    const rows = await this.all('SELECT id, provider, kind, region, attributes::VARCHAR AS attributes, tags::VARCHAR AS tags FROM resources ORDER BY id')
    return rows.map(rowToResource)
  }

  /**
   * Merges a staged temp table (resource_id VARCHAR, metric_id, stat_id, period_s, ts, value) into samples.
   * Idempotent: rows whose (resource, metric, stat, period, ts) is already stored are skipped, and counted as
   * conflicting when their value differs. Resources not yet known are created as `defaultResource`.
   * Call inside a transaction.
   */
  mergeStaged(
    stage: string,
    source: string,
    detail: string,
    defaultResource: { provider: string; kind: ResourceKind },
    /** A table with (resource_id, metric_id, stat_id, period_s, first_ts, last_ts, n) already computed from `stage`. */
    stageSeries?: string,
  ): Promise<MergeResult> {
    return this.exclusive(async () => {
      await this.run(`CREATE OR REPLACE TEMP TABLE stage_series AS
        ${
          stageSeries
            ? `SELECT resource_id, metric_id, stat_id, period_s, first_ts, last_ts, n FROM ${stageSeries}`
            : `SELECT resource_id, metric_id, stat_id, period_s, min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS n
        FROM ${stage} GROUP BY ALL`
        }`)
      const created = await this.all(
        `INSERT INTO resources (id, provider, kind, region, attributes, tags, updated_at)
        SELECT DISTINCT resource_id, $provider, $kind, NULL, '{}', '{}', now()::TIMESTAMP
        FROM stage_series WHERE resource_id NOT IN (SELECT id FROM resources) RETURNING id`,
        { provider: defaultResource.provider, kind: defaultResource.kind },
      )
      await this.run(`CREATE OR REPLACE TEMP TABLE stage_keys AS
        SELECT ss.*, r.key AS resource_key,
          (s.resource_key IS NOT NULL AND ss.first_ts <= s.last_ts AND ss.last_ts >= s.first_ts) AS has_overlap
        FROM stage_series ss JOIN resources r ON r.id = ss.resource_id
        LEFT JOIN series s ON s.resource_key = r.key AND s.metric_id = ss.metric_id AND s.stat_id = ss.stat_id AND s.period_s = ss.period_s`)
      // Fast path: series with no stored rows in their time range are appended as they are.
      await this.run(`INSERT INTO samples
        SELECT k.resource_key, st.metric_id, st.stat_id, st.period_s, st.ts, st.value
        FROM ${stage} st JOIN stage_keys k USING (resource_id, metric_id, stat_id, period_s)
        WHERE NOT k.has_overlap`)
      // Overlapping series: compare with what is stored, keep the stored rows, count conflicts.
      const overlapping = Number((await this.all('SELECT count(*) AS n FROM stage_keys WHERE has_overlap'))[0]?.n ?? 0)
      const dupRows =
        overlapping === 0
          ? [{ dup: 0, conflicting: 0 }]
          : await this.all(`
        WITH incoming AS (
          SELECT k.resource_key, st.metric_id, st.stat_id, st.period_s, st.ts, st.value
          FROM ${stage} st JOIN stage_keys k USING (resource_id, metric_id, stat_id, period_s) WHERE k.has_overlap),
        existing AS (
          SELECT x.* FROM samples x SEMI JOIN (SELECT * FROM stage_keys WHERE has_overlap) k ON x.resource_key = k.resource_key AND x.metric_id = k.metric_id AND x.stat_id = k.stat_id AND x.period_s = k.period_s),
        matched AS (
          SELECT i.resource_key, i.metric_id, i.stat_id, i.period_s, i.ts, i.value AS new_value, e.value AS old_value
          FROM incoming i LEFT JOIN existing e USING (resource_key, metric_id, stat_id, period_s, ts))
        SELECT count(*) FILTER (WHERE old_value IS NOT NULL) AS dup,
               count(*) FILTER (WHERE old_value IS NOT NULL AND old_value <> new_value) AS conflicting
        FROM matched`)
      if (overlapping > 0)
        await this.run(`INSERT INTO samples
        SELECT i.* FROM (
          SELECT k.resource_key, st.metric_id, st.stat_id, st.period_s, st.ts, st.value
          FROM ${stage} st JOIN stage_keys k USING (resource_id, metric_id, stat_id, period_s) WHERE k.has_overlap) i
        ANTI JOIN (SELECT x.resource_key, x.metric_id, x.stat_id, x.period_s, x.ts FROM samples x
                   SEMI JOIN (SELECT * FROM stage_keys WHERE has_overlap) k ON x.resource_key = k.resource_key AND x.metric_id = k.metric_id AND x.stat_id = k.stat_id AND x.period_s = k.period_s) e
        ON i.resource_key = e.resource_key AND i.metric_id = e.metric_id AND i.stat_id = e.stat_id AND i.period_s = e.period_s AND i.ts = e.ts`)
      // Series bookkeeping: counts are exact because only rows not already stored were inserted.
      await this.run(`CREATE OR REPLACE TEMP TABLE series_new AS
        SELECT k.resource_key, k.metric_id, k.stat_id, k.period_s,
          least(k.first_ts, coalesce(s.first_ts, k.first_ts)) AS first_ts,
          greatest(k.last_ts, coalesce(s.last_ts, k.last_ts)) AS last_ts,
          CASE WHEN k.has_overlap THEN c.total ELSE coalesce(s.samples, 0) + k.n END AS samples
        FROM stage_keys k
        LEFT JOIN series s USING (resource_key, metric_id, stat_id, period_s)
        LEFT JOIN (${
          overlapping === 0
            ? 'SELECT NULL::INTEGER AS resource_key, NULL::SMALLINT AS metric_id, NULL::UTINYINT AS stat_id, NULL::INTEGER AS period_s, 0 AS total WHERE false'
            : `SELECT x.resource_key, x.metric_id, x.stat_id, x.period_s, count(*) AS total FROM samples x
                   SEMI JOIN (SELECT * FROM stage_keys WHERE has_overlap) o ON x.resource_key = o.resource_key AND x.metric_id = o.metric_id AND x.stat_id = o.stat_id AND x.period_s = o.period_s
                   GROUP BY ALL`
        }) c USING (resource_key, metric_id, stat_id, period_s)`)
      await this.run(`INSERT OR REPLACE INTO series SELECT resource_key, metric_id, stat_id, period_s, first_ts, last_ts, samples FROM series_new`)
      // Daily aggregates of every touched series, recomputed from the stored samples (exact after dedupe).
      await this.run(`CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT resource_key, metric_id, stat_id FROM stage_keys`)
      await this.run(`DELETE FROM daily USING touched t
        WHERE daily.resource_key = t.resource_key AND daily.metric_id = t.metric_id AND daily.stat_id = t.stat_id`)
      // When the import touched every stored series (a first import), aggregate all samples without the semi join.
      const all = Number(
        (
          await this.all(`SELECT (SELECT count(*) FROM touched) = (SELECT count(*) FROM (SELECT DISTINCT resource_key, metric_id, stat_id FROM series)) AS a`)
        )[0]?.a ?? 0,
      )
      // In key ranges, as the usage query (a first import touches every series; one pass holds every group at once).
      const touchedKeys = (await this.all('SELECT DISTINCT resource_key AS k FROM touched ORDER BY k')).map((r) => Number(r.k))
      for (let i = 0; i < touchedKeys.length; i += USAGE_BATCH) {
        const [lo, hi] = [touchedKeys[i]!, touchedKeys[Math.min(touchedKeys.length, i + USAGE_BATCH) - 1]!]
        await this.run(
          `INSERT INTO daily ${DAILY_ROWS(
            `samples x ${all ? '' : 'SEMI JOIN touched t ON x.resource_key = t.resource_key AND x.metric_id = t.metric_id AND x.stat_id = t.stat_id'}`,
            `WHERE x.resource_key BETWEEN ${lo} AND ${hi}`,
          )}`,
        )
      }
      const totals = await this.all('SELECT coalesce(sum(n), 0)::BIGINT AS read FROM stage_series')
      const rowsRead = Number(totals[0]?.read ?? 0)
      const alreadyStored = Number(dupRows[0]?.dup ?? 0)
      const rowsAdded = rowsRead - alreadyStored
      await this.run('INSERT INTO imports (source, detail, rows_read, rows_added, imported_at) VALUES ($s, $d, $r, $a, now()::TIMESTAMP)', {
        s: source,
        d: detail,
        r: rowsRead,
        a: rowsAdded,
      })
      return {
        rowsRead,
        rowsAdded,
        alreadyStored,
        conflicting: Number(dupRows[0]?.conflicting ?? 0),
        resourcesCreated: created.length,
      }
    })
  }

  /**
   * The stored load of an Auto Scaling group over a window: the group's own series when it has one (e.g. the
   * ASG's average CPUUtilization on a resource whose id is the group name, or whose id is region-qualified as
   * `collect aws` stores it, us-east-1:web, and whose name is the group), otherwise each member's series (resources
   * tagged aws:autoscaling:groupName = group, in its region when the group is given region-qualified, or with
   * attribute asg = group). Averages are preferred
   * over maxima: load is what the group serves on average within each period.
   */
  groupLoad(q: { group: string; metric: MetricName; lookbackDays: number; asOf?: number }): Promise<GroupLoad | undefined> {
    return this.exclusive(async () => {
      const m = metricId(q.metric)
      const members = await this.all(
        `SELECT r.key, r.id, r.provider, r.kind, r.region, r.attributes::VARCHAR AS attributes, r.tags::VARCHAR AS tags,
          (r.id = $g OR (r.kind = 'asg' AND json_extract_string(r.attributes, '$.name') = $g)) AS is_group
        FROM resources r
        WHERE (r.id = $g OR (r.kind = 'asg' AND json_extract_string(r.attributes, '$.name') = $g)
          OR (json_extract_string(r.tags, '$."aws:autoscaling:groupName"') = $g
            OR r.region || ':' || json_extract_string(r.tags, '$."aws:autoscaling:groupName"') = $g)
          OR json_extract_string(r.attributes, '$.asg') = $g)
          AND EXISTS (SELECT 1 FROM series s WHERE s.resource_key = r.key AND s.metric_id = ${m})
        ORDER BY r.id`,
        { g: q.group },
      )
      if (members.length === 0) return undefined
      const own = members.find((r) => r.is_group === true)
      const chosen = own ? [own] : members.filter((r) => r.is_group !== true)
      const keys = chosen.map((r) => Number(r.key)).join(', ')
      const stat = Number(
        (
          await this.all(`SELECT CASE WHEN bool_or(stat_id = ${statId('avg')}) THEN ${statId('avg')} ELSE min(stat_id) END AS s
        FROM series WHERE resource_key IN (${keys}) AND metric_id = ${m}`)
        )[0]?.s,
      )
      const end =
        q.asOf === undefined
          ? Number(
              (
                await this.all(
                  `SELECT epoch_ms(max(last_ts))::DOUBLE AS e FROM series WHERE resource_key IN (${keys}) AND metric_id = ${m} AND stat_id = ${stat}`,
                )
              )[0]?.e,
            )
          : q.asOf
      const start = end - q.lookbackDays * 86_400_000
      const rows = await this.all(`SELECT resource_key AS key, epoch_ms(ts)::DOUBLE AS t, value, period_s AS p FROM samples
        WHERE resource_key IN (${keys}) AND metric_id = ${m} AND stat_id = ${stat}
          AND ts > make_timestamp(${Math.round(start)}::BIGINT * 1000) AND ts <= make_timestamp(${Math.round(end)}::BIGINT * 1000)
        ORDER BY resource_key, ts`)
      const byKey = new Map(chosen.map((r) => [Number(r.key), rowToResource(r)]))
      return {
        source: own ? 'group' : 'members',
        stat: STATISTICS[stat - 1] ?? 'avg',
        window: { start, end },
        series: [...byKey.entries()].map(([key, resource]) => {
          const pts = rows.filter((r) => Number(r.key) === key)
          return {
            resource,
            ts: Float64Array.from(pts, (r) => Number(r.t)),
            values: Float64Array.from(pts, (r) => Number(r.value)),
            periodSec: Number(pts[0]?.p ?? 300),
          }
        }),
      }
    })
  }

  /**
   * Appends series a collector produced (JS arrays) through the same idempotent merge as file imports: staged
   * with the appender, then merged. Call inside a transaction together with upsertResources.
   */
  appendSeries(
    series: readonly CollectedSeries[],
    source: string,
    detail: string,
    defaultResource: { provider: string; kind: ResourceKind },
  ): Promise<MergeResult> {
    return this.exclusive(async () => {
      await this.run(
        'CREATE OR REPLACE TEMP TABLE append_stage (resource_id VARCHAR, metric_id SMALLINT, stat_id UTINYINT, period_s INTEGER, ts_ms DOUBLE, value DOUBLE)',
      )
      const app = await this.conn.createAppender('append_stage', 'main', 'temp')
      for (const s of series) {
        const m = metricId(s.metric)
        const st = statId(s.stat)
        for (let i = 0; i < s.ts.length; i++) {
          app.appendVarchar(s.resourceId)
          app.appendSmallInt(m)
          app.appendUTinyInt(st)
          app.appendInteger(s.periodSec)
          app.appendDouble(s.ts[i]!)
          app.appendDouble(s.values[i]!)
          app.endRow()
        }
      }
      app.flushSync()
      app.closeSync()
      await this.run(`CREATE OR REPLACE TEMP VIEW append_view AS
        SELECT resource_id, metric_id, stat_id, period_s, make_timestamp((ts_ms * 1000)::BIGINT) AS ts, value FROM append_stage`)
      const r = await this.mergeStaged('append_view', source, detail, defaultResource)
      await this.run('DROP VIEW append_view; DROP TABLE append_stage')
      return r
    })
  }

  /** Replaces a source's stored collection issues (the latest collection's problems are the ones that matter). */
  replaceSourceIssues(source: string, issues: readonly Issue[], at: number): Promise<void> {
    return this.exclusive(async () => {
      await this.run(`DELETE FROM source_issues WHERE source = ${sqlString(source)}`)
      for (const i of issues)
        await this.run('INSERT INTO source_issues VALUES ($s, $c, $v, $m, $r, $a)', {
          s: source,
          c: i.code,
          v: i.severity,
          m: i.message,
          r: i.resourceId ?? null,
          a: at,
        })
    })
  }

  async sourceIssues(): Promise<Issue[]> {
    const rows = await this.all('SELECT code, severity, message, resource_id FROM source_issues ORDER BY source, code, message')
    return rows.map((r) => ({
      code: String(r.code),
      severity: String(r.severity) as Issue['severity'],
      message: String(r.message),
      ...(r.resource_id ? { resourceId: text(r.resource_id) } : {}),
    }))
  }

  /** Compute Optimizer's recommendations, replaced resource by resource on each fetch. */
  upsertCoRecommendations(
    recs: readonly { resourceId: string; kind: string; finding: string; current: string; recommended: string | null; monthlySavings: number | null }[],
    at: number,
  ): Promise<void> {
    return this.exclusive(async () => {
      for (const r of recs)
        await this.run('INSERT OR REPLACE INTO co_recommendations VALUES ($i, $k, $f, $c, $r, $s, $a)', {
          i: r.resourceId,
          k: r.kind,
          f: r.finding,
          c: r.current,
          r: r.recommended,
          s: r.monthlySavings,
          a: at,
        })
    })
  }

  async coRecommendations(): Promise<StoredCoRecommendation[]> {
    const rows = await this.all('SELECT * FROM co_recommendations ORDER BY resource_id')
    return rows.map((r) => ({
      resourceId: String(r.resource_id),
      kind: String(r.kind),
      finding: String(r.finding),
      current: String(r.current),
      recommended: r.recommended === null ? null : text(r.recommended),
      monthlySavings: r.monthly_savings === null ? null : Number(r.monthly_savings),
    }))
  }

  /** A measured hit ratio for a resource, replacing the one before. */
  upsertCacheMeasurement(m: CacheMeasurement): Promise<void> {
    return this.exclusive(async () => {
      await this.run('INSERT OR REPLACE INTO cache_measurements VALUES ($i, $h, $t, $n, $s, $a)', {
        i: m.resourceId,
        h: m.hitRatio,
        t: m.ttlSec,
        n: m.requests,
        s: m.source,
        a: m.measuredAt,
      })
    })
  }

  async cacheMeasurements(): Promise<CacheMeasurement[]> {
    const rows = await this.all('SELECT * FROM cache_measurements ORDER BY resource_id')
    return rows.map((r) => ({
      resourceId: String(r.resource_id),
      hitRatio: Number(r.hit_ratio),
      ttlSec: r.ttl_sec === null ? null : Number(r.ttl_sec),
      requests: Number(r.requests),
      source: String(r.source),
      measuredAt: Number(r.measured_at),
    }))
  }

  /** An S3 Inventory summary for a bucket (collect s3-inventory), replacing the one before. Call inside a transaction. */
  upsertS3Inventory(bucket: string, summary: InventorySummary, source: string): Promise<void> {
    return this.exclusive(async () => {
      await this.run('INSERT OR REPLACE INTO s3_inventories VALUES ($b, $s, $src, $t)', {
        b: bucket,
        s: JSON.stringify(summary),
        src: source,
        t: summary.takenAt,
      })
    })
  }

  async s3Inventories(): Promise<{ bucket: string; summary: InventorySummary; source: string }[]> {
    if (!(await this.hasTable('s3_inventories'))) return []
    const rows = await this.all('SELECT bucket, summary, source FROM s3_inventories ORDER BY bucket')
    return rows.map((r) => ({ bucket: String(r.bucket), summary: JSON.parse(String(r.summary)) as InventorySummary, source: String(r.source) }))
  }

  /** A read-only workspace is not migrated: tables added since it was written may be missing. */
  private async hasTable(name: string): Promise<boolean> {
    return (await this.all('SELECT 1 FROM information_schema.tables WHERE table_name = $n', { n: name })).length > 0
  }

  /** Records a `headroom monitor --apply` that went through. */
  recordMonitoringApply(m: MonitoringApply): Promise<void> {
    return this.exclusive(async () => {
      await this.run('INSERT OR REPLACE INTO monitoring_applies VALUES ($t, $r, $d, $a, $x)', {
        t: m.appliedAt,
        r: m.region,
        d: m.dashboards,
        a: m.alarms,
        x: JSON.stringify(m.alarmed),
      })
    })
  }

  /** Every recorded `monitor --apply`, latest first (none in a read-only workspace that predates migration 14). */
  async monitoringApplies(): Promise<MonitoringApply[]> {
    if (!(await this.hasTable('monitoring_applies'))) return []
    const rows = await this.all('SELECT * FROM monitoring_applies ORDER BY applied_at DESC, region')
    return rows.map((r) => ({
      appliedAt: Number(r.applied_at),
      region: String(r.region),
      dashboards: Number(r.dashboards),
      alarms: Number(r.alarms),
      alarmed: JSON.parse(String(r.alarmed)) as string[],
    }))
  }

  /** Keeps a review (its JSON document) for the next review of the same workload to compare against. */
  saveReview(workload: string, takenAt: number, document: string): Promise<void> {
    return this.exclusive(async () => {
      await this.run('INSERT OR REPLACE INTO reviews VALUES ($w, $t, $d)', { w: workload, t: takenAt, d: document })
    })
  }

  /** The JSON of the workload's latest stored review taken before `before` (epoch ms), if any. */
  async latestReview(workload: string, before: number): Promise<string | undefined> {
    // A workspace opened read-only may predate migration 13: no table, no earlier review.
    if (!(await this.hasTable('reviews'))) return undefined
    const rows = await this.all('SELECT document FROM reviews WHERE workload = $w AND taken_at < $b ORDER BY taken_at DESC LIMIT 1', { w: workload, b: before })
    return rows[0] ? String(rows[0].document) : undefined
  }

  /**
   * Every stored series of the given resources within (start, end], reduced for display to at most two points per
   * time bucket: the bucket's minimum and maximum, each at its own time, in time order. A mean per bucket would hide
   * the peaks a sizing is about; min/max per pixel-wide bucket draws the same picture as every point. Buckets are
   * (start + k w, start + (k + 1) w], like the window, so a sample at `end` falls in the last one.
   */
  displaySeries(q: { resourceIds: readonly string[]; start: number; end: number; buckets: number }): Promise<DisplaySeries[]> {
    if (q.resourceIds.length === 0) return Promise.resolve([])
    const width = Math.max(1, (q.end - q.start) / q.buckets)
    return this.exclusive(async () => {
      const rows = await this.all(
        `SELECT r.id, x.metric_id AS m, x.stat_id AS s, min(x.period_s)::INT AS p,
          ceil((epoch_ms(x.ts)::DOUBLE - $start) / $width)::BIGINT - 1 AS b,
          arg_min(epoch_ms(x.ts)::DOUBLE, x.value) AS tmin, min(x.value) AS vmin,
          arg_max(epoch_ms(x.ts)::DOUBLE, x.value) AS tmax, max(x.value) AS vmax
        FROM samples x JOIN resources r ON r.key = x.resource_key
        WHERE r.id IN (${q.resourceIds.map(sqlString).join(', ')})
          AND x.ts > make_timestamp($start::BIGINT * 1000) AND x.ts <= make_timestamp($end::BIGINT * 1000)
        GROUP BY ALL ORDER BY r.id, m, s, b`,
        { start: Math.round(q.start), end: Math.round(q.end), width },
      )
      return displayRows(rows)
    })
  }

  /** Resources by kind and the time span of all stored series (for `headroom status`). */
  async overview(): Promise<{ kinds: { kind: string; count: number }[]; firstTs: number | null; lastTs: number | null }> {
    const kinds = await this.all('SELECT kind, count(*)::INT AS n FROM resources GROUP BY kind ORDER BY kind')
    const span = await this.all('SELECT epoch_ms(min(first_ts))::DOUBLE AS a, epoch_ms(max(last_ts))::DOUBLE AS b FROM series')
    const a = span[0]?.a
    const b = span[0]?.b
    return {
      kinds: kinds.map((k) => ({ kind: text(k.kind), count: Number(k.n) })),
      firstTs: a === null || a === undefined ? null : Number(a),
      lastTs: b === null || b === undefined ? null : Number(b),
    }
  }

  /** The newest unfinished `collect aws` run with these parameters, to resume its window. */
  async unfinishedAwsRun(params: string): Promise<{ runKey: string; windowEnd: number } | undefined> {
    const r = await this.all(
      `SELECT run_key, window_end FROM aws_runs WHERE params = ${sqlString(params)} AND finished_at IS NULL ORDER BY started_at DESC LIMIT 1`,
    )
    return r[0] ? { runKey: text(r[0].run_key), windowEnd: Number(r[0].window_end) } : undefined
  }

  /** Records a `collect aws` run (idempotent: a resumed run keeps its row). Call inside a transaction. */
  async startAwsRun(run: { runKey: string; params: string; start: number; end: number; startedAt: number }): Promise<void> {
    await this.run(
      `INSERT INTO aws_runs VALUES (${sqlString(run.runKey)}, ${sqlString(run.params)}, ${run.start}, ${run.end}, ${run.startedAt}, NULL) ON CONFLICT DO NOTHING`,
    )
  }

  /** Resume checkpoints: the GetMetricData calls of a run already stored. */
  async awsCallsDone(runKey: string): Promise<Set<string>> {
    return new Set((await this.all(`SELECT call_key FROM aws_calls_done WHERE run_key = ${sqlString(runKey)}`)).map((r) => text(r.call_key)))
  }

  /** Marks calls stored, in one statement (648 single-row inserts took 1.5 s of a 6.5 s collection). Call inside the transaction that stores their data. */
  async markAwsCallsDone(runKey: string, callKeys: readonly string[]): Promise<void> {
    if (callKeys.length === 0) return
    await this.run(`INSERT INTO aws_calls_done VALUES ${callKeys.map((k) => `(${sqlString(runKey)}, ${sqlString(k)})`).join(', ')} ON CONFLICT DO NOTHING`)
  }

  async finishAwsRun(runKey: string, at: number): Promise<void> {
    await this.run(`UPDATE aws_runs SET finished_at = ${at} WHERE run_key = ${sqlString(runKey)}`)
  }

  async counts(): Promise<{ resources: number; samples: number; series: number; imports: number }> {
    const r = await this.all(`SELECT (SELECT count(*) FROM resources) AS resources, (SELECT count(*) FROM samples) AS samples,
      (SELECT count(*) FROM series) AS series, (SELECT count(*) FROM imports) AS imports`)
    const row = r[0] ?? {}
    return { resources: Number(row.resources), samples: Number(row.samples), series: Number(row.series), imports: Number(row.imports) }
  }

  /** Usage summaries for every resource, with samples or not (see UsageQuery for the window rule). */
  usage(q: UsageQuery): Promise<UsageSummary[]> {
    return this.exclusive(async () => {
      const lookbackMs = q.lookbackDays * 86_400_000
      const filters: string[] = []
      if (q.kinds?.length) filters.push(`r.kind IN (${q.kinds.map(sqlString).join(', ')})`)
      if (q.resourceIds?.length) filters.push(`r.id IN (${q.resourceIds.map(sqlString).join(', ')})`)
      const where = filters.length ? `WHERE ${filters.join(' AND ')}` : ''
      // Every resource, with samples or not: one without (an unattached volume, a stopped instance, a function never
      // invoked) still reaches its analyzer, which lists it with why it is not sized, or flags it (Trusted Advisor's
      // unattached-volume check needs no metric). Its window ends at the workspace's latest sample.
      await this.run(`CREATE OR REPLACE TEMP TABLE usage_window AS
        SELECT r.key, ${q.asOf === undefined ? 'max(s.last_ts)' : `make_timestamp(${Math.round(q.asOf)}::BIGINT * 1000)`} AS we
        FROM resources r LEFT JOIN series s ON s.resource_key = r.key ${where} GROUP BY r.key`)
      if (q.asOf === undefined) await this.run('UPDATE usage_window SET we = (SELECT max(last_ts) FROM series) WHERE we IS NULL')
      await this.run('DELETE FROM usage_window WHERE we IS NULL')
      // Without --as-of the window ends at the resource's latest dense data, not its latest sample: one stray row a
      // week (or a century) after the rest must not move a 14-day window off the data. A UTC day is dense when one
      // series holds an hour of data on it (12 five-minute samples, one hourly one); samples later than the day after
      // the latest dense day are stragglers, left out of the window and reported. Resources with no dense day (tiny
      // series) keep their latest sample as the end. The daily table makes this cheap: only stragglers' resources
      // touch the samples table.
      const stragglers = new Map<number, { samples: number; first: number; last: number }>()
      if (q.asOf === undefined) {
        // Resources whose latest sample lies past the day after their latest dense day, with that cut-off.
        await this.run(`CREATE OR REPLACE TEMP TABLE usage_late AS
          WITH p AS (SELECT resource_key, metric_id, stat_id, min(period_s) AS period_s FROM series GROUP BY ALL),
          dense AS (SELECT d.resource_key, max(d.day) AS dd FROM daily d JOIN p USING (resource_key, metric_id, stat_id)
                    WHERE d.samples * p.period_s >= 3600 GROUP BY d.resource_key)
          SELECT w.key, make_timestamp((dense.dd + 2)::BIGINT * 86400000000) AS cut FROM usage_window w JOIN dense ON dense.resource_key = w.key
          WHERE epoch_ms(w.we) >= (dense.dd + 2)::BIGINT * 86400000`)
        // One pass over those resources' samples: the new window end, and what lies beyond it.
        const late = await this.all(`SELECT l.key, epoch_ms(max(s.ts) FILTER (WHERE s.ts < l.cut))::DOUBLE AS we,
            count(*) FILTER (WHERE s.ts >= l.cut)::BIGINT AS n, epoch_ms(min(s.ts) FILTER (WHERE s.ts >= l.cut))::DOUBLE AS f, epoch_ms(max(s.ts))::DOUBLE AS l
          FROM usage_late l JOIN samples s ON s.resource_key = l.key GROUP BY l.key HAVING we IS NOT NULL`)
        if (late.length > 0)
          await this.run(`UPDATE usage_window SET we = make_timestamp(l.we::BIGINT * 1000)
            FROM (VALUES ${late.map((r) => `(${Number(r.key)}, ${Math.round(Number(r.we))})`).join(', ')}) AS l(key, we) WHERE usage_window.key = l.key`)
        for (const r of late) stragglers.set(Number(r.key), { samples: Number(r.n), first: Number(r.f), last: Number(r.l) })
        await this.run('DROP TABLE usage_late')
      }
      await this.run(`ALTER TABLE usage_window ADD COLUMN ws TIMESTAMP`)
      await this.run(`UPDATE usage_window SET ws = we - to_milliseconds(${lookbackMs}::BIGINT)`)
      // 5-minute resolution: coarser data is used as is; finer data is rolled up per 5-minute bucket
      // (max of maxima, mean of averages, min of minima, sum of sums) to match Compute Optimizer's sampling.
      const buckets = `
        SELECT s.resource_key, s.metric_id, s.stat_id, s.period_s, s.ts, s.value
        FROM samples s JOIN usage_window w ON s.resource_key = w.key
        WHERE s.ts > w.ws AND s.ts <= w.we AND s.period_s >= 300
        UNION ALL
        SELECT s.resource_key, s.metric_id, s.stat_id, 300 AS period_s, time_bucket(INTERVAL 5 MINUTE, s.ts) AS ts,
          CASE s.stat_id WHEN ${statId('avg')} THEN ${exactSum('s.value')} / count(*) WHEN ${statId('min')} THEN min(s.value)
            WHEN ${statId('sum')} THEN ${exactSum('s.value')} ELSE max(s.value) END AS value
        FROM samples s JOIN usage_window w ON s.resource_key = w.key
        WHERE s.ts > w.ws AND s.ts <= w.we AND s.period_s < 300
        GROUP BY s.resource_key, s.metric_id, s.stat_id, time_bucket(INTERVAL 5 MINUTE, s.ts)`
      await this.run(`CREATE OR REPLACE TEMP VIEW usage_buckets AS ${buckets}`)
      // The interior levels by quantile_cont; levels 0 and 1 are min() and max(), which need no selection. Levels are
      // cast to DOUBLE (a literal 0.99 is a DECIMAL). The ClickHouse store computes the same from sorted arrays.
      const levels = `[${QUANTILE_LEVELS.filter((l) => l > 0 && l < 1)
        .map((l) => `${l}::DOUBLE`)
        .join(', ')}]`
      // Order statistics at exact ranks: DECIMAL levels make quantile_disc compute its index in integers.
      const edgeLevels = `[${EXCEEDANCE_LIMITS.map((x) => `${(1 - x).toFixed(4)}::DECIMAL(5, 4)`).join(', ')}]`
      const ceilings = CEILING_LEVELS.map((l, i) => `count(*) FILTER (WHERE b.value >= ${l}) AS c${i}`).join(', ')
      // In batches of resources: each quantile aggregate buffers every value of its group, so one pass over 10,000
      // instances peaked at 3.6 GiB RSS with the edges' aggregate beside the quantiles'; a key range per pass keeps
      // the buffers to one batch while DuckDB's zone maps on samples.resource_key keep each pass to its rows. The
      // average is exactSum / n: the same to the last bit whatever order DuckDB (or ClickHouse) adds the rows in.
      const keys = (await this.all('SELECT key FROM usage_window ORDER BY key')).map((r) => Number(r.key))
      const stats: Row[] = []
      for (let i = 0; i < keys.length; i += USAGE_BATCH) {
        const [lo, hi] = [keys[i]!, keys[Math.min(keys.length, i + USAGE_BATCH) - 1]!]
        stats.push(
          ...(await this.all(`
        SELECT b.resource_key AS key, b.metric_id, b.stat_id, count(*)::BIGINT AS n, max(b.period_s) AS period_s,
          ${exactSum('b.value')} / count(*) AS avg, min(b.value) AS min, max(b.value) AS max, epoch_ms(min(b.ts))::DOUBLE AS first, epoch_ms(max(b.ts))::DOUBLE AS last,
          quantile_cont(b.value, ${levels}) AS q, quantile_disc(b.value, ${edgeLevels}) AS e, ${ceilings}
        FROM usage_buckets b WHERE b.resource_key BETWEEN ${lo} AND ${hi} GROUP BY ALL ORDER BY ALL`)),
        )
      }
      // Whole UTC days that overlap each resource's window, from the daily table kept at import.
      const daily = await this.all(`
        SELECT d.resource_key AS key, d.metric_id, d.stat_id, d.day, d.samples AS n, d.sum / d.samples AS avg, d.max, d.total
        FROM daily d JOIN usage_window w ON d.resource_key = w.key
        WHERE d.day >= epoch_ms(w.ws) // 86400000 AND d.day <= epoch_ms(w.we) // 86400000
        ORDER BY d.resource_key, d.metric_id, d.stat_id, d.day`)
      const windows = await this.all(`SELECT w.key, epoch_ms(w.ws)::DOUBLE AS ws, epoch_ms(w.we)::DOUBLE AS we, r.id, r.provider, r.kind, r.region,
        r.attributes::VARCHAR AS attributes, r.tags::VARCHAR AS tags FROM usage_window w JOIN resources r ON r.key = w.key ORDER BY r.id`)
      await this.run('DROP VIEW usage_buckets')

      const byKey = new Map<number, UsageSummary>()
      const summaries: UsageSummary[] = []
      for (const w of windows) {
        const late = stragglers.get(Number(w.key))
        const s: UsageSummary = {
          resource: rowToResource(w),
          window: { start: Number(w.ws), end: Number(w.we) },
          metrics: {},
          daily: [],
          ...(late ? { stragglers: late } : {}),
        }
        byKey.set(Number(w.key), s)
        summaries.push(s)
      }
      for (const row of stats) {
        const s = byKey.get(Number(row.key))
        if (s) addSeriesRow(s, row)
      }
      for (const row of daily) {
        const s = byKey.get(Number(row.key))
        if (s) addDailyRow(s, row)
      }
      const seriesKeys = windows.filter((w) => SERIES_KINDS.includes(String(w.kind))).map((w) => Number(w.key))
      if (seriesKeys.length > 0) await this.attachSeries(seriesKeys, byKey)
      return summaries
    })
  }

  /** Each source's stored collection issues with when they were stored (for copying a workspace). */
  async sourceIssuesBySource(): Promise<{ source: string; issues: Issue[]; at: number }[]> {
    const rows = await this.all('SELECT source, code, severity, message, resource_id, recorded_at FROM source_issues ORDER BY source, code, message')
    const out: { source: string; issues: Issue[]; at: number }[] = []
    for (const r of rows) {
      const source = String(r.source)
      if (out.at(-1)?.source !== source) out.push({ source, issues: [], at: Number(r.recorded_at) })
      out.at(-1)!.issues.push({
        code: String(r.code),
        severity: String(r.severity) as Issue['severity'],
        message: String(r.message),
        ...(r.resource_id ? { resourceId: text(r.resource_id) } : {}),
      })
    }
    return out
  }

  /**
   * Every stored sample, streamed as series of at most about `rows` samples per call of `fn` (a long series is split),
   * oldest first within a series: a workspace of any size is copied without holding it in memory. Read a range of
   * resources at a time (COPY_KEYS), so DuckDB sorts one range, not the workspace: one ORDER BY over 12 million samples
   * took the copying process to 1.25 GiB.
   */
  eachSeriesChunk(rows: number, fn: (series: CollectedSeries[]) => Promise<void>): Promise<void> {
    return this.exclusive(async () => {
      let batch: CollectedSeries[] = []
      let inBatch = 0
      let cur: { resourceId: string; m: number; st: number; p: number; ts: number[]; values: number[] } | undefined
      const close = () => {
        if (!cur || cur.ts.length === 0) return
        const metric = METRIC_NAMES[cur.m - 1]
        const stat = STATISTICS[cur.st - 1]
        if (metric && stat)
          batch.push({ resourceId: cur.resourceId, metric, stat, periodSec: cur.p, ts: Float64Array.from(cur.ts), values: Float64Array.from(cur.values) })
        cur = { ...cur, ts: [], values: [] }
      }
      const keys = (await this.all('SELECT DISTINCT resource_key AS k FROM series ORDER BY k')).map((r) => Number(r.k))
      for (let i = 0; i < keys.length; i += COPY_KEYS) {
        const [lo, hi] = [keys[i]!, keys[Math.min(keys.length, i + COPY_KEYS) - 1]!]
        const result = await this.conn.stream(`SELECT r.id, s.metric_id, s.stat_id, s.period_s, epoch_ms(s.ts)::DOUBLE AS t, s.value
          FROM samples s JOIN resources r ON r.key = s.resource_key WHERE s.resource_key BETWEEN ${lo} AND ${hi}
          ORDER BY s.resource_key, s.metric_id, s.stat_id, s.period_s, s.ts`)
        for (;;) {
          const chunk = await result.fetchChunk()
          if (!chunk || chunk.rowCount === 0) break
          const [ids, ms, sts, ps, ts, vs] = chunk.getColumns() as [string[], number[], number[], number[], number[], number[]]
          for (let j = 0; j < chunk.rowCount; j++) {
            const m = Number(ms[j])
            const st = Number(sts[j])
            const p = Number(ps[j])
            if (!cur || cur.resourceId !== ids[j] || cur.m !== m || cur.st !== st || cur.p !== p) {
              close()
              cur = { resourceId: ids[j]!, m, st, p, ts: [], values: [] }
            }
            cur.ts.push(Number(ts[j]))
            cur.values.push(Number(vs[j]))
            if (++inBatch >= rows) {
              close()
              await fn(batch)
              batch = []
              inBatch = 0
            }
          }
        }
      }
      close()
      if (batch.length > 0) await fn(batch)
    })
  }

  /** Native-resolution series for SERIES_KINDS resources within their windows: avg where stored, else sum, else max. */
  private async attachSeries(keys: readonly number[], byKey: Map<number, UsageSummary>): Promise<void> {
    const pref = `CASE stat_id WHEN ${statId('avg')} THEN 0 WHEN ${statId('sum')} THEN 1 WHEN ${statId('max')} THEN 2 ELSE 3 END`
    const rows = await this.all(`
      WITH chosen AS (
        SELECT resource_key, metric_id, arg_min(stat_id, ${pref}) AS stat_id FROM series WHERE resource_key IN (${keys.join(', ')}) GROUP BY ALL
      )
      SELECT s.resource_key AS key, s.metric_id, s.stat_id, s.period_s AS p, epoch_ms(s.ts)::DOUBLE AS t, s.value
      FROM samples s JOIN chosen c USING (resource_key, metric_id, stat_id) JOIN usage_window w ON s.resource_key = w.key
      WHERE s.ts > w.ws AND s.ts <= w.we
      ORDER BY s.resource_key, s.metric_id, s.ts`)
    let i = 0
    while (i < rows.length) {
      let j = i
      while (j < rows.length && rows[j]!.key === rows[i]!.key && rows[j]!.metric_id === rows[i]!.metric_id) j++
      const s = byKey.get(Number(rows[i]!.key))
      const metric = METRIC_NAMES[Number(rows[i]!.metric_id) - 1]
      const stat = STATISTICS[Number(rows[i]!.stat_id) - 1]
      if (s && metric && stat) {
        const part = rows.slice(i, j)
        s.series = {
          ...(s.series ?? {}),
          [metric]: {
            stat,
            periodSec: Number(part[0]!.p),
            ts: Float64Array.from(part, (r) => Number(r.t)),
            values: Float64Array.from(part, (r) => Number(r.value)),
          },
        }
      }
      i = j
    }
  }
}

/** HEADROOM_PROFILE=1 prints each statement's wall time to stderr (for benchmarks, never in tests). */
const PROFILE = process.env.HEADROOM_PROFILE === '1'
function profileLine(t: number, sql: string): void {
  process.stderr.write(`[sql ${((performance.now() - t) / 1000).toFixed(3)} s] ${sql.replace(/\s+/g, ' ').slice(0, 110)}\n`)
}

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`
}

function rowToResource(row: Row): ResourceRef {
  const region = row.region === null || row.region === undefined ? undefined : text(row.region)
  return {
    provider: String(row.provider),
    kind: String(row.kind) as ResourceKind,
    id: String(row.id),
    ...(region === undefined ? {} : { region }),
    attributes: JSON.parse(text(row.attributes) || '{}') as Record<string, string | number>,
    tags: JSON.parse(text(row.tags) || '{}') as Record<string, string>,
  }
}
