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
  'ddb.read.consumed_per_s': {
    unit: 'count/s',
    bounded: false,
    description: 'DynamoDB read capacity units consumed per second (ConsumedReadCapacityUnits / period)',
  },
  'ddb.write.consumed_per_s': {
    unit: 'count/s',
    bounded: false,
    description: 'DynamoDB write capacity units consumed per second (ConsumedWriteCapacityUnits / period)',
  },
  'ddb.read.provisioned': { unit: 'count', bounded: false, description: 'DynamoDB provisioned read capacity units (ProvisionedReadCapacityUnits)' },
  'ddb.write.provisioned': { unit: 'count', bounded: false, description: 'DynamoDB provisioned write capacity units (ProvisionedWriteCapacityUnits)' },
  'ddb.read.throttled_per_s': { unit: 'count/s', bounded: false, description: 'DynamoDB throttled read events per second (ReadThrottleEvents / period)' },
  'ddb.write.throttled_per_s': { unit: 'count/s', bounded: false, description: 'DynamoDB throttled write events per second (WriteThrottleEvents / period)' },
  'cache.engine_cpu.utilization': { unit: 'percent', bounded: true, description: 'ElastiCache engine thread CPU, percent of one core (EngineCPUUtilization)' },
  'cache.memory.utilization': { unit: 'percent', bounded: true, description: 'ElastiCache memory used, percent of maxmemory (DatabaseMemoryUsagePercentage)' },
  'cache.evictions_per_s': { unit: 'count/s', bounded: false, description: 'ElastiCache keys evicted per second (Evictions / period)' },
  'cache.hits_per_s': { unit: 'count/s', bounded: false, description: 'ElastiCache successful key lookups per second (CacheHits / period)' },
  'cache.misses_per_s': { unit: 'count/s', bounded: false, description: 'ElastiCache unsuccessful key lookups per second (CacheMisses / period)' },
  'lb.healthy_hosts': { unit: 'count', bounded: false, description: 'Healthy targets behind a load balancer (HealthyHostCount)' },
  'nat.active_connections': { unit: 'count', bounded: false, description: 'NAT gateway concurrent active TCP connections (ActiveConnectionCount)' },
  'nat.packets_in_per_s': {
    unit: 'count/s',
    bounded: false,
    description: 'NAT gateway packets received from clients in the VPC per second (PacketsInFromSource / period)',
  },
  // New metrics go last: a metric's store id is its position here (store/duckdb/store.ts metricId; migrations add the row).
  'lambda.init_duration_ms': {
    unit: 'ms',
    bounded: false,
    description: 'Init phase of a cold start, ms (Lambda Insights init_duration; the REPORT line’s Init Duration)',
  },
  'lambda.cold_starts_per_s': {
    unit: 'count/s',
    bounded: false,
    description: 'Invocations that started a new execution environment, per second (init_duration SampleCount / period)',
  },
  'gpu.utilization': {
    unit: 'percent',
    bounded: true,
    description: 'GPU busy, percent of all the instance’s GPUs (mean over its GPUs of nvidia_smi_utilization_gpu / DCGM_FI_DEV_GPU_UTIL)',
  },
  'gpu.memory.used.bytes': {
    unit: 'bytes',
    bounded: false,
    description: 'GPU memory in use on the instance’s fullest GPU, bytes (nvidia_smi_memory_used Maximum; DCGM_FI_DEV_FB_USED, both MiB)',
  },
  'ecs.tasks.running': { unit: 'count', bounded: false, description: 'Tasks running in an ECS service (Container Insights RunningTaskCount)' },
  's3.storage.standard.bytes': { unit: 'bytes', bounded: false, description: 'S3 bytes stored in S3 Standard (BucketSizeBytes, StorageType StandardStorage)' },
  's3.storage.standard_ia.bytes': { unit: 'bytes', bounded: false, description: 'S3 bytes stored in Standard-IA (BucketSizeBytes StandardIAStorage)' },
  's3.storage.onezone_ia.bytes': { unit: 'bytes', bounded: false, description: 'S3 bytes stored in One Zone-IA (BucketSizeBytes OneZoneIAStorage)' },
  's3.storage.it_frequent.bytes': {
    unit: 'bytes',
    bounded: false,
    description: 'S3 bytes in Intelligent-Tiering’s frequent access tier (BucketSizeBytes IntelligentTieringFAStorage)',
  },
  's3.storage.it_infrequent.bytes': {
    unit: 'bytes',
    bounded: false,
    description: 'S3 bytes in Intelligent-Tiering’s infrequent access tier (BucketSizeBytes IntelligentTieringIAStorage)',
  },
  's3.storage.it_archive_instant.bytes': {
    unit: 'bytes',
    bounded: false,
    description: 'S3 bytes in Intelligent-Tiering’s archive instant access tier (BucketSizeBytes IntelligentTieringAIAStorage)',
  },
  's3.storage.glacier_ir.bytes': {
    unit: 'bytes',
    bounded: false,
    description: 'S3 bytes stored in Glacier Instant Retrieval (BucketSizeBytes GlacierInstantRetrievalStorage)',
  },
  's3.storage.glacier.bytes': { unit: 'bytes', bounded: false, description: 'S3 bytes stored in Glacier Flexible Retrieval (BucketSizeBytes GlacierStorage)' },
  's3.storage.deep_archive.bytes': {
    unit: 'bytes',
    bounded: false,
    description: 'S3 bytes stored in Glacier Deep Archive (BucketSizeBytes DeepArchiveStorage)',
  },
  's3.objects': { unit: 'count', bounded: false, description: 'Objects in an S3 bucket, all storage classes (NumberOfObjects, AllStorageTypes)' },
  's3.get_requests_per_s': { unit: 'count/s', bounded: false, description: 'S3 GET requests per second (request metrics GetRequests / period)' },
  's3.bytes_downloaded_per_s': {
    unit: 'bytes/s',
    bounded: false,
    description: 'S3 bytes downloaded per second by requests to the bucket (request metrics BytesDownloaded / period)',
  },
} as const

export type MetricName = keyof typeof METRICS
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[]

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
  init_duration: { metric: 'lambda.init_duration_ms', perPeriod: false },
  ColdStarts: { metric: 'lambda.cold_starts_per_s', perPeriod: true },
  cold_starts: { metric: 'lambda.cold_starts_per_s', perPeriod: true },
  nvidia_smi_utilization_gpu: { metric: 'gpu.utilization', perPeriod: false },
  DCGM_FI_DEV_GPU_UTIL: { metric: 'gpu.utilization', perPeriod: false },
  RunningTaskCount: { metric: 'ecs.tasks.running', perPeriod: false },
  NumberOfObjects: { metric: 's3.objects', perPeriod: false },
  GetRequests: { metric: 's3.get_requests_per_s', perPeriod: true },
  BytesDownloaded: { metric: 's3.bytes_downloaded_per_s', perPeriod: true },
  FreeableMemory: { metric: 'db.freeable_memory.bytes', perPeriod: false },
  ReadIOPS: { metric: 'ebs.read.ops_per_s', perPeriod: false },
  WriteIOPS: { metric: 'ebs.write.ops_per_s', perPeriod: false },
  VolumeReadOps: { metric: 'ebs.read.ops_per_s', perPeriod: true },
  VolumeWriteOps: { metric: 'ebs.write.ops_per_s', perPeriod: true },
  VolumeReadBytes: { metric: 'ebs.read.bytes_per_s', perPeriod: true },
  VolumeWriteBytes: { metric: 'ebs.write.bytes_per_s', perPeriod: true },
  ConsumedReadCapacityUnits: { metric: 'ddb.read.consumed_per_s', perPeriod: true },
  ConsumedWriteCapacityUnits: { metric: 'ddb.write.consumed_per_s', perPeriod: true },
  ProvisionedReadCapacityUnits: { metric: 'ddb.read.provisioned', perPeriod: false },
  ProvisionedWriteCapacityUnits: { metric: 'ddb.write.provisioned', perPeriod: false },
  ReadThrottleEvents: { metric: 'ddb.read.throttled_per_s', perPeriod: true },
  WriteThrottleEvents: { metric: 'ddb.write.throttled_per_s', perPeriod: true },
  EngineCPUUtilization: { metric: 'cache.engine_cpu.utilization', perPeriod: false },
  DatabaseMemoryUsagePercentage: { metric: 'cache.memory.utilization', perPeriod: false },
  Evictions: { metric: 'cache.evictions_per_s', perPeriod: true },
  CacheHits: { metric: 'cache.hits_per_s', perPeriod: true },
  CacheMisses: { metric: 'cache.misses_per_s', perPeriod: true },
  CurrConnections: { metric: 'db.connections', perPeriod: false },
  NetworkBytesIn: { metric: 'net.in.bytes_per_s', perPeriod: true },
  NetworkBytesOut: { metric: 'net.out.bytes_per_s', perPeriod: true },
  HealthyHostCount: { metric: 'lb.healthy_hosts', perPeriod: false },
  ActiveConnectionCount: { metric: 'nat.active_connections', perPeriod: false },
  PacketsInFromSource: { metric: 'nat.packets_in_per_s', perPeriod: true },
}

export const STATISTICS = ['max', 'avg', 'min', 'sum', 'p50', 'p90', 'p95', 'p99'] as const
export type Statistic = (typeof STATISTICS)[number]

/** CloudWatch statistic names accepted in files, mapped to ours. */
export const STAT_ALIASES: Record<string, Statistic> = {
  Maximum: 'max',
  Average: 'avg',
  Minimum: 'min',
  Sum: 'sum',
  maximum: 'max',
  average: 'avg',
  minimum: 'min',
}
