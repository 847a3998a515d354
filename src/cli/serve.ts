import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PERCENTILES } from '../analyzers/kit.js'
import type { SharedOptions } from '../analyzers/shared-options.js'
import { analyzeWorkspace } from '../app/analyze.js'
import type { ResolvedConfig } from '../app/config.js'
import { reportSeries, requireData } from '../app/report.js'
import { loadWorkspaceCatalog } from '../catalog/load.js'
import type { Effects } from '../core/effects.js'
import { ToolError, UsageError } from '../core/errors.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import { htmlPage } from '../html/page.js'
import { documentPayload, type Payload } from '../html/payload.js'
import { DuckDbStore } from '../store/duckdb/store.js'

export interface ServeOptions {
  /** The configuration with the command's flags: each request may change percentile and headroom over it. */
  config: (shared: SharedOptions) => Promise<ResolvedConfig>
  host: string
  port: number
  allowRemote: boolean
  pages: number
  /** Stops the server (tests; the CLI stops on SIGINT/SIGTERM). */
  signal?: AbortSignal
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])
const TOKEN_HEADER = 'x-headroom-token'

/** A request the API refuses, with the status and a message saying why and what to do. */
class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message)
  }
}

/**
 * `headroom serve`: the report page live over a workspace. Read-only (GET only; the store is opened read-only per
 * request, so `collect` can run between two requests), bound to loopback unless --allow-remote, and every request must
 * carry the per-start token (query `token` for the page, header X-Headroom-Token for the API) and a Host header naming
 * this server: a page on another site cannot read it, even through a DNS name rebound to 127.0.0.1.
 */
export async function runServe(o: ServeOptions, effects: Effects): Promise<ExitCode> {
  if (!LOOPBACK.has(o.host) && !o.allowRemote)
    throw new UsageError(
      `--host ${o.host} would serve the workspace beyond this machine`,
      'Use the default 127.0.0.1 (and an SSH tunnel to reach it), or pass --allow-remote to serve on that interface on purpose.',
    )
  const base = await o.config({})
  {
    const store = await DuckDbStore.open(base.workspace, { readOnly: true })
    try {
      await requireData(store, base.workspace)
    } finally {
      store.close()
    }
  }
  const token = randomBytes(24).toString('base64url')
  const tokenOk = (given: string | null | undefined) => {
    if (!given) return false
    const a = Buffer.from(given)
    const b = Buffer.from(token)
    return a.length === b.length && timingSafeEqual(a, b)
  }
  let port = 0
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${o.host}:${port}`])

  async function analysis(shared: SharedOptions): Promise<Payload> {
    const config = await o.config(shared)
    const store = await DuckDbStore.open(config.workspace, { readOnly: true })
    try {
      const report = await analyzeWorkspace({
        reader: store,
        catalog: loadWorkspaceCatalog(config.workspace),
        config,
        now: effects.now(),
        workspace: config.workspace,
      })
      const series = await reportSeries(store, report, o.pages)
      return { ...(await documentPayload(report, { series })), api: true }
    } finally {
      store.close()
    }
  }

  /** Percentile and headroom from the query, checked as the CLI checks its flags. */
  function sharedFrom(q: URLSearchParams): SharedOptions {
    const out: SharedOptions = {}
    const p = q.get('percentile')
    if (p !== null && p !== '') {
      if (!(PERCENTILES as readonly string[]).includes(p)) throw new Refused(400, `percentile '${p}' is not one of ${PERCENTILES.join(', ')}`)
      out.percentile = p
    }
    const h = q.get('headroom')
    if (h !== null && h !== '') {
      const n = Number(h.replace(/%$/, ''))
      if (!Number.isFinite(n) || n < 0 || n > 100) throw new Refused(400, `headroom '${h}' is not a percentage from 0 to 100`)
      out.headroomPct = n
    }
    return out
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts().has(req.headers.host ?? ''))
      throw new Refused(403, `Host '${req.headers.host ?? ''}' is not this server`, `Open http://127.0.0.1:${port}/ as printed at start.`)
    if (req.method !== 'GET') throw new Refused(405, `${req.method ?? ''} is not allowed: the server is read-only`)
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    if (!tokenOk(url.pathname === '/' ? url.searchParams.get('token') : (req.headers[TOKEN_HEADER] as string | undefined)))
      throw new Refused(401, 'missing or wrong token', 'Use the URL headroom serve printed at start; the token changes at every start.')
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, {
        'content-type': type,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
      })
      res.end(body)
    }
    if (url.pathname === '/') return send(200, 'text/html; charset=utf-8', htmlPage(await analysis({}), { api: true }))
    if (url.pathname === '/api/analysis') return send(200, 'application/json', JSON.stringify(await analysis(sharedFrom(url.searchParams))))
    throw new Refused(404, `no such page: ${url.pathname}`, 'The API has /api/analysis?percentile=&headroom=.')
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof Refused ? err.status : err instanceof UsageError || (err instanceof ToolError && err.code === 'USAGE') ? 400 : 500
      const e = err as { message?: string; hint?: string }
      if (status === 500) effects.stderr.write(`headroom serve: ${req.method} ${req.url?.split('?')[0]}: ${e.message ?? String(err)}\n`)
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(JSON.stringify({ error: e.message ?? String(err), ...(e.hint ? { hint: e.hint } : {}) }))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new UsageError(`cannot listen on ${o.host}:${o.port}: ${err.code ?? err.message}`, 'Pick another --port (0 picks a free one).')),
    )
    server.listen(o.port, o.host, resolve)
  })
  port = (server.address() as AddressInfo).port
  const shown = o.host.includes(':') ? `[${o.host}]` : o.host
  effects.stdout.write(`headroom serve: ${base.workspace}, read-only\n  http://${shown}:${port}/?token=${token}\nCtrl-C stops it.\n`)
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve())
    o.signal?.addEventListener('abort', stop)
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  server.closeAllConnections()
  return EXIT.OK
}
