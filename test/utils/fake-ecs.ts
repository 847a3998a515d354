/**
 * ECS and Application Auto Scaling for the AWS-shaped test server (fake-aws.ts), in their wire protocol (JSON 1.1,
 * X-Amz-Target AmazonEC2ContainerServiceV20141113.* and AnyScaleFrontendService.*, checked by capturing what the SDK
 * sends). ListServices pages 10 services at a time (its documented default maxResults), DescribeServices refuses more
 * than 10 services, as ECS does; a task definition is described by its ARN.
 */
export interface FakeService {
  cluster: string
  name: string
  /** 'FARGATE', 'EC2', or a capacity provider strategy (FARGATE_SPOT) with no launch type. */
  launchType?: 'FARGATE' | 'EC2'
  capacityProvider?: 'FARGATE' | 'FARGATE_SPOT'
  /** Task CPU units and memory MiB (absent on an EC2 task sized by its containers). */
  cpu?: number
  memory?: number
  desired: number
  arch?: 'X86_64' | 'ARM64'
  os?: string
  containers?: { name: string; cpu?: number; memory?: number; memoryReservation?: number }[]
  /** Target-tracking policies on these predefined metrics. */
  scaledOn?: ('cpu' | 'memory')[]
  /** Container Insights on: RunningTaskCount answers this. */
  insightsTasks?: number
  /** AWS/ECS utilization every period: Maximum as given, Average 60% of it. */
  load?: { cpuPct: number; memPct: number }
}

type Answer = { status: number; type?: string; body: unknown }

export function fakeEcs(services: readonly FakeService[], count: (action: string) => void, denied: (action: string) => boolean) {
  const clusters = [...new Set(services.map((s) => s.cluster))]
  const arnOf = (s: FakeService) => `arn:aws:ecs:us-east-1:123456789012:service/${s.cluster}/${s.name}`
  const tdArn = (s: FakeService) => `arn:aws:ecs:us-east-1:123456789012:task-definition/${s.name}:7`
  const err = (type: string, message: string, status = 400): Answer => ({ status, type, body: { __type: type, message } })
  const clusterName = (c: unknown) => (typeof c === 'string' ? c : 'default').split('/').pop()!
  return {
    /** The answer to a JSON 1.1 target, or undefined when the target is not ECS's or Application Auto Scaling's. */
    answer(target: string, input: Record<string, unknown>): Answer | undefined {
      const [prefix, op = ''] = target.split('.')
      const svc = prefix === 'AmazonEC2ContainerServiceV20141113' ? 'ecs' : prefix === 'AnyScaleFrontendService' ? 'application-autoscaling' : undefined
      if (!svc) return undefined
      count(`${svc}:${op}`)
      if (denied(`${svc}:${op}`)) return err(svc === 'ecs' ? 'AccessDeniedException' : 'AccessDeniedException', `not authorized to perform: ${svc}:${op}`)
      const page = <T>(items: T[], size: number) => {
        const from = (input.nextToken ?? input.NextToken) ? Number(input.nextToken ?? input.NextToken) : 0
        return { items: items.slice(from, from + size), next: from + size < items.length ? String(from + size) : undefined }
      }
      if (op === 'ListClusters') {
        const p = page(clusters, 100)
        return {
          status: 200,
          body: { clusterArns: p.items.map((c) => `arn:aws:ecs:us-east-1:123456789012:cluster/${c}`), ...(p.next ? { nextToken: p.next } : {}) },
        }
      }
      if (op === 'ListServices') {
        const p = page(
          services.filter((s) => s.cluster === clusterName(input.cluster)),
          Number(input.maxResults ?? 10),
        )
        return { status: 200, body: { serviceArns: p.items.map(arnOf), ...(p.next ? { nextToken: p.next } : {}) } }
      }
      if (op === 'DescribeServices') {
        const asked = (input.services as string[]) ?? []
        if (asked.length > 10) return err('InvalidParameterException', 'services can have at most 10 items')
        const found = asked.map((a) => services.find((s) => s.cluster === clusterName(input.cluster) && (arnOf(s) === a || s.name === a)))
        return {
          status: 200,
          body: {
            services: found
              .filter((s): s is FakeService => s !== undefined)
              .map((s) => ({
                serviceArn: arnOf(s),
                serviceName: s.name,
                clusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/${s.cluster}`,
                status: 'ACTIVE',
                desiredCount: s.desired,
                runningCount: s.desired,
                ...(s.launchType ? { launchType: s.launchType } : {}),
                ...(s.capacityProvider ? { capacityProviderStrategy: [{ capacityProvider: s.capacityProvider, weight: 1, base: 0 }] } : {}),
                taskDefinition: tdArn(s),
                tags: [{ key: 'team', value: 'web' }],
              })),
            failures: asked.filter((_, i) => !found[i]).map((a) => ({ arn: a, reason: 'MISSING' })),
          },
        }
      }
      if (op === 'DescribeTaskDefinition') {
        const s = services.find((x) => tdArn(x) === input.taskDefinition)
        if (!s) return err('ClientException', 'Unable to describe task definition.')
        return {
          status: 200,
          body: {
            taskDefinition: {
              taskDefinitionArn: tdArn(s),
              family: s.name,
              revision: 7,
              ...(s.cpu !== undefined ? { cpu: String(s.cpu) } : {}),
              ...(s.memory !== undefined ? { memory: String(s.memory) } : {}),
              requiresCompatibilities: [s.launchType === 'EC2' ? 'EC2' : 'FARGATE'],
              runtimePlatform: { cpuArchitecture: s.arch ?? 'X86_64', operatingSystemFamily: s.os ?? 'LINUX' },
              containerDefinitions: (s.containers ?? [{ name: s.name }]).map((c) => ({ ...c, image: `${c.name}:latest`, essential: true })),
            },
          },
        }
      }
      if (op === 'DescribeScalingPolicies') {
        if (input.ServiceNamespace !== 'ecs') return { status: 200, body: { ScalingPolicies: [] } }
        const policies = services.flatMap((s) =>
          (s.scaledOn ?? []).map((d) => ({
            PolicyARN: `arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:${s.name}-${d}`,
            PolicyName: `${s.name}-${d}`,
            ServiceNamespace: 'ecs',
            ResourceId: `service/${s.cluster}/${s.name}`,
            ScalableDimension: 'ecs:service:DesiredCount',
            PolicyType: 'TargetTrackingScaling',
            TargetTrackingScalingPolicyConfiguration: {
              TargetValue: 70,
              PredefinedMetricSpecification: { PredefinedMetricType: d === 'cpu' ? 'ECSServiceAverageCPUUtilization' : 'ECSServiceAverageMemoryUtilization' },
            },
            CreationTime: 1700000000,
          })),
        )
        const p = page(policies, 50)
        return { status: 200, body: { ScalingPolicies: p.items, ...(p.next ? { NextToken: p.next } : {}) } }
      }
      return err('UnknownOperationException', `fake AWS does not implement ${target}`)
    },
    /** ListMetrics of ECS/ContainerInsights RunningTaskCount: the service-level series and a task-family one beside it. */
    insightsMetrics() {
      return services
        .filter((s) => s.insightsTasks !== undefined)
        .flatMap((s) => [
          {
            Namespace: 'ECS/ContainerInsights',
            MetricName: 'RunningTaskCount',
            Dimensions: [
              { Name: 'ClusterName', Value: s.cluster },
              { Name: 'ServiceName', Value: s.name },
            ],
          },
          {
            Namespace: 'ECS/ContainerInsights',
            MetricName: 'RunningTaskCount',
            Dimensions: [
              { Name: 'ClusterName', Value: s.cluster },
              { Name: 'ServiceName', Value: s.name },
              { Name: 'TaskDefinitionFamily', Value: s.name },
            ],
          },
        ])
    },
    /** A GetMetricData query's value for a service's series, or undefined when it is not one. */
    value(namespace: string, metric: string, stat: string, dims: { Name: string; Value: string }[]): number | undefined {
      const cluster = dims.find((d) => d.Name === 'ClusterName')?.Value
      const s = services.find((x) => x.cluster === cluster && dims.some((d) => d.Name === 'ServiceName' && d.Value === x.name))
      if (!s) return undefined
      if (namespace === 'ECS/ContainerInsights' && metric === 'RunningTaskCount') return s.insightsTasks
      if (namespace !== 'AWS/ECS' || !s.load) return undefined
      const v = metric === 'CPUUtilization' ? s.load.cpuPct : metric === 'MemoryUtilization' ? s.load.memPct : undefined
      return v === undefined ? undefined : stat === 'Maximum' ? v : v * 0.6
    },
  }
}
