import { z } from 'zod'

/** `headroom experiment`: the same load against two or more configurations, interleaved in rounds. */
export const EXPERIMENT_SCHEMA_VERSION = 1 as const

const IntervalSchema = z.object({ mean: z.number(), lo: z.number(), hi: z.number() }).describe('Mean over rounds with its percentile-bootstrap interval')
const RatioSchema = z
  .object({ mean: z.number(), lo: z.number(), hi: z.number(), significant: z.boolean() })
  .describe('arm / baseline from paired rounds: geometric mean of the ratios with a Student t interval on the log scale; significant when it excludes 1')

const METRICS = ['requestsPerSec', 'p50', 'p99', 'costPerMillion', 'capacity', 'capacityPerDollar'] as const
export type ExperimentMetric = (typeof METRICS)[number]

export const ExperimentResultSchema = z.object({
  schemaVersion: z.literal(EXPERIMENT_SCHEMA_VERSION),
  tool: z.literal('headroom'),
  version: z.string(),
  kind: z.literal('experiment'),
  startedAt: z.number().describe('epoch ms'),
  load: z.object({
    mode: z.enum(['url', 'scenario']),
    model: z.enum(['open', 'closed']).describe('open: a fixed arrival rate (compare latency); closed: connections as fast as answered (compare throughput)'),
    what: z.string().describe('The scenario file, or the method and path every arm is sent'),
    runMs: z.number().describe('Length of one run (one arm, one round)'),
    connections: z.number().int().nullable(),
    rate: z.number().nullable().describe('Open model: requests per second'),
  }),
  rounds: z.number().int().describe('0 with --find-capacity'),
  capacitySearch: z
    .object({
      runMs: z.number(),
      startRate: z.number(),
      maxRate: z.number(),
      precision: z.number().describe('The search stops when the bracket is within this ratio'),
      unit: z
        .enum(['requests/s', 'arrivals/s'])
        .describe('Of the rates: requests a second (URL mode), or virtual users arriving a second at the scenario’s peak (its rates scaled)'),
    })
    .nullable(),
  confidence: z.number(),
  region: z.string(),
  slo: z.object({ metric: z.enum(['p50', 'p90', 'p95', 'p99']), thresholdMs: z.number() }).nullable(),
  arms: z.array(
    z.object({
      name: z.string(),
      target: z.string(),
      type: z.string().nullable(),
      pricePerHourUsd: z.number().nullable().describe('On-demand Linux price of `type` in `region` from the catalog'),
      runs: z.array(
        z.object({
          round: z.number().int(),
          position: z.number().int().describe('0: ran first in its round'),
          requestsPerSec: z.number(),
          p50: z.number(),
          p90: z.number(),
          p95: z.number(),
          p99: z.number(),
          errorsPct: z.number(),
          generatorSaturated: z.boolean(),
        }),
      ),
      requestsPerSec: IntervalSchema.nullable().describe('null with --find-capacity (no rounds run)'),
      p50: IntervalSchema.nullable(),
      p99: IntervalSchema.nullable(),
      errorsPct: IntervalSchema.nullable(),
      costPerMillionUsd: IntervalSchema.nullable().describe('price per hour / requests per hour x 1e6, per round'),
      requestsPerUsd: z.number().nullable(),
      sloHeld: z.number().int().nullable().describe('Rounds in which the SLO held'),
      capacity: z
        .object({
          rate: z.number().describe('The highest arrival rate (capacitySearch.unit) at which the SLO held'),
          failedAt: z.number().nullable().describe('The lowest rate that failed: the capacity lies between rate and this'),
          limitedBy: z.enum(['server', 'generator', 'max-rate']).describe('generator / max-rate: the server did at least `rate`; no server limit is claimed'),
          requestsPerUsd: z.number().nullable().describe('At `rate`, per dollar of the type’s on-demand price (scenario mode: virtual users)'),
          steps: z.array(
            z.object({
              rate: z.number(),
              latencyMs: z.number(),
              errorsPct: z.number(),
              achieved: z.number().nullable(),
              held: z.boolean(),
              generatorSaturated: z.boolean(),
            }),
          ),
        })
        .nullable()
        .describe('--find-capacity: the open-model search for the highest rate at which the SLO holds'),
    }),
  ),
  comparisons: z.array(
    z.object({
      arm: z.string(),
      baseline: z.string().describe('The first --arm'),
      metric: z.enum(METRICS),
      ratio: RatioSchema,
      primary: z.boolean().describe('The one metric the verdict rests on (testing several would raise the false-claim rate)'),
      statement: z.string(),
    }),
  ),
  verdict: z.object({
    metric: z.enum(METRICS),
    statement: z.string(),
    /** Arms significantly better / worse than the baseline on the primary metric. */
    better: z.array(z.string()),
    worse: z.array(z.string()),
  }),
  warnings: z.array(z.string()),
})
export type ExperimentResult = z.infer<typeof ExperimentResultSchema>

const LAMBDA_ARCHS = ['x86_64', 'arm64'] as const
const LAMBDA_STRATEGIES = ['cost', 'speed', 'balanced'] as const

/** `headroom experiment --lambda`: one function invoked at each memory size and architecture, through published versions. */
export const LambdaExperimentResultSchema = z.object({
  schemaVersion: z.literal(EXPERIMENT_SCHEMA_VERSION),
  tool: z.literal('headroom'),
  version: z.string(),
  kind: z.literal('lambda-experiment'),
  startedAt: z.number().describe('epoch ms'),
  function: z.object({
    name: z.string(),
    arn: z.string(),
    region: z.string(),
    packageType: z.enum(['Zip', 'Image']),
  }),
  current: z.object({ memoryMB: z.number().int(), arch: z.enum(LAMBDA_ARCHS) }).describe('The configuration found (and restored at the end): the baseline'),
  invocationsPerSetting: z.number().int(),
  rounds: z.number().int().describe('Each round invokes every setting in turn, the order alternating'),
  payloadBytes: z.number().int(),
  confidence: z.number(),
  strategy: z.enum(LAMBDA_STRATEGIES),
  balancedWeight: z.number().describe('balanced: weight of cost (1 - it: of duration), as Lambda Power Tuning defines it'),
  prices: z.object({
    requestUsd: z.number(),
    gbSecondUsd: z.object({ x86_64: z.number(), arm64: z.number() }),
    region: z.string().describe('The region the prices are for'),
    source: z.string(),
  }),
  settings: z.array(
    z.object({
      name: z.string().describe('arch/memory, e.g. arm64/512'),
      memoryMB: z.number().int(),
      arch: z.enum(LAMBDA_ARCHS),
      current: z.boolean(),
      version: z.string().nullable().describe('The published version invoked (null: never published, the run stopped first)'),
      invocations: z.number().int(),
      errors: z.number().int(),
      errorTypes: z.array(z.string()),
      cold: z.object({
        count: z.number().int().describe('Invocations whose REPORT line had an Init Duration'),
        initMs: z.number().nullable().describe('Mean Init Duration'),
        billedMs: z.number().nullable().describe('Mean billed duration of the cold invocations (it includes the init phase when Lambda bills it)'),
        costUsd: z.number().nullable().describe('Mean cost of one cold invocation'),
      }),
      warm: z.object({
        count: z.number().int(),
        durationMs: IntervalSchema.nullable().describe('Duration as Lambda measured it (REPORT line)'),
        billedMs: IntervalSchema.nullable().describe('Billed Duration (REPORT line): what the price is computed from'),
        p50Ms: z.number().nullable(),
        p99Ms: z.number().nullable(),
        clientMs: IntervalSchema.nullable().describe('Round trip seen by headroom (network and Invoke overhead included)'),
        maxMemoryUsedMB: z.number().nullable(),
      }),
      costPerInvocationUsd: IntervalSchema.nullable().describe('Warm invocations: memory GB x billed s x the GB-s price + the request price'),
      costPerMillionUsd: z.number().nullable(),
      vsCurrent: z.object({ cost: RatioSchema.nullable(), duration: RatioSchema.nullable() }).describe('This setting / the current one, warm invocations'),
      samples: z.array(
        z.object({
          round: z.number().int(),
          cold: z.boolean(),
          durationMs: z.number().nullable(),
          billedMs: z.number().nullable(),
          initMs: z.number().nullable(),
          maxMemoryUsedMB: z.number().nullable(),
          clientMs: z.number(),
          error: z.string().nullable(),
        }),
      ),
    }),
  ),
  choices: z
    .object({ cost: z.string().nullable(), speed: z.string().nullable(), balanced: z.string().nullable() })
    .describe('The setting each Lambda Power Tuning strategy picks among those without errors'),
  verdict: z.object({
    strategy: z.enum(LAMBDA_STRATEGIES),
    choice: z.string().nullable(),
    statement: z.string(),
    /** True when the choice differs from the current configuration and is significantly better on the strategy's metric. */
    improvement: z.boolean(),
  }),
  restored: z.object({
    ok: z.boolean().describe('$LATEST has the memory, architecture and code it had before, and nothing headroom published is left'),
    memoryMB: z.number().int().nullable(),
    arch: z.string().nullable(),
    codeSha256Unchanged: z.boolean().nullable(),
    aliasDeleted: z.boolean(),
    versionsDeleted: z.array(z.string()),
    left: z.object({ alias: z.string().nullable(), versions: z.array(z.string()) }).describe('What could not be deleted (to delete by hand)'),
    problems: z.array(z.string()),
  }),
  stopped: z.boolean().describe('Ctrl-C: the run ended early (and was restored)'),
  warnings: z.array(z.string()),
})
export type LambdaExperimentResult = z.infer<typeof LambdaExperimentResultSchema>

export function lambdaExperimentJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(LambdaExperimentResultSchema, { target: 'draft-2020-12' }) as Record<string, unknown>),
    title: 'headroom experiment --lambda result',
  }
}

export function experimentJsonSchema(): Record<string, unknown> {
  return { ...(z.toJSONSchema(ExperimentResultSchema, { target: 'draft-2020-12' }) as Record<string, unknown>), title: 'headroom experiment result' }
}
