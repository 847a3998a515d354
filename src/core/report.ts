import { z } from 'zod'

/**
 * The report is headroom's public JSON contract. These zod schemas are its single source of truth:
 * the exported TypeScript types are inferred from them and schema/report.schema.json is generated from
 * them (scripts/generate-json-schema.ts; a test fails when the checked-in file is stale).
 */
export const REPORT_SCHEMA_VERSION = 3 as const

export const ResourceKindSchema = z.enum([
  'ec2-instance',
  'rds-instance',
  'ebs-volume',
  'lambda-function',
  'asg',
  'k8s-workload',
  'host',
  'load-balancer',
  'dynamodb-table',
  'elasticache-node',
  'nat-gateway',
  'ecs-service',
  's3-bucket',
])
export type ResourceKind = z.infer<typeof ResourceKindSchema>

const CoverageSchema = z
  .object({
    analyzed: z.number().int().describe('Resources some analyzer judged (a finding other than InsufficientData), or checked and found nothing to flag'),
    stopped: z.number().int().describe('Instances not running: not sized, no compute cost counted'),
    insufficientData: z.number().int().describe('Resources whose every analyzer lacked data (no samples, or too few hours)'),
    noAnalyzer: z.number().int().describe('Resources of a kind no analyzer takes (e.g. Auto Scaling groups: simulate scaling)'),
  })
  .describe('Every resource of the workspace in one bucket; the four add up to `resources`')
export type Coverage = z.infer<typeof CoverageSchema>

const ResourceRefSchema = z.object({
  provider: z.string().describe("Where the resource lives: 'aws', 'prometheus', 'file'"),
  kind: ResourceKindSchema,
  id: z.string().describe('Provider-native id, e.g. an instance id'),
  region: z.string().optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number()])).describe('e.g. { instanceType: "m5.large" }'),
  tags: z.record(z.string(), z.string()),
})
export type ResourceRef = z.infer<typeof ResourceRefSchema>

const FindingSchema = z
  .enum(['Overprovisioned', 'Underprovisioned', 'Optimized', 'InsufficientData', 'Flagged', 'Sized'])
  .describe('Sized: a size proposed where there is no current one to compare (migration sizing, containers without requests)')
export type Finding = z.infer<typeof FindingSchema>
const RiskSchema = z.enum(['VeryLow', 'Low', 'Medium', 'High'])
export type PerformanceRisk = z.infer<typeof RiskSchema>
const DimensionSchema = z.enum(['cpu', 'memory', 'network-in', 'network-out', 'ebs-iops', 'ebs-throughput', 'read-capacity', 'write-capacity', 'engine-cpu'])
export type Dimension = z.infer<typeof DimensionSchema>

const WindowSchema = z.object({ start: z.number().describe('epoch ms, exclusive'), end: z.number().describe('epoch ms, inclusive') })
export type TimeWindow = z.infer<typeof WindowSchema>

const EvidenceSchema = z.object({
  metric: z.string(),
  stat: z.string().describe("Which statistic of which samples, e.g. 'p99.5 of 5-minute maxima'"),
  value: z.number(),
  unit: z.string(),
  samples: z.number().int().describe('5-minute intervals that went into the value'),
  threshold: z.number().optional(),
  note: z.string().optional(),
})
export type Evidence = z.infer<typeof EvidenceSchema>

const DimensionAssessmentSchema = z.object({
  dimension: DimensionSchema,
  measured: z.boolean(),
  /** Demand at the chosen percentile, in the dimension's unit (vCPU, GiB, bytes/s, IOPS). */
  demand: z.number().nullable(),
  /** need = demand x (1 + headroom) */
  need: z.number().nullable(),
  capacity: z.number().nullable(),
  unit: z.string(),
  /** Projected utilization in percent = demand / capacity x 100 (null when not measured). */
  projectedUtilization: z.number().nullable(),
  /** Share of recorded 5-minute intervals whose demand would exceed the capacity left after headroom. */
  exceedanceShare: z.number().nullable(),
  /** The highest 5-minute demand seen, in the dimension's unit (absent where the analyzer does not track it). */
  peak: z.number().optional(),
  /** peak / capacity x 100: over 100 the peak would saturate the option. */
  peakUtilization: z.number().optional(),
  risk: z.union([RiskSchema, z.literal('Unknown')]),
  note: z.string().optional(),
})
export type DimensionAssessment = z.infer<typeof DimensionAssessmentSchema>

const OptionSchema = z.object({
  rank: z.number().int(),
  change: z.record(z.string(), z.union([z.string(), z.number()])),
  performanceRisk: RiskSchema,
  bindingDimension: DimensionSchema.describe('The dimension whose need uses the largest share of the option’s capacity'),
  dimensions: z.array(DimensionAssessmentSchema),
  monthlyCost: z.number().nullable().describe('USD per month on demand (730 h), null when unpriced'),
  monthlySavings: z.number().nullable().describe('current - option, USD per month; negative means it costs more'),
  migrationEffort: z.enum(['VeryLow', 'Low', 'Medium', 'High']),
  platformDifferences: z.array(z.string()),
  notes: z.array(z.string()),
})
export type RecommendationOption = z.infer<typeof OptionSchema>

export const RecommendationSchema = z.object({
  id: z.string().describe('Stable hash of analyzer, resource and window'),
  analyzer: z.string().describe("The registry id of the analyzer that made it (e.g. 'ta.idle'): its docs, options and totals are keyed by it"),
  check: z.string().optional().describe("Which of the analyzer's checks, where it runs several (e.g. 'idle-rds' of ta.idle)"),
  resource: ResourceRefSchema,
  finding: FindingSchema,
  reasons: z.array(z.string()).describe("Compute Optimizer reason codes, e.g. 'CPUOverprovisioned'"),
  current: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
  currentPerformanceRisk: z.union([RiskSchema, z.literal('Unknown')]),
  currentDimensions: z.array(DimensionAssessmentSchema),
  options: z.array(OptionSchema),
  evidence: z.array(EvidenceSchema),
  window: WindowSchema,
  bestPractices: z.array(z.string()).describe('Well-Architected PERF best-practice ids this serves'),
  summary: z.string().describe('One sentence a person reads first'),
  memoryBlind: z.boolean(),
  /** USD per month this recommendation would save if its top option were applied (0 when none). */
  estimatedMonthlySavings: z.number().nullable(),
})
export type Recommendation = z.infer<typeof RecommendationSchema>

const ScalingOutcomeSchema = z.object({
  policySet: z.string(),
  description: z.string(),
  instanceHours: z.number(),
  cost: z.number().nullable().describe('USD on demand over the window; null when a type is unpriced'),
  breachMinutes: z.number().int().describe('Minutes in which demand exceeded serving capacity at the utilization limit'),
  peakUtilizationPct: z.number(),
  peakDemandPct: z.number().describe('Highest demand as % of serving capacity; over 100 means overloaded'),
  scalingActions: z.number().int(),
  minInstances: z.number().int(),
  maxInstances: z.number().int(),
  timeline: z
    .object({
      startMs: z.number(),
      stepSec: z.number(),
      desired: z.array(z.number()),
      serving: z.array(z.number()),
      demand: z.array(z.number()),
      utilizationPct: z.array(z.number()),
      breach: z.array(z.number().int()).optional().describe('1 in a minute counted in breachMinutes (absent in reports before headroom 0.1.1)'),
    })
    .optional(),
})
export type ScalingOutcome = z.infer<typeof ScalingOutcomeSchema>

const SimulationResultSchema = z.object({
  kind: z.literal('autoscaling'),
  group: z.string(),
  window: WindowSchema,
  demandSource: z.string().describe('How the load was derived from the stored series'),
  instanceTypes: z.array(z.string()),
  launchDelaySec: z.number(),
  utilizationLimitPct: z.number(),
  outcomes: z.array(ScalingOutcomeSchema).describe('The current policy first (when given), then the candidates of a search, cheapest first'),
  current: z.string().nullable(),
  search: z
    .object({
      evaluated: z.number().int(),
      pareto: z.array(z.string()).describe('Policy sets on the cost / breach-minutes Pareto front, cheapest first'),
      cheapestZeroBreach: z.string().nullable(),
      monthlySavingsVsCurrent: z.number().nullable().describe('USD per 730 h of the cheapest zero-breach set vs the current policy'),
    })
    .optional(),
  evidence: z.array(EvidenceSchema),
  bestPractices: z.array(z.string()),
  summary: z.string(),
})
export type SimulationResult = z.infer<typeof SimulationResultSchema>

const IssueSchema = z.object({
  code: z.string(),
  severity: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  resourceId: z.string().optional(),
})
export type Issue = z.infer<typeof IssueSchema>

const ToolMeta = {
  tool: z.literal('headroom'),
  version: z.string(),
  generatedAt: z.number().describe('epoch ms'),
}
const SettingsRecord = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))

export const ReportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  kind: z.literal('analysis').describe('The document kind (analysis, scaling, loadtest): `headroom analyze`'),
  meta: z.object({
    ...ToolMeta,
    options: z
      .object({
        lookbackDays: z.number().describe('analysis window in days'),
        asOf: z.number().nullable().describe("window end for every resource (epoch ms), or null: each resource's latest sample"),
        analyzers: z.record(z.string(), SettingsRecord).describe("Each analyzer's options as used, by registry id (defaults < config file < flags)"),
      })
      .describe('What the analysis ran with'),
    catalogSources: z.array(z.string()),
  }),
  summary: z.object({
    resources: z.number().int(),
    analyzed: z.number().int().describe('EC2 instances sized (ec2.rightsize findings other than InsufficientData)'),
    coverage: CoverageSchema,
    currentMonthlyCost: z.number().describe('USD/month of priced analyzed resources'),
    recommendedMonthlyCost: z.number(),
    monthlySavings: z.number().describe('Sum over resources of the single best action per resource; never double counted'),
    upsizingMonthlyCost: z.number().describe('Extra USD/month to fix Underprovisioned resources with their top option'),
    unpricedResources: z.number().int(),
    byFinding: z.record(z.string(), z.number().int()),
    byRisk: z.record(z.string(), z.number().int()),
    byAnalyzer: z
      .record(
        z.string(),
        z.object({
          recommendations: z.number().int(),
          currentMonthlyCost: z.number().describe('USD/month of the priced resources this analyzer looked at'),
          monthlySavings: z.number().describe("Sum of this analyzer's positive estimated savings"),
          unpriced: z.number().int().describe('Recommendations that price resources but could not price this one (flags without a cost are not counted)'),
        }),
      )
      .optional()
      .describe('Per-analyzer totals (EBS, Lambda, DynamoDB, ...); the top-level totals above cover EC2 right-sizing'),
  }),
  recommendations: z.array(RecommendationSchema),
  issues: z.array(IssueSchema),
  comparisons: z
    .object({
      computeOptimizer: z.object({
        compared: z.number().int(),
        findingAgrees: z.number().int(),
        optionCompared: z.number().int().describe('Resources where both sides recommend a change'),
        optionAgrees: z.number().int(),
        rows: z.array(
          z.object({
            resourceId: z.string(),
            kind: z.string(),
            headroomFinding: z.string(),
            headroomOption: z.string().nullable(),
            headroomMonthlySavings: z.number().nullable(),
            coFinding: z.string(),
            coOption: z.string().nullable(),
            coMonthlySavings: z.number().nullable(),
            findingAgrees: z.boolean(),
            optionAgrees: z.boolean().nullable(),
          }),
        ),
      }),
    })
    .optional()
    .describe('Side by side with AWS Compute Optimizer, when `collect aws --compute-optimizer` stored its recommendations'),
})
export type Report = z.infer<typeof ReportSchema>

/** `headroom simulate scaling`: recorded load replayed against scaling policies. */
export const ScalingReportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  kind: z.literal('scaling'),
  meta: z.object({
    ...ToolMeta,
    options: SettingsRecord.describe("The simulation's settings: group, lookbackDays, asOf, launchDelaySec, limitPct, instanceType, region, search"),
  }),
  simulations: z.array(SimulationResultSchema),
  issues: z.array(IssueSchema),
})
export type ScalingReport = z.infer<typeof ScalingReportSchema>
