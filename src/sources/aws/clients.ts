import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling'
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { ComputeOptimizerClient } from '@aws-sdk/client-compute-optimizer'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2'
import { ECSClient } from '@aws-sdk/client-ecs'
import { LambdaClient } from '@aws-sdk/client-lambda'
import { PricingClient } from '@aws-sdk/client-pricing'
import { RDSClient } from '@aws-sdk/client-rds'
import { S3Client } from '@aws-sdk/client-s3'
import { ToolError } from '../../core/errors.js'
import { authProblem } from './collect.js'
import { describeAwsError, FOREIGN_ANSWER_HINT, isForeignAnswer, tagCalls } from './errors.js'
import type { RegionClients } from './discover.js'

/** The SDK warns on Node 20 about releases after January 2027; the versions headroom pins run on Node 20. */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

/**
 * The AWS APIs a collection talks to, made per region. The SDK clients by default (`sdkApis`); AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE> are read by the SDK itself (AWS-compatible endpoints, the wire-level fake in tests).
 */
export interface AwsApis {
  /** Every region the account can use, asked of `from`. */
  listRegions(from: string): Promise<string[]>
  region(region: string): RegionClients
  computeOptimizer(region: string): ComputeOptimizerClient
  ec2(region: string): EC2Client
  /** The Pricing API, served from us-east-1 (and ap-south-1, eu-central-1) whatever region is priced. */
  pricing(): PricingClient
}

/**
 * The SDK clients. `profile` selects a shared-config profile for everything the SDK reads from it, as the AWS CLI's
 * --profile does: it is set as AWS_PROFILE for this process, because the SDK reads a profile's `endpoint_url` (and its
 * `services` section) only from AWS_PROFILE's profile; the clients' own `profile` option reaches region and credentials
 * but not the endpoint (@smithy/core's getEndpointFromConfig takes no profile; checked with client-ec2 3.1169).
 */
export function sdkApis(profile?: string): AwsApis {
  if (profile) process.env.AWS_PROFILE = profile
  checkEndpointEnv(process.env)
  const base = profile ? { profile } : {}
  const ec2 = new Map<string, EC2Client>()
  const ec2For = (region: string) => ec2.get(region) ?? ec2.set(region, tagCalls(new EC2Client({ ...base, region }))).get(region)!
  return {
    async listRegions(from) {
      try {
        const r = await ec2For(from).send(new DescribeRegionsCommand({}))
        return (r.Regions ?? [])
          .map((x) => x.RegionName!)
          .filter(Boolean)
          .sort()
      } catch (err) {
        if (authProblem(err)) throw authError(err, 'DescribeRegionsCommand')
        throw new ToolError('SOURCE_UNAVAILABLE', `cannot list AWS regions from ${from}: ${describeAwsError(err)}`, {
          hint: isForeignAnswer(err) ? FOREIGN_ANSWER_HINT : 'Pass --regions us-east-1,eu-west-1 instead of all.',
        })
      }
    },
    region(region) {
      const b = { ...base, region }
      return {
        region,
        ec2: ec2For(region),
        lambda: tagCalls(new LambdaClient(b)),
        rds: tagCalls(new RDSClient(b)),
        dynamodb: tagCalls(new DynamoDBClient(b)),
        autoscaling: tagCalls(new AutoScalingClient(b)),
        ecs: tagCalls(new ECSClient(b)),
        applicationAutoScaling: tagCalls(new ApplicationAutoScalingClient(b)),
        // An endpoint other than AWS's (an S3-compatible store, the tests' server) is addressed by path: bucket names as
        // host names (virtual-hosted style) resolve only under amazonaws.com.
        s3: tagCalls(new S3Client({ ...b, forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL) })),
        // GetMetricData retries are headroom's own (counted, with backoff and jitter), not the SDK's.
        cloudwatch: tagCalls(new CloudWatchClient({ ...b, maxAttempts: 1 })),
      }
    },
    computeOptimizer: (region) => tagCalls(new ComputeOptimizerClient({ ...base, region })),
    ec2: ec2For,
    pricing: () => tagCalls(new PricingClient({ ...base, region: 'us-east-1' })),
  }
}

/**
 * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> as the SDK would read them: a value that is not a URL (an empty
 * `export AWS_ENDPOINT_URL=` too) fails every call with a bare "TypeError: Invalid URL", so it is refused here by name.
 */
export function checkEndpointEnv(env: NodeJS.ProcessEnv): void {
  for (const [k, v] of Object.entries(env)) {
    if (!/^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/.test(k) || v === undefined) continue
    let ok = false
    try {
      ok = /^https?:$/.test(new URL(v).protocol)
    } catch {
      ok = false
    }
    if (!ok)
      throw new ToolError('USAGE', `${k}='${v}' is not an http(s) URL, so no AWS call can be made`, {
        hint: `Set it to the endpoint to use (e.g. http://localhost:4566 for an emulator), or unset it (unset ${k}) to talk to AWS.`,
      })
  }
}

/** The region the SDK would use: AWS_REGION, else `profile`'s (or AWS_PROFILE's, or the default profile's) `region`. */
export async function sdkRegion(profile?: string): Promise<string | undefined> {
  try {
    return await new EC2Client(profile ? { profile } : {}).config.region()
  } catch {
    return undefined // "Region is missing": the caller says what to pass
  }
}

/** The IAM action each SDK command needs: named in errors so the fix is one policy line (docs/iam-policy.json). */
const ACTION_OF: Record<string, string> = {
  DescribeInstancesCommand: 'ec2:DescribeInstances',
  DescribeVolumesCommand: 'ec2:DescribeVolumes',
  DescribeRegionsCommand: 'ec2:DescribeRegions',
  ListFunctionsCommand: 'lambda:ListFunctions',
  DescribeDBInstancesCommand: 'rds:DescribeDBInstances',
  ListTablesCommand: 'dynamodb:ListTables',
  DescribeTableCommand: 'dynamodb:DescribeTable',
  DescribeAutoScalingGroupsCommand: 'autoscaling:DescribeAutoScalingGroups',
  DescribePoliciesCommand: 'autoscaling:DescribePolicies',
  ListClustersCommand: 'ecs:ListClusters',
  ListServicesCommand: 'ecs:ListServices',
  DescribeServicesCommand: 'ecs:DescribeServices',
  DescribeTaskDefinitionCommand: 'ecs:DescribeTaskDefinition',
  DescribeScalingPoliciesCommand: 'application-autoscaling:DescribeScalingPolicies',
  ListBucketsCommand: 's3:ListAllMyBuckets',
  GetBucketLifecycleConfigurationCommand: 's3:GetLifecycleConfiguration',
  ListMetricsCommand: 'cloudwatch:ListMetrics',
  GetMetricDataCommand: 'cloudwatch:GetMetricData',
  GetEC2InstanceRecommendationsCommand: 'compute-optimizer:GetEC2InstanceRecommendations',
  GetEBSVolumeRecommendationsCommand: 'compute-optimizer:GetEBSVolumeRecommendations',
  GetLambdaFunctionRecommendationsCommand: 'compute-optimizer:GetLambdaFunctionRecommendations',
  DescribeInstanceTypesCommand: 'ec2:DescribeInstanceTypes',
  DescribeInstanceTypeOfferingsCommand: 'ec2:DescribeInstanceTypeOfferings',
  GetProductsCommand: 'pricing:GetProducts',
  PutDashboardCommand: 'cloudwatch:PutDashboard',
  PutMetricAlarmCommand: 'cloudwatch:PutMetricAlarm',
}
/** Discovery actions by the `collect aws --kinds` kind that sends them: a denied one can also be left out. */
const KIND_OF_ACTION: Record<string, string> = {
  'ec2:DescribeVolumes': 'ebs',
  'lambda:ListFunctions': 'lambda',
  'rds:DescribeDBInstances': 'rds',
  'dynamodb:ListTables': 'dynamodb',
  'dynamodb:DescribeTable': 'dynamodb',
  'autoscaling:DescribeAutoScalingGroups': 'asg',
  'autoscaling:DescribePolicies': 'asg',
  'ecs:ListClusters': 'ecs',
  'ecs:ListServices': 'ecs',
  'ecs:DescribeServices': 'ecs',
  'ecs:DescribeTaskDefinition': 'ecs',
  'application-autoscaling:DescribeScalingPolicies': 'ecs',
  's3:ListAllMyBuckets': 's3',
  's3:GetLifecycleConfiguration': 's3',
}
/** Write actions (headroom monitor --apply) have a policy of their own, kept apart from the read-only one. */
const WRITE_ACTIONS = new Set(['cloudwatch:PutDashboard', 'cloudwatch:PutMetricAlarm'])

/** An access-denied or missing-credentials error as the one message a user acts on: the action to allow, or how to sign in. */
export function authError(err: unknown, command: string): ToolError {
  const problem = authProblem(err)!
  const action = ACTION_OF[command] ?? command
  const what = problem === 'access denied' ? 'AWS access denied' : problem.charAt(0).toUpperCase() + problem.slice(1)
  return new ToolError('SOURCE_UNAVAILABLE', `${what} (${action}): ${(err as Error).message.split('\n')[0]}`, {
    hint:
      problem === 'access denied'
        ? WRITE_ACTIONS.has(action)
          ? `Allow "${action}" for this identity; docs/iam-policy-monitor.json is the policy \`headroom monitor --apply\` needs (write actions, kept apart from the read-only docs/iam-policy.json).`
          : `Allow "${action}" for this identity; docs/iam-policy.json is the least-privilege policy headroom needs (read-only).${KIND_OF_ACTION[action] ? ` Or leave ${KIND_OF_ACTION[action]} out of --kinds.` : ''}`
        : 'Set credentials (aws configure, AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and try again; an interrupted run resumes where it stopped.',
  })
}
