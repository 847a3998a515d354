import { z } from 'zod'
import { LoadTestResultSchema } from '../loadtest/result.js'
import { ReportSchema, ScalingReportSchema } from '../core/report.js'
import { CacheReportSchema } from '../simulators/cache/result.js'
import { ReviewSchema } from '../review/review.js'

/**
 * Everything a command produces is one of these documents, tagged by `kind`: `analyze` writes an analysis, `simulate
 * scaling` a scaling report, `loadtest` a load-test result, `simulate cache` a cache report, `review` a Well-Architected review. Each kind versions its own
 * shape (`schemaVersion`); schema/document.schema.json is generated from this union.
 */
export const DocumentSchema = z.discriminatedUnion('kind', [ReportSchema, ScalingReportSchema, LoadTestResultSchema, CacheReportSchema, ReviewSchema])
export type HeadroomDocument = z.infer<typeof DocumentSchema>
export type DocumentKind = HeadroomDocument['kind']

/** Any document a command writes, by `kind` (checked in as schema/document.schema.json). */
export const documentJsonSchema = (): Record<string, unknown> => ({
  ...(z.toJSONSchema(DocumentSchema, { target: 'draft-2020-12' }) as Record<string, unknown>),
  title: 'headroom document',
})
