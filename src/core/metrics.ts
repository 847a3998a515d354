/**
 * headroom's one metric vocabulary. Sources translate into these names and canonical units; nothing
 * downstream knows CloudWatch or PromQL names (HOUSE-STYLE §7.1.2).
 */
export const METRICS = {
  'cpu.utilization': { unit: 'percent', bounded: true, description: 'CPU used, percent of all vCPUs (CloudWatch CPUUtilization)' },
  'mem.utilization': { unit: 'percent', bounded: true, description: 'Memory used, percent of total (CWAgent mem_used_percent)' },
  'net.in.bytes_per_s': { unit: 'bytes/s', bounded: false, description: 'Network bytes received per second (NetworkIn / period)' },
  'net.out.bytes_per_s': { unit: 'bytes/s', bounded: false, description: 'Network bytes sent per second (NetworkOut / period)' },
  'ebs.read.ops_per_s': { unit: 'count/s', bounded: false, description: 'EBS read operations per second (EBSReadOps / period)' },
  'ebs.write.ops_per_s': { unit: 'count/s', bounded: false, description: 'EBS write operations per second (EBSWriteOps / period)' },
  'ebs.read.bytes_per_s': { unit: 'bytes/s', bounded: false, description: 'EBS bytes read per second (EBSReadBytes / period)' },
  'ebs.write.bytes_per_s': { unit: 'bytes/s', bounded: false, description: 'EBS bytes written per second (EBSWriteBytes / period)' },
  'lb.requests_per_s': { unit: 'count/s', bounded: false, description: 'Load balancer requests per second (ALB/ELB RequestCount / period)' },
  'cpu.cores': { unit: 'count', bounded: false, description: 'CPU cores in use (container_cpu_usage_seconds_total rate)' },
  'mem.used.bytes': { unit: 'bytes', bounded: false, description: 'Memory in use, bytes (container_memory_working_set_bytes)' },
  'db.connections': { unit: 'count', bounded: false, description: 'Open database connections (RDS DatabaseConnections)' },
  'lambda.duration_ms': { unit: 'ms', bounded: false, description: 'Lambda invocation duration (Duration)' },
  'lambda.invocations_per_s': { unit: 'count/s', bounded: false, description: 'Lambda invocations per second (Invocations / period)' },
  'lambda.errors_per_s': { unit: 'count/s', bounded: false, description: 'Lambda invocations ending in error per second (Errors / period)' },
  'lambda.throttles_per_s': { unit: 'count/s', bounded: false, description: 'Throttled Lambda invocations per second (Throttles / period)' },
  'lambda.memory_used_mb': { unit: 'MB', bounded: false, description: 'Memory used by an invocation, MB (Lambda Insights used_memory_max)' },
  'db.freeable_memory.bytes': { unit: 'bytes', bounded: false, description: 'RDS memory not in use, bytes (FreeableMemory)' },
} as const

export type MetricName = keyof typeof METRICS
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[]

export type Unit = 'percent' | 'bytes/s' | 'count/s' | 'bytes' | 'count' | 'ms' | 'MB'

/**
 * Names users bring from CloudWatch and agents, with how their values convert: `perPeriod` values are
 * totals over the sample period (CloudWatch Sum/Average of NetworkIn is bytes per period) and are divided
 * by the period to get the canonical per-second rate.
 */
export const METRIC_ALIASES: Record<string, { metric: MetricName; perPeriod: boolean }> = {
  CPUUtilization: { metric: 'cpu.utilization', perPeriod: false },
  mem_used_percent: { metric: 'mem.utilization', perPeriod: false },
  MemoryUtilization: { metric: 'mem.utilization', perPeriod: false },
  NetworkIn: { metric: 'net.in.bytes_per_s', perPeriod: true },
  NetworkOut: { metric: 'net.out.bytes_per_s', perPeriod: true },
  EBSReadOps: { metric: 'ebs.read.ops_per_s', perPeriod: true },
  EBSWriteOps: { metric: 'ebs.write.ops_per_s', perPeriod: true },
  EBSReadBytes: { metric: 'ebs.read.bytes_per_s', perPeriod: true },
  EBSWriteBytes: { metric: 'ebs.write.bytes_per_s', perPeriod: true },
  RequestCount: { metric: 'lb.requests_per_s', perPeriod: true },
  DatabaseConnections: { metric: 'db.connections', perPeriod: false },
  Duration: { metric: 'lambda.duration_ms', perPeriod: false },
  Invocations: { metric: 'lambda.invocations_per_s', perPeriod: true },
  Errors: { metric: 'lambda.errors_per_s', perPeriod: true },
  Throttles: { metric: 'lambda.throttles_per_s', perPeriod: true },
  used_memory_max: { metric: 'lambda.memory_used_mb', perPeriod: false },
  FreeableMemory: { metric: 'db.freeable_memory.bytes', perPeriod: false },
  ReadIOPS: { metric: 'ebs.read.ops_per_s', perPeriod: false },
  WriteIOPS: { metric: 'ebs.write.ops_per_s', perPeriod: false },
  VolumeReadOps: { metric: 'ebs.read.ops_per_s', perPeriod: true },
  VolumeWriteOps: { metric: 'ebs.write.ops_per_s', perPeriod: true },
  VolumeReadBytes: { metric: 'ebs.read.bytes_per_s', perPeriod: true },
  VolumeWriteBytes: { metric: 'ebs.write.bytes_per_s', perPeriod: true },
}

export const STATISTICS = ['max', 'avg', 'min', 'sum', 'p50', 'p90', 'p95', 'p99'] as const
export type Statistic = (typeof STATISTICS)[number]

/** CloudWatch statistic names accepted in files, mapped to ours. */
export const STAT_ALIASES: Record<string, Statistic> = {
  Maximum: 'max', Average: 'avg', Minimum: 'min', Sum: 'sum', maximum: 'max', average: 'avg', minimum: 'min',
}
