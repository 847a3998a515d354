import { createHash } from 'node:crypto'
import { ToolError } from '../core/errors.js'
import type { Issue, ResourceRef } from '../core/report.js'
import { authError, type AwsApis } from '../sources/aws/clients.js'
import { authProblem, DEFAULT_FETCH, fetchRegion, type CallOutcome } from '../sources/aws/collect.js'
import { fetchComputeOptimizer } from '../sources/aws/compute-optimizer.js'
import { discoverRegion, type AwsKind, type RegionClients } from '../sources/aws/discover.js'
import { describeAwsError, FOREIGN_ANSWER_HINT, isForeignAnswer } from '../sources/aws/errors.js'
import { estimateCostUsd, planCalls, type Plan, type SeriesSpec } from '../sources/aws/plan.js'
import type { AwsRunStore } from '../store/types.js'

export interface CollectAwsOptions {
  regions: string[] | 'all'
  /** Where `regions: 'all'` asks for the list (AWS_REGION, else us-east-1). */
  homeRegion: string
  days: number
  /** Part of the resume key: a run under another profile is another run. */
  profile?: string
  kinds: AwsKind[]
  rate: number
  concurrency: number
  /** Window end (epoch ms); default now, or the interrupted run's end when resuming. */
  end?: number
  /** Also fetch Compute Optimizer's own EC2, EBS and Lambda recommendations, to show beside headroom's. */
  computeOptimizer?: boolean
}

/** What a collection tells its caller as it goes (the CLI prints it; a library caller may ignore it). */
export type CollectAwsEvent =
  | { type: 'region'; region: string; resources: number; series: number; discoveryCalls: number }
  | { type: 'region-failed'; region: string; error: string }
  | { type: 'plan'; plan: CollectAwsPlan }
  | { type: 'resume'; skipped: number }
  | { type: 'calls'; done: number; total: number; datapoints: number }
  | { type: 'compute-optimizer'; region: string; recommendations: number; calls: number }

export interface CollectAwsPlan {
  series: number
  days: number
  periodSec: number
  /** Data points at most: series x points per series. */
  points: number
  calls: number
  minimumCalls: number
  costUsd: number
  regions: { region: string; resourcesByKind: Record<string, number>; series: number; calls: number; costUsd: number }[]
}

export interface CollectAwsResult {
  plan: CollectAwsPlan
  /** True when only the plan was made (no store given): nothing fetched or stored. */
  dryRun: boolean
  regionsRead: number
  resources: number
  datapoints: number
  stats: { calls: number; retries: number; skipped: number; failed: number }
  issues: Issue[]
}

const paramsKey = (o: CollectAwsOptions, regions: string[]) =>
  JSON.stringify({ regions: [...regions].sort(), kinds: [...o.kinds].sort(), days: o.days, profile: o.profile ?? null })

/** More than this share of GetMetricData calls failing after their retries fails the run (exit 3). */
const MAX_FAILED_SHARE = 0.5

/**
 * `headroom collect aws` as a library call: discover resources per region, plan GetMetricData calls, fetch them at the
 * given rate and store them in batches with checkpoints, so an interrupted run resumes (same parameters: same window)
 * without fetching anything twice. Without a store it is a dry run: discovery and the plan, nothing fetched.
 * A region that cannot be read becomes an issue and the others go on; when none can be read nothing is stored.
 */
export async function collectAws(i: {
  options: CollectAwsOptions
  apis: AwsApis
  store?: AwsRunStore
  now: () => number
  onEvent?: (e: CollectAwsEvent) => void
}): Promise<CollectAwsResult> {
  const { options: o, apis, store, now } = i
  const emit = i.onEvent ?? (() => undefined)
  const regions = o.regions === 'all' ? await apis.listRegions(o.homeRegion) : o.regions

  // Resume: an unfinished run with the same parameters keeps its window, so nothing is fetched twice.
  const pkey = paramsKey(o, regions)
  let end = o.end ?? now()
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
  let foreign = false // some region's discovery was answered by something that is not AWS
  for (const region of regions) {
    const clients = apis.region(region)
    try {
      const d = await discoverRegion(clients, o.kinds)
      perRegion.push({ region, clients, resources: d.resources, series: d.series, plan: planCalls(d.series.length, start, end, o.days) })
      issues.push(...d.issues.map((i) => ({ ...i, message: `${region}: ${i.message}` })))
      emit({ type: 'region', region, resources: d.resources.length, series: d.series.length, discoveryCalls: d.calls })
    } catch (err) {
      if (authProblem(err)) throw authError(err, (err as { headroomCommand?: string }).headroomCommand || 'the request')
      const msg = (err as Error).message
      if (/getaddrinfo|ENOTFOUND|Invalid region|region/i.test(msg) && !/ECONNREFUSED/.test(msg) && !isForeignAnswer(err))
        issues.push({ code: 'AWS_REGION_FAILED', severity: 'error', message: `${region}: ${msg} (is '${region}' a region this account can use?)` })
      else
        issues.push({
          code: 'AWS_REGION_FAILED',
          severity: 'error',
          message: `${region}: discovery failed: ${describeAwsError(err)}; other regions continue`,
        })
      if (isForeignAnswer(err)) foreign = true
      emit({ type: 'region-failed', region, error: describeAwsError(err) })
    }
  }
  const plan: CollectAwsPlan = {
    series: perRegion.reduce((a, r) => a + r.series.length, 0),
    days: o.days,
    periodSec: perRegion[0]?.plan.periodSec ?? (o.days > 63 ? 3600 : 300),
    points: perRegion.reduce((a, r) => a + r.series.length * r.plan.pointsPerSeries, 0),
    calls: perRegion.reduce((a, r) => a + r.plan.calls.length, 0),
    minimumCalls: perRegion.reduce((a, r) => a + r.plan.minimumCalls, 0),
    costUsd: perRegion.reduce((a, r) => a + estimateCostUsd(r.plan), 0),
    regions: perRegion.map((r) => {
      const byKind: Record<string, number> = {}
      for (const x of r.resources) byKind[x.kind] = (byKind[x.kind] ?? 0) + 1
      return { region: r.region, resourcesByKind: byKind, series: r.series.length, calls: r.plan.calls.length, costUsd: estimateCostUsd(r.plan) }
    }),
  }
  emit({ type: 'plan', plan })
  const resources = perRegion.reduce((a, r) => a + r.resources.length, 0)
  const stats = { calls: 0, retries: 0, skipped: 0, failed: 0 }
  if (!store) return { plan, dryRun: true, regionsRead: perRegion.length, resources, datapoints: 0, stats, issues }
  if (perRegion.length === 0)
    throw new ToolError(
      'SOURCE_UNAVAILABLE',
      `no region could be read (${issues.map((x) => x.message).join('; ') || regions.join(', ')}); nothing was stored`,
      { hint: foreign ? FOREIGN_ANSWER_HINT : 'Check the region names, the network and AWS_ENDPOINT_URL if you set it.' },
    )

  // The discovered resources and the run record are stored with the first call that answers, so a run in which every
  // GetMetricData call fails leaves the store as it was.
  let started = resumed
  const startRun = async () => {
    if (started) return
    started = true
    await store.upsertResources(perRegion.flatMap((r) => r.resources))
    await store.startAwsRun({ runKey, params: pkey, start, end, startedAt: now() })
  }
  const done = await store.awsCallsDone(runKey)
  if (resumed) emit({ type: 'resume', skipped: done.size })
  let pending: CallOutcome[] = []
  let callsDone = done.size
  let datapoints = 0
  // Workers finish calls concurrently and hand them here; the store's lock makes the commits one writer's, in the
  // order the batches were taken (DuckDbStore.exclusive), each with the checkpoints of exactly its calls.
  const flush = async () => {
    if (pending.length === 0) return
    const batch = pending
    pending = []
    const answered = batch.filter((b) => !b.failed)
    if (answered.length === 0) return
    await store.transaction(async () => {
      await startRun()
      const series = answered.flatMap((b) => b.points).filter((p) => p.ts.length > 0)
      if (series.length) await store.appendSeries(series, 'aws', `GetMetricData ${runKey}`, { provider: 'aws', kind: 'ec2-instance' })
      await store.markAwsCallsDone(
        runKey,
        answered.map((b) => b.key),
      )
    })
  }
  const failures: { region: string; error: string; foreign: boolean }[] = []
  for (const r of perRegion) {
    const s = await fetchRegion(r.clients.cloudwatch, r.region, r.plan, r.series, {
      ...DEFAULT_FETCH,
      rate: o.rate,
      concurrency: o.concurrency,
      done,
      onCall: async (c) => {
        if (c.failed) failures.push({ region: r.region, ...c.failed })
        pending.push(c)
        issues.push(...c.issues)
        callsDone++
        datapoints += c.datapoints
        emit({ type: 'calls', done: callsDone, total: plan.calls, datapoints })
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
  // Mostly failed is failed: a run that fetched under half of its calls must not pass for a collection.
  const attempted = plan.calls - stats.skipped
  if (attempted > 0 && failures.length / attempted > MAX_FAILED_SHARE) {
    const first = failures[0]!
    const outcome =
      failures.length < attempted
        ? 'the calls that answered are stored, and a rerun with the same options fetches only the rest'
        : resumed
          ? 'nothing new was stored'
          : 'nothing was stored'
    throw new ToolError(
      'SOURCE_UNAVAILABLE',
      `GetMetricData failed in ${failures.length} of ${attempted} calls (${first.region}: ${first.error}); ${outcome}`,
      {
        hint: first.foreign
          ? FOREIGN_ANSWER_HINT
          : 'Check AWS_ENDPOINT_URL (if set), the network and the CloudWatch service health, then run the same command again.',
      },
    )
  }
  if (o.computeOptimizer)
    for (const r of perRegion) {
      try {
        const { recs, calls } = await fetchComputeOptimizer(apis.computeOptimizer(r.region), r.region)
        await store.transaction(() => store.upsertCoRecommendations(recs, now()))
        emit({ type: 'compute-optimizer', region: r.region, recommendations: recs.length, calls })
      } catch (err) {
        const name = (err as Error).name
        const msg = /OptInRequired/.test(name)
          ? `${r.region}: Compute Optimizer is not enabled for this account (opt in on the Compute Optimizer console); headroom's own analysis is unaffected`
          : authProblem(err)
            ? `${r.region}: Compute Optimizer: ${authProblem(err)!} (allow compute-optimizer:GetEC2InstanceRecommendations, GetEBSVolumeRecommendations, GetLambdaFunctionRecommendations; docs/iam-policy.json)`
            : `${r.region}: Compute Optimizer recommendations could not be read: ${describeAwsError(err)}`
        issues.push({ code: 'AWS_COMPUTE_OPTIMIZER', severity: 'warning', message: msg })
      }
    }
  await store.transaction(async () => {
    await startRun() // a run with no calls to make (nothing has metrics) still records what it discovered
    await store.finishAwsRun(runKey, now())
    await store.replaceSourceIssues('aws', issues, now())
  })
  return { plan, dryRun: false, regionsRead: perRegion.length, resources, datapoints, stats, issues }
}
