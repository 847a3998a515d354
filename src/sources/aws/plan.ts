import type { MetricName, Statistic } from '../../core/metrics.js'
import type { ResourceKind } from '../../core/report.js'

/**
 * Which CloudWatch series to fetch per resource kind, and how to pack them into as few GetMetricData calls as the API
 * allows. Limits (CloudWatch API reference, GetMetricData): at most 500 MetricDataQuery per call and at most 100,800
 * data points per call; one StartTime/EndTime per call. Retention: 5-minute data is kept 63 days, 1-hour data 455
 * days, so longer lookbacks use 1-hour periods.
 */
export const MAX_QUERIES_PER_CALL = 500
export const MAX_POINTS_PER_CALL = 100_800
const FIVE_MINUTE_RETENTION_DAYS = 63

export interface SeriesSpec {
  namespace: string
  metricName: string
  dimensions: { Name: string; Value: string }[]
  /** CloudWatch statistic */
  stat: 'Maximum' | 'Average' | 'Sum' | 'Minimum' | 'p99' | 'SampleCount'
  /** headroom's metric and statistic it lands in */
  metric: MetricName
  ourStat: Statistic
  /** CloudWatch value is a total per period (bytes, counts): divide by the period for a per-second rate. */
  perPeriod: boolean
  /** Multiply CloudWatch's value by this to reach headroom's unit (MiB -> bytes); default 1. */
  scale?: number
  resourceId: string
}

type Def = [namespace: string, metricName: string, stat: SeriesSpec['stat'], metric: MetricName, perPeriod: boolean]
const STAT: Record<SeriesSpec['stat'], Statistic> = { Maximum: 'max', Average: 'avg', Sum: 'sum', Minimum: 'min', p99: 'p99', SampleCount: 'sum' }

/** The metrics Compute Optimizer and Trusted Advisor read per kind (aws-facts.md §1, §2, §4), in headroom's names. */
const SERIES_BY_KIND: Partial<Record<ResourceKind, { dimension: string; defs: Def[] }>> = {
  'ec2-instance': {
    dimension: 'InstanceId',
    defs: [
      ['AWS/EC2', 'CPUUtilization', 'Maximum', 'cpu.utilization', false],
      ['AWS/EC2', 'CPUUtilization', 'Average', 'cpu.utilization', false],
      ['AWS/EC2', 'NetworkIn', 'Sum', 'net.in.bytes_per_s', true],
      ['AWS/EC2', 'NetworkOut', 'Sum', 'net.out.bytes_per_s', true],
      ['AWS/EC2', 'EBSReadOps', 'Sum', 'ebs.read.ops_per_s', true],
      ['AWS/EC2', 'EBSWriteOps', 'Sum', 'ebs.write.ops_per_s', true],
      ['AWS/EC2', 'EBSReadBytes', 'Sum', 'ebs.read.bytes_per_s', true],
      ['AWS/EC2', 'EBSWriteBytes', 'Sum', 'ebs.write.bytes_per_s', true],
    ],
  },
  'ebs-volume': {
    dimension: 'VolumeId',
    defs: [
      ['AWS/EBS', 'VolumeReadOps', 'Sum', 'ebs.read.ops_per_s', true],
      ['AWS/EBS', 'VolumeWriteOps', 'Sum', 'ebs.write.ops_per_s', true],
      ['AWS/EBS', 'VolumeReadBytes', 'Sum', 'ebs.read.bytes_per_s', true],
      ['AWS/EBS', 'VolumeWriteBytes', 'Sum', 'ebs.write.bytes_per_s', true],
    ],
  },
  'lambda-function': {
    dimension: 'FunctionName',
    defs: [
      ['AWS/Lambda', 'Duration', 'Average', 'lambda.duration_ms', false],
      ['AWS/Lambda', 'Duration', 'Maximum', 'lambda.duration_ms', false],
      // The tail the timeout risk is judged by (lambda.memory): p99 per period, beside the maximum.
      ['AWS/Lambda', 'Duration', 'p99', 'lambda.duration_ms', false],
      ['AWS/Lambda', 'Invocations', 'Sum', 'lambda.invocations_per_s', true],
      ['AWS/Lambda', 'Errors', 'Sum', 'lambda.errors_per_s', true],
      ['AWS/Lambda', 'Throttles', 'Sum', 'lambda.throttles_per_s', true],
    ],
  },
  'rds-instance': {
    dimension: 'DBInstanceIdentifier',
    defs: [
      ['AWS/RDS', 'CPUUtilization', 'Maximum', 'cpu.utilization', false],
      ['AWS/RDS', 'CPUUtilization', 'Average', 'cpu.utilization', false],
      ['AWS/RDS', 'FreeableMemory', 'Minimum', 'db.freeable_memory.bytes', false],
      ['AWS/RDS', 'ReadIOPS', 'Average', 'ebs.read.ops_per_s', false],
      ['AWS/RDS', 'WriteIOPS', 'Average', 'ebs.write.ops_per_s', false],
      ['AWS/RDS', 'DatabaseConnections', 'Maximum', 'db.connections', false],
    ],
  },
  'dynamodb-table': {
    dimension: 'TableName',
    defs: [
      ['AWS/DynamoDB', 'ConsumedReadCapacityUnits', 'Sum', 'ddb.read.consumed_per_s', true],
      ['AWS/DynamoDB', 'ConsumedWriteCapacityUnits', 'Sum', 'ddb.write.consumed_per_s', true],
      ['AWS/DynamoDB', 'ProvisionedReadCapacityUnits', 'Average', 'ddb.read.provisioned', false],
      ['AWS/DynamoDB', 'ProvisionedWriteCapacityUnits', 'Average', 'ddb.write.provisioned', false],
      ['AWS/DynamoDB', 'ReadThrottleEvents', 'Sum', 'ddb.read.throttled_per_s', true],
      ['AWS/DynamoDB', 'WriteThrottleEvents', 'Sum', 'ddb.write.throttled_per_s', true],
    ],
  },
  asg: { dimension: 'AutoScalingGroupName', defs: [['AWS/EC2', 'CPUUtilization', 'Average', 'cpu.utilization', false]] },
}

/** SeriesSpecs from definitions that share their dimensions and resource. */
const specsOf = (defs: readonly Def[], dimensions: { Name: string; Value: string }[], resourceId: string): SeriesSpec[] =>
  defs.map(([namespace, metricName, stat, metric, perPeriod]) => ({
    namespace,
    metricName,
    dimensions,
    stat,
    metric,
    ourStat: STAT[stat],
    perPeriod,
    resourceId,
  }))

export function seriesFor(kind: ResourceKind, resourceId: string): SeriesSpec[] {
  const k = SERIES_BY_KIND[kind]
  return k ? specsOf(k.defs, [{ Name: k.dimension, Value: resourceId }], resourceId) : []
}

/**
 * Lambda Insights, for functions that report it (found with ListMetrics; its dimension is `function_name`): the init
 * phase of each cold start (init_duration is emitted once per cold start, so its SampleCount per period is the number
 * of cold starts) and the memory used (used_memory_max, read by lambda.memory's memory floor).
 */
export function lambdaInsightsSeries(resourceId: string, functionName: string): SeriesSpec[] {
  const defs: Def[] = [
    ['LambdaInsights', 'init_duration', 'Average', 'lambda.init_duration_ms', false],
    ['LambdaInsights', 'init_duration', 'Maximum', 'lambda.init_duration_ms', false],
    ['LambdaInsights', 'init_duration', 'SampleCount', 'lambda.cold_starts_per_s', true],
    ['LambdaInsights', 'used_memory_max', 'Maximum', 'lambda.memory_used_mb', false],
  ]
  return specsOf(defs, [{ Name: 'function_name', Value: functionName }], resourceId)
}

/**
 * NVIDIA GPUs through the CloudWatch agent (its nvidia_gpu plugin publishes per GPU, with dimensions index, name and
 * host): the series aggregated by instance (`aggregation_dimensions: [["InstanceId"]]` in the agent's configuration),
 * whose Average over a period is the mean over the instance's GPUs and whose Maximum of memory used is the fullest GPU's.
 */
export function gpuSeries(resourceId: string, dimensions: { Name: string; Value: string }[]): SeriesSpec[] {
  const [util, mem] = specsOf(
    [
      ['CWAgent', 'nvidia_smi_utilization_gpu', 'Average', 'gpu.utilization', false],
      ['CWAgent', 'nvidia_smi_memory_used', 'Maximum', 'gpu.memory.used.bytes', false],
    ],
    dimensions,
    resourceId,
  )
  return [util!, { ...mem!, scale: 1048576 }] // memory used is MiB
}

/**
 * An ECS service: AWS/ECS CPUUtilization and MemoryUtilization (percent of what the service's tasks reserve, published
 * for every service) with both dimensions, and, where Container Insights is on (found with ListMetrics), the tasks
 * running (RunningTaskCount Average).
 */
export function ecsSeries(resourceId: string, cluster: string, service: string, containerInsights: boolean): SeriesSpec[] {
  const dimensions = [
    { Name: 'ClusterName', Value: cluster },
    { Name: 'ServiceName', Value: service },
  ]
  const defs: Def[] = [
    ['AWS/ECS', 'CPUUtilization', 'Maximum', 'cpu.utilization', false],
    ['AWS/ECS', 'CPUUtilization', 'Average', 'cpu.utilization', false],
    ['AWS/ECS', 'MemoryUtilization', 'Maximum', 'mem.utilization', false],
    ['AWS/ECS', 'MemoryUtilization', 'Average', 'mem.utilization', false],
    ...(containerInsights ? [['ECS/ContainerInsights', 'RunningTaskCount', 'Average', 'ecs.tasks.running', false] as Def] : []),
  ]
  return specsOf(defs, dimensions, resourceId)
}

/**
 * An S3 bucket: BucketSizeBytes (Average; daily) for each storage type ListMetrics finds it with, NumberOfObjects, and
 * where request metrics are on for the whole bucket (FilterId `EntireBucket`, the console's name), GetRequests and
 * BytesDownloaded (Sum, per second). Daily metrics asked at the plan's 5-minute period answer one point a day.
 */
export function s3Series(
  bucket: string,
  storageTypes: readonly { storageType: string; metric: MetricName }[],
  requestFilter: string | undefined,
): SeriesSpec[] {
  const dims = (extra: { Name: string; Value: string }) => [{ Name: 'BucketName', Value: bucket }, extra]
  return [
    ...storageTypes.flatMap((t) =>
      specsOf([['AWS/S3', 'BucketSizeBytes', 'Average', t.metric, false]], dims({ Name: 'StorageType', Value: t.storageType }), bucket),
    ),
    ...specsOf([['AWS/S3', 'NumberOfObjects', 'Average', 's3.objects', false]], dims({ Name: 'StorageType', Value: 'AllStorageTypes' }), bucket),
    ...(requestFilter
      ? specsOf(
          [
            ['AWS/S3', 'GetRequests', 'Sum', 's3.get_requests_per_s', true],
            ['AWS/S3', 'BytesDownloaded', 'Sum', 's3.bytes_downloaded_per_s', true],
          ],
          dims({ Name: 'FilterId', Value: requestFilter }),
          bucket,
        )
      : []),
  ]
}

/** CWAgent memory, for instances the agent reports (found with ListMetrics, with the agent's own dimension set). */
export function memorySeries(resourceId: string, dimensions: { Name: string; Value: string }[]): SeriesSpec {
  return specsOf([['CWAgent', 'mem_used_percent', 'Maximum', 'mem.utilization', false]], dimensions, resourceId)[0]!
}

export interface Call {
  start: number
  end: number
  periodSec: number
  series: number[]
}

export interface Plan {
  periodSec: number
  start: number
  end: number
  pointsPerSeries: number
  calls: Call[]
  /** max(ceil(series / 500), ceil(series x points / 100,800)): no packing can do better. */
  minimumCalls: number
  /** Time chunks each series is split into (more than one only when that packs tighter). */
  chunks: number
}

/**
 * Packs `n` series over [start, end) into GetMetricData calls. All series share the window, so a call holds k series
 * of one time chunk, k = min(500, floor(100,800 / points per chunk)). When a whole window's points do not divide
 * 100,800 well (63 days at 5 minutes is 18,144 points: 5 per call, 10% more calls than the minimum), splitting the
 * window into m chunks packs tighter; m is chosen to minimise calls (ties: fewer chunks).
 */
export function planCalls(n: number, start: number, end: number, days: number): Plan {
  const periodSec = days > FIVE_MINUTE_RETENTION_DAYS ? 3600 : 300
  const step = periodSec * 1000
  // Whole periods: the window snaps to the period grid, as CloudWatch aggregates on it.
  const s0 = Math.floor(start / step) * step
  const points = Math.max(1, Math.floor(end / step) - s0 / step)
  const minimumCalls = n === 0 ? 0 : Math.max(Math.ceil(n / MAX_QUERIES_PER_CALL), Math.ceil((n * points) / MAX_POINTS_PER_CALL))
  let best = { m: 1, calls: Infinity }
  for (let m = 1; m <= Math.min(points, 64); m++) {
    const per = Math.ceil(points / m)
    const k = Math.min(MAX_QUERIES_PER_CALL, Math.floor(MAX_POINTS_PER_CALL / per))
    if (k < 1) continue
    const calls = m * Math.ceil(n / k)
    if (calls < best.calls) best = { m, calls }
  }
  const per = Math.ceil(points / best.m)
  const k = Math.min(MAX_QUERIES_PER_CALL, Math.floor(MAX_POINTS_PER_CALL / per))
  const calls: Call[] = []
  for (let c = 0; c < best.m; c++) {
    const cs = s0 + c * per * step
    const ce = Math.min(s0 + points * step, cs + per * step)
    if (cs >= ce) continue
    for (let i = 0; i < n; i += k) calls.push({ start: cs, end: ce, periodSec, series: Array.from({ length: Math.min(k, n - i) }, (_, j) => i + j) })
  }
  return { periodSec, start: s0, end: s0 + points * step, pointsPerSeries: points, calls, minimumCalls, chunks: best.m }
}

/**
 * CloudWatch's price for GetMetricData: $0.01 per 1,000 metrics requested (us-east-1; the CloudWatch pricing page,
 * "API requests": GetMetricData, GetInsightRuleReport; first 1 million API requests of other kinds are free, these are
 * not). A metric requested in each of m time chunks counts m times.
 */
export const GET_METRIC_DATA_USD_PER_1000_METRICS = 0.01
export function estimateCostUsd(plan: Plan): number {
  const metrics = plan.calls.reduce((a, c) => a + c.series.length, 0)
  return (metrics / 1000) * GET_METRIC_DATA_USD_PER_1000_METRICS
}
