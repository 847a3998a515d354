import { createHash } from 'node:crypto'
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataResult } from '@aws-sdk/client-cloudwatch'
import type { Issue } from '../../core/report.js'
import type { CollectedSeries } from '../../store/types.js'
import type { Call, Plan, SeriesSpec } from './plan.js'
import { RetriesExhausted, runPool, sleepMs, withRetry, type RetryPolicy } from '../retry.js'
import { describeAwsError, isForeignAnswer } from './errors.js'

/** One collected series' points (canonical units: per-period totals already divided by the period). */
type Points = CollectedSeries

export interface CallOutcome {
  key: string
  points: Points[]
  datapoints: number
  issues: Issue[]
  /** The call still failed after its retries (its series are in `issues`); it is not checkpointed, so a rerun retries it. */
  /** Why the call failed (describeAwsError), and whether what answered was not an AWS API at all. */
  failed?: { error: string; foreign: boolean }
}

export interface FetchOptions {
  /** Calls per second, all regions together (a token bucket). */
  rate: number
  concurrency: number
  maxRetries: number
  /** Backoff base and cap, ms (full jitter). */
  baseDelayMs: number
  maxDelayMs: number
  /** Calls already stored by an interrupted run: skipped. */
  done: ReadonlySet<string>
  onCall: (o: CallOutcome) => Promise<void>
  random?: () => number
  sleep?: (ms: number) => Promise<void>
}

export const DEFAULT_FETCH: Omit<FetchOptions, 'done' | 'onCall'> = { rate: 40, concurrency: 8, maxRetries: 6, baseDelayMs: 200, maxDelayMs: 10_000 }

const seriesKey = (s: SeriesSpec) => `${s.resourceId}|${s.namespace}|${s.metricName}|${s.stat}|${s.dimensions.map((d) => `${d.Name}=${d.Value}`).join(',')}`
/** A call's identity for resume: its window and the series in it (stable when discovery order changes). */
function callKey(region: string, call: Call, series: readonly SeriesSpec[]): string {
  const h = createHash('sha256')
  h.update(`${region}|${call.start}|${call.end}|${call.periodSec}`)
  for (const i of call.series) h.update(`|${seriesKey(series[i]!)}`)
  return h.digest('hex').slice(0, 32)
}

/** Throttling, 5xx, timeouts and dropped connections are retried; everything else is not. */
function retryable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown }
  const status = e.$metadata?.httpStatusCode
  if (status === 429 || (status !== undefined && status >= 500)) return true
  const n = e.name ?? e.code ?? ''
  return (
    /Throttl|TooManyRequests|RequestLimitExceeded|RequestTimeout|TimeoutError|ServiceUnavailable|InternalServ|InternalFailure|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up/i.test(
      n,
    ) || /ECONNRESET|socket hang up|ETIMEDOUT/.test(String((err as Error).message ?? ''))
  )
}

/** Credential and permission errors end the run with one clear message; they are not retried. */
export function authProblem(err: unknown): string | undefined {
  const e = err as { name?: string; Code?: string; message?: string }
  const n = e.name ?? e.Code ?? ''
  if (/CredentialsProviderError|CredentialsError/.test(n)) return 'no AWS credentials found'
  if (/ExpiredToken|RequestExpired/.test(n)) return 'the AWS credentials have expired'
  if (/InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch|InvalidSignature|AuthFailure/.test(n)) return 'the AWS credentials are not valid'
  if (/AccessDenied|UnauthorizedOperation|UnauthorizedException/.test(n)) return 'access denied'
  return undefined
}

class TokenBucket {
  private tokens: number
  private last = performance.now()
  constructor(
    private readonly rate: number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.tokens = Math.min(rate, 1)
  }
  async take(): Promise<void> {
    for (;;) {
      const now = performance.now()
      this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate)
      this.last = now
      if (this.tokens >= 1) {
        this.tokens -= 1
        return
      }
      await this.sleep(((1 - this.tokens) / this.rate) * 1000)
    }
  }
}

/**
 * Runs a region's planned calls: rate-limited, `concurrency` at a time, each retried with exponential backoff and
 * full jitter on throttling, 5xx, timeouts and resets. NextToken pages (PartialData) are followed; per-query
 * InternalError or Forbidden results, and calls still failing after the retries, become issues and the run goes on.
 * Each finished call is handed to `onCall` (which stores it with its resume checkpoint) before the next is counted.
 */
export async function fetchRegion(
  cw: CloudWatchClient,
  region: string,
  plan: Plan,
  series: readonly SeriesSpec[],
  o: FetchOptions,
  bucket = new TokenBucket(o.rate, o.sleep ?? sleepMs),
): Promise<{ calls: number; retries: number; skipped: number; failed: number }> {
  const stats = { calls: 0, retries: 0, skipped: 0, failed: 0 }
  const queue = plan.calls
    .map((c) => ({ call: c, key: callKey(region, c, series) }))
    .filter((x) => {
      if (o.done.has(x.key)) {
        stats.skipped++
        return false
      }
      return true
    })
  const policy: RetryPolicy = {
    maxRetries: o.maxRetries,
    baseDelayMs: o.baseDelayMs,
    maxDelayMs: o.maxDelayMs,
    // Credential and permission errors end the run (runPool rethrows them); they are never retried.
    retryable: (err) => !authProblem(err) && retryable(err),
    onRetry: () => void stats.retries++,
    ...(o.random ? { random: o.random } : {}),
    ...(o.sleep ? { sleep: o.sleep } : {}),
  }
  const runCall = async ({ call, key }: (typeof queue)[number]) => {
    const got = new Map<number, { ts: number[]; values: number[] }>()
    const issues: Issue[] = []
    let token: string | undefined
    let page = 0
    let datapoints = 0
    let failed: CallOutcome['failed']
    for (;;) {
      let res
      try {
        res = await withRetry(async () => {
          await bucket.take()
          stats.calls++
          return cw.send(
            new GetMetricDataCommand({
              StartTime: new Date(call.start),
              EndTime: new Date(call.end),
              ScanBy: 'TimestampAscending',
              ...(token ? { NextToken: token } : {}),
              MetricDataQueries: call.series.map((i) => {
                const s = series[i]!
                return {
                  Id: `q${i}`,
                  ReturnData: true,
                  MetricStat: { Metric: { Namespace: s.namespace, MetricName: s.metricName, Dimensions: s.dimensions }, Period: call.periodSec, Stat: s.stat },
                }
              }),
            }),
          )
        }, policy)
      } catch (e) {
        if (authProblem(e)) throw e
        // Not retryable, or still failing after the retries: the call's series become issues and the run goes on.
        const err = (e instanceof RetriesExhausted ? e.last : e) as Error
        const attempts = e instanceof RetriesExhausted ? e.attempts : 1
        stats.failed++
        failed = { error: describeAwsError(err), foreign: isForeignAnswer(err) }
        for (const i of call.series)
          issues.push({
            code: 'AWS_SERIES_FAILED',
            severity: 'warning',
            resourceId: series[i]!.resourceId,
            message: `${region} ${series[i]!.namespace} ${series[i]!.metricName} (${series[i]!.stat}) for ${series[i]!.resourceId}: failed after ${attempts} attempt(s): ${failed.error}`,
          })
        break
      }
      for (const r of res.MetricDataResults ?? []) collectResult(r, got, issues, series, region)
      for (const m of res.Messages ?? [])
        issues.push({ code: 'AWS_CLOUDWATCH_MESSAGE', severity: 'info', message: `${region} GetMetricData: ${m.Code ?? ''} ${m.Value ?? ''}`.trim() })
      token = res.NextToken
      page++
      if (!token || page > 1000) break
    }
    const points: Points[] = []
    for (const [i, g] of got) {
      const s = series[i]!
      const order = g.ts.map((_, j) => j).sort((a, b) => g.ts[a]! - g.ts[b]!)
      datapoints += g.ts.length
      points.push({
        resourceId: s.resourceId,
        metric: s.metric,
        stat: s.ourStat,
        periodSec: call.periodSec,
        ts: Float64Array.from(order, (j) => g.ts[j]!),
        values: Float64Array.from(order, (j) => (s.perPeriod ? g.values[j]! / call.periodSec : g.values[j]!) * (s.scale ?? 1)),
      })
    }
    await o.onCall({ key, points, datapoints, issues, ...(failed ? { failed } : {}) })
  }
  await runPool(
    queue.map((x) => () => runCall(x)),
    o.concurrency,
  )
  return stats
}

function collectResult(
  r: MetricDataResult,
  got: Map<number, { ts: number[]; values: number[] }>,
  issues: Issue[],
  series: readonly SeriesSpec[],
  region: string,
): void {
  const i = Number((r.Id ?? '').slice(1))
  const s = series[i]
  if (!s) return
  if (r.StatusCode === 'InternalError' || r.StatusCode === 'Forbidden') {
    issues.push({
      code: r.StatusCode === 'Forbidden' ? 'AWS_SERIES_FORBIDDEN' : 'AWS_SERIES_FAILED',
      severity: 'warning',
      resourceId: s.resourceId,
      message: `${region} ${s.namespace} ${s.metricName} for ${s.resourceId}: CloudWatch answered ${r.StatusCode}${r.StatusCode === 'Forbidden' ? ' (cloudwatch:GetMetricData is denied for this namespace: see docs/iam-policy.json)' : ''}`,
    })
    return
  }
  let g = got.get(i)
  if (!g) got.set(i, (g = { ts: [], values: [] }))
  const ts = r.Timestamps ?? []
  const vs = r.Values ?? []
  for (let j = 0; j < Math.min(ts.length, vs.length); j++) {
    g.ts.push(ts[j]!.getTime())
    g.values.push(vs[j]!)
  }
}
