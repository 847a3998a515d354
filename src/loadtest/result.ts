import { z } from 'zod'

/** A load test's result file: the JSON contract of `headroom loadtest --out` and the input of `loadtest compare`. */
export const LOADTEST_SCHEMA_VERSION = 1 as const

const Summary = z
  .object({
    count: z.number().int(),
    min: z.number(),
    mean: z.number(),
    p50: z.number(),
    p75: z.number(),
    p90: z.number(),
    p95: z.number(),
    p99: z.number(),
    p999: z.number(),
    max: z.number(),
  })
  .describe('Milliseconds, microsecond resolution (HdrHistogram, 3 significant digits)')

export const LoadTestResultSchema = z.object({
  schemaVersion: z.literal(LOADTEST_SCHEMA_VERSION),
  tool: z.literal('headroom'),
  version: z.string(),
  kind: z.literal('loadtest'),
  startedAt: z.number().describe('epoch ms'),
  durationMs: z.number(),
  model: z
    .enum(['open', 'closed'])
    .describe('open: arrivals on a schedule, latency from the intended start; closed: each connection sends when its last response ends'),
  target: z.string(),
  script: z.string().nullable(),
  environment: z.string().nullable(),
  phases: z.array(
    z.object({
      name: z.string().nullable(),
      durationMs: z.number(),
      arrivalRate: z.number().nullable(),
      rampTo: z.number().nullable(),
      arrivalCount: z.number().nullable(),
      pause: z.boolean(),
    }),
  ),
  settings: z.object({
    workers: z.number().int(),
    connectionsPerWorker: z.number().int(),
    pipelining: z.number().int(),
    timeoutMs: z.number(),
    maxInFlightPerWorker: z.number().int(),
  }),
  rate: z.object({
    requested: z.number().nullable().describe('arrivals/s of the schedule (open model)'),
    achieved: z.number().nullable().describe('arrivals/s actually launched'),
    requestsPerSec: z.number().describe('responses and errors per second over the run'),
  }),
  counters: z.record(z.string(), z.number()).describe("Artillery's names: vusers.created, http.requests, http.codes.200, errors.ETIMEDOUT, ..."),
  latency: z.object({
    corrected: Summary.describe('from the intended start (schedule), so coordinated omission is corrected; equals uncorrected in the closed model'),
    uncorrected: Summary.describe('from the moment the request was written to the socket'),
    scheduleLag: Summary.describe("how late arrivals were launched: the generator's own delay"),
  }),
  histograms: z
    .object({ corrected: z.string(), uncorrected: z.string(), scheduleLag: z.string() })
    .describe('HdrHistogram V2 compressed, base64, values in microseconds: merge runs exactly'),
  endpoints: z.array(
    z.object({
      name: z.string(),
      requests: z.number().int(),
      codes: z.record(z.string(), z.number()),
      errors: z.record(z.string(), z.number()),
      latency: Summary,
      histogram: z.string(),
    }),
  ),
  timeline: z
    .object({
      startMs: z.number().describe('epoch ms: the run start, second 0'),
      stepSec: z.literal(1),
      responses: z.array(z.number().int()).describe('responses that ended in each second'),
      errors: z.array(z.number().int()).describe('requests that failed (network error, timeout) in each second'),
    })
    .optional()
    .describe('throughput over time; absent in results written before headroom 0.1.1'),
  generator: z.object({
    eventLoopDelayP99Ms: z.number(),
    eventLoopDelayMaxMs: z.number(),
    maxRssMB: z.number(),
    cpuSeconds: z.number(),
    saturated: z.boolean(),
    reasons: z.array(z.string()),
  }),
  status: z
    .object({
      expected: z.string().describe("the statuses that count as answers, e.g. '2xx,3xx' (--expect)"),
      unexpected: z.number().int().describe('responses with a status outside the expected set: errors, counted in the error rate'),
      byCode: z.record(z.string(), z.number()),
    })
    .optional()
    .describe('absent in results written before headroom 0.1.1; readers then take 2xx and 3xx as expected'),
  ensure: z.object({ passed: z.boolean(), checks: z.array(z.object({ check: z.string(), value: z.number().nullable(), passed: z.boolean() })) }).nullable(),
  warnings: z.array(z.string()),
  interrupted: z.boolean(),
})
export type LoadTestResult = z.infer<typeof LoadTestResultSchema>
export type LatencySummaryT = z.infer<typeof Summary>

/** The result file's JSON Schema, generated from the zod schema (checked in as schema/loadtest-result.schema.json). */
export function loadTestJsonSchema(): Record<string, unknown> {
  return { ...(z.toJSONSchema(LoadTestResultSchema, { target: 'draft-2020-12' }) as Record<string, unknown>), title: 'headroom load-test result' }
}
