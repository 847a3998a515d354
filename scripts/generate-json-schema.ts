/**
 * Writes schema/report.schema.json, schema/document.schema.json (every document kind), schema/loadtest-result.schema.json schema/config.schema.json, schema/review-answers.schema.json schema/experiment-result.schema.json and schema/lambda-experiment-result.schema.json from their zod schemas.
 * Run: npx tsx scripts/generate-json-schema.ts
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { documentJsonSchema } from '../src/app/document.js'
import { reportJsonSchema } from '../src/core/json-schema.js'
import { loadTestJsonSchema } from '../src/loadtest/result.js'
import { configJsonSchema } from '../src/app/config.js'
import { answersJsonSchema } from '../src/review/review.js'
import { experimentJsonSchema, lambdaExperimentJsonSchema } from '../src/experiment/result.js'

for (const [file, schema] of [
  ['report.schema.json', reportJsonSchema()],
  ['document.schema.json', documentJsonSchema()],
  ['loadtest-result.schema.json', loadTestJsonSchema()],
  ['config.schema.json', configJsonSchema()],
  ['review-answers.schema.json', answersJsonSchema()],
  ['experiment-result.schema.json', experimentJsonSchema()],
  ['lambda-experiment-result.schema.json', lambdaExperimentJsonSchema()],
] as const) {
  const out = join(import.meta.dirname, '../schema', file)
  writeFileSync(out, JSON.stringify(schema, null, 2) + '\n')
  console.log(`wrote ${out}`)
}
