import { AsyncLocalStorage } from 'node:async_hooks'
import { randomInt } from 'node:crypto'
import { Readable } from 'node:stream'
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client'
import type { InventorySummary } from '../../catalog/s3.js'
import { ToolError } from '../../core/errors.js'
import { METRIC_NAMES, STATISTICS, type MetricName, type Statistic } from '../../core/metrics.js'
import type { Issue, ResourceKind, ResourceRef } from '../../core/report.js'
import {
  CEILING_LEVELS,
  EXCEEDANCE_LIMITS,
  QUANTILE_LEVELS,
  SERIES_KINDS,
  type AwsRunStore,
  type CacheMeasurement,
  type CollectedSeries,
  type DisplaySeries,
  type MergeResult,
  type MonitoringApply,
  type StoredCoRecommendation,
  type UsageQuery,
  type UsageSummary,
  type WorkspaceReader,
} from '../types.js'
import { exactSum } from '../sum.js'
import { addDailyRow, addSeriesRow, displayRows } from '../usage.js'
import type { ClickHouseTarget } from './url.js'

type Row = Record<string, unknown>

/** The schema this code writes; a store with a higher one was written by a newer headroom. */
const SCHEMA_VERSION = 1
/** Resources per usage pass on a shard: each series' 5-minute values are held as one sorted array while it is summarised. */
const USAGE_BATCH = 1_000
/** Rows per insert request: one TabSeparated body of about 30 MB (see COPY_ROWS in copy.ts for why large). */
const INSERT_ROWS = 500_000
/** Resource ids per `IN (...)` list: ClickHouse parses at most max_query_size (256 KiB) of a query's text. */
const IDS_PER_QUERY = 2_000

const metricId = (m: MetricName): number => METRIC_NAMES.indexOf(m) + 1
const statId = (s: Statistic): number => STATISTICS.indexOf(s) + 1

/** A ClickHouse string literal. */
const lit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
/** A TabSeparated field (tab, newline and backslash escaped). */
const tsv = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n')
/**
 * A double as its 8 bytes in hex: ClickHouse 18.16 parses decimal text to the nearest double only most of the time
 * (267 of 200,000 random values came back a last bit off through JSONEachRow), and a contract that both stores give
 * the same report cannot start from different numbers. unhex + reinterpretAsFloat64 in the shards' materialized view
 * restores the exact bits (0 of the 200,000 differed).
 */
const hexOf = (() => {
  const buf = Buffer.alloc(8)
  return (v: number) => {
    buf.writeDoubleLE(v)
    return buf.toString('hex')
  }
})()

/** A double as a SQL expression of its exact bits (see hexOf: 18.16's float literals are not always the nearest double). */
const f64 = (x: number) => `reinterpretAsFloat64(unhex('${hexOf(x)}'))`

const chunks = <T>(xs: readonly T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n))

/**
 * The workspace store on ClickHouse, for estates that outgrow one machine: samples in a MergeTree on each shard
 * (partitioned by UTC day, ordered by resource, metric, statistic, period and time) behind a Distributed table sharded
 * by cityHash64(resource), so every sample of a resource lives on one shard; resources and the small tables on the node
 * the URL names. The usage summary runs where the data is: each shard rolls its own resources up to 5 minutes and
 * computes their quantiles, edges and day aggregates, and only those summaries come back (docs/clickhouse.md).
 *
 * ClickHouse has no transactions. Every write carries a batch id; a batch is visible once its commit row is written
 * (one insert, atomic), and readers filter samples and documents to committed batches as of when they opened. A
 * failed collection's rows stay invisible and are deleted (ALTER ... DELETE) on the way out.
 */
export class ClickHouseStore implements WorkspaceReader, AwsRunStore {
  private batch: number | undefined
  private seq = 0
  private tail: Promise<void> = Promise.resolve()
  private readonly holder = new AsyncLocalStorage<number>()
  /** Resource ids known in this store (loaded once per transaction): samples of others create them. */
  private known: Set<string> | undefined

  private constructor(
    readonly target: ClickHouseTarget,
    private readonly main: ClickHouseClient,
    /** One client per shard; the main node alone when the store is on one node. */
    private readonly shards: ClickHouseClient[],
    /** Committed batches as of open: batch <= max and not pending. */
    private snapshot: { max: number; pending: Set<number> },
  ) {}

  /** What messages call this store. */
  get path(): string {
    return this.target.display
  }

  private get db(): string {
    return this.target.database
  }
  /** Where samples are read and written: the Distributed tables, or the local ones on a single node. */
  private get samples(): string {
    return `${this.db}.${this.target.shards.length ? 'samples' : 'samples_local'}`
  }
  private get samplesIn(): string {
    return `${this.db}.${this.target.shards.length ? 'samples_in' : 'samples_in_local'}`
  }

  static async open(target: ClickHouseTarget, options: { readOnly?: boolean } = {}): Promise<ClickHouseStore> {
    const client = (url: string) =>
      createClient({
        url,
        ...(target.username ? { username: target.username } : {}),
        ...(target.password ? { password: target.password } : {}),
        request_timeout: 600_000,
        log: { level: ClickHouseLogLevel.OFF },
        clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
      })
    const main = client(target.http)
    const shards = target.shards.length ? target.shards.map((u) => (u === target.http ? main : client(u))) : [main]
    const all = [main, ...shards.filter((s) => s !== main)]
    const closeAll = () => Promise.all(all.map((c) => c.close()))
    try {
      for (const [i, c] of all.entries()) {
        const p = await c.ping()
        if (!p.success) {
          const where = i === 0 ? target.http : target.shards[shards.indexOf(c)]
          throw new ToolError('STORE_IO', `Cannot reach ClickHouse at ${where} (store ${target.display}): ${p.error.message}`, {
            hint: 'Check that clickhouse-server runs there and that the host and HTTP port (8123 by default) are right; nothing was written.',
          })
        }
      }
      const store = new ClickHouseStore(target, main, shards, { max: 0, pending: new Set() })
      if (target.shards.length) await store.checkCluster()
      if (!options.readOnly) await store.migrate()
      else await store.checkVersion(true)
      await store.refreshSnapshot()
      return store
    } catch (err) {
      await closeAll()
      throw err instanceof ToolError ? err : storeError(err, target)
    }
  }

  close(): void {
    void Promise.all([this.main, ...this.shards.filter((s) => s !== this.main)].map((c) => c.close()))
  }

  private async rows(sql: string, client = this.main): Promise<Row[]> {
    try {
      const r = await client.query({ query: sql, format: 'JSONEachRow' })
      return await r.json<Row>()
    } catch (err) {
      throw storeError(err, this.target)
    }
  }

  private async command(sql: string, client = this.main): Promise<void> {
    try {
      await client.command({ query: sql })
    } catch (err) {
      throw storeError(err, this.target)
    }
  }

  private async insertTsv(table: string, body: string, client = this.main): Promise<void> {
    if (!body) return
    try {
      await client.insert({
        table,
        values: Readable.from([Buffer.from(body)], { objectMode: false }),
        format: 'TabSeparated',
        // Synchronous distributed inserts: a shard that cannot take its rows fails the insert here, not later in the
        // background, so the collection fails and its batch is never committed.
        clickhouse_settings: { insert_distributed_sync: 1 },
      })
    } catch (err) {
      throw storeError(err, this.target)
    }
  }

  /** The cluster must have as many shards as the URL lists, or the Distributed tables would spread rows elsewhere. */
  private async checkCluster(): Promise<void> {
    const n = Number((await this.rows(`SELECT count() AS n FROM system.clusters WHERE cluster = ${lit(this.target.cluster)}`))[0]?.n ?? 0)
    if (n !== this.target.shards.length)
      throw new ToolError(
        'STORE_IO',
        `ClickHouse at ${this.target.http} has ${n === 0 ? 'no cluster' : `${n} shard(s) in cluster`} '${this.target.cluster}', but the store URL lists ${this.target.shards.length} shard(s)`,
        { hint: `Define <remote_servers><${this.target.cluster}> with the same shards in its config, or give ?cluster=NAME of the cluster you have.` },
      )
  }

  private async schemaVersion(): Promise<number> {
    const t = await this.rows(`SELECT count() AS n FROM system.tables WHERE database = ${lit(this.db)} AND name = 'docs'`)
    if (Number(t[0]?.n) === 0) return 0
    const v = await this.rows(`SELECT max(toUInt32(body)) AS v FROM ${this.db}.docs WHERE kind = 'schema'`)
    return Number(v[0]?.v ?? 0)
  }

  private async checkVersion(readOnly: boolean): Promise<void> {
    const v = await this.schemaVersion()
    if (v > SCHEMA_VERSION)
      throw new ToolError('STORE_MIGRATION', `Store ${this.target.display} has schema version ${v}, newer than this headroom understands (${SCHEMA_VERSION})`, {
        hint: 'Upgrade headroom, or use another database.',
      })
    if (readOnly && v === 0)
      throw new ToolError('STORE_IO', `No headroom store at ${this.target.display}`, {
        hint: 'Copy a workspace there with `headroom migrate --from .headroom --to URL`, or collect into it with --store URL.',
      })
  }

  /** Creates the database and tables where they are missing (each shard's own, then the main node's). Idempotent. */
  private async migrate(): Promise<void> {
    await this.checkVersion(false)
    const db = this.db
    for (const s of this.shards) {
      await this.command(`CREATE DATABASE IF NOT EXISTS ${db}`, s)
      await this.command(
        `CREATE TABLE IF NOT EXISTS ${db}.samples_local (resource String, metric UInt16, stat UInt8, period UInt32, ts Int64, value Float64, batch UInt64)
        ENGINE = MergeTree PARTITION BY intDiv(ts, 86400000) ORDER BY (resource, metric, stat, period, ts)`,
        s,
      )
      // Rows arrive with the value as its bytes in hex (hexOf) and land in samples_local as the double they were.
      await this.command(
        `CREATE TABLE IF NOT EXISTS ${db}.samples_in_local (resource String, metric UInt16, stat UInt8, period UInt32, ts Int64, vhex String, batch UInt64) ENGINE = Null`,
        s,
      )
      await this.command(
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.samples_mv TO ${db}.samples_local
        AS SELECT resource, metric, stat, period, ts, reinterpretAsFloat64(unhex(vhex)) AS value, batch FROM ${db}.samples_in_local`,
        s,
      )
    }
    await this.command(`CREATE DATABASE IF NOT EXISTS ${db}`)
    if (this.target.shards.length) {
      const dist = (local: string) => `ENGINE = Distributed(${this.target.cluster}, ${db}, ${local}, cityHash64(resource))`
      await this.command(`CREATE TABLE IF NOT EXISTS ${db}.samples AS ${db}.samples_local ${dist('samples_local')}`)
      await this.command(`CREATE TABLE IF NOT EXISTS ${db}.samples_in AS ${db}.samples_in_local ${dist('samples_in_local')}`)
    }
    // Everything else is small and lives on the main node as documents: the latest committed row per (kind, key) wins.
    await this.command(
      `CREATE TABLE IF NOT EXISTS ${db}.docs (kind String, key String, batch UInt64, seq UInt32, deleted UInt8, body String) ENGINE = MergeTree ORDER BY (kind, key)`,
    )
    await this.command(`CREATE TABLE IF NOT EXISTS ${db}.batches (batch UInt64, committed UInt8, at Int64) ENGINE = MergeTree ORDER BY batch`)
    if ((await this.schemaVersion()) < SCHEMA_VERSION) {
      await this.refreshSnapshot()
      await this.transaction(() => this.putDocs('schema', [{ key: 'version', body: String(SCHEMA_VERSION) }]))
    }
  }

  private async refreshSnapshot(): Promise<void> {
    const rows = await this.rows(`SELECT batch, max(committed) AS c FROM ${this.db}.batches GROUP BY batch`)
    let max = 0
    const pending = new Set<number>()
    for (const r of rows) {
      const b = Number(r.batch)
      if (Number(r.c) === 1) max = Math.max(max, b)
      else pending.add(b)
    }
    this.snapshot = { max, pending }
  }

  /** The SQL condition for rows this reader may see: committed by its snapshot, or written by its own open batch. */
  private visible(col = 'batch'): string {
    const pending = [...this.snapshot.pending].filter((b) => b <= this.snapshot.max)
    const committed = `(${col} <= ${this.snapshot.max}${pending.length ? ` AND ${col} NOT IN (${pending.join(', ')})` : ''})`
    const mine = this.mine()
    return mine === undefined ? committed : `(${committed} OR ${col} = ${mine})`
  }

  /**
   * Runs `fn` as one batch: what it wrote becomes visible together when it returns, or (on any error) never, and its
   * rows are deleted. Nested calls join the open batch.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.mine() !== undefined) return fn()
    // One batch at a time, in the order asked (`collect aws` runs eight workers on one store): a second caller's writes
    // must not land in, or commit with, the first caller's batch. Code running inside the batch (AsyncLocalStorage)
    // joins it instead of queueing behind itself.
    const before = this.tail
    let release!: () => void
    this.tail = new Promise<void>((r) => (release = r))
    await before
    // Writer's clock in microseconds with a random tail: increasing across runs, unique across concurrent writers.
    const batch = Date.now() * 1000 + randomInt(1000)
    try {
      await this.command(`INSERT INTO ${this.db}.batches VALUES (${batch}, 0, ${Date.now()})`)
    } catch (err) {
      release()
      throw err
    }
    this.batch = batch
    this.seq = 0
    this.known = undefined
    try {
      const result = await this.holder.run(batch, fn)
      await this.command(`INSERT INTO ${this.db}.batches VALUES (${batch}, 1, ${Date.now()})`)
      this.snapshot.max = Math.max(this.snapshot.max, batch)
      return result
    } catch (err) {
      this.snapshot.pending.add(batch)
      // Best effort: the rows are invisible without the commit row; deleting them keeps the tables clean.
      for (const s of this.shards) await this.command(`ALTER TABLE ${this.db}.samples_local DELETE WHERE batch = ${batch}`, s).catch(() => undefined)
      await this.command(`ALTER TABLE ${this.db}.docs DELETE WHERE batch = ${batch}`).catch(() => undefined)
      throw err
    } finally {
      this.batch = undefined
      this.known = undefined
      release()
    }
  }

  /** The open batch, for code running inside it; undefined for every other caller. */
  private mine(): number | undefined {
    const b = this.holder.getStore()
    return b !== undefined && b === this.batch ? b : undefined
  }

  private async putDocs(kind: string, docs: readonly { key: string; body: string | null }[]): Promise<void> {
    if (docs.length === 0) return
    const batch = this.mine()
    if (batch === undefined) return this.transaction(() => this.putDocs(kind, docs))
    const lines = docs.map((d) => `${tsv(kind)}\t${tsv(d.key)}\t${batch}\t${++this.seq}\t${d.body === null ? 1 : 0}\t${tsv(d.body ?? '')}\n`)
    for (const part of chunks(lines, INSERT_ROWS)) await this.insertTsv(`${this.db}.docs`, part.join(''))
  }

  /** The live documents of a kind (latest visible row per key, deletions dropped), by key. */
  private async docs(kind: string, keyPrefix?: string): Promise<{ key: string; body: string }[]> {
    const rows = await this.rows(`SELECT key, argMax(body, (batch, seq)) AS body, argMax(deleted, (batch, seq)) AS d FROM ${this.db}.docs
      WHERE kind = ${lit(kind)} AND ${this.visible()}${keyPrefix === undefined ? '' : ` AND startsWith(key, ${lit(keyPrefix)})`}
      GROUP BY key HAVING d = 0 ORDER BY key`)
    return rows.map((r) => ({ key: String(r.key), body: String(r.body) }))
  }

  async upsertResources(refs: readonly ResourceRef[]): Promise<void> {
    await this.putDocs(
      'resource',
      refs.map((r) => ({ key: r.id, body: JSON.stringify(r) })),
    )
    if (this.known) for (const r of refs) this.known.add(r.id)
  }

  async resources(): Promise<ResourceRef[]> {
    return (await this.docs('resource')).map((d) => {
      // In the DuckDB store's key order (rowToResource): reports serialise these objects.
      const r = JSON.parse(d.body) as ResourceRef
      return { provider: r.provider, kind: r.kind, id: r.id, ...(r.region === undefined ? {} : { region: r.region }), attributes: r.attributes, tags: r.tags }
    })
  }

  /**
   * Appends series through the same idempotent merge as the DuckDB store: samples already stored for the same
   * (resource, metric, statistic, period, time) are skipped, and counted as conflicting when their value differs;
   * resources not yet known are created as `defaultResource`.
   */
  async appendSeries(
    series: readonly CollectedSeries[],
    source: string,
    detail: string,
    defaultResource: { provider: string; kind: ResourceKind },
  ): Promise<MergeResult> {
    return this.transaction(async () => {
      const r = await this.mergeSeries(series, defaultResource)
      await this.recordImport(source, detail, r.rowsRead, r.rowsAdded)
      return r
    })
  }

  /** One import's line in `counts().imports`. */
  async recordImport(source: string, detail: string, rowsRead: number, rowsAdded: number): Promise<void> {
    await this.putDocs('import', [
      { key: `${this.mine() ?? Date.now()}:${this.seq + 1}`, body: JSON.stringify({ source, detail, rowsRead, rowsAdded, at: Date.now() }) },
    ])
  }

  /** The merge of appendSeries without its import line (migrate copies a workspace as many merges and one import). */
  async mergeSeries(series: readonly CollectedSeries[], defaultResource: { provider: string; kind: ResourceKind }): Promise<MergeResult> {
    return this.transaction(async () => {
      const batch = this.mine()!
      if (!this.known)
        this.known = new Set(
          (await this.rows(`SELECT DISTINCT key FROM ${this.db}.docs WHERE kind = 'resource' AND ${this.visible()}`)).map((r) => String(r.key)),
        )
      const ids = [...new Set(series.map((s) => s.resourceId))]
      const created = ids.filter((id) => !this.known!.has(id))
      await this.upsertResources(created.map((id) => ({ provider: defaultResource.provider, kind: defaultResource.kind, id, attributes: {}, tags: {} })))
      const key = (r: string, m: number, s: number, p: number) => `${r}\n${m}\n${s}\n${p}`
      // Stored ranges of the incoming series: only series whose ranges overlap are compared row by row.
      const ranges = new Map<string, { first: number; last: number }>()
      for (const part of chunks(ids, IDS_PER_QUERY))
        for (const r of await this.rows(`SELECT resource, metric, stat, period, min(ts) AS f, max(ts) AS l FROM ${this.samples}
          WHERE resource IN (${part.map(lit).join(', ')}) AND ${this.visible()} GROUP BY resource, metric, stat, period`))
          ranges.set(key(String(r.resource), Number(r.metric), Number(r.stat), Number(r.period)), { first: Number(r.f), last: Number(r.l) })
      let rowsRead = 0
      let alreadyStored = 0
      let conflicting = 0
      let lines: string[] = []
      const flush = async () => {
        await this.insertTsv(this.samplesIn, lines.join(''))
        lines = []
      }
      for (const s of series) {
        const m = metricId(s.metric)
        const st = statId(s.stat)
        const k = key(s.resourceId, m, st, s.periodSec)
        const stored = ranges.get(k)
        let existing: Map<number, number> | undefined
        if (stored && s.ts.length > 0) {
          let lo = Infinity
          let hi = -Infinity
          for (const t of s.ts) {
            lo = Math.min(lo, t)
            hi = Math.max(hi, t)
          }
          if (lo <= stored.last && hi >= stored.first) {
            existing = new Map()
            for (const r of await this.rows(`SELECT ts, value FROM ${this.samples} WHERE resource = ${lit(s.resourceId)} AND metric = ${m} AND stat = ${st}
              AND period = ${s.periodSec} AND ts >= ${Math.round(lo)} AND ts <= ${Math.round(hi)} AND ${this.visible()}`))
              existing.set(Number(r.ts), Number(r.value))
          }
        }
        const prefix = `${tsv(s.resourceId)}\t${m}\t${st}\t${s.periodSec}\t`
        for (let i = 0; i < s.ts.length; i++) {
          rowsRead++
          const t = Math.round(s.ts[i]!)
          const v = s.values[i]!
          const old = existing?.get(t)
          if (old !== undefined) {
            alreadyStored++
            if (old !== v) conflicting++
            continue
          }
          existing?.set(t, v)
          lines.push(`${prefix}${t}\t${hexOf(v)}\t${batch}\n`)
          if (lines.length >= INSERT_ROWS) await flush()
        }
      }
      await flush()
      return { rowsRead, rowsAdded: rowsRead - alreadyStored, alreadyStored, conflicting, resourcesCreated: created.length }
    })
  }

  async replaceSourceIssues(source: string, issues: readonly Issue[], at: number): Promise<void> {
    await this.putDocs('source_issues', [{ key: source, body: JSON.stringify({ issues, at }) }])
  }

  async sourceIssues(): Promise<Issue[]> {
    const all = (await this.docs('source_issues')).flatMap((d) => (JSON.parse(d.body) as { issues: Issue[] }).issues.map((i) => ({ source: d.key, i })))
    // The DuckDB store's ORDER BY source, code, message.
    all.sort((a, b) => cmp(a.source, b.source) || cmp(a.i.code, b.i.code) || cmp(a.i.message, b.i.message))
    return all.map(({ i }) => ({ code: i.code, severity: i.severity, message: i.message, ...(i.resourceId ? { resourceId: i.resourceId } : {}) }))
  }

  async upsertCoRecommendations(recs: readonly StoredCoRecommendation[]): Promise<void> {
    await this.putDocs(
      'co',
      recs.map((r) => ({ key: r.resourceId, body: JSON.stringify(r) })),
    )
  }

  async coRecommendations(): Promise<StoredCoRecommendation[]> {
    return (await this.docs('co')).map((d) => JSON.parse(d.body) as StoredCoRecommendation)
  }

  async upsertCacheMeasurement(m: CacheMeasurement): Promise<void> {
    await this.putDocs('cache', [{ key: m.resourceId, body: JSON.stringify(m) }])
  }

  async cacheMeasurements(): Promise<CacheMeasurement[]> {
    return (await this.docs('cache')).map((d) => JSON.parse(d.body) as CacheMeasurement)
  }

  async upsertS3Inventory(bucket: string, summary: InventorySummary, source: string): Promise<void> {
    await this.putDocs('s3_inventory', [{ key: bucket, body: JSON.stringify({ bucket, summary, source }) }])
  }

  async s3Inventories(): Promise<{ bucket: string; summary: InventorySummary; source: string }[]> {
    return (await this.docs('s3_inventory')).map((d) => JSON.parse(d.body) as { bucket: string; summary: InventorySummary; source: string })
  }

  async recordMonitoringApply(m: MonitoringApply): Promise<void> {
    await this.putDocs('monitoring_apply', [{ key: `${m.appliedAt}\n${m.region}`, body: JSON.stringify(m) }])
  }

  async monitoringApplies(): Promise<MonitoringApply[]> {
    const all = (await this.docs('monitoring_apply')).map((d) => JSON.parse(d.body) as MonitoringApply)
    return all.sort((a, b) => b.appliedAt - a.appliedAt || cmp(a.region, b.region))
  }

  async unfinishedAwsRun(params: string): Promise<{ runKey: string; windowEnd: number } | undefined> {
    const runs = (await this.docs('aws_run'))
      .map((d) => JSON.parse(d.body) as { runKey: string; params: string; end: number; startedAt: number; finishedAt?: number })
      .filter((r) => r.params === params && r.finishedAt === undefined)
      .sort((a, b) => b.startedAt - a.startedAt)
    return runs[0] ? { runKey: runs[0].runKey, windowEnd: runs[0].end } : undefined
  }

  async startAwsRun(run: { runKey: string; params: string; start: number; end: number; startedAt: number }): Promise<void> {
    if ((await this.docs('aws_run', run.runKey)).some((d) => d.key === run.runKey)) return
    await this.putDocs('aws_run', [{ key: run.runKey, body: JSON.stringify(run) }])
  }

  async awsCallsDone(runKey: string): Promise<Set<string>> {
    return new Set((await this.docs('aws_call', `${runKey}\n`)).map((d) => d.key.slice(runKey.length + 1)))
  }

  async markAwsCallsDone(runKey: string, callKeys: readonly string[]): Promise<void> {
    await this.putDocs(
      'aws_call',
      callKeys.map((k) => ({ key: `${runKey}\n${k}`, body: '' })),
    )
  }

  async finishAwsRun(runKey: string, at: number): Promise<void> {
    const run = (await this.docs('aws_run', runKey)).find((d) => d.key === runKey)
    if (run) await this.putDocs('aws_run', [{ key: runKey, body: JSON.stringify({ ...JSON.parse(run.body), finishedAt: at }) }])
  }

  async counts(): Promise<{ resources: number; samples: number; series: number; imports: number }> {
    const docs = await this.rows(`SELECT kind, count() AS n FROM (SELECT kind, key, argMax(deleted, (batch, seq)) AS d FROM ${this.db}.docs
      WHERE kind IN ('resource', 'import') AND ${this.visible()} GROUP BY kind, key HAVING d = 0) GROUP BY kind`)
    const s =
      (await this.rows(`SELECT count() AS n, uniqExact(resource, metric, stat, period) AS series FROM ${this.samples} WHERE ${this.visible()}`))[0] ?? {}
    const of = (k: string) => Number(docs.find((d) => d.kind === k)?.n ?? 0)
    return { resources: of('resource'), samples: Number(s.n ?? 0), series: Number(s.series ?? 0), imports: of('import') }
  }

  async overview(): Promise<{ kinds: { kind: string; count: number }[]; firstTs: number | null; lastTs: number | null }> {
    const byKind = new Map<string, number>()
    for (const r of await this.resources()) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1)
    const span = (await this.rows(`SELECT count() AS n, min(ts) AS a, max(ts) AS b FROM ${this.samples} WHERE ${this.visible()}`))[0] ?? {}
    const any = Number(span.n ?? 0) > 0
    return {
      kinds: [...byKind.entries()].sort((a, b) => cmp(a[0], b[0])).map(([kind, count]) => ({ kind, count })),
      firstTs: any ? Number(span.a) : null,
      lastTs: any ? Number(span.b) : null,
    }
  }

  /** As DuckDbStore.displaySeries: per time bucket the minimum and maximum, each at its own time. */
  async displaySeries(q: { resourceIds: readonly string[]; start: number; end: number; buckets: number }): Promise<DisplaySeries[]> {
    if (q.resourceIds.length === 0) return []
    const width = Math.max(1, (q.end - q.start) / q.buckets)
    const [start, end] = [Math.round(q.start), Math.round(q.end)]
    const rows = await this.rows(`SELECT resource AS id, metric AS m, stat AS s, min(period) AS p, toInt64(ceil((ts - ${start}) / ${width})) - 1 AS b,
        argMin(ts, value) AS tmin, min(value) AS vmin, argMax(ts, value) AS tmax, max(value) AS vmax
      FROM ${this.samples} WHERE resource IN (${q.resourceIds.map(lit).join(', ')}) AND ts > ${start} AND ts <= ${end} AND ${this.visible()}
      GROUP BY resource, metric, stat, b ORDER BY resource, metric, stat, b`)
    return displayRows(rows)
  }

  /**
   * Usage summaries, by the DuckDB store's rules (UsageQuery; DuckDbStore.usage has the reasons), computed on the
   * shards: every sample of a resource is on one shard, so each shard summarises its own resources completely and
   * returns one row per series (and per series-day), never samples.
   */
  async usage(q: UsageQuery): Promise<UsageSummary[]> {
    const lookbackMs = q.lookbackDays * 86_400_000
    let resources = await this.resources()
    if (q.kinds?.length) resources = resources.filter((r) => q.kinds!.includes(r.kind))
    if (q.resourceIds?.length) resources = resources.filter((r) => q.resourceIds!.includes(r.id))
    const wanted = new Set(resources.map((r) => r.id))
    // Window ends: as of a time, or each resource's latest dense data (stragglers after it left out and reported).
    const ends = new Map<string, number>()
    const stragglers = new Map<string, { samples: number; first: number; last: number }>()
    let globalLast: number | undefined
    if (q.asOf === undefined) {
      // The shards at once: each reads only its own samples.
      await Promise.all(
        this.shards.map(async (shard) => {
          const rows = await this.rows(
            `SELECT resource, max(last) AS last, maxIf(day, dense) AS dd, max(dense) AS has_dense FROM (
            SELECT resource, day, last, n * minp >= 3600 AS dense FROM (
              SELECT resource, metric, stat, intDiv(ts, 86400000) AS day, count() AS n, max(ts) AS last
              FROM ${this.db}.samples_local WHERE ${this.visible()} GROUP BY resource, metric, stat, day
            ) ANY INNER JOIN (
              SELECT resource, metric, stat, min(period) AS minp FROM ${this.db}.samples_local WHERE ${this.visible()} GROUP BY resource, metric, stat
            ) USING (resource, metric, stat)
          ) GROUP BY resource`,
            shard,
          )
          const late: { id: string; cut: number }[] = []
          for (const r of rows) {
            const id = String(r.resource)
            const last = Number(r.last)
            globalLast = Math.max(globalLast ?? -Infinity, last)
            if (!wanted.has(id)) continue
            ends.set(id, last)
            if (Number(r.has_dense) === 1) {
              const cut = (Number(r.dd) + 2) * 86_400_000
              if (last >= cut) late.push({ id, cut })
            }
          }
          for (const part of chunks(late, IDS_PER_QUERY)) {
            const cut = `transform(resource, [${part.map((l) => lit(l.id)).join(', ')}], [${part.map((l) => `toInt64(${l.cut})`).join(', ')}], toInt64(0))`
            for (const r of await this.rows(
              `SELECT resource, countIf(ts < c) AS before, maxIf(ts, ts < c) AS we, countIf(ts >= c) AS n, minIf(ts, ts >= c) AS f, max(ts) AS l
            FROM (SELECT resource, ts, ${cut} AS c FROM ${this.db}.samples_local WHERE resource IN (${part.map((l) => lit(l.id)).join(', ')}) AND ${this.visible()})
            GROUP BY resource`,
              shard,
            )) {
              if (Number(r.before) === 0) continue
              ends.set(String(r.resource), Number(r.we))
              stragglers.set(String(r.resource), { samples: Number(r.n), first: Number(r.f), last: Number(r.l) })
            }
          }
        }),
      )
    }
    const summaries: UsageSummary[] = []
    const byId = new Map<string, UsageSummary>()
    for (const r of resources) {
      const end = q.asOf !== undefined ? Math.round(q.asOf) : (ends.get(r.id) ?? globalLast)
      if (end === undefined) continue
      const late = stragglers.get(r.id)
      const s: UsageSummary = { resource: r, window: { start: end - lookbackMs, end }, metrics: {}, daily: [], ...(late ? { stragglers: late } : {}) }
      summaries.push(s)
      byId.set(r.id, s)
    }
    summaries.sort((a, b) => cmp(a.resource.id, b.resource.id))
    if (globalLast === undefined && q.asOf !== undefined) {
      const any = (await this.rows(`SELECT count() AS n FROM ${this.samples} WHERE ${this.visible()}`))[0]
      if (Number(any?.n ?? 0) === 0) return summaries
    }
    await this.shardSummaries(byId)
    const seriesIds = summaries.filter((s) => SERIES_KINDS.includes(s.resource.kind)).map((s) => s.resource.id)
    if (seriesIds.length > 0) await this.attachSeries(seriesIds, byId)
    return summaries
  }

  /** Per shard, in batches of resources: the windows go to a Memory table on the shard, the summaries come back. */
  private async shardSummaries(byId: Map<string, UsageSummary>): Promise<void> {
    const win = `${this.db}.usage_window_${process.pid}_${randomInt(1e9)}`
    const avg = statId('avg')
    const levels = QUANTILE_LEVELS.filter((l) => l > 0 && l < 1)
    // quantile_cont's arithmetic on the sorted values a (1-based): position r = (n - 1) x level, d = r - floor(r), and
    // for doubles lo x (1 - d) + hi x d (DuckDB's InterpolateOperator for double; lo + (hi - lo) x d, its generic form,
    // differed in the last bit in 156 of 1,400 demo quantiles). The levels go in as their bits (f64): 18.16 reads
    // the literal 0.995 a last bit off, and every quantile with it.
    const quantile = (l: number) => {
      const pos = `(n - 1) * ${f64(l)}`
      const [lo, hi] = [`a[toUInt64(floor(${pos})) + 1]`, `a[toUInt64(ceil(${pos})) + 1]`]
      return `if(floor(${pos}) = ceil(${pos}), ${lo}, ${lo} * (1 - (${pos} - floor(${pos}))) + ${hi} * (${pos} - floor(${pos})))`
    }
    // The (floor(x n) + 1)-th largest, in integers (x as ten-thousandths), as quantile_disc at a DECIMAL level.
    const edge = (x: number) => `a[n - intDiv(n * ${Math.round(x * 10_000)}, 10000)]`
    const ceilings = CEILING_LEVELS.map((l, i) => `arrayCount(x -> x >= ${f64(l)}, a) AS c${i}`).join(', ')
    // The shards at once, each over its own resources; their summaries touch disjoint resources.
    await Promise.all(
      this.shards.map(async (shard) => {
        await this.command(`CREATE TABLE ${win} (resource String, ws Int64, we Int64, part UInt32) ENGINE = Memory`, shard)
        try {
          const ids = [...byId.keys()].sort(cmp)
          let body = ''
          ids.forEach((id, i) => {
            const w = byId.get(id)!.window
            body += `${tsv(id)}\t${w.start}\t${w.end}\t${Math.floor(i / USAGE_BATCH)}\n`
          })
          await this.insertTsv(win, body, shard)
          for (let part = 0; part * USAGE_BATCH < ids.length; part++) {
            const from = `${this.db}.samples_local ANY INNER JOIN (SELECT resource, ws, we FROM ${win} WHERE part = ${part}) USING resource
            WHERE resource IN (SELECT resource FROM ${win} WHERE part = ${part}) AND ${this.visible()} AND ts > ws AND ts <= we`
            // 5-minute resolution as DuckDbStore.usage: coarser rows as they are, finer ones rolled up per bucket.
            const stats = await this.rows(
              `SELECT resource, metric AS metric_id, stat AS stat_id, n, p AS period_s, s / n AS avg, a[1] AS min, a[n] AS max, first, last,
              [${levels.map(quantile).join(', ')}] AS q, [${EXCEEDANCE_LIMITS.map(edge).join(', ')}] AS e, ${ceilings}
            FROM (
              SELECT resource, metric, stat, count() AS n, max(period) AS p, min(ts) AS first, max(ts) AS last,
                arraySort(groupArray(value)) AS a, ${exactSum('value')} AS s
              FROM (
                SELECT resource, metric, stat, period, ts, value FROM ${from} AND period >= 300
                UNION ALL
                SELECT resource, metric, stat, 300 AS period, b AS ts,
                  multiIf(stat = ${avg}, ${exactSum('value')} / count(), stat = ${statId('min')}, min(value), stat = ${statId('sum')}, ${exactSum('value')}, max(value)) AS value
                FROM (SELECT resource, metric, stat, ts, intDiv(ts, 300000) * 300000 AS b, value FROM ${from} AND period < 300)
                GROUP BY resource, metric, stat, b
              ) GROUP BY resource, metric, stat
            ) ORDER BY resource, metric, stat`,
              shard,
            )
            for (const row of stats) {
              const s = byId.get(String(row.resource))
              if (s) addSeriesRow(s, row)
            }
            // Whole UTC days that overlap the window, from the samples as stored (not rolled up).
            // As the DuckDB store's daily table (DAILY_ROWS): sums by exactSum.
            const days = await this.rows(
              `SELECT resource, metric AS metric_id, stat AS stat_id, day, count() AS n, ${exactSum('value')} / n AS avg, max(value) AS max, ${exactSum('value * period')} AS total
              FROM (SELECT resource, metric, stat, period, ts, value, intDiv(ts, 86400000) AS day FROM ${this.db}.samples_local
                ANY INNER JOIN (SELECT resource, ws, we FROM ${win} WHERE part = ${part}) USING resource
                WHERE resource IN (SELECT resource FROM ${win} WHERE part = ${part}) AND ${this.visible()}
                  AND intDiv(ts, 86400000) >= intDiv(ws, 86400000) AND intDiv(ts, 86400000) <= intDiv(we, 86400000))
              GROUP BY resource, metric, stat, day ORDER BY resource, metric, stat, day`,
              shard,
            )
            for (const row of days) {
              const s = byId.get(String(row.resource))
              if (s) addDailyRow(s, row)
            }
          }
        } finally {
          await this.command(`DROP TABLE IF EXISTS ${win}`, shard).catch(() => undefined)
        }
      }),
    )
  }

  /** As DuckDbStore.attachSeries: the native series of SERIES_KINDS resources in their windows, avg else sum else max. */
  private async attachSeries(ids: readonly string[], byId: Map<string, UsageSummary>): Promise<void> {
    const pref = (s: number) => [statId('avg'), statId('sum'), statId('max')].indexOf(s) + 1 || 4
    for (const part of chunks(ids, IDS_PER_QUERY)) {
      const rows = await this.rows(`SELECT resource, metric, stat, period, ts, value FROM ${this.samples}
        WHERE resource IN (${part.map(lit).join(', ')}) AND ${this.visible()} ORDER BY resource, metric, ts`)
      const chosen = new Map<string, number>()
      for (const r of rows) {
        const k = `${String(r.resource)}\n${String(r.metric)}`
        const st = Number(r.stat)
        const cur = chosen.get(k)
        if (cur === undefined || pref(st) < pref(cur) || (pref(st) === pref(cur) && st < cur)) chosen.set(k, st)
      }
      const grouped = new Map<string, Row[]>()
      for (const r of rows) {
        const s = byId.get(String(r.resource))
        if (!s || chosen.get(`${String(r.resource)}\n${String(r.metric)}`) !== Number(r.stat)) continue
        const t = Number(r.ts)
        if (t <= s.window.start || t > s.window.end) continue
        const k = `${String(r.resource)}\n${String(r.metric)}`
        grouped.set(k, [...(grouped.get(k) ?? []), r])
      }
      for (const [k, pts] of grouped) {
        const s = byId.get(String(pts[0]!.resource))!
        const metric = METRIC_NAMES[Number(pts[0]!.metric) - 1]
        const stat = STATISTICS[Number(pts[0]!.stat) - 1]
        if (!metric || !stat || !k) continue
        s.series = {
          ...(s.series ?? {}),
          [metric]: {
            stat,
            periodSec: Number(pts[0]!.period),
            ts: Float64Array.from(pts, (r) => Number(r.ts)),
            values: Float64Array.from(pts, (r) => Number(r.value)),
          },
        }
      }
    }
  }
}

/** Byte order, as DuckDB's ORDER BY on VARCHAR. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** A ClickHouse or network failure as a store error (exit 3) naming the store without credentials. */
function storeError(err: unknown, target: ClickHouseTarget): ToolError {
  if (err instanceof ToolError) return err
  // ClickHouse's own form, "Code: 193, e.displayText() = DB::Exception: Wrong password for user default, e.what() = ...",
  // as "Wrong password for user default (ClickHouse code 193)".
  const raw = String((err as Error)?.message ?? err).split('\n')[0]!
  const m = /^Code: (\d+), e\.displayText\(\) = DB::\w+: (.*?)(?:, e\.what\(\) = DB::\w+)?$/.exec(raw)
  const msg = m ? `${m[2]} (ClickHouse code ${m[1]})` : raw
  return new ToolError('STORE_IO', `ClickHouse store ${target.display}: ${msg}`, {
    cause: err,
    hint: /Connection refused|ECONNREFUSED|All connection tries failed|NetException|ECONNRESET|socket hang up/i.test(msg)
      ? 'A ClickHouse server (or one of the shards) did not answer; start it, or fix the URL. Nothing was written.'
      : /password|authenticat|code 516|code 192|code 193/i.test(msg)
        ? 'Give the user and password in the URL: clickhouse://user:password@host:8123/db (they are sent as HTTP basic auth and never printed).'
        : 'See the ClickHouse server log for the statement above.',
  })
}
