/**
 * Derives data/demo/{samples.parquet,resources.json} from the bundled real traces in data/traces, in
 * headroom's documented file format (docs/file-format.md), so `headroom demo` imports them through the same
 * `collect file` path a user's export takes. Run: npx tsx scripts/build-demo-data.ts [OUT_DIR]
 */
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { text } from '../src/store/duckdb/store.js'
import { assignType, AZURE_ANCHOR_ISO, DEMO_ASG_ATTRIBUTES, DEMO_ASG_ID, DEMO_EC2_TYPES, DEMO_RDS_CLASSES } from '../src/demo/assign.js'

const root = join(import.meta.dirname, '..')
const traces = join(root, 'data/traces')
const out = process.argv[2] ?? join(root, 'data/demo')
const db = await DuckDBInstance.create(':memory:')
const c = await db.connect()
await c.run("SET TimeZone = 'UTC'")

const azure = join(traces, 'azure-v1/azure-v1-100vms-cpu-5min.csv.gz')
const nabFiles = readdirSync(join(traces, 'nab'))
  .filter((f) => /^(ec2|rds)_cpu_utilization_[0-9a-f]+\.csv$/.test(f))
  .sort()
const nabSelects = nabFiles.map((f) => {
  const [kind, , , suffix] = f.replace('.csv', '').split('_')
  return `SELECT 'nab-${kind}-${suffix}' AS resource_id, 'cpu.utilization' AS metric, "timestamp",
    value, 'percent' AS unit, 'avg' AS stat, 300::INTEGER AS period FROM read_csv('${join(traces, 'nab', f)}', header = true, columns = {'timestamp': 'TIMESTAMP', 'value': 'DOUBLE'})`
})
await c.run(`COPY (
  SELECT * FROM (
    SELECT 'azure-vm-' || vm_id AS resource_id, 'cpu.utilization' AS metric,
      TIMESTAMP '${AZURE_ANCHOR_ISO.replace('T', ' ').replace('Z', '')}' + to_seconds(offset_s) AS "timestamp",
      unnest([avg_cpu_pct, max_cpu_pct]) AS value, 'percent' AS unit, unnest(['avg', 'max']) AS stat, 300::INTEGER AS period
    FROM read_csv('${azure}', header = true, columns = {'vm_id': 'VARCHAR', 'offset_s': 'BIGINT', 'avg_cpu_pct': 'DOUBLE', 'max_cpu_pct': 'DOUBLE'})
    UNION ALL ${nabSelects.join(' UNION ALL ')}
    UNION ALL SELECT '${DEMO_ASG_ID}' AS resource_id, 'cpu.utilization' AS metric, "timestamp", value, 'percent' AS unit, 'avg' AS stat, 300::INTEGER AS period
      FROM read_csv('${join(traces, 'nab', 'cpu_utilization_asg_misconfiguration.csv')}', header = true, columns = {'timestamp': 'TIMESTAMP', 'value': 'DOUBLE'})
  ) ORDER BY resource_id, stat, "timestamp"
) TO '${join(out, 'samples.parquet')}' (FORMAT PARQUET, COMPRESSION ZSTD)`)

const vmIds = (
  await c.runAndReadAll(
    `SELECT DISTINCT vm_id FROM read_csv('${azure}', header = true, columns = {'vm_id': 'VARCHAR', 'offset_s': 'BIGINT', 'avg_cpu_pct': 'DOUBLE', 'max_cpu_pct': 'DOUBLE'}) ORDER BY vm_id`,
  )
)
  .getRowObjectsJson()
  .map((r) => text(r.vm_id))
const resources = [
  ...vmIds.map((v) => {
    const id = `azure-vm-${v}`
    return {
      id,
      kind: 'ec2-instance',
      region: 'us-east-1',
      instanceType: assignType(id, DEMO_EC2_TYPES),
      tags: { dataset: 'azure-public-dataset-v1', licence: 'CC-BY-4.0' },
    }
  }),
  ...nabFiles.map((f) => {
    const [kind, , , suffix] = f.replace('.csv', '').split('_')
    const id = `nab-${kind}-${suffix}`
    return kind === 'ec2'
      ? { id, kind: 'ec2-instance', region: 'us-east-1', instanceType: assignType(id, DEMO_EC2_TYPES), tags: { dataset: 'numenta-nab', licence: 'MIT' } }
      : { id, kind: 'rds-instance', region: 'us-east-1', instanceType: assignType(id, DEMO_RDS_CLASSES), tags: { dataset: 'numenta-nab', licence: 'MIT' } }
  }),
  {
    id: DEMO_ASG_ID,
    kind: 'asg',
    region: 'us-east-1',
    instanceType: 'm5.large',
    tags: { dataset: 'numenta-nab', licence: 'MIT' },
    attributes: DEMO_ASG_ATTRIBUTES,
  },
]
writeFileSync(join(out, 'resources.json'), JSON.stringify({ resources }, null, 2) + '\n')
const n = (await c.runAndReadAll(`SELECT count(*)::INT AS n FROM '${join(out, 'samples.parquet')}'`)).getRowObjectsJson()[0]
console.log(`wrote data/demo/samples.parquet (${text(n?.n)} rows) and resources.json (${resources.length} resources)`)
