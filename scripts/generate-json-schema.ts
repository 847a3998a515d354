/**
 * Writes schema/report.schema.json and schema/loadtest-result.schema.json from their zod schemas.
 * Run: npx tsx scripts/generate-json-schema.ts
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { reportJsonSchema } from '../src/core/json-schema.js'
import { loadTestJsonSchema } from '../src/loadtest/result.js'

for (const [file, schema] of [['report.schema.json', reportJsonSchema()], ['loadtest-result.schema.json', loadTestJsonSchema()]] as const) {
  const out = join(import.meta.dirname, '../schema', file)
  writeFileSync(out, JSON.stringify(schema, null, 2) + '\n')
  console.log(`wrote ${out}`)
}
