import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { VERSION } from '../core/version.js'
import { evaluateEnsure } from './ensure.js'
import { encode, initHistograms, mergeEncoded, summarize } from './histogram.js'
import { totalArrivals, totalDurationMs, type Phase } from './phases.js'
import { LOADTEST_SCHEMA_VERSION, type LoadTestResult } from './result.js'
import { runShare, type Progress, type QuickSpec, type ShareConfig, type ShareResult } from './run-share.js'
import type { Plan } from './script.js'
import { DEFAULT_EXPECT, summarizeStatuses } from './status.js'

export interface LoadTestOptions {
  plan?: Plan
  quick?: QuickSpec
  /** Worker threads; default one per core. 1 runs in the calling thread. */
  workers?: number
  /** Connections per origin, all workers together (closed model: the -c of autocannon). */
  connections?: number
  timeoutMs?: number
  /** Cap on virtual users (or requests) in flight, all workers together; arrivals beyond it are skipped and counted. */
  maxInFlight?: number
  env?: Record<string, string | undefined>
  seed?: number
  onProgress?: (p: {
    elapsedMs: number
    totalMs: number
    requests: number
    responses: number
    errors: number
    inFlight: number
    rps: number
    p50: number
    p99: number
  }) => void
  /** Expected HTTP statuses (default 2xx and 3xx); responses outside are errors (status.ts). */
  expect?: string
  /** Set `requested` to end early (Ctrl-C): in-flight requests finish, the result says interrupted. */
  stop?: { requested: boolean }
  now?: () => number
}

const WORKER_FILE = fileURLToPath(new URL('./worker.js', import.meta.url))

/**
 * One worker thread per core, except when the target is on this machine (loopback): then one core is left to it.
 * Measured on 2 cores against a local Node server: 1 worker 0.93x autocannon's requests/s, 2 workers 0.68x (the
 * generator took the server's core); against a remote or very light target (nginx) every core helps: 2 workers 1.24x.
 */
export function defaultWorkers(target: string, cores: number): number {
  let host = ''
  try {
    host = new URL(target).hostname
  } catch {
    return cores
  }
  const loopback = host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host)
  return loopback ? Math.max(1, cores - 1) : cores
}

/**
 * Runs a load test: splits the schedule (or the connections) across worker threads, merges their exact histograms and
 * counters, judges whether the generator kept up (schedule lag and achieved rate, goal G4 of reference/loadtest.md) and
 * evaluates `ensure`. Returns the result; printing and exit codes are the caller's.
 */
export async function runLoadTest(o: LoadTestOptions): Promise<LoadTestResult> {
  if (!o.plan === !o.quick) throw new Error('runLoadTest needs either a plan or a quick spec')
  await initHistograms()
  const now = o.now ?? Date.now
  const canThread = existsSync(WORKER_FILE)
  const cores = availableParallelism()
  const timeoutMs = o.timeoutMs ?? o.plan?.timeoutMs ?? 10_000
  const closed = !!o.quick && o.quick.rate === undefined
  // Closed model: never more workers than connections (-c 1 is one connection, not one per worker).
  const workers = Math.max(
    1,
    Math.min(o.workers ?? defaultWorkers(o.plan?.target ?? o.quick!.url, cores), canThread ? 64 : 1, closed ? (o.connections ?? 10) : Infinity),
  )
  const totalConnections = o.connections ?? o.plan?.connections ?? (closed ? 10 : 64 * workers)
  const perWorker = (n: number, w: number) => Math.floor(n / workers) + (w < n % workers ? 1 : 0)
  const maxInFlight = o.maxInFlight ?? 20_000
  // The start leaves time to spawn workers and open connections (schedules.ts warm()).
  const startEpochMs = now() + 300 + (workers > 1 ? 200 : 0)
  const stop = o.stop ?? { requested: false }
  const phases: Phase[] = o.plan?.phases ?? (o.quick?.rate !== undefined ? [{ kind: 'rate', durationMs: o.quick.durationMs, arrivalRate: o.quick.rate }] : [])
  const totalMs = o.plan ? totalDurationMs(phases) : o.quick!.durationMs
  const configs: ShareConfig[] = Array.from({ length: workers }, (_, w) => ({
    ...(o.plan ? { plan: o.plan } : {}),
    ...(o.quick ? { quick: o.quick } : {}),
    connections: Math.max(1, perWorker(totalConnections, w)),
    timeoutMs,
    maxInFlight: Math.max(1, perWorker(maxInFlight, w)),
    workerIndex: w,
    workerCount: workers,
    startEpochMs,
    env: o.env ?? {},
    seed: o.seed ?? 1,
    progress: !!o.onProgress,
  }))
  const latest = new Map<number, Progress>()
  let lastRequests = 0
  let lastTick = now()
  const progressTimer = o.onProgress
    ? setInterval(() => {
        const ps = [...latest.values()]
        const requests = ps.reduce((s, p) => s + p.requests, 0)
        const t = now()
        const rps = ((requests - lastRequests) * 1000) / Math.max(1, t - lastTick)
        lastRequests = requests
        lastTick = t
        const h = mergeEncoded(ps.map((p) => p.interval).filter(Boolean))
        o.onProgress!({
          elapsedMs: Math.max(0, t - startEpochMs),
          totalMs,
          requests,
          responses: ps.reduce((s, p) => s + p.responses, 0),
          errors: ps.reduce((s, p) => s + p.errors, 0),
          inFlight: ps.reduce((s, p) => s + p.inFlight, 0),
          rps,
          p50: h.totalCount ? h.getValueAtPercentile(50) / 1000 : 0,
          p99: h.totalCount ? h.getValueAtPercentile(99) / 1000 : 0,
        })
      }, 1000)
    : undefined
  const cpu0 = process.cpuUsage()
  let shares: ShareResult[]
  try {
    if (workers === 1) shares = [await runShare(configs[0]!, (p) => latest.set(0, p), stop)]
    else {
      // An 8 MB young generation per worker: at 20,000 req/s over 30 s, peak RSS 204 -> 189 MB and p99 22 -> 10 ms (more,
      // shorter scavenges; docs/benchmarks.md).
      const threads = configs.map((c) => new Worker(WORKER_FILE, { workerData: c, resourceLimits: { maxYoungGenerationSizeMb: 8 } }))
      const poll = setInterval(() => {
        if (stop.requested) for (const t of threads) t.postMessage('stop')
      }, 100)
      try {
        shares = await Promise.all(
          threads.map(
            (t, i) =>
              new Promise<ShareResult>((resolve, reject) => {
                t.on('message', (m: { type: string; progress?: Progress; result?: ShareResult }) => {
                  if (m.type === 'progress') latest.set(i, m.progress!)
                  else if (m.type === 'result') resolve(m.result!)
                })
                t.once('error', reject)
                t.once('exit', (code) => (code !== 0 ? reject(new Error(`load-test worker ${i} exited with code ${code}`)) : undefined))
              }),
          ),
        )
      } finally {
        clearInterval(poll)
        await Promise.all(threads.map((t) => t.terminate()))
      }
    }
  } finally {
    if (progressTimer) clearInterval(progressTimer)
  }
  const cpu = process.cpuUsage(cpu0)
  return assemble(o, shares, {
    workers,
    perWorkerConnections: configs[0]!.connections,
    timeoutMs,
    maxInFlight: configs[0]!.maxInFlight,
    startEpochMs,
    phases,
    closed,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  })
}

function assemble(
  o: LoadTestOptions,
  shares: readonly ShareResult[],
  s: {
    workers: number
    perWorkerConnections: number
    timeoutMs: number
    maxInFlight: number
    startEpochMs: number
    phases: Phase[]
    closed: boolean
    cpuSeconds: number
  },
): LoadTestResult {
  const counters: Record<string, number> = {}
  for (const sh of shares) for (const [k, v] of Object.entries(sh.counters)) counters[k] = (counters[k] ?? 0) + v
  const merged = (k: 'corrected' | 'uncorrected' | 'lag') => mergeEncoded(shares.map((x) => x.histograms[k]))
  const hc = merged('corrected')
  const hu = merged('uncorrected')
  const hl = merged('lag')
  const endpointNames = [...new Set(shares.flatMap((x) => Object.keys(x.endpoints)))].sort()
  const endpoints = endpointNames.map((name) => {
    const parts = shares.map((x) => x.endpoints[name]).filter((e) => e !== undefined)
    const h = mergeEncoded(parts.map((e) => e.histogram))
    const sum = (k: 'codes' | 'errors') => {
      const out: Record<string, number> = {}
      for (const e of parts) for (const [c, n] of Object.entries(e[k])) out[c] = (out[c] ?? 0) + n
      return out
    }
    return {
      name,
      requests: parts.reduce((a, e) => a + e.requests, 0),
      codes: sum('codes'),
      errors: sum('errors'),
      latency: summarize(h),
      histogram: encodeOf(h),
    }
  })
  const firsts = shares.map((x) => x.firstLaunch).filter((x): x is number => x !== null)
  const lasts = shares.map((x) => x.lastLaunch).filter((x): x is number => x !== null)
  const ends = shares.map((x) => x.lastEnd).filter((x): x is number => x !== null)
  const first = firsts.length ? Math.min(...firsts) : null
  const last = lasts.length ? Math.max(...lasts) : null
  const end = ends.length ? Math.max(...ends) : (last ?? s.startEpochMs)
  const launched = counters['vusers.created'] ?? counters['http.requests'] ?? 0
  const open = !s.closed
  const scheduleMs = totalDurationMs(s.phases)
  const due = open ? totalArrivals(s.phases) : null
  // Rates over the span the schedule covers: n arrivals spaced over (n - 1) intervals.
  const requested = open && due !== null && due > 1 ? due / (scheduleMs / 1000) : null
  // n launches span n - 1 intervals: for a constant rate r this gives r exactly, as `requested` does.
  const achievedAdj = open && first !== null && last !== null && launched > 1 && last > first ? ((launched - 1) / (last - first)) * 1000 : null
  const durationMs = Math.max(1, end - s.startEpochMs)
  const done =
    (counters['http.responses'] ?? 0) +
    Object.entries(counters)
      .filter(([k]) => k.startsWith('errors.') && k !== 'errors.Failed capture or match')
      .reduce((a, [, v]) => a + v, 0)
  const lagSummary = summarize(hl)
  const reasons: string[] = []
  if (open && lagSummary.p99 > 10) reasons.push(`arrivals were launched late: schedule lag p99 ${lagSummary.p99.toFixed(1)} ms (> 10 ms)`)
  if (open && requested !== null && achievedAdj !== null && achievedAdj < requested * 0.99 && !shares.some((x) => x.interrupted))
    reasons.push(`achieved ${achievedAdj.toFixed(1)}/s of the requested ${requested.toFixed(1)}/s (< 99%)`)
  if ((counters['vusers.skipped'] ?? 0) > 0)
    reasons.push(`${counters['vusers.skipped']} arrivals skipped: the in-flight cap or maxVusers was reached (the target is slower than the arrivals)`)
  const warnings = [...(o.plan?.warnings ?? [])]
  const missing = [...new Set(shares.flatMap((x) => x.missingVariables))]
  if (missing.length) warnings.push(`templates referenced undefined variables: ${missing.join(', ')} (rendered empty)`)
  const result: LoadTestResult = {
    schemaVersion: LOADTEST_SCHEMA_VERSION,
    tool: 'headroom',
    version: VERSION,
    kind: 'loadtest',
    startedAt: s.startEpochMs,
    durationMs,
    model: open ? 'open' : 'closed',
    target: o.plan?.target ?? o.quick!.url,
    script: o.plan?.source ?? null,
    environment: o.plan?.environment ?? null,
    phases: s.phases.map((p) => ({
      name: p.name ?? null,
      durationMs: p.durationMs,
      arrivalRate: p.kind === 'rate' ? p.arrivalRate : null,
      rampTo: p.kind === 'rate' ? (p.rampTo ?? null) : null,
      arrivalCount: p.kind === 'count' ? p.arrivalCount : null,
      pause: p.kind === 'pause',
    })),
    settings: {
      workers: s.workers,
      connectionsPerWorker: s.perWorkerConnections,
      pipelining: o.quick?.pipelining ?? 1,
      timeoutMs: s.timeoutMs,
      maxInFlightPerWorker: s.maxInFlight,
    },
    rate: {
      requested: requested === null ? null : round(requested),
      achieved: achievedAdj === null ? null : round(achievedAdj),
      requestsPerSec: round((done * 1000) / durationMs),
    },
    counters: Object.fromEntries(Object.entries(counters).sort(([a], [b]) => a.localeCompare(b))),
    latency: { corrected: summarize(hc), uncorrected: summarize(hu), scheduleLag: lagSummary },
    histograms: { corrected: encodeOf(hc), uncorrected: encodeOf(hu), scheduleLag: encodeOf(hl) },
    endpoints,
    timeline: {
      startMs: s.startEpochMs,
      stepSec: 1,
      responses: sumBySecond(shares.map((x) => x.perSecond.responses)),
      errors: sumBySecond(shares.map((x) => x.perSecond.errors)),
    },
    generator: {
      eventLoopDelayP99Ms: round(Math.max(...shares.map((x) => x.eventLoopDelayP99Ms))),
      eventLoopDelayMaxMs: round(Math.max(...shares.map((x) => x.eventLoopDelayMaxMs))),
      maxRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
      cpuSeconds: round(s.cpuSeconds),
      saturated: reasons.length > 0,
      reasons,
    },
    status: summarizeStatuses(counters, o.expect ?? DEFAULT_EXPECT),
    ensure: null,
    warnings,
    interrupted: shares.some((x) => x.interrupted),
  }
  if (o.plan) result.ensure = evaluateEnsure(o.plan.ensure, result)
  return result
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d
const encodeOf = encode

/** Per-second counts of every worker, summed second by second. */
function sumBySecond(parts: readonly (readonly number[])[]): number[] {
  const out = new Array<number>(Math.max(0, ...parts.map((p) => p.length))).fill(0)
  for (const p of parts) p.forEach((n, i) => (out[i]! += n))
  return out
}
