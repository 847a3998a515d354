import { z } from 'zod'
import { ReportSchema } from './report.js'

/** The analysis report's JSON Schema, generated from the zod schema (checked in as schema/report.schema.json). */
export function reportJsonSchema(): Record<string, unknown> {
  return { ...(z.toJSONSchema(ReportSchema, { target: 'draft-2020-12' }) as Record<string, unknown>), title: 'headroom report' }
}
