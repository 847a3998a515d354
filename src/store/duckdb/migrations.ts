import { METRIC_NAMES, STATISTICS } from '../../core/metrics.js'
import { exactSum } from '../sum.js'

export interface Migration {
  version: number
  name: string
  sql: string
}

/** The daily table's rows from `from` (samples aliased x, filtered by `where`): per series and UTC day, sums by exactSum. */
export const DAILY_ROWS = (from: string, where: string): string => `
  SELECT x.resource_key, x.metric_id, x.stat_id, (epoch_ms(x.ts) // 86400000)::INTEGER, count(*), ${exactSum('x.value')}, max(x.value), ${exactSum('x.value * x.period_s')}
  FROM ${from} ${where} GROUP BY ALL`

const sqlList = (names: readonly string[], from = 1) => names.map((n, i) => `(${i + from}, '${n}')`).join(', ')

/**
 * Versioned migrations, applied in order inside one transaction each. Never edit a released migration:
 * add a new one. Metric and statistic ids are append-only (samples store the small integer ids).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'init',
    sql: `
      CREATE TABLE metrics (id SMALLINT PRIMARY KEY, name VARCHAR NOT NULL UNIQUE);
      INSERT INTO metrics VALUES ${sqlList(METRIC_NAMES.slice(0, 8))};
      CREATE TABLE stats (id UTINYINT PRIMARY KEY, name VARCHAR NOT NULL UNIQUE);
      INSERT INTO stats VALUES ${sqlList(STATISTICS.slice(0, 8))};
      CREATE SEQUENCE resource_key_seq START 1;
      CREATE TABLE resources (
        key INTEGER PRIMARY KEY DEFAULT nextval('resource_key_seq'),
        id VARCHAR NOT NULL UNIQUE,
        provider VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        region VARCHAR,
        attributes JSON NOT NULL,
        tags JSON NOT NULL,
        updated_at TIMESTAMP NOT NULL
      );
      CREATE TABLE samples (
        resource_key INTEGER NOT NULL,
        metric_id SMALLINT NOT NULL,
        stat_id UTINYINT NOT NULL,
        period_s INTEGER NOT NULL,
        ts TIMESTAMP NOT NULL,
        value DOUBLE NOT NULL
      );
      CREATE TABLE series (
        resource_key INTEGER NOT NULL,
        metric_id SMALLINT NOT NULL,
        stat_id UTINYINT NOT NULL,
        period_s INTEGER NOT NULL,
        first_ts TIMESTAMP NOT NULL,
        last_ts TIMESTAMP NOT NULL,
        samples BIGINT NOT NULL,
        PRIMARY KEY (resource_key, metric_id, stat_id, period_s)
      );
      CREATE SEQUENCE import_id_seq START 1;
      CREATE TABLE imports (
        id INTEGER PRIMARY KEY DEFAULT nextval('import_id_seq'),
        source VARCHAR NOT NULL,
        detail VARCHAR NOT NULL,
        rows_read BIGINT NOT NULL,
        rows_added BIGINT NOT NULL,
        imported_at TIMESTAMP NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'daily aggregates',
    // Per-UTC-day aggregates kept at import time: analyses run far more often than imports, and day-count
    // rules (Trusted Advisor's "4 of the last 14 days", idle checks) read them instead of every sample.
    // No primary key: a merge deletes and re-inserts a series' days in one transaction.
    sql: `
      CREATE TABLE daily (
        resource_key INTEGER NOT NULL,
        metric_id SMALLINT NOT NULL,
        stat_id UTINYINT NOT NULL,
        day INTEGER NOT NULL,
        samples BIGINT NOT NULL,
        sum DOUBLE NOT NULL,
        max DOUBLE NOT NULL,
        total DOUBLE NOT NULL
      );
      INSERT INTO daily
        SELECT resource_key, metric_id, stat_id, (epoch_ms(ts) // 86400000)::INTEGER, count(*), sum(value), max(value), sum(value * period_s)
        FROM samples GROUP BY ALL;
    `,
  },
  {
    version: 3,
    name: 'load balancer request metric',
    sql: `INSERT INTO metrics VALUES (9, 'lb.requests_per_s');`,
  },
  {
    version: 4,
    name: 'container metrics',
    sql: `INSERT INTO metrics VALUES (10, 'cpu.cores'), (11, 'mem.used.bytes');`,
  },
  {
    version: 5,
    name: 'database connections',
    sql: `INSERT INTO metrics VALUES (12, 'db.connections');`,
  },
  {
    version: 6,
    name: 'lambda metrics',
    sql: `INSERT INTO metrics VALUES (13, 'lambda.duration_ms'), (14, 'lambda.invocations_per_s'), (15, 'lambda.errors_per_s'),
      (16, 'lambda.throttles_per_s'), (17, 'lambda.memory_used_mb');`,
  },
  {
    version: 7,
    name: 'rds freeable memory',
    sql: `INSERT INTO metrics VALUES (18, 'db.freeable_memory.bytes');`,
  },
  {
    version: 8,
    name: 'dynamodb, elasticache, load balancer health and nat gateway metrics',
    sql: `INSERT INTO metrics VALUES (19, 'ddb.read.consumed_per_s'), (20, 'ddb.write.consumed_per_s'), (21, 'ddb.read.provisioned'),
      (22, 'ddb.write.provisioned'), (23, 'ddb.read.throttled_per_s'), (24, 'ddb.write.throttled_per_s'), (25, 'cache.engine_cpu.utilization'),
      (26, 'cache.memory.utilization'), (27, 'cache.evictions_per_s'), (28, 'cache.hits_per_s'), (29, 'cache.misses_per_s'),
      (30, 'lb.healthy_hosts'), (31, 'nat.active_connections'), (32, 'nat.packets_in_per_s');`,
  },
  {
    version: 9,
    name: 'aws collection checkpoints (resume)',
    sql: `
      CREATE TABLE aws_runs (run_key VARCHAR PRIMARY KEY, params VARCHAR NOT NULL, window_start BIGINT NOT NULL, window_end BIGINT NOT NULL, started_at BIGINT NOT NULL, finished_at BIGINT);
      CREATE TABLE aws_calls_done (run_key VARCHAR NOT NULL, call_key VARCHAR NOT NULL, PRIMARY KEY (run_key, call_key));
    `,
  },
  {
    version: 10,
    name: 'collection issues (series that failed after retries), reported by analyze',
    sql: `CREATE TABLE source_issues (source VARCHAR NOT NULL, code VARCHAR NOT NULL, severity VARCHAR NOT NULL, message VARCHAR NOT NULL, resource_id VARCHAR, recorded_at BIGINT NOT NULL);`,
  },
  {
    version: 11,
    name: 'compute optimizer recommendations (side by side)',
    sql: `CREATE TABLE co_recommendations (resource_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, finding VARCHAR NOT NULL, current VARCHAR NOT NULL, recommended VARCHAR, monthly_savings DOUBLE, fetched_at BIGINT NOT NULL);`,
  },
  {
    version: 12,
    name: 'measured cache hit ratios (simulate cache --for), read by cache.opportunity',
    sql: `CREATE TABLE cache_measurements (resource_id VARCHAR PRIMARY KEY, hit_ratio DOUBLE NOT NULL, ttl_sec DOUBLE, requests BIGINT NOT NULL, source VARCHAR NOT NULL, measured_at BIGINT NOT NULL);`,
  },
  {
    version: 13,
    name: 'Well-Architected reviews (headroom review), kept for the next review to compare against',
    sql: `CREATE TABLE reviews (workload VARCHAR NOT NULL, taken_at BIGINT NOT NULL, document VARCHAR NOT NULL, PRIMARY KEY (workload, taken_at));`,
  },
  {
    version: 14,
    name: 'monitoring put by headroom monitor --apply (review reads it for PERF05-BP02)',
    sql: `CREATE TABLE monitoring_applies (applied_at BIGINT NOT NULL, region VARCHAR NOT NULL, dashboards INTEGER NOT NULL, alarms INTEGER NOT NULL, alarmed VARCHAR NOT NULL, PRIMARY KEY (applied_at, region));`,
  },
  {
    version: 15,
    name: 'Lambda cold starts (Lambda Insights init_duration), read by lambda.cold-starts',
    sql: `INSERT INTO metrics VALUES (33, 'lambda.init_duration_ms'), (34, 'lambda.cold_starts_per_s');`,
  },
  {
    version: 16,
    name: 'GPU utilization and GPU memory, read by gpu.rightsize',
    sql: `INSERT INTO metrics VALUES (35, 'gpu.utilization'), (36, 'gpu.memory.used.bytes');`,
  },
  {
    version: 17,
    name: 'ECS tasks running (Container Insights RunningTaskCount), read by ecs.rightsize',
    sql: `INSERT INTO metrics VALUES (37, 'ecs.tasks.running');`,
  },
  {
    version: 18,
    name: 'S3 bytes by storage class, objects and requests, read by s3.storage-class',
    sql: `INSERT INTO metrics VALUES (38, 's3.storage.standard.bytes'), (39, 's3.storage.standard_ia.bytes'), (40, 's3.storage.onezone_ia.bytes'),
      (41, 's3.storage.it_frequent.bytes'), (42, 's3.storage.it_infrequent.bytes'), (43, 's3.storage.it_archive_instant.bytes'),
      (44, 's3.storage.glacier_ir.bytes'), (45, 's3.storage.glacier.bytes'), (46, 's3.storage.deep_archive.bytes'), (47, 's3.objects'),
      (48, 's3.get_requests_per_s'), (49, 's3.bytes_downloaded_per_s');`,
  },
  {
    version: 19,
    name: 'S3 Inventory summaries (collect s3-inventory): bytes and objects by storage class and age, read by s3.storage-class',
    sql: `CREATE TABLE s3_inventories (bucket VARCHAR PRIMARY KEY, summary VARCHAR NOT NULL, source VARCHAR NOT NULL, taken_at BIGINT NOT NULL);`,
  },
  {
    version: 20,
    name: 'day sums that do not depend on the order rows are added in (exactSum), as every store computes them: the same workspace gives the same report on DuckDB and ClickHouse',
    sql: `CREATE TEMP TABLE daily_canonical AS ${DAILY_ROWS('samples x', '')};
      DELETE FROM daily;
      INSERT INTO daily SELECT * FROM daily_canonical;
      DROP TABLE daily_canonical;`,
  },
]

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0
