import { paginateDescribeAutoScalingGroups, paginateDescribePolicies, type AutoScalingClient, type ScalingPolicy } from '@aws-sdk/client-auto-scaling'
import { paginateDescribeScalingPolicies, type ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling'
import { paginateListMetrics, type CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { DescribeTableCommand, paginateListTables, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { paginateDescribeInstances, paginateDescribeVolumes, type EC2Client } from '@aws-sdk/client-ec2'
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  paginateListClusters,
  paginateListServices,
  type ECSClient,
  type TaskDefinition,
} from '@aws-sdk/client-ecs'
import { paginateListFunctions, type LambdaClient } from '@aws-sdk/client-lambda'
import { paginateDescribeDBInstances, type RDSClient } from '@aws-sdk/client-rds'
import { GetBucketLifecycleConfigurationCommand, paginateListBuckets, type S3Client } from '@aws-sdk/client-s3'
import { S3_CLASSES } from '../../catalog/s3.js'
import type { Issue, ResourceKind, ResourceRef } from '../../core/report.js'
import { ecsSeries, gpuSeries, lambdaInsightsSeries, memorySeries, s3Series, seriesFor, type SeriesSpec } from './plan.js'

export const AWS_KINDS = ['ec2', 'ebs', 'lambda', 'rds', 'dynamodb', 'asg', 'ecs', 's3'] as const
export type AwsKind = (typeof AWS_KINDS)[number]

export interface RegionClients {
  region: string
  ec2: EC2Client
  cloudwatch: CloudWatchClient
  lambda: LambdaClient
  rds: RDSClient
  dynamodb: DynamoDBClient
  autoscaling: AutoScalingClient
  ecs: ECSClient
  applicationAutoScaling: ApplicationAutoScalingClient
  s3: S3Client
}

export interface Discovered {
  resources: ResourceRef[]
  series: SeriesSpec[]
  /** SDK commands sent, by name (for progress and the call-count tests). */
  calls: number
  /** What discovery found that a user should fix (e.g. GPU metrics published per GPU only). */
  issues: Issue[]
}

const tagsOf = (t: { Key?: string; Value?: string }[] | undefined): Record<string, string> =>
  Object.fromEntries((t ?? []).filter((x) => x.Key).map((x) => [x.Key!, x.Value ?? '']))
/** Names are unique per region only: region-qualified ids keep two regions' "orders" tables apart. */
export const regional = (region: string, name: string) => `${region}:${name}`

/**
 * Lists one region's resources of the requested kinds with full pagination, and the CloudWatch series each needs.
 * The API shapes are the SDK's (DescribeInstances, DescribeVolumes, ListFunctions, DescribeDBInstances, ListTables +
 * DescribeTable, DescribeAutoScalingGroups, ListClusters + ListServices + DescribeServices + DescribeTaskDefinition
 * and Application Auto Scaling's DescribeScalingPolicies for ECS, ListMetrics for the CloudWatch agent's memory metric,
 * GPUs, Lambda Insights and Container Insights).
 */
export async function discoverRegion(c: RegionClients, kinds: readonly AwsKind[]): Promise<Discovered> {
  const state = { command: '' }
  try {
    return await discoverInner(c, kinds, state)
  } catch (err) {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the SDK's error, tagged with the command that failed
    throw Object.assign(err as object, { headroomCommand: state.command })
  }
}

async function discoverInner(c: RegionClients, kinds: readonly AwsKind[], state: { command: string }): Promise<Discovered> {
  const resources: ResourceRef[] = []
  const series: SeriesSpec[] = []
  const issues: Issue[] = []
  let calls = 0
  /** The command in flight, so an error can name the IAM action it needed. */
  const add = (
    kind: ResourceKind,
    id: string,
    dimensionValue: string,
    attributes: ResourceRef['attributes'],
    tags: Record<string, string>,
    withSeries = true,
  ) => {
    resources.push({ provider: 'aws', kind, id, region: c.region, attributes, tags })
    if (withSeries) series.push(...seriesFor(kind, dimensionValue).map((s) => ({ ...s, resourceId: id })))
  }
  if (kinds.includes('ec2')) {
    const running = new Set<string>()
    state.command = 'DescribeInstancesCommand'
    for await (const page of paginateDescribeInstances({ client: c.ec2 }, {})) {
      calls++
      for (const r of page.Reservations ?? [])
        for (const i of r.Instances ?? []) {
          if (!i.InstanceId) continue
          const tags = tagsOf(i.Tags)
          const state = i.State?.Name ?? 'unknown'
          if (state === 'running') running.add(i.InstanceId)
          add(
            'ec2-instance',
            i.InstanceId,
            i.InstanceId,
            {
              instanceType: i.InstanceType ?? '',
              state,
              architecture: i.Architecture ?? '',
              platform: i.PlatformDetails ?? i.Platform ?? 'Linux/UNIX',
              ...(tags['aws:autoscaling:groupName'] ? { asg: tags['aws:autoscaling:groupName'] } : {}),
            },
            tags,
            state === 'running',
          )
        }
    }
    // Memory exists only where the CloudWatch agent publishes it, with the agent's own dimension set. One series per
    // instance: ListMetrics may list a metric more than once (an endpoint that repeated every entry turned a 12-call
    // plan into 334), or under several dimension sets (the agent's append_dimensions changed); the fewest dimensions,
    // then the first in name order, is kept, so the choice does not depend on the answer's order.
    state.command = 'ListMetricsCommand'
    const dimsKey = (d: readonly { Name: string; Value: string }[]) => d.map((x) => `${x.Name}=${x.Value}`).join(',')
    /** The agent's dimension set per running instance for one metric; sets `skip` refuses are counted apart, by instance. */
    const agentDims = async (metricName: string, skip: (dims: { Name: string; Value: string }[]) => boolean = () => false) => {
      const kept = new Map<string, { Name: string; Value: string }[]>()
      const skipped = new Set<string>()
      if (running.size > 0)
        for await (const page of paginateListMetrics({ client: c.cloudwatch }, { Namespace: 'CWAgent', MetricName: metricName })) {
          calls++
          for (const m of page.Metrics ?? []) {
            const id = m.Dimensions?.find((d) => d.Name === 'InstanceId')?.Value
            if (!id || !running.has(id)) continue
            const dims = (m.Dimensions ?? []).map((d) => ({ Name: d.Name!, Value: d.Value! })).sort((a, b) => a.Name.localeCompare(b.Name))
            if (skip(dims)) {
              skipped.add(id)
              continue
            }
            const k = kept.get(id)
            if (!k || dims.length < k.length || (dims.length === k.length && dimsKey(dims) < dimsKey(k))) kept.set(id, dims)
          }
        }
      return { kept, skipped }
    }
    for (const [id, dims] of (await agentDims('mem_used_percent')).kept) series.push(memorySeries(id, dims))
    // GPUs: the agent's series aggregated by instance (no `index` dimension). An instance whose GPUs are published only
    // one by one is named in an issue: per-GPU series would need combining, and the agent does it when asked.
    const { kept: gpu, skipped: perGpuOnly } = await agentDims('nvidia_smi_utilization_gpu', (dims) => dims.some((d) => d.Name === 'index'))
    for (const [id, dims] of gpu) series.push(...gpuSeries(id, dims))
    const unaggregated = [...perGpuOnly].filter((id) => !gpu.has(id)).sort()
    if (unaggregated.length)
      issues.push({
        code: 'AWS_GPU_PER_GPU_ONLY',
        severity: 'warning',
        message: `${unaggregated.length} instance(s) publish NVIDIA GPU metrics per GPU only (${unaggregated.slice(0, 5).join(', ')}${unaggregated.length > 5 ? ', ...' : ''}): add "aggregation_dimensions": [["InstanceId"]] to the CloudWatch agent's metrics configuration so gpu.rightsize can read them (docs/analyzers/gpu.md).`,
      })
  }
  state.command = 'DescribeVolumesCommand'
  if (kinds.includes('ebs'))
    for await (const page of paginateDescribeVolumes({ client: c.ec2 }, {})) {
      calls++
      for (const v of page.Volumes ?? []) {
        if (!v.VolumeId) continue
        const att = v.Attachments?.find((a) => a.State === 'attached' || a.State === 'attaching')
        add(
          'ebs-volume',
          v.VolumeId,
          v.VolumeId,
          {
            volumeType: v.VolumeType ?? '',
            sizeGiB: v.Size ?? 0,
            ...(v.Iops !== undefined ? { iops: v.Iops } : {}),
            ...(v.Throughput !== undefined ? { throughputMiBps: v.Throughput } : {}),
            attachedTo: att?.InstanceId ?? '',
            root: att?.Device && /^\/dev\/(xvda|sda1?|nvme0n1)$/.test(att.Device) ? 'true' : 'false',
          },
          tagsOf(v.Tags),
        )
      }
    }
  state.command = 'ListFunctionsCommand'
  const functions = new Set<string>()
  if (kinds.includes('lambda'))
    for await (const page of paginateListFunctions({ client: c.lambda }, {})) {
      calls++
      for (const f of page.Functions ?? []) {
        if (!f.FunctionName) continue
        functions.add(f.FunctionName)
        add(
          'lambda-function',
          regional(c.region, f.FunctionName),
          f.FunctionName,
          {
            memorySizeMB: f.MemorySize ?? 128,
            architecture: f.Architectures?.[0] ?? 'x86_64',
            runtime: f.Runtime ?? '',
            timeoutSec: f.Timeout ?? 3,
          },
          {},
        )
      }
    }
  // Cold starts and memory used exist only for functions with the Lambda Insights extension: one ListMetrics (its
  // init_duration) finds them, so functions without it cost no queries.
  if (functions.size > 0) {
    state.command = 'ListMetricsCommand'
    const insights = new Set<string>()
    calls += await eachMetric(c.cloudwatch, 'LambdaInsights', 'init_duration', (d) => {
      const name = d.get('function_name')
      if (name && functions.has(name)) insights.add(name)
    })
    for (const name of [...insights].sort()) series.push(...lambdaInsightsSeries(regional(c.region, name), name))
  }
  state.command = 'DescribeDBInstancesCommand'
  if (kinds.includes('rds'))
    for await (const page of paginateDescribeDBInstances({ client: c.rds }, {})) {
      calls++
      for (const d of page.DBInstances ?? []) {
        if (!d.DBInstanceIdentifier) continue
        add(
          'rds-instance',
          regional(c.region, d.DBInstanceIdentifier),
          d.DBInstanceIdentifier,
          {
            instanceClass: d.DBInstanceClass ?? '',
            engine: d.Engine ?? '',
            ...(d.LicenseModel ? { licenseModel: d.LicenseModel } : {}),
            multiAz: d.MultiAZ ? 'true' : 'false',
            storageType: d.StorageType ?? '',
            allocatedStorageGiB: d.AllocatedStorage ?? 0,
            ...(d.Iops !== undefined ? { iops: d.Iops } : {}),
          },
          tagsOf(d.TagList),
        )
      }
    }
  state.command = 'ListTablesCommand'
  if (kinds.includes('dynamodb'))
    for await (const page of paginateListTables({ client: c.dynamodb }, {})) {
      calls++
      for (const name of page.TableNames ?? []) {
        calls++
        state.command = 'DescribeTableCommand'
        const t = (await c.dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table
        const rcu = t?.ProvisionedThroughput?.ReadCapacityUnits ?? 0
        const wcu = t?.ProvisionedThroughput?.WriteCapacityUnits ?? 0
        const mode = t?.BillingModeSummary?.BillingMode ?? (rcu > 0 || wcu > 0 ? 'PROVISIONED' : 'PAY_PER_REQUEST')
        add(
          'dynamodb-table',
          regional(c.region, name),
          name,
          { billingMode: mode, ...(mode === 'PROVISIONED' ? { readCapacity: rcu, writeCapacity: wcu } : {}) },
          {},
        )
      }
    }
  state.command = 'DescribePoliciesCommand'
  const policies = new Map<string, ScalingPolicy[]>()
  if (kinds.includes('asg'))
    for await (const page of paginateDescribePolicies({ client: c.autoscaling }, {})) {
      calls++
      for (const p of page.ScalingPolicies ?? [])
        if (p.AutoScalingGroupName) policies.set(p.AutoScalingGroupName, [...(policies.get(p.AutoScalingGroupName) ?? []), p])
    }
  state.command = 'DescribeAutoScalingGroupsCommand'
  if (kinds.includes('asg'))
    for await (const page of paginateDescribeAutoScalingGroups({ client: c.autoscaling }, {})) {
      calls++
      for (const g of page.AutoScalingGroups ?? []) {
        if (!g.AutoScalingGroupName) continue
        add(
          'asg',
          // Group names are unique per region only (docs/aws.md): the id is region-qualified, the name kept to look it up.
          regional(c.region, g.AutoScalingGroupName),
          g.AutoScalingGroupName,
          {
            name: g.AutoScalingGroupName,
            minSize: g.MinSize ?? 0,
            maxSize: g.MaxSize ?? 0,
            desiredCapacity: g.DesiredCapacity ?? 0,
            recordedInstances: g.Instances?.length ?? 0,
            ...(g.Instances?.[0]?.InstanceType ? { instanceType: g.Instances[0].InstanceType } : {}),
            // The group's policies as `describe-policies` returns them, so `simulate scaling` can replay them.
            ...(policies.get(g.AutoScalingGroupName)
              ? {
                  scalingPolicies: JSON.stringify({ ScalingPolicies: policies.get(g.AutoScalingGroupName) }),
                  policyCount: policies.get(g.AutoScalingGroupName)!.length,
                }
              : { policyCount: 0 }),
          },
          tagsOf(g.Tags),
        )
      }
    }
  if (kinds.includes('ecs')) calls += await discoverEcs(c, state, resources, series)
  if (kinds.includes('s3')) calls += await discoverS3(c, state, resources, series)
  return { resources, series, calls, issues }
}

/** Every metric ListMetrics lists under one namespace and name, handed over as its dimensions by name; returns the calls. */
async function eachMetric(cw: CloudWatchClient, namespace: string, metricName: string, each: (dims: Map<string, string>) => void): Promise<number> {
  let calls = 0
  for await (const page of paginateListMetrics({ client: cw }, { Namespace: namespace, MetricName: metricName })) {
    calls++
    for (const m of page.Metrics ?? []) each(new Map((m.Dimensions ?? []).filter((x) => x.Name).map((x) => [x.Name!, x.Value ?? ''])))
  }
  return calls
}

/** A task definition's size as the AWS/ECS percentages are of: the task's CPU and memory, else its containers' sums. */
function taskSize(td: TaskDefinition): { cpuUnits: number; memoryMiB: number } {
  const cs = td.containerDefinitions ?? []
  const cpuUnits = Number(td.cpu) || cs.reduce((s, c) => s + (c.cpu ?? 0), 0)
  const memoryMiB = Number(td.memory) || cs.reduce((s, c) => s + (c.memoryReservation ?? c.memory ?? 0), 0)
  return { cpuUnits, memoryMiB }
}

/**
 * ECS services of every cluster: DescribeServices takes 10 services a call; each distinct task definition is described
 * once; target-tracking policies come from Application Auto Scaling (namespace ecs, ResourceId service/CLUSTER/SERVICE);
 * Container Insights is asked only for services ListMetrics finds there. Returns the calls sent.
 */
async function discoverEcs(c: RegionClients, state: { command: string }, resources: ResourceRef[], series: SeriesSpec[]): Promise<number> {
  let calls = 0
  const services: { cluster: string; arns: string[] }[] = []
  state.command = 'ListClustersCommand'
  const clusters: string[] = []
  for await (const page of paginateListClusters({ client: c.ecs }, {})) {
    calls++
    clusters.push(...(page.clusterArns ?? []))
  }
  state.command = 'ListServicesCommand'
  for (const cluster of clusters) {
    const arns: string[] = []
    for await (const page of paginateListServices({ client: c.ecs }, { cluster, maxResults: 100 })) {
      calls++
      arns.push(...(page.serviceArns ?? []))
    }
    if (arns.length) services.push({ cluster, arns })
  }
  if (services.length === 0) return calls
  const scaledOn = new Map<string, string[]>()
  state.command = 'DescribeScalingPoliciesCommand'
  for await (const page of paginateDescribeScalingPolicies({ client: c.applicationAutoScaling }, { ServiceNamespace: 'ecs' })) {
    calls++
    for (const p of page.ScalingPolicies ?? []) {
      const type = p.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType
      const dim = type === 'ECSServiceAverageCPUUtilization' ? 'cpu' : type === 'ECSServiceAverageMemoryUtilization' ? 'memory' : undefined
      if (p.PolicyType === 'TargetTrackingScaling' && dim && p.ResourceId)
        scaledOn.set(p.ResourceId, [...new Set([...(scaledOn.get(p.ResourceId) ?? []), dim])])
    }
  }
  state.command = 'ListMetricsCommand'
  const insights = new Set<string>()
  calls += await eachMetric(c.cloudwatch, 'ECS/ContainerInsights', 'RunningTaskCount', (d) => {
    if (d.size === 2 && d.get('ClusterName') && d.get('ServiceName')) insights.add(`${d.get('ClusterName')}/${d.get('ServiceName')}`)
  })
  const taskDefs = new Map<string, TaskDefinition>()
  for (const { cluster, arns } of services)
    for (let i = 0; i < arns.length; i += 10) {
      state.command = 'DescribeServicesCommand'
      calls++
      const r = await c.ecs.send(new DescribeServicesCommand({ cluster, services: arns.slice(i, i + 10), include: ['TAGS'] }))
      for (const s of r.services ?? []) {
        if (!s.serviceName || s.status === 'INACTIVE') continue
        const clusterName = (s.clusterArn ?? cluster).split('/').pop()!
        const tdArn = s.taskDefinition ?? ''
        let td = taskDefs.get(tdArn)
        if (!td && tdArn) {
          state.command = 'DescribeTaskDefinitionCommand'
          calls++
          td = (await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: tdArn }))).taskDefinition ?? {}
          taskDefs.set(tdArn, td)
        }
        const size = taskSize(td ?? {})
        const provider = s.capacityProviderStrategy?.find((x) => x.capacityProvider?.startsWith('FARGATE'))?.capacityProvider
        const id = regional(c.region, `${clusterName}/${s.serviceName}`)
        resources.push({
          provider: 'aws',
          kind: 'ecs-service',
          id,
          region: c.region,
          attributes: {
            cluster: clusterName,
            service: s.serviceName,
            launchType: s.launchType ?? provider ?? (s.capacityProviderStrategy?.length ? 'EC2' : ''),
            taskDefinition: tdArn.split('/').pop() ?? tdArn,
            taskCpuUnits: size.cpuUnits,
            taskMemoryMiB: size.memoryMiB,
            desiredCount: s.desiredCount ?? 0,
            architecture: td?.runtimePlatform?.cpuArchitecture === 'ARM64' ? 'arm64' : 'x86_64',
            os: td?.runtimePlatform?.operatingSystemFamily ?? 'LINUX',
            containers: JSON.stringify(
              (td?.containerDefinitions ?? []).map((x) => ({
                name: x.name ?? '',
                cpu: x.cpu ?? 0,
                memory: x.memory ?? 0,
                memoryReservation: x.memoryReservation ?? 0,
              })),
            ),
            scaledOn: (scaledOn.get(`service/${clusterName}/${s.serviceName}`) ?? []).sort().join(','),
          },
          tags: tagsOf(s.tags?.map((t) => ({ Key: t.key, Value: t.value }))),
        })
        series.push(...ecsSeries(id, clusterName, s.serviceName, insights.has(`${clusterName}/${s.serviceName}`)))
      }
    }
  return calls
}

/**
 * The account's S3 buckets in this region (ListBuckets with BucketRegion: S3 lists every region's buckets in one
 * call, and a bucket's metrics live in its own region), each with its lifecycle rules (GetBucketLifecycleConfiguration;
 * NoSuchLifecycleConfiguration means none), the storage types ListMetrics finds its BucketSizeBytes under, and its
 * request metrics when a whole-bucket filter (`EntireBucket`) publishes them. Returns the calls sent.
 */
async function discoverS3(c: RegionClients, state: { command: string }, resources: ResourceRef[], series: SeriesSpec[]): Promise<number> {
  let calls = 0
  const buckets: string[] = []
  state.command = 'ListBucketsCommand'
  for await (const page of paginateListBuckets({ client: c.s3 }, { BucketRegion: c.region, MaxBuckets: 1000 })) {
    calls++
    for (const b of page.Buckets ?? []) if (b.Name && (!b.BucketRegion || b.BucketRegion === c.region)) buckets.push(b.Name)
  }
  if (buckets.length === 0) return calls
  const wanted = new Set(buckets)
  state.command = 'ListMetricsCommand'
  const types = new Map<string, Set<string>>()
  calls += await eachMetric(c.cloudwatch, 'AWS/S3', 'BucketSizeBytes', (d) => {
    const b = d.get('BucketName')
    if (b && wanted.has(b) && d.get('StorageType')) types.set(b, (types.get(b) ?? new Set()).add(d.get('StorageType')!))
  })
  const requestMetrics = new Set<string>()
  calls += await eachMetric(c.cloudwatch, 'AWS/S3', 'GetRequests', (d) => {
    if (d.get('FilterId') === 'EntireBucket' && wanted.has(d.get('BucketName') ?? '')) requestMetrics.add(d.get('BucketName')!)
  })
  for (const name of buckets) {
    state.command = 'GetBucketLifecycleConfigurationCommand'
    calls++
    let rules: unknown[] = []
    try {
      rules = (await c.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: name }))).Rules ?? []
    } catch (err) {
      if ((err as { name?: string }).name !== 'NoSuchLifecycleConfiguration') throw err
    }
    const enabled = rules as { Status?: string; Transitions?: unknown[]; NoncurrentVersionTransitions?: unknown[] }[]
    const transitions = enabled.filter((r) => r.Status === 'Enabled').reduce((a, r) => a + (r.Transitions?.length ?? 0), 0)
    resources.push({
      provider: 'aws',
      kind: 's3-bucket',
      id: name,
      region: c.region,
      attributes: {
        lifecycleRules: rules.length,
        lifecycleTransitions: transitions,
        lifecycle: JSON.stringify(rules),
        requestMetrics: requestMetrics.has(name) ? 'EntireBucket' : '',
      },
      tags: {},
    })
    const found = types.get(name) ?? new Set(['StandardStorage'])
    series.push(
      ...s3Series(
        name,
        S3_CLASSES.filter((k) => found.has(k.storageType)).map((k) => ({ storageType: k.storageType, metric: k.metric })),
        requestMetrics.has(name) ? 'EntireBucket' : undefined,
      ),
    )
  }
  return calls
}
