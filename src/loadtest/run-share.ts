import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { Client, Pool, type Dispatcher } from 'undici'
import { applyCaptures } from './capture.js'
import { encode, free, newHistogram, type Histogram } from './histogram.js'
import { arrivals, type Phase } from './phases.js'
import type { Plan, Scenario, Step } from './script.js'
import { render, renderText, type RenderContext } from './template.js'

/**
 * One worker's share of a load test: its own undici pools, arrival schedule (every n-th arrival) or closed loops, and
 * HDR histograms. Runs in a worker thread (./worker.ts) or, with one worker, in the main thread. Everything it returns
 * is plain data; histograms travel encoded so the main thread merges them exactly.
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

/** mulberry32: a small seeded PRNG so scenario picks and random variables are reproducible per worker. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** undici and socket errors by the codes users know (ECONNRESET, ETIMEDOUT, ...). */
function errorCode(err: unknown): string {
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

interface Sent {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  sentAt: number
  endAt: number
}

export async function runShare(cfg: ShareConfig, onProgress: (p: Progress) => void, stop: { requested: boolean }): Promise<ShareResult> {
  const corrected = newHistogram()
  const uncorrected = newHistogram()
  const lag = newHistogram()
  let interval = newHistogram()
  const endpoints = new Map<string, { requests: number; codes: Record<string, number>; errors: Record<string, number>; h: Histogram }>()
  const counters: Record<string, number> = {}
  const inc = (k: string, n = 1) => (counters[k] = (counters[k] ?? 0) + n)
  let requests = 0
  let responses = 0
  let errors = 0
  let inFlight = 0
  let firstLaunch: number | null = null
  let lastLaunch: number | null = null
  let lastEnd: number | null = null
  let arrivalsDue = 0
  const missing = new Set<string>()
  const random = prng(cfg.seed + cfg.workerIndex * 7919)
  // Local clock: every worker maps the shared start epoch onto its own performance.now().
  const t0 = performance.now() + (cfg.startEpochMs - Date.now())
  const epochOf = (perf: number) => cfg.startEpochMs + (perf - t0)
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
  const endpoint = (name: string) => {
    let e = endpoints.get(name)
    if (!e) {
      e = { requests: 0, codes: {}, errors: {}, h: newHistogram() }
      endpoints.set(name, e)
    }
    return e
  }
  const us = (ms: number) => Math.max(0, Math.round(ms * 1000))

  const codes = new Map<number, number>()
  const errorCounts = new Map<string, number>()
  let bytes = 0
  const openModel = !(cfg.quick && cfg.quick.rate === undefined)
  const withInterval = cfg.progress !== false

  /**
   * One request and its response, as an undici dispatch handler. A class (methods on the prototype, no closures per
   * request) and reusable: the closed loops keep one per loop, which keeps the hot path allocation-light.
   */
  class Exchange {
    status = 0
    headers: Record<string, string | string[] | undefined> = {}
    chunks: Buffer[] = []
    sentAt = 0
    intended = 0
    opts: { path: string; method: string; headers: Record<string, string>; body: string | null } = { path: '/', method: 'GET', headers: {}, body: null }
    origin = ''
    /** A fixed connection (closed model); otherwise the origin's pool. */
    dispatcher: Dispatcher | null = null
    wantBody = false
    ep: string | null = null
    done: (err: unknown, x: Exchange) => void = () => undefined
    start(intended: number): void {
      requests++
      inFlight++
      this.status = 0
      this.intended = intended
      this.sentAt = performance.now()
      if (this.wantBody) this.chunks = []
      try {
        ;(this.dispatcher ?? poolFor(this.origin)).dispatch(this.opts, this)
      } catch (err) {
        this.finish(err)
      }
    }
    onRequestStart(): void {
      this.sentAt = performance.now()
    }
    onResponseStart(_c: unknown, statusCode: number, h: Record<string, string | string[]>): void {
      this.status = statusCode
      this.headers = h
    }
    onResponseData(_c: unknown, chunk: Buffer): void {
      bytes += chunk.length
      if (this.wantBody) this.chunks.push(chunk)
    }
    onResponseEnd(): void {
      this.finish(null)
    }
    onResponseError(_c: unknown, err: Error): void {
      this.finish(err)
    }
    body(): string {
      return Buffer.concat(this.chunks).toString('utf8')
    }
    finish(err: unknown): void {
      const endAt = performance.now()
      inFlight--
      lastEnd = endAt
      const e = this.ep === null ? null : endpoint(this.ep)
      if (e) e.requests++
      if (err) {
        errors++
        const code = errorCode(err)
        errorCounts.set(code, (errorCounts.get(code) ?? 0) + 1)
        if (e) e.errors[code] = (e.errors[code] ?? 0) + 1
        // Never dispatch again from inside undici's error path: a connect error fails every queued request in a loop
        // that asserts the queue stays empty (found by the unreachable-target test). Errors are rare; defer.
        setImmediate(() => this.done(err, this))
        return
      }
      responses++
      codes.set(this.status, (codes.get(this.status) ?? 0) + 1)
      const total = us(endAt - this.intended)
      corrected.recordValue(total)
      if (withInterval) interval.recordValue(total)
      if (openModel) uncorrected.recordValue(us(endAt - this.sentAt))
      if (e) {
        e.codes[this.status] = (e.codes[this.status] ?? 0) + 1
        e.h.recordValue(total)
      }
      this.done(null, this)
    }
  }

  /** Sends one request; `intended` is the perf time it should have started (latency is measured from it). */
  function send(
    origin: string,
    path: string,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    wantBody: boolean,
    ep: string | null,
    intended: number,
    done: (err: unknown, res?: Sent) => void,
  ): void {
    const x = new Exchange()
    x.origin = origin
    x.opts = { path, method, headers, body: body ?? null }
    x.wantBody = wantBody
    x.ep = ep
    x.done = (err, ex) =>
      err ? done(err) : done(null, { status: ex.status, headers: ex.headers, body: wantBody ? ex.body() : '', sentAt: ex.sentAt, endAt: performance.now() })
    x.start(intended)
  }

  const progressTimer = setInterval(() => {
    onProgress({ worker: cfg.workerIndex, requests, responses, errors, inFlight, interval: interval.totalCount > 0 ? encode(interval) : '' })
    free(interval)
    interval = newHistogram()
  }, 1000)

  let interrupted = false
  try {
    if (cfg.quick && cfg.quick.rate === undefined) await closedLoops(cfg.quick)
    else {
      const u = new URL(cfg.quick?.url ?? cfg.plan!.target)
      const m = cfg.quick && (cfg.quick.method === 'GET' || cfg.quick.method === 'HEAD') ? cfg.quick.method : 'HEAD'
      await warm(
        Array<Dispatcher>(cfg.connections).fill(poolFor(u.origin)),
        cfg.quick ? `${u.pathname}${u.search}` : '/',
        m,
        cfg.quick?.headers ?? {},
        !!cfg.quick && m === cfg.quick.method,
      )
      await openSchedule()
    }
  } finally {
    clearInterval(progressTimer)
    eld.disable()
    await Promise.all([...pools.values(), ...ownClients].map((p) => p.destroy().catch(() => undefined)))
  }

  counters['http.requests'] = (counters['http.requests'] ?? 0) + requests
  if (responses > 0) counters['http.responses'] = responses
  if (bytes > 0) counters['http.downloaded_bytes'] = bytes
  for (const [c, n] of codes) counters[`http.codes.${c}`] = n
  for (const [c, n] of errorCounts) counters[`errors.${c}`] = (counters[`errors.${c}`] ?? 0) + n
  const result: ShareResult = {
    counters,
    histograms: { corrected: encode(corrected), uncorrected: encode(openModel ? uncorrected : corrected), lag: encode(lag) },
    endpoints: Object.fromEntries(
      [...endpoints.entries()].map(([k, e]) => [k, { requests: e.requests, codes: e.codes, errors: e.errors, histogram: encode(e.h) }]),
    ),
    firstLaunch: firstLaunch === null ? null : epochOf(firstLaunch),
    lastLaunch: lastLaunch === null ? null : epochOf(lastLaunch),
    lastEnd: lastEnd === null ? null : epochOf(lastEnd),
    arrivalsDue,
    eventLoopDelayP99Ms: Math.max(0, eld.percentile(99) / 1e6 - ELD_RESOLUTION_MS),
    eventLoopDelayMaxMs: Math.max(0, eld.max / 1e6 - ELD_RESOLUTION_MS),
    missingVariables: [...missing],
    interrupted,
  }
  for (const h of [corrected, uncorrected, lag, interval, ...[...endpoints.values()].map((e) => e.h)]) free(h)
  return result

  /**
   * Before the schedule starts, opens the connections with uncounted requests (the quick-mode GET, else HEAD), so the
   * first moments do not measure a cold client. `repeat` keeps each connection busy until the start (quick mode): at
   * 20,000/s on this machine, a cold start put ~3% of requests 20-80 ms late in the first 200 ms alone (JIT and
   * connection setup; docs/benchmarks.md). Bounded by the start time; anything unconnected connects during the run.
   */
  async function warm(dispatchers: readonly Dispatcher[], path: string, method: string, headers: Record<string, string>, repeat: boolean): Promise<void> {
    const deadline = t0 - 5
    const one = (d: Dispatcher) =>
      new Promise<void>((resolve) => {
        const again = () => (repeat && performance.now() < deadline ? go() : resolve())
        const go = () => {
          try {
            d.dispatch(
              { path, method, headers },
              { onRequestStart() {}, onResponseStart() {}, onResponseData() {}, onResponseEnd: again, onResponseError: () => resolve() },
            )
          } catch {
            resolve()
          }
        }
        go()
      })
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.all(dispatchers.map(one)), new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, deadline - performance.now()))))])
    clearTimeout(timer)
  }

  /** Closed model (autocannon-like): each of connections x pipelining loops sends its next request when one ends. */
  function closedLoops(q: QuickSpec): Promise<void> {
    const u = new URL(q.url)
    const path = `${u.pathname}${u.search}`
    const headers = { ...q.headers }
    const loops = cfg.connections * Math.max(1, q.pipelining)
    const endAt = t0 + q.durationMs
    let budget = q.amount === undefined ? Infinity : Math.floor(q.amount / cfg.workerCount) + (cfg.workerIndex < q.amount % cfg.workerCount ? 1 : 0)
    return new Promise((resolve) => {
      let running = loops
      const next = (_err: unknown, x: Exchange) => {
        const now = performance.now()
        if (stop.requested || budget <= 0 || now >= endAt) {
          if (stop.requested) interrupted = true
          if (--running === 0) resolve()
          return
        }
        budget--
        if (firstLaunch === null) firstLaunch = now
        lastLaunch = now
        arrivalsDue++
        x.start(now)
      }
      // One undici Client per connection, each loop bound to one: a Pool would search for a free client on every
      // request, which measured about 10% slower here (docs/benchmarks.md).
      const clients = Array.from({ length: cfg.connections }, () => new Client(u.origin, clientOptions(q.pipelining)))
      ownClients.push(...clients)
      void warm(clients, path, q.method === 'GET' || q.method === 'HEAD' ? q.method : 'HEAD', headers, false).then(() =>
        setTimeout(
          () => {
            for (let i = 0; i < loops; i++) {
              const x = new Exchange()
              x.origin = u.origin
              x.dispatcher = clients[i % clients.length]!
              x.opts = { path, method: q.method, headers, body: q.body ?? null }
              x.done = next
              next(null, x)
            }
          },
          Math.max(0, t0 - performance.now()),
        ),
      )
    })
  }

  /** Open model: arrivals fire on their schedule whatever the responses do; nothing busy-polls. */
  function openSchedule(): Promise<void> {
    const phases: Phase[] = cfg.quick ? [{ kind: 'rate', durationMs: cfg.quick.durationMs, arrivalRate: cfg.quick.rate! }] : cfg.plan!.phases
    const gen = arrivals(phases, { index: cfg.workerIndex, of: cfg.workerCount })
    let next = gen.next()
    let activeVus = 0
    const quickUrl = cfg.quick ? new URL(cfg.quick.url) : undefined
    const maxVusersShare = (p: Phase) => ('maxVusers' in p && p.maxVusers !== undefined ? Math.max(1, Math.floor(p.maxVusers / cfg.workerCount)) : Infinity)
    return new Promise((resolve) => {
      let scheduleDone = false
      const maybeDone = () => {
        if (scheduleDone && activeVus === 0) resolve()
      }
      const launch = (intended: number, phase: Phase) => {
        arrivalsDue++
        const now = performance.now()
        lag.recordValue(us(now - intended))
        if (activeVus >= cfg.maxInFlight || activeVus >= maxVusersShare(phase)) {
          inc('vusers.skipped')
          return
        }
        if (firstLaunch === null) firstLaunch = now
        lastLaunch = now
        inc('vusers.created')
        activeVus++
        const end = (failed: boolean) => {
          activeVus--
          inc(failed ? 'vusers.failed' : 'vusers.completed')
          maybeDone()
        }
        if (quickUrl) {
          const q = cfg.quick!
          send(quickUrl.origin, `${quickUrl.pathname}${quickUrl.search}`, q.method, q.headers, q.body, false, null, intended, (err) => end(!!err))
        } else {
          const sc = pickScenario(cfg.plan!.scenarios)
          inc(`vusers.created_by_name.${sc.name}`)
          runVu(sc, intended).then(end, () => end(true))
        }
      }
      const tick = () => {
        if (stop.requested) {
          interrupted = true
          scheduleDone = true
          maybeDone()
          return
        }
        const now = performance.now()
        while (!next.done && t0 + next.value.at <= now) {
          launch(t0 + next.value.at, phases[next.value.phase]!)
          next = gen.next()
        }
        if (next.done) {
          scheduleDone = true
          maybeDone()
          return
        }
        const wait = t0 + next.value.at - performance.now()
        if (wait > 2) setTimeout(tick, wait - 1)
        else setImmediate(tick)
      }
      tick()
    })
  }

  function pickScenario(list: readonly Scenario[]): Scenario {
    if (list.length === 1) return list[0]!
    const total = list.reduce((s, x) => s + Math.max(0, x.weight), 0)
    let r = random() * total
    for (const s of list) if ((r -= Math.max(0, s.weight)) < 0) return s
    return list[list.length - 1]!
  }

  /** One virtual user: a fresh context, then the flow in order. Resolves false when it completed, true when it failed. */
  async function runVu(sc: Scenario, intended: number): Promise<boolean> {
    const plan = cfg.plan!
    const vars: Record<string, unknown> = { target: plan.target, $environment: plan.environment }
    for (const [k, v] of Object.entries(plan.variables)) vars[k] = Array.isArray(v) ? v[Math.floor(random() * v.length)] : v
    for (const p of plan.payloads) {
      const row = p.order === 'sequence' ? p.rows[(counters['vusers.created'] ?? 1) % p.rows.length]! : p.rows[Math.floor(random() * p.rows.length)]!
      p.fields.forEach((f, i) => (vars[f] = p.cast && row[i] !== undefined && /^-?\d+(\.\d+)?$/.test(row[i]) ? Number(row[i]) : row[i]))
    }
    const ctx: RenderContext = { vars, env: cfg.env, missing, random }
    const state = { first: true, intended }
    const failed = await runSteps(sc.flow, ctx, state)
    return failed
  }

  async function runSteps(steps: readonly Step[], ctx: RenderContext, state: { first: boolean; intended: number }): Promise<boolean> {
    for (const step of steps) {
      if (stop.requested) return false
      if (step.kind === 'think') {
        const jitter = cfg.plan!.thinkJitter
        const s = step.seconds * (1 + (jitter ? (random() * 2 - 1) * (jitter > 1 ? jitter / 100 : jitter) : 0))
        await new Promise((r) => setTimeout(r, s * 1000))
        continue
      }
      if (step.kind === 'log') continue
      if (step.kind === 'loop') {
        const over =
          step.over === undefined
            ? undefined
            : typeof step.over === 'string'
              ? render(step.over.includes('{{') ? step.over : `{{ ${step.over} }}`, ctx)
              : step.over
        const items = Array.isArray(over) ? over : undefined
        const n = items ? items.length : (step.count ?? 1)
        for (let i = 0; i < n; i++) {
          ctx.vars.$loopCount = i + 1
          ctx.vars.$loopElement = items?.[i]
          if (await runSteps(step.steps, ctx, state)) return true
        }
        continue
      }
      const plan = cfg.plan!
      const rawUrl = renderText(step.url, ctx)
      let url: URL
      try {
        url = /^https?:\/\//.test(rawUrl) ? new URL(rawUrl) : new URL(plan.target + (rawUrl.startsWith('/') ? rawUrl : `/${rawUrl}`))
      } catch {
        inc('errors.EINVALIDURL')
        return true
      }
      if (step.qs) for (const [k, v] of Object.entries(render(step.qs, ctx) as Record<string, unknown>)) url.searchParams.append(k, String(v))
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(plan.defaultHeaders)) headers[k.toLowerCase()] = renderText(v, ctx)
      if (step.headers) for (const [k, v] of Object.entries(step.headers)) headers[k.toLowerCase()] = typeof v === 'string' ? renderText(v, ctx) : String(v)
      let body: string | undefined
      if (step.json !== undefined) {
        body = JSON.stringify(render(step.json, ctx))
        headers['content-type'] ??= 'application/json'
      } else if (step.form) {
        body = new URLSearchParams(
          Object.entries(render(step.form, ctx) as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v as string)]),
        ).toString()
        headers['content-type'] ??= 'application/x-www-form-urlencoded'
      } else if (step.body !== undefined) body = typeof step.body === 'string' ? renderText(step.body, ctx) : JSON.stringify(render(step.body, ctx))
      const start = state.first ? state.intended : performance.now()
      state.first = false
      const mbe = plan.metricsByEndpoint
      const epName = step.name ?? (mbe.useOnlyRequestNames ? null : `${step.method} ${mbe.stripQueryString ? step.url.split('?')[0]! : step.url}`)
      const res = await new Promise<Sent | null>((resolve) =>
        send(url.origin, `${url.pathname}${url.search}`, step.method, headers, body, step.capture.length > 0, mbe.enabled ? epName : null, start, (err, r) =>
          resolve(err ? null : r!),
        ),
      )
      if (!res) return true
      if (step.capture.length > 0) {
        const c = applyCaptures(step.capture, { headers: res.headers, body: res.body })
        Object.assign(ctx.vars, c.values)
        if (c.failed) {
          inc('errors.Failed capture or match')
          return true
        }
      }
    }
    return false
  }
}
