import { createHash } from 'node:crypto'
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2'
import { PricingClient } from '@aws-sdk/client-pricing'
import { ComputeOptimizerClient } from '@aws-sdk/client-compute-optimizer'
import { fetchComputeOptimizer } from '../sources/aws/compute-optimizer.js'
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { loadCatalog, workspaceCatalogPath } from '../catalog/load.js'
import { fetchCatalog } from '../sources/aws/catalog-update.js'
import { LambdaClient } from '@aws-sdk/client-lambda'
import { RDSClient } from '@aws-sdk/client-rds'
import type { Effects } from '../core/effects.js'
import { ToolError } from '../core/errors.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import type { Issue, ResourceRef } from '../core/report.js'
import { authProblem, DEFAULT_FETCH, fetchRegion, type CallOutcome } from '../sources/aws/collect.js'
import { discoverRegion, type AwsKind, type RegionClients } from '../sources/aws/discover.js'
import { estimateCostUsd, GET_METRIC_DATA_USD_PER_1000_METRICS, planCalls, type Plan, type SeriesSpec } from '../sources/aws/plan.js'
import { DuckDbStore } from '../store/duckdb/store.js'

export interface AwsCollectOptions {
  workspace: string
  regions: string[] | 'all'
  days: number
  profile?: string
  kinds: AwsKind[]
  dryRun: boolean
  rate: number
  concurrency: number
  /** Window end (epoch ms); default now, or the interrupted run's end when resuming. */
  end?: number
  /** Also fetch Compute Optimizer's own EC2, EBS and Lambda recommendations, to show beside headroom's. */
  computeOptimizer?: boolean
}

/** The SDK warns on Node 20 about releases after January 2027; the versions headroom pins run on Node 20. */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

/** The IAM action each SDK command needs: named in errors so the fix is one policy line (docs/iam-policy.json). */
const ACTION_OF: Record<string, string> = {
  DescribeInstancesCommand: 'ec2:DescribeInstances', DescribeVolumesCommand: 'ec2:DescribeVolumes', DescribeRegionsCommand: 'ec2:DescribeRegions',
  ListFunctionsCommand: 'lambda:ListFunctions', DescribeDBInstancesCommand: 'rds:DescribeDBInstances', ListTablesCommand: 'dynamodb:ListTables',
  DescribeTableCommand: 'dynamodb:DescribeTable', DescribeAutoScalingGroupsCommand: 'autoscaling:DescribeAutoScalingGroups', DescribePoliciesCommand: 'autoscaling:DescribePolicies',
  ListMetricsCommand: 'cloudwatch:ListMetrics', GetMetricDataCommand: 'cloudwatch:GetMetricData',
  GetEC2InstanceRecommendationsCommand: 'compute-optimizer:GetEC2InstanceRecommendations', GetEBSVolumeRecommendationsCommand: 'compute-optimizer:GetEBSVolumeRecommendations',
  GetLambdaFunctionRecommendationsCommand: 'compute-optimizer:GetLambdaFunctionRecommendations',
  DescribeInstanceTypesCommand: 'ec2:DescribeInstanceTypes', DescribeInstanceTypeOfferingsCommand: 'ec2:DescribeInstanceTypeOfferings', GetProductsCommand: 'pricing:GetProducts',
}

function clientsFor(region: string, profile: string | undefined): RegionClients {
  // AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are read by the SDK itself (AWS-compatible endpoints, tests).
  const base = { region, ...(profile ? { profile } : {}) }
  return {
    region, ec2: new EC2Client(base), lambda: new LambdaClient(base), rds: new RDSClient(base), dynamodb: new DynamoDBClient(base), autoscaling: new AutoScalingClient(base),
    // GetMetricData retries are headroom's own (counted, with backoff and jitter), not the SDK's.
    cloudwatch: new CloudWatchClient({ ...base, maxAttempts: 1 }),
  }
}

function authError(err: unknown, command: string): ToolError {
  const problem = authProblem(err)!
  const action = ACTION_OF[command] ?? command
  const what = problem === 'access denied' ? 'AWS access denied' : problem.charAt(0).toUpperCase() + problem.slice(1)
  return new ToolError('SOURCE_UNAVAILABLE', `${what} (${action}): ${(err as Error).message.split('\n')[0]}`, {
    hint: problem === 'access denied'
      ? `Allow "${action}" for this identity; docs/iam-policy.json is the least-privilege policy headroom needs (read-only).`
      : 'Set credentials (aws configure, AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and try again; an interrupted run resumes where it stopped.',
  })
}

const paramsKey = (o: AwsCollectOptions, regions: string[]) => JSON.stringify({ regions: [...regions].sort(), kinds: [...o.kinds].sort(), days: o.days, profile: o.profile ?? null })

export async function runCollectAws(o: AwsCollectOptions, effects: Effects): Promise<ExitCode> {
  const out = (s: string) => effects.stderr.write(s)
  const first = o.regions === 'all' ? (effects.env.AWS_REGION ?? effects.env.AWS_DEFAULT_REGION ?? 'us-east-1') : o.regions[0]!
  let regions: string[]
  if (o.regions === 'all') {
    try {
      const r = await new EC2Client({ region: first, ...(o.profile ? { profile: o.profile } : {}) }).send(new DescribeRegionsCommand({}))
      regions = (r.Regions ?? []).map((x) => x.RegionName!).filter(Boolean).sort()
    } catch (err) {
      if (authProblem(err)) throw authError(err, 'DescribeRegionsCommand')
      throw new ToolError('SOURCE_UNAVAILABLE', `cannot list AWS regions from ${first}: ${(err as Error).message}`, { hint: 'Pass --regions us-east-1,eu-west-1 instead of all.' })
    }
  } else regions = o.regions

  // Resume: an unfinished run with the same parameters keeps its window, so nothing is fetched twice.
  const store = o.dryRun ? undefined : await DuckDbStore.open(o.workspace)
  try {
    const pkey = paramsKey(o, regions)
    let end = o.end ?? effects.now()
    let resumed = false
    if (store) {
      const prev = await store.unfinishedAwsRun(pkey)
      if (prev && o.end === undefined) {
        end = prev.windowEnd
        resumed = true
      }
    }
    const start = end - o.days * 86_400_000
    const runKey = createHash('sha256').update(`${pkey}|${end}`).digest('hex').slice(0, 24)
    const issues: Issue[] = []
    const perRegion: { region: string; clients: RegionClients; resources: ResourceRef[]; series: SeriesSpec[]; plan: Plan }[] = []
    for (const region of regions) {
      const clients = clientsFor(region, o.profile)
      try {
        const d = await discoverRegion(clients, o.kinds)
        perRegion.push({ region, clients, resources: d.resources, series: d.series, plan: planCalls(d.series.length, start, end, o.days) })
        out(`${region}: ${d.resources.length} resources, ${d.series.length} series (${d.calls} discovery calls)\n`)
      } catch (err) {
        if (authProblem(err)) throw authError(err, (err as { headroomCommand?: string }).headroomCommand || 'the request')
        const msg = (err as Error).message
        if (/getaddrinfo|ENOTFOUND|Invalid region|region/i.test(msg) && !/ECONNREFUSED/.test(msg)) issues.push({ code: 'AWS_REGION_FAILED', severity: 'error', message: `${region}: ${msg} (is '${region}' a region this account can use?)` })
        else issues.push({ code: 'AWS_REGION_FAILED', severity: 'error', message: `${region}: discovery failed: ${(err as Error).name}: ${msg}; other regions continue` })
        out(`${region}: discovery failed (${(err as Error).name}); other regions continue\n`)
      }
    }
    const totalSeries = perRegion.reduce((a, r) => a + r.series.length, 0)
    const totalCalls = perRegion.reduce((a, r) => a + r.plan.calls.length, 0)
    const minCalls = perRegion.reduce((a, r) => a + r.plan.minimumCalls, 0)
    const cost = perRegion.reduce((a, r) => a + estimateCostUsd(r.plan), 0)
    const points = perRegion.reduce((a, r) => a + r.series.length * r.plan.pointsPerSeries, 0)
    const period = perRegion[0]?.plan.periodSec ?? (o.days > 63 ? 3600 : 300)
    out(`plan: ${totalSeries.toLocaleString('en-US')} series x ${o.days} days at ${period} s = ${points.toLocaleString('en-US')} data points at most, in ${totalCalls.toLocaleString('en-US')} GetMetricData calls (minimum possible ${minCalls.toLocaleString('en-US')}); `
      + `estimated CloudWatch cost $${cost.toFixed(2)} ($${GET_METRIC_DATA_USD_PER_1000_METRICS} per 1,000 metrics requested, CloudWatch pricing page)\n`)
    if (o.dryRun) {
      for (const r of perRegion) {
        const byKind = new Map<string, number>()
        for (const x of r.resources) byKind.set(x.kind, (byKind.get(x.kind) ?? 0) + 1)
        effects.stdout.write(`${r.region}\t${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ') || 'no resources'}\tseries ${r.series.length}\tcalls ${r.plan.calls.length}\t$${estimateCostUsd(r.plan).toFixed(4)}\n`)
      }
      effects.stdout.write(`dry run: nothing fetched or stored\n`)
      for (const i of issues) effects.stderr.write(`${i.severity}: ${i.message}\n`)
      return issues.some((i) => i.severity === 'error') && perRegion.length === 0 ? EXIT.SOURCE : EXIT.OK
    }
    if (perRegion.length === 0) {
      for (const i of issues) effects.stderr.write(`${i.severity}: ${i.message}\n`)
      throw new ToolError('SOURCE_UNAVAILABLE', `no region could be read (${regions.join(', ')}); nothing was stored`, { hint: 'Check the region names, the network and AWS_ENDPOINT_URL if you set it.' })
    }
    const st = store!
    await st.transaction(async () => {
      await st.upsertResources(perRegion.flatMap((r) => r.resources))
      await st.startAwsRun({ runKey, params: pkey, start, end, startedAt: effects.now() })
    })
    const done = await st.awsCallsDone(runKey)
    if (resumed) out(`resuming an interrupted run: ${done.size} calls already stored are skipped\n`)
    let pending: CallOutcome[] = []
    let callsDone = done.size
    let datapoints = 0
    const t0 = Date.now()
    const tty = effects.stderr.isTTY === true
    // Workers finish calls concurrently and hand them here; the store's lock makes the commits one writer's, in the
    // order the batches were taken (DuckDbStore.exclusive), each with the checkpoints of exactly its calls.
    const flush = async () => {
      if (pending.length === 0) return
      const batch = pending
      pending = []
      await st.transaction(async () => {
        const series = batch.flatMap((b) => b.points).filter((p) => p.ts.length > 0)
        if (series.length) await st.appendSeries(series, 'aws', `GetMetricData ${runKey}`, { provider: 'aws', kind: 'ec2-instance' })
        await st.markAwsCallsDone(runKey, batch.map((b) => b.key))
      })
    }
    const stats = { calls: 0, retries: 0, skipped: 0, failed: 0 }
    for (const r of perRegion) {
      const s = await fetchRegion(r.clients.cloudwatch, r.region, r.plan, r.series, {
        ...DEFAULT_FETCH, rate: o.rate, concurrency: o.concurrency, done,
        onCall: async (c) => {
          pending.push(c)
          issues.push(...c.issues)
          callsDone++
          datapoints += c.datapoints
          if (tty) {
            const el = (Date.now() - t0) / 1000
            const eta = callsDone > done.size ? (el / (callsDone - done.size)) * (totalCalls - callsDone) : 0
            out(`\r\u001b[2Kcalls ${callsDone}/${totalCalls}  datapoints ${datapoints.toLocaleString('en-US')}  ${el.toFixed(0)} s elapsed, ETA ${eta.toFixed(0)} s`)
          }
          if (pending.length >= 20) await flush()
        },
      }).catch(async (err: unknown) => {
        await flush()
        if (authProblem(err)) throw authError(err, 'GetMetricDataCommand')
        throw err
      })
      await flush()
      for (const k of Object.keys(stats) as (keyof typeof stats)[]) stats[k] += s[k]
    }
    if (tty) out('\r\u001b[2K')
    if (o.computeOptimizer)
      for (const r of perRegion) {
        try {
          const { recs, calls } = await fetchComputeOptimizer(new ComputeOptimizerClient({ region: r.region, ...(o.profile ? { profile: o.profile } : {}) }), r.region)
          await st.transaction(() => st.upsertCoRecommendations(recs, effects.now()))
          out(`${r.region}: ${recs.length} Compute Optimizer recommendations (${calls} calls); \`headroom analyze\` shows them beside headroom's\n`)
        } catch (err) {
          const name = (err as Error).name
          const msg = /OptInRequired/.test(name)
            ? `${r.region}: Compute Optimizer is not enabled for this account (opt in on the Compute Optimizer console); headroom's own analysis is unaffected`
            : authProblem(err)
              ? `${r.region}: Compute Optimizer: ${authProblem(err)!} (allow compute-optimizer:GetEC2InstanceRecommendations, GetEBSVolumeRecommendations, GetLambdaFunctionRecommendations; docs/iam-policy.json)`
              : `${r.region}: Compute Optimizer recommendations could not be read: ${name}: ${(err as Error).message}`
          issues.push({ code: 'AWS_COMPUTE_OPTIMIZER', severity: 'warning', message: msg })
        }
      }
    await st.transaction(async () => {
      await st.finishAwsRun(runKey, effects.now())
      await st.replaceSourceIssues('aws', issues, effects.now())
    })
    effects.stdout.write(`collected ${perRegion.reduce((a, r) => a + r.resources.length, 0)} resources and ${datapoints.toLocaleString('en-US')} data points from ${perRegion.length} region(s) in ${stats.calls} GetMetricData calls (${stats.retries} retries, ${stats.skipped} already stored, ${stats.failed} failed) into ${o.workspace}\n`)
    const grouped = new Map<string, Issue[]>()
    for (const i of issues) grouped.set(i.code, [...(grouped.get(i.code) ?? []), i])
    for (const [code, list] of grouped) effects.stderr.write(`${list[0]!.severity}: ${list.length > 1 ? `${list.length} x ${code}, e.g. ` : ''}${list[0]!.message}\n`)
    return EXIT.OK
  } finally {
    store?.close()
  }
}


/** `headroom catalog update`: specs, offerings and prices from the live APIs into the workspace's catalog overlay. */
export async function runCatalogUpdate(o: { workspace: string; regions: string[]; profile?: string }, effects: Effects): Promise<ExitCode> {
  const base = o.profile ? { profile: o.profile } : {}
  const ec2 = new Map<string, EC2Client>()
  const ec2For = (region: string) => ec2.get(region) ?? ec2.set(region, new EC2Client({ ...base, region })).get(region)!
  // The Pricing API is served from us-east-1 (and ap-south-1, eu-central-1), whatever region is priced.
  const pricing = new PricingClient({ ...base, region: 'us-east-1' })
  let file
  try {
    file = await fetchCatalog(ec2For, pricing, o.regions, loadCatalog(), effects.now(), (s) => effects.stderr.write(`${s}\n`))
  } catch (err) {
    if (authProblem(err)) {
      const cmd = /pricing|GetProducts/i.test(String((err as Error).message)) ? 'GetProductsCommand' : /Offering/i.test(String((err as Error).message)) ? 'DescribeInstanceTypeOfferingsCommand' : 'DescribeInstanceTypesCommand'
      throw authError(err, cmd)
    }
    throw new ToolError('SOURCE_UNAVAILABLE', `catalog update failed: ${(err as Error).name}: ${(err as Error).message}`, { hint: 'Nothing was changed; the bundled catalog stays in use. Check the network and the region names.' })
  }
  const path = workspaceCatalogPath(o.workspace)
  mkdirSync(dirname(path), { recursive: true })
  // Write then rename: an interrupted update never leaves a half-written overlay.
  writeFileSync(`${path}.tmp`, JSON.stringify(file) + '\n')
  renameSync(`${path}.tmp`, path)
  const priced = file.types.filter((t) => Object.keys(t.pricePerHour).length > 0).length
  effects.stdout.write(`catalog updated: ${file.types.length} instance types offered in ${o.regions.join(', ')}, ${priced} with on-demand prices, written to ${path} (it overrides the bundled catalog for this workspace)\n`)
  return EXIT.OK
}
