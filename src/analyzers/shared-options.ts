import type { AnalyzerId } from './registry.js'

/**
 * Settings that mean the same thing to several analyzers, each with the option that carries it in each analyzer.
 * `--percentile max` sizes EC2, hosts, RDS, ElastiCache and EBS by the maximum; an analyzer whose option does not
 * accept a value keeps its own (k8s.rightsize's CPU request is p90, p95 or p99, as krr's) and the resolver says so.
 * One table: the CLI flags, the config file's `sizing:` section and `headroom config` all read it.
 */
export const SHARED_OPTIONS = {
  percentile: {
    flag: '--percentile',
    description: 'percentile of 5-minute values that sizes CPU, network, EBS and database capacity',
    targets: [
      ['ec2.rightsize', 'percentile'],
      ['host.ec2-sizing', 'percentile'],
      ['rds.rightsize', 'percentile'],
      ['elasticache.rightsize', 'percentile'],
      ['ebs.rightsize', 'percentile'],
      ['k8s.rightsize', 'cpuPercentile'],
      ['gpu.rightsize', 'percentile'],
      ['ecs.rightsize', 'percentile'],
    ],
  },
  headroomPct: {
    flag: '--headroom',
    description: 'CPU (and I/O, cache) headroom in percent',
    targets: [
      ['ec2.rightsize', 'cpuHeadroomPct'],
      ['host.ec2-sizing', 'cpuHeadroomPct'],
      ['rds.rightsize', 'cpuHeadroomPct'],
      ['elasticache.rightsize', 'headroomPct'],
      ['ebs.rightsize', 'headroomPct'],
      ['gpu.rightsize', 'headroomPct'],
      ['ecs.rightsize', 'cpuHeadroomPct'],
    ],
  },
  memoryHeadroomPct: {
    flag: '--memory-headroom',
    description: 'memory headroom over the peak, percent',
    targets: [
      ['ec2.rightsize', 'memoryHeadroomPct'],
      ['host.ec2-sizing', 'memoryHeadroomPct'],
      ['rds.rightsize', 'memoryHeadroomPct'],
      ['lambda.memory', 'memoryHeadroomPct'],
      ['k8s.rightsize', 'memoryBufferPct'],
      ['ecs.rightsize', 'memoryHeadroomPct'],
    ],
  },
  allowArchitectureChange: {
    flag: '--no-graviton',
    description: 'consider a change of CPU architecture (x86_64 <-> arm64)',
    targets: [
      ['ec2.rightsize', 'allowArchitectureChange'],
      ['host.ec2-sizing', 'allowArchitectureChange'],
      ['ecs.rightsize', 'allowArchitectureChange'],
    ],
  },
  preferArchitecture: {
    flag: '--prefer-architecture',
    description: 'current: options on the current CPU architecture rank first, the other shown beside with its extra saving; any: ranked together',
    targets: [
      ['ec2.rightsize', 'preferArchitecture'],
      ['host.ec2-sizing', 'preferArchitecture'],
    ],
  },
  rankBy: {
    flag: '--rank-by',
    description: 'risk: no higher-risk option ranks above a lower-risk one; price: cheapest first',
    targets: [
      ['ec2.rightsize', 'rankBy'],
      ['host.ec2-sizing', 'rankBy'],
    ],
  },
  memoryBlind: {
    flag: '--memory-blind',
    description: 'without memory data: keep at least the current memory, or allow less',
    targets: [
      ['ec2.rightsize', 'memoryBlind'],
      ['host.ec2-sizing', 'memoryBlind'],
    ],
  },
  defaultRegion: {
    flag: '--region',
    description: 'region assumed for resources that have none',
    targets: [
      ['ec2.rightsize', 'defaultRegion'],
      ['host.ec2-sizing', 'defaultRegion'],
    ],
  },
} as const satisfies Record<string, { flag: string; description: string; targets: readonly (readonly [AnalyzerId, string])[] }>
export type SharedOptionKey = keyof typeof SHARED_OPTIONS
export type SharedOptions = Partial<Record<SharedOptionKey, unknown>>
