import type { MetricName, Statistic } from '../core/metrics.js'
import type { InventorySummary } from '../catalog/s3.js'
import type { Issue, ResourceKind, ResourceRef, TimeWindow } from '../core/report.js'

/**
 * Quantile levels the store computes for every series, by linear interpolation between order statistics (position
 * (n - 1) x level, as DuckDB's quantile_cont and numpy's default); level 0 is the min and 1 the max. Sizing reads
 * p90..p99.5 and max from them; the risk bands do not (EXCEEDANCE_LIMITS). Both stores compute them from the series'
 * sorted values with the same arithmetic (src/store/usage.ts and each store's usage query), so they agree to the bit.
 */
export const QUANTILE_LEVELS: readonly number[] = [0, 0.5, 0.9, 0.95, 0.99, 0.995, 1]

/**
 * The exceedance shares the risk bands compare with (analyzers/risk.ts): 0.1%, 0.5%, 1%, 2% and 10%. For each share x
 * the store keeps the series' edge value v_x, the (floor(x n) + 1)-th largest of its n values, so that exactly
 *   (intervals above T) <= floor(x n)   <=>   T >= v_x,
 * i.e. "share above T <= x" is decided by one comparison, with no interpolation. The stores take it from the sorted
 * values at the integer rank n - floor(x n) (store.test.ts checks it at 4,032 and 3,760 intervals).
 */
export const EXCEEDANCE_LIMITS: readonly number[] = [0.001, 0.005, 0.01, 0.02, 0.1]

/** Percent levels a series is counted at or above (CPU at its ceiling: 5-minute maxima >= 99.5, averages >= 98). */
export const CEILING_LEVELS: readonly number[] = [98, 99.5]

/** Summary of one series (resource, metric, statistic) over the analysis window, at 5-minute resolution. */
export interface MetricUsage {
  metric: MetricName
  stat: Statistic
  /** 5-minute intervals with data (finer data is rolled up: max of maxima, mean of averages). */
  samples: number
  /** Effective interval length in seconds (300, or the source period when coarser). */
  periodSec: number
  /** samples x period / window length, 0..1 */
  coverage: number
  hours: number
  avg: number
  p50: number
  p90: number
  p95: number
  p99: number
  p995: number
  max: number
  /** Values at QUANTILE_LEVELS, same length and order. */
  quantiles: readonly number[]
  /** Edge values at EXCEEDANCE_LIMITS, same length and order: share above T <= x exactly when T >= the edge. */
  edges: readonly number[]
  /** Intervals with a value at or above each of CEILING_LEVELS, same length and order. */
  atOrAbove: readonly number[]
  first: number
  last: number
}

/**
 * Per-UTC-day aggregates for day-count rules (Trusted Advisor's "4 of the last 14 days"), over the whole days
 * that overlap the window, from the samples as stored (not rolled up to 5 minutes).
 */
export interface DailyUsage {
  day: string
  metric: MetricName
  stat: Statistic
  samples: number
  avg: number
  max: number
  /** Sum of value x period seconds: for per-second rates this is the day's total (bytes, ops). */
  total: number
}

/** A series a collector produced (Prometheus, AWS), ready for DuckDbStore.appendSeries; timestamps epoch ms. */
export interface CollectedSeries {
  resourceId: string
  metric: MetricName
  stat: Statistic
  periodSec: number
  ts: Float64Array
  values: Float64Array
}

/** One stored series at its native resolution, oldest first. */
export interface SeriesData {
  stat: Statistic
  periodSec: number
  ts: Float64Array
  values: Float64Array
}

/**
 * Kinds whose analyzers replay the time series itself (DynamoDB's auto scaling simulation), not only its summary.
 * The store attaches `series` to these resources' summaries: the average statistic where stored (else sum, else max).
 */
export const SERIES_KINDS: readonly string[] = ['dynamodb-table']

export interface UsageSummary {
  resource: ResourceRef
  window: TimeWindow
  metrics: Partial<Record<MetricName, Partial<Record<Statistic, MetricUsage>>>>
  daily: readonly DailyUsage[]
  /** Only for SERIES_KINDS. */
  series?: Partial<Record<MetricName, SeriesData>>
  /** Isolated samples after the resource's latest dense data, left out of the window (epoch ms; see DuckDbStore.usage). */
  stragglers?: { samples: number; first: number; last: number }
}

export interface UsageQuery {
  lookbackDays: number
  /**
   * Window end for every resource (epoch ms). Default: each resource's latest dense data (its latest sample, unless
   * isolated samples lie more than a day after its last day with an hour of data: those are left out and reported).
   */
  asOf?: number
  kinds?: readonly string[]
  resourceIds?: readonly string[]
}

/** What analyzers and reports depend on; the DuckDB store implements it. */
export interface MetricReader {
  usage(query: UsageQuery): Promise<UsageSummary[]>
  resources(): Promise<ResourceRef[]>
}

/** A stored series reduced for display (DuckDbStore.displaySeries): per time bucket its minimum and maximum, at their times. */
export interface DisplaySeries {
  resourceId: string
  metric: MetricName
  stat: Statistic
  periodSec: number
  /** epoch ms */
  t: number[]
  v: number[]
}

/** A hit ratio measured from access logs for the database a cache would front (`simulate cache --for`). */
/** A `headroom monitor --apply` that went through: what it put, and which resources got an alarm (read by `review`). */
export interface MonitoringApply {
  appliedAt: number
  region: string
  dashboards: number
  alarms: number
  /** Resource ids with at least one alarm. */
  alarmed: string[]
}

export interface CacheMeasurement {
  resourceId: string
  /** Share of requests that repeat an earlier one (within the TTL, when one was given): what a cache could answer. */
  hitRatio: number
  ttlSec: number | null
  requests: number
  /** The log files it came from. */
  source: string
  measuredAt: number
}

/** Compute Optimizer's own recommendation for a resource, as `collect aws --compute-optimizer` stored it. */
export interface StoredCoRecommendation {
  resourceId: string
  kind: string
  finding: string
  current: string
  recommended: string | null
  monthlySavings: number | null
}

/** An Auto Scaling group's recorded load: its own series, or its members' (tagged aws:autoscaling:groupName). */
export interface GroupLoad {
  source: 'group' | 'members'
  stat: Statistic
  window: { start: number; end: number }
  series: { resource: ResourceRef; ts: Float64Array; values: Float64Array; periodSec: number }[]
}

/** What a scaling what-if reads (simulateScaling). */
export interface GroupLoadReader {
  groupLoad(q: { group: string; metric: MetricName; lookbackDays: number; asOf?: number }): Promise<GroupLoad | undefined>
}

/** What analyzing a workspace reads (analyzeWorkspace): usage, what collectors could not fetch, Compute Optimizer's view. */
export interface WorkspaceReader extends MetricReader {
  counts(): Promise<{ resources: number; samples: number; series: number; imports: number }>
  sourceIssues(): Promise<Issue[]>
  coRecommendations(): Promise<StoredCoRecommendation[]>
  cacheMeasurements(): Promise<CacheMeasurement[]>
  /** S3 Inventory summaries by bucket (collect s3-inventory). */
  s3Inventories(): Promise<{ bucket: string; summary: InventorySummary; source: string }[]>
  monitoringApplies(): Promise<MonitoringApply[]>
}

/** What merging samples into the store did: rows read, added, already there, in conflict; resources created from samples. */
export interface MergeResult {
  rowsRead: number
  rowsAdded: number
  alreadyStored: number
  conflicting: number
  resourcesCreated: number
}

/**
 * What a collector writes (collectPrometheus, collectAws): resources, series and the issues of its last run. Writes
 * inside `transaction` are kept together or not at all, so a failed collection leaves the store as it was.
 */
export interface SeriesWriter {
  transaction<T>(fn: () => Promise<T>): Promise<T>
  upsertResources(refs: readonly ResourceRef[]): Promise<void>
  appendSeries(
    series: readonly CollectedSeries[],
    source: string,
    detail: string,
    defaultResource: { provider: string; kind: ResourceKind },
  ): Promise<MergeResult>
  replaceSourceIssues(source: string, issues: readonly Issue[], at: number): Promise<void>
}

/** A CloudWatch collection's checkpoints: an interrupted run resumes with the same window and skips the calls it stored. */
export interface AwsRunStore extends SeriesWriter {
  unfinishedAwsRun(params: string): Promise<{ runKey: string; windowEnd: number } | undefined>
  startAwsRun(run: { runKey: string; params: string; start: number; end: number; startedAt: number }): Promise<void>
  awsCallsDone(runKey: string): Promise<Set<string>>
  markAwsCallsDone(runKey: string, callKeys: readonly string[]): Promise<void>
  finishAwsRun(runKey: string, at: number): Promise<void>
  upsertCoRecommendations(recs: readonly StoredCoRecommendation[], at: number): Promise<void>
}
