/**
 * Builds data/catalog/rds.json from ../shared/data/aws-catalog/manageiq-aws-database-types.yml (ManageIQ, Apache-2.0):
 * RDS DB instance classes with vCPUs and memory. Run: npx tsx scripts/build-rds-catalog.ts [SHARED_DATA_DIR] [OUT_FILE]
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'

const shared = resolve(process.argv[2] ?? join(import.meta.dirname, '../../shared/data'))
const out = resolve(process.argv[3] ?? join(import.meta.dirname, '../data/catalog/rds.json'))
const yaml = parseYaml(readFileSync(join(shared, 'aws-catalog/manageiq-aws-database-types.yml'), 'utf8')) as Record<string, Record<string, unknown>>
const classes = Object.entries(yaml)
  .map(([name, v]) => ({
    name,
    vcpus: Number(v[':vcpu']),
    memoryGiB: Math.round((Number(v[':memory']) / 1024 ** 3) * 1000) / 1000,
    family: typeof v[':family'] === 'string' ? v[':family'] : '',
    deprecated: v[':deprecated'] === true,
  }))
  .filter((c) => c.vcpus > 0 && c.memoryGiB > 0)
  .sort((a, b) => a.name.localeCompare(b.name))
writeFileSync(
  out,
  JSON.stringify({
    schemaVersion: 1,
    generatedBy: 'scripts/build-rds-catalog.ts',
    source: {
      name: 'ManageIQ aws_database_types.yml',
      licence: 'Apache-2.0',
      origin: 'ManageIQ/manageiq-providers-amazon@59fcb986 (db/fixtures/aws_database_types.yml, changed aeacc5c4)',
      date: '2026-04-26',
    },
    classes,
  }) + '\n',
)
console.log(`wrote ${out}: ${classes.length} classes (${classes.filter((c) => !c.deprecated).length} current)`)
