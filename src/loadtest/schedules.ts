import { performance } from 'node:perf_hooks'
import type { Client, Dispatcher } from 'undici'
import { Exchange } from './exchange.js'
import { arrivals, type Phase } from './phases.js'
import { us, type Recorder } from './recorder.js'

/** What a schedule needs from its worker: the recorder, the shared start, the stop flag, its share, connections. */
export interface ScheduleContext {
  rec: Recorder
  /** perf time of the shared start: every worker maps the same epoch onto its own clock. */
  t0: number
  stop: { requested: boolean }
  workerIndex: number
  workerCount: number
  /** Closed model: this worker's connections. */
  connections: number
  /** Cap on virtual users in flight in this worker. */
  maxInFlight: number
  /** A dedicated connection (closed model); the worker closes it at the end. */
  newClient: (origin: string, pipelining: number) => Client
}

/**
 * Before the schedule starts, opens the connections with uncounted requests (the quick-mode GET, else HEAD), so the
 * first moments do not measure a cold client. `repeat` keeps each connection busy until the start (quick mode): at
 * 20,000/s on this machine, a cold start put ~3% of requests 20-80 ms late in the first 200 ms alone (JIT and
 * connection setup; docs/benchmarks.md). Bounded by the start time; anything unconnected connects during the run.
 */
export async function warm(
  t0: number,
  dispatchers: readonly Dispatcher[],
  path: string,
  method: string,
  headers: Record<string, string>,
  repeat: boolean,
): Promise<void> {
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

/** A closed-model request: one URL, sent again as soon as its response ends. */
export interface ClosedSpec {
  url: string
  method: string
  headers: Record<string, string>
  body?: string
  durationMs: number
  /** Stop after this many requests (all workers together). */
  amount?: number
  pipelining: number
}

/**
 * Closed model (autocannon-like): each of connections x pipelining loops sends its next request when one ends, until
 * the duration or this worker's share of the amount is spent. Resolves true when stopped early (Ctrl-C).
 */
export function closedLoops(ctx: ScheduleContext, q: ClosedSpec): Promise<boolean> {
  const { rec, stop } = ctx
  const u = new URL(q.url)
  const path = `${u.pathname}${u.search}`
  const headers = { ...q.headers }
  const loops = ctx.connections * Math.max(1, q.pipelining)
  const endAt = ctx.t0 + q.durationMs
  let budget = q.amount === undefined ? Infinity : Math.floor(q.amount / ctx.workerCount) + (ctx.workerIndex < q.amount % ctx.workerCount ? 1 : 0)
  let interrupted = false
  return new Promise((resolve) => {
    let running = loops
    const next = (_err: unknown, x: Exchange) => {
      const now = performance.now()
      if (stop.requested || budget <= 0 || now >= endAt) {
        if (stop.requested) interrupted = true
        if (--running === 0) resolve(interrupted)
        return
      }
      budget--
      rec.arrivalsDue++
      rec.launched(now)
      x.start(now)
    }
    // One undici Client per connection, each loop bound to one: a Pool would search for a free client on every
    // request, which measured about 10% slower here (docs/benchmarks.md).
    const clients = Array.from({ length: ctx.connections }, () => ctx.newClient(u.origin, q.pipelining))
    void warm(ctx.t0, clients, path, q.method === 'GET' || q.method === 'HEAD' ? q.method : 'HEAD', headers, false).then(() =>
      setTimeout(
        () => {
          for (let i = 0; i < loops; i++) {
            const x = new Exchange(rec, clients[i % clients.length]!)
            x.opts = { path, method: q.method, headers, body: q.body ?? null }
            x.done = next
            next(null, x)
          }
        },
        Math.max(0, ctx.t0 - performance.now()),
      ),
    )
  })
}

/**
 * Open model: arrivals fire on their schedule whatever the responses do; nothing busy-polls. Each arrival that is
 * not over a cap calls `start` with its intended time and a callback for when it ends. Schedule lag (how late each
 * arrival fired) is recorded. Resolves true when stopped early (Ctrl-C), after the started ones end.
 */
export function openSchedule(
  ctx: ScheduleContext,
  phases: readonly Phase[],
  start: (intended: number, end: (failed: boolean) => void) => void,
): Promise<boolean> {
  const { rec, stop, t0 } = ctx
  const gen = arrivals(phases, { index: ctx.workerIndex, of: ctx.workerCount })
  let next = gen.next()
  let activeVus = 0
  let interrupted = false
  const maxVusersShare = (p: Phase) => ('maxVusers' in p && p.maxVusers !== undefined ? Math.max(1, Math.floor(p.maxVusers / ctx.workerCount)) : Infinity)
  return new Promise((resolve) => {
    let scheduleDone = false
    const maybeDone = () => {
      if (scheduleDone && activeVus === 0) resolve(interrupted)
    }
    const end = (failed: boolean) => {
      activeVus--
      rec.inc(failed ? 'vusers.failed' : 'vusers.completed')
      maybeDone()
    }
    const launch = (intended: number, phase: Phase) => {
      rec.arrivalsDue++
      const now = performance.now()
      rec.lag.recordValue(us(now - intended))
      if (activeVus >= ctx.maxInFlight || activeVus >= maxVusersShare(phase)) {
        rec.inc('vusers.skipped')
        return
      }
      rec.launched(now)
      rec.inc('vusers.created')
      activeVus++
      start(intended, end)
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
