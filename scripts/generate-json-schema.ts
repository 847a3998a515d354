/** Writes schema/report.schema.json from the zod ReportSchema. Run: npx tsx scripts/generate-json-schema.ts */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { reportJsonSchema } from '../src/core/json-schema.js'

const out = join(import.meta.dirname, '../schema/report.schema.json')
writeFileSync(out, JSON.stringify(reportJsonSchema(), null, 2) + '\n')
console.log(`wrote ${out}`)
