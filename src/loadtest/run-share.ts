import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { Client, Pool } from 'undici'
import { Exchange } from './exchange.js'
import { encode } from './histogram.js'
import type { Phase } from './phases.js'
import { Recorder } from './recorder.js'
import { closedLoops, openSchedule, warm, type ScheduleContext } from './schedules.js'
import type { Plan } from './script.js'
import { pickScenario, runVu, type BuiltRequest, type Response, type VuHost } from './vu.js'
import { prng } from '../core/prng.js'

/**
 * One worker's share of a load test: its own undici pools, arrival schedule (every n-th arrival) or closed loops, and
 * HDR histograms. Runs in a worker thread (./worker.ts) or, with one worker, in the main thread. Everything it returns
 * is plain data; histograms travel encoded so the main thread merges them exactly.
 *
 * The parts, as autocannon splits its own: recorder.ts keeps every number; exchange.ts is one request as an undici
 * handler (the hot path); schedules.ts holds the closed loops and the open-model arrival schedule; vu.ts interprets a
 * scenario's flow, with a pure request builder. This file wires them for one worker and assembles its result.
 */
export interface QuickSpec {
  url: string
  method: string
  headers: Record<string, string>
  body?: string
  /** Open model: requests per second (all workers together). Closed model when absent. */
  rate?: number
  durationMs: number
  /** Closed model: stop after this many requests (all workers together). */
  amount?: number
  pipelining: number
  /**
   * Open model: before the start, keep each connection busy with uncounted requests (default), or send one per
   * connection only (false). Keeping them busy floods the target for the ~300 ms before the start: a server with a
   * queue (a worker pool, a rate limit) then starts the run with a backlog: against a 400/s server, 1 s at 300/s
   * measured p90 56 ms with the busy warm-up, 3 ms with one request per connection.
   */
  warmRepeat?: boolean
}

export interface ShareConfig {
  plan?: Plan
  quick?: QuickSpec
  /** Closed model: connections of this worker (= concurrent request loops / pipelining). */
  connections: number
  timeoutMs: number
  maxInFlight: number
  workerIndex: number
  workerCount: number
  /** Epoch ms at which every worker starts its schedule. */
  startEpochMs: number
  env: Record<string, string | undefined>
  seed: number
  /** Keep a per-second latency histogram for the progress line (default true). */
  progress?: boolean
}

interface EndpointStats {
  requests: number
  codes: Record<string, number>
  errors: Record<string, number>
  histogram: string
}

export interface ShareResult {
  counters: Record<string, number>
  histograms: { corrected: string; uncorrected: string; lag: string }
  endpoints: Record<string, EndpointStats>
  /** Epoch ms of the first and last arrival launched, and of the last response. */
  firstLaunch: number | null
  lastLaunch: number | null
  lastEnd: number | null
  arrivalsDue: number
  eventLoopDelayP99Ms: number
  eventLoopDelayMaxMs: number
  missingVariables: string[]
  interrupted: boolean
  /** Responses and errors that ended in each second from the run's start. */
  perSecond: { responses: number[]; errors: number[] }
}

export interface Progress {
  worker: number
  requests: number
  responses: number
  errors: number
  inFlight: number
  /** This second's latencies (corrected), encoded; empty when none. */
  interval: string
}

/** The event-loop delay monitor samples every 10 ms and reports the whole interval; the excess is the delay. */
const ELD_RESOLUTION_MS = 10

export async function runShare(cfg: ShareConfig, onProgress: (p: Progress) => void, stop: { requested: boolean }): Promise<ShareResult> {
  const openModel = !(cfg.quick && cfg.quick.rate === undefined)
  const rec = new Recorder(openModel, cfg.progress !== false)
  const random = prng(cfg.seed + cfg.workerIndex * 7919)
  // Local clock: every worker maps the shared start epoch onto its own performance.now().
  const t0 = performance.now() + (cfg.startEpochMs - Date.now())
  const epochOf = (perf: number) => cfg.startEpochMs + (perf - t0)
  rec.origin = t0
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS })
  eld.enable()

  const clientOptions = (pipelining: number) => ({
    pipelining,
    headersTimeout: cfg.timeoutMs,
    bodyTimeout: cfg.timeoutMs,
    connect: { timeout: cfg.timeoutMs, rejectUnauthorized: cfg.plan?.rejectUnauthorized ?? true },
    keepAliveTimeout: 10_000,
  })
  const pools = new Map<string, Pool>()
  const ownClients: Client[] = []
  const poolFor = (origin: string) => {
    let p = pools.get(origin)
    if (!p) {
      p = new Pool(origin, { connections: cfg.connections, ...clientOptions(cfg.quick?.pipelining ?? 1) })
      pools.set(origin, p)
    }
    return p
  }
  const ctx: ScheduleContext = {
    rec,
    t0,
    stop,
    workerIndex: cfg.workerIndex,
    workerCount: cfg.workerCount,
    connections: cfg.connections,
    maxInFlight: cfg.maxInFlight,
    newClient: (origin, pipelining) => {
      const c = new Client(origin, clientOptions(pipelining))
      ownClients.push(c)
      return c
    },
  }

  /** Sends one built request through its origin's pool; resolves null when it failed. */
  const send = (r: BuiltRequest, intended: number): Promise<Response | null> =>
    new Promise((resolve) => {
      const x = new Exchange(rec, poolFor(r.origin))
      x.opts = { path: r.path, method: r.method, headers: r.headers, body: r.body ?? null }
      x.wantBody = r.wantBody
      x.ep = r.endpoint
      x.done = (err, ex) => resolve(err ? null : { status: ex.status, headers: ex.headers, body: r.wantBody ? ex.body() : '' })
      x.start(intended)
    })
  const vuHost: VuHost | undefined = cfg.plan && {
    plan: cfg.plan,
    env: cfg.env,
    random,
    missing: rec.missing,
    stop,
    created: () => rec.counters['vusers.created'] ?? 1,
    inc: (k) => rec.inc(k),
    send,
    now: () => performance.now(),
  }

  const progressTimer = setInterval(() => {
    onProgress({
      worker: cfg.workerIndex,
      requests: rec.requests,
      responses: rec.responses,
      errors: rec.errors,
      inFlight: rec.inFlight,
      interval: rec.takeInterval(),
    })
  }, 1000)

  let interrupted = false
  try {
    if (cfg.quick && cfg.quick.rate === undefined) interrupted = await closedLoops(ctx, cfg.quick)
    else {
      const u = new URL(cfg.quick?.url ?? cfg.plan!.target)
      const m = cfg.quick && (cfg.quick.method === 'GET' || cfg.quick.method === 'HEAD') ? cfg.quick.method : 'HEAD'
      await warm(
        t0,
        Array<Pool>(cfg.connections).fill(poolFor(u.origin)),
        cfg.quick ? `${u.pathname}${u.search}` : '/',
        m,
        cfg.quick?.headers ?? {},
        !!cfg.quick && m === cfg.quick.method && cfg.quick.warmRepeat !== false,
      )
      const phases: Phase[] = cfg.quick ? [{ kind: 'rate', durationMs: cfg.quick.durationMs, arrivalRate: cfg.quick.rate! }] : cfg.plan!.phases
      const q = cfg.quick
      const quickPath = `${u.pathname}${u.search}`
      interrupted = await openSchedule(ctx, phases, (intended, end) => {
        if (q) {
          // Quick open model: one request per arrival, no promise (the hot path stays allocation-light).
          const x = new Exchange(rec, poolFor(u.origin))
          x.opts = { path: quickPath, method: q.method, headers: q.headers, body: q.body ?? null }
          x.done = (err) => end(!!err)
          x.start(intended)
        } else {
          const sc = pickScenario(cfg.plan!.scenarios, random)
          rec.inc(`vusers.created_by_name.${sc.name}`)
          runVu(vuHost!, sc, intended).then(end, () => end(true))
        }
      })
    }
  } finally {
    clearInterval(progressTimer)
    eld.disable()
    await Promise.all([...pools.values(), ...ownClients].map((p) => p.destroy().catch(() => undefined)))
  }

  const result: ShareResult = {
    perSecond: rec.perSecond,
    counters: rec.finalCounters(),
    histograms: { corrected: encode(rec.corrected), uncorrected: encode(openModel ? rec.uncorrected : rec.corrected), lag: encode(rec.lag) },
    endpoints: Object.fromEntries(
      [...rec.endpoints.entries()].map(([k, e]) => [k, { requests: e.requests, codes: e.codes, errors: e.errors, histogram: encode(e.h) }]),
    ),
    firstLaunch: rec.firstLaunch === null ? null : epochOf(rec.firstLaunch),
    lastLaunch: rec.lastLaunch === null ? null : epochOf(rec.lastLaunch),
    lastEnd: rec.lastEnd === null ? null : epochOf(rec.lastEnd),
    arrivalsDue: rec.arrivalsDue,
    eventLoopDelayP99Ms: Math.max(0, eld.percentile(99) / 1e6 - ELD_RESOLUTION_MS),
    eventLoopDelayMaxMs: Math.max(0, eld.max / 1e6 - ELD_RESOLUTION_MS),
    missingVariables: [...rec.missing],
    interrupted,
  }
  rec.free()
  return result
}
