import type { ComputeOptimizerClient } from '@aws-sdk/client-compute-optimizer'
import {
  GetEBSVolumeRecommendationsCommand,
  GetEC2InstanceRecommendationsCommand,
  GetLambdaFunctionRecommendationsCommand,
} from '@aws-sdk/client-compute-optimizer'
import type { ResourceKind } from '../../core/report.js'
import { regional } from './discover.js'

/** One Compute Optimizer recommendation, reduced to what headroom compares: its finding and top option. */
export interface CoRecommendation {
  resourceId: string
  kind: ResourceKind
  finding: string
  current: string
  recommended: string | null
  monthlySavings: number | null
}

const last = (arn: string, sep: string) => arn.slice(arn.lastIndexOf(sep) + 1)
const vol = (c: { volumeType?: string; volumeSize?: number; volumeBaselineIOPS?: number; volumeBaselineThroughput?: number } | undefined) =>
  c
    ? `${c.volumeType ?? '?'} ${c.volumeSize ?? '?'} GiB${c.volumeBaselineIOPS ? ` ${c.volumeBaselineIOPS} IOPS` : ''}${c.volumeBaselineThroughput ? ` ${c.volumeBaselineThroughput} MiB/s` : ''}`
    : '?'

/**
 * Compute Optimizer's own EC2, EBS and Lambda recommendations for a region (GetEC2InstanceRecommendations,
 * GetEBSVolumeRecommendations, GetLambdaFunctionRecommendations, paginated by nextToken), keyed like headroom's
 * resources (instance and volume ids; region-qualified function names).
 */
export async function fetchComputeOptimizer(co: ComputeOptimizerClient, region: string): Promise<{ recs: CoRecommendation[]; calls: number }> {
  const recs: CoRecommendation[] = []
  let calls = 0
  let token: string | undefined
  do {
    const r = await co.send(new GetEC2InstanceRecommendationsCommand({ ...(token ? { nextToken: token } : {}) }))
    calls++
    for (const x of r.instanceRecommendations ?? []) {
      if (!x.instanceArn) continue
      const top = [...(x.recommendationOptions ?? [])].sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99))[0]
      recs.push({
        resourceId: last(x.instanceArn, '/'),
        kind: 'ec2-instance',
        finding: String(x.finding ?? 'Unknown'),
        current: x.currentInstanceType ?? '?',
        recommended: top?.instanceType ?? null,
        monthlySavings: top?.savingsOpportunity?.estimatedMonthlySavings?.value ?? null,
      })
    }
    token = r.nextToken
  } while (token)
  do {
    const r = await co.send(new GetEBSVolumeRecommendationsCommand({ ...(token ? { nextToken: token } : {}) }))
    calls++
    for (const x of r.volumeRecommendations ?? []) {
      if (!x.volumeArn) continue
      const top = [...(x.volumeRecommendationOptions ?? [])].sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99))[0]
      recs.push({
        resourceId: last(x.volumeArn, '/'),
        kind: 'ebs-volume',
        finding: String(x.finding ?? 'Unknown'),
        current: vol(x.currentConfiguration),
        recommended: top ? vol(top.configuration) : null,
        monthlySavings: top?.savingsOpportunity?.estimatedMonthlySavings?.value ?? null,
      })
    }
    token = r.nextToken
  } while (token)
  do {
    const r = await co.send(new GetLambdaFunctionRecommendationsCommand({ ...(token ? { nextToken: token } : {}) }))
    calls++
    for (const x of r.lambdaFunctionRecommendations ?? []) {
      if (!x.functionArn) continue
      // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:VERSION]
      const name = x.functionArn.split(':')[6] ?? x.functionArn
      const top = [...(x.memorySizeRecommendationOptions ?? [])].sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99))[0]
      recs.push({
        resourceId: regional(region, name),
        kind: 'lambda-function',
        finding: String(x.finding ?? 'Unknown'),
        current: `${x.currentMemorySize ?? '?'} MB`,
        recommended: top?.memorySize ? `${top.memorySize} MB` : null,
        monthlySavings: top?.savingsOpportunity?.estimatedMonthlySavings?.value ?? null,
      })
    }
    token = r.nextToken
  } while (token)
  return { recs, calls }
}
