// The synthetic fleet the benchmarks share: instance ids i-00000000.. and a manifest cycling through common types.
import { writeFileSync } from 'node:fs'
import { DuckDBInstance } from '@duckdb/node-api'

const TYPES = ['m5.large', 'm5.xlarge', 'm5.2xlarge', 'c5.xlarge', 'r5.large', 'm6i.xlarge', 'c6i.2xlarge', 'r6i.xlarge']

/** Writes the resources manifest of N instances (ids as the generators' SQL makes them: 'i-' || lpad(i, 8, '0')). */
export function writeFleetManifest(path, n) {
  writeFileSync(
    path,
    JSON.stringify(
      Array.from({ length: n }, (_, i) => ({
        id: `i-${String(i).padStart(8, '0')}`,
        kind: 'ec2-instance',
        region: 'us-east-1',
        instanceType: TYPES[i % TYPES.length],
      })),
    ),
  )
}

/**
 * Writes N instances x `days` x 5-minute samples of CPU, memory and network (maxima) as Parquet: a daily cycle per
 * instance plus hashed noise, deterministic, from 2026-01-01.
 */
export async function writeFleetParquet(path, n, days) {
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  await c.run("SET TimeZone = 'UTC'")
  await c.run(`COPY (
    WITH inst AS (SELECT i, 'i-' || lpad(i::VARCHAR, 8, '0') AS rid, 5 + (hash(i) % 60) AS base FROM range(${n}) t(i)),
    slots AS (SELECT s, TIMESTAMP '2026-01-01' + to_minutes(s * 5) AS ts FROM range(${days * 288}) t(s))
    SELECT rid AS resource_id, m.metric, ts AS "timestamp",
      CASE m.metric
        WHEN 'cpu.utilization' THEN least(100, base * (1 + 0.5 * sin(2 * pi() * (s % 288) / 288)) * (0.7 + (hash(i, s) % 600) / 1000.0))
        WHEN 'mem.utilization' THEN least(100, 30 + base / 2 + (hash(i, s, 1) % 100) / 10.0)
        ELSE 1e5 * base * (0.5 + (hash(i, s, 2) % 1000) / 1000.0) END::DOUBLE AS value,
      'max' AS stat, 300::INTEGER AS period
    FROM inst, slots, (VALUES ('cpu.utilization'), ('mem.utilization'), ('net.in.bytes_per_s')) m(metric)
  ) TO '${path}' (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE 1000000)`)
  c.closeSync()
  db.closeSync()
}
