import { encode, free, newHistogram, type Histogram } from './histogram.js'

/**
 * What one worker measured: counters, HDR histograms (corrected from the intended start, uncorrected from the send,
 * schedule lag, this second's interval) and per-endpoint stats. The exchange and the schedules write here; nothing
 * else keeps numbers. Fields, not closures, so the hot path (one `response()` per request) stays monomorphic.
 */
export class Recorder {
  readonly corrected = newHistogram()
  readonly uncorrected = newHistogram()
  readonly lag = newHistogram()
  private interval = newHistogram()
  readonly endpoints = new Map<string, { requests: number; codes: Record<string, number>; errors: Record<string, number>; h: Histogram }>()
  readonly counters: Record<string, number> = {}
  readonly codes = new Map<number, number>()
  readonly errorCounts = new Map<string, number>()
  readonly missing = new Set<string>()
  requests = 0
  responses = 0
  errors = 0
  inFlight = 0
  bytes = 0
  arrivalsDue = 0
  firstLaunch: number | null = null
  lastLaunch: number | null = null
  lastEnd: number | null = null
  /** perf time of the run's start in this thread: responses and errors are counted per second from it (the timeline). */
  origin = 0
  readonly perSecond = { responses: [] as number[], errors: [] as number[] }

  constructor(
    /** Open model: also record send-to-response (uncorrected) latency. */
    private readonly openModel: boolean,
    /** Keep this second's latencies for the progress line. */
    private readonly withInterval: boolean,
  ) {}

  inc(k: string, n = 1): void {
    this.counters[k] = (this.counters[k] ?? 0) + n
  }

  endpoint(name: string) {
    let e = this.endpoints.get(name)
    if (!e) {
      e = { requests: 0, codes: {}, errors: {}, h: newHistogram() }
      this.endpoints.set(name, e)
    }
    return e
  }

  /** An arrival or loop iteration started at perf time `now` (arrivals skipped by a cap are due, not launched). */
  launched(now: number): void {
    if (this.firstLaunch === null) this.firstLaunch = now
    this.lastLaunch = now
  }

  sent(): void {
    this.requests++
    this.inFlight++
  }

  /** A response ended at `endAt`: latency from the intended start (corrected) and from the send (uncorrected). */
  response(status: number, ep: string | null, intended: number, sentAt: number, endAt: number): void {
    this.inFlight--
    this.lastEnd = endAt
    this.responses++
    bump(this.perSecond.responses, (endAt - this.origin) / 1000)
    this.codes.set(status, (this.codes.get(status) ?? 0) + 1)
    const total = us(endAt - intended)
    this.corrected.recordValue(total)
    if (this.withInterval) this.interval.recordValue(total)
    if (this.openModel) this.uncorrected.recordValue(us(endAt - sentAt))
    if (ep !== null) {
      const e = this.endpoint(ep)
      e.requests++
      e.codes[status] = (e.codes[status] ?? 0) + 1
      e.h.recordValue(total)
    }
  }

  /** A request failed at `endAt` with `err` (counted by the code users know, errorCode). */
  error(err: unknown, ep: string | null, endAt: number): void {
    this.inFlight--
    this.lastEnd = endAt
    this.errors++
    bump(this.perSecond.errors, (endAt - this.origin) / 1000)
    const code = errorCode(err)
    this.errorCounts.set(code, (this.errorCounts.get(code) ?? 0) + 1)
    if (ep !== null) {
      const e = this.endpoint(ep)
      e.requests++
      e.errors[code] = (e.errors[code] ?? 0) + 1
    }
  }

  /** This second's latencies, encoded ('' when none), and a fresh interval for the next. */
  takeInterval(): string {
    const out = this.interval.totalCount > 0 ? encode(this.interval) : ''
    free(this.interval)
    this.interval = newHistogram()
    return out
  }

  /** The counters in Artillery's names, once the run is over. */
  finalCounters(): Record<string, number> {
    const c = this.counters
    c['http.requests'] = (c['http.requests'] ?? 0) + this.requests
    if (this.responses > 0) c['http.responses'] = this.responses
    if (this.bytes > 0) c['http.downloaded_bytes'] = this.bytes
    for (const [code, n] of this.codes) c[`http.codes.${code}`] = n
    for (const [code, n] of this.errorCounts) c[`errors.${code}`] = (c[`errors.${code}`] ?? 0) + n
    return c
  }

  /** Returns every histogram's memory (hdr-histogram-js's WASM heap is not garbage-collected). */
  free(): void {
    for (const h of [this.corrected, this.uncorrected, this.lag, this.interval, ...[...this.endpoints.values()].map((e) => e.h)]) free(h)
  }
}

/** Counts one event in second `sec` (fractional; before the start counts in second 0). */
function bump(a: number[], sec: number): void {
  const i = sec > 0 ? Math.floor(sec) : 0
  while (a.length <= i) a.push(0)
  a[i]!++
}

/** Milliseconds to whole microseconds, the histograms' unit; never negative. */
export const us = (ms: number): number => Math.max(0, Math.round(ms * 1000))

/** undici and socket errors by the codes users know (ECONNRESET, ETIMEDOUT, ...). */
export function errorCode(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string }; name?: string }
  switch (e.code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'ETIMEDOUT'
    case 'UND_ERR_SOCKET':
      return e.cause?.code ?? 'ECONNRESET'
    case undefined:
      return e.cause?.code ?? e.name ?? 'Error'
    default:
      return e.code.startsWith('UND_ERR_') && e.cause?.code ? e.cause.code : e.code
  }
}
