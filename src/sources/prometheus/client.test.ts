import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCollectPrometheus, type CollectPrometheusOptions } from '../../cli/collect-prometheus.js'
import type { Effects } from '../../core/effects.js'
import { ToolError } from '../../core/errors.js'
import { DuckDbStore } from '../../store/duckdb/store.js'
import { freePort } from '../../../test/utils/prometheus.js'
import { tmpProject } from '../../../test/utils/tmp.js'
import { importFiles } from '../../store/duckdb/import-files.js'

/**
 * Bad sources, each a real HTTP server on 127.0.0.1 (no mocks): every failure is one clear error with the exit
 * code from the table, and the workspace is exactly as it was.
 */
const tmp = tmpProject('headroom-prom-bad-')
let server: Server
let base = ''
let hanging: Server
let hangingUrl = ''
const ws = () => tmp.path('ws')

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? ''
    if (path.startsWith('/html')) return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Grafana</body></html>')
    if (path.startsWith('/auth401')) return res.writeHead(401).end('unauthorized')
    if (path.startsWith('/auth403')) return res.writeHead(403).end('forbidden')
    if (path.startsWith('/broken')) return res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":{"resu')
    if (path.startsWith('/fail500')) return res.writeHead(500).end('boom')
    // Behaves as /empty only with the right credentials.
    if (path.startsWith('/needauth')) {
      const auth = req.headers.authorization
      if (auth !== `Basic ${Buffer.from('admin:s3cret').toString('base64')}` && auth !== 'Bearer t0ken') return res.writeHead(401).end()
    }
    if (path.startsWith('/empty') || path.startsWith('/needauth')) {
      if (path.includes('buildinfo')) return res.writeHead(200).end(JSON.stringify({ status: 'success', data: { version: '2.99.0' } }))
      if (path.includes('query_range')) return res.writeHead(200).end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }))
      return res.writeHead(200).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }))
    }
    if (path.startsWith('/notprom')) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hello: 'world' }))
    res.writeHead(404).end()
  })
  const port = await freePort()
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  base = `http://127.0.0.1:${port}`
  hanging = createServer(() => {
    // never answers
  })
  const hp = await freePort()
  await new Promise<void>((r) => hanging.listen(hp, '127.0.0.1', r))
  hangingUrl = `http://127.0.0.1:${hp}`
  const store = await DuckDbStore.open(ws())
  await importFiles(store, [tmp.file('seed.csv', 'resource_id,metric,timestamp,value\ni-1,cpu.utilization,2024-01-01T00:00:00Z,5\n')])
  store.close()
}, 30_000)
afterAll(async () => {
  server.closeAllConnections()
  hanging.closeAllConnections()
  await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => hanging.close(r))])
})

const quiet = (): Effects => ({ stdout: { write: () => true }, stderr: { write: () => true }, now: () => Date.now(), env: {}, cwd: tmp.dir })
const opts = (url: string, extra: Partial<CollectPrometheusOptions> = {}): CollectPrometheusOptions => ({
  workspace: ws(),
  url,
  headers: [],
  timeoutSec: 2,
  days: 1,
  end: Date.now(),
  selector: '',
  resolutionSec: 300,
  rateWindow: '2m',
  concurrency: 2,
  hosts: true,
  containers: true,
  shardSize: 100,
  ...extra,
})
const fingerprint = async () => {
  const s = await DuckDbStore.open(ws(), { readOnly: true })
  const f = JSON.stringify(
    await s.all('SELECT (SELECT count(*) FROM samples) AS s, (SELECT count(*) FROM resources) AS r, (SELECT count(*) FROM imports) AS i'),
  )
  s.close()
  return f
}

async function fails(o: CollectPrometheusOptions, message: RegExp, hint: RegExp, exitCode: number): Promise<void> {
  const before = await fingerprint()
  const err = await runCollectPrometheus(o, quiet()).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(ToolError)
  const e = err as ToolError
  expect(e.message).toMatch(message)
  expect(e.hint ?? '').toMatch(hint)
  expect(e.exitCode).toBe(exitCode)
  expect(await fingerprint()).toBe(before)
}

describe('collect prometheus: bad sources', () => {
  it('an unreachable URL', async () => {
    const port = await freePort() // nothing listens there
    await fails(
      opts(`http://127.0.0.1:${port}`, { timeoutSec: 2 }),
      /Cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
      /Check --url, that Prometheus is running/,
      3,
    )
  })
  it('an HTTP server that is not Prometheus (HTML, or other JSON)', async () => {
    await fails(opts(`${base}/html`), /answered HTTP 200 with something that is not JSON \(<html><body>Grafana/, /not a web page/, 3)
    await fails(opts(`${base}/notprom`), /answered \/api\/v1\/status\/buildinfo, but not as Prometheus does/, /port 9090/, 3)
  })
  it('401 and 403', async () => {
    await fails(opts(`${base}/auth401`), /refused the request: HTTP 401 Unauthorized/, /--header "Authorization: Bearer TOKEN" or --basic-auth/, 3)
    await fails(opts(`${base}/auth403`), /HTTP 403 Forbidden/, /--basic-auth/, 3)
  })
  it('sends --basic-auth and --header credentials', async () => {
    // With credentials the request gets past authentication and fails only for having no series (exit 2).
    await fails(opts(`${base}/needauth`, { basicAuth: 'admin:s3cret' }), /has no node_exporter or cAdvisor series/, /--selector/, 2)
    await fails(opts(`${base}/needauth`, { headers: ['Authorization: Bearer t0ken'] }), /has no node_exporter or cAdvisor series/, /--selector/, 2)
    await fails(opts(`${base}/needauth`, { headers: ['Authorization: Bearer wrong'] }), /HTTP 401 Unauthorized/, /--basic-auth/, 3)
  })

  it('a timeout, retried and then reported', async () => {
    await fails(opts(hangingUrl, { timeoutSec: 0.3 }), /did not answer within 0\.3 s/, /Raise --timeout/, 3)
  })
  it('malformed JSON, and 5xx after retries', async () => {
    await fails(opts(`${base}/broken`), /something that is not JSON/, /Check --url/, 3)
    await fails(opts(`${base}/fail500`), /answered HTTP 500/, /overloaded or failing/, 3)
  })
  it('empty results', async () => {
    await fails(opts(`${base}/empty`), /has no node_exporter or cAdvisor series in the last 1 days/, /--selector and --days/, 2)
  })
  it('a bad selector or URL is a usage error', async () => {
    await fails(opts('ftp://example'), /is not http\(s\)/, /http:\/\/127\.0\.0\.1:9090/, 2)
    await fails(opts(`${base}/empty`, { selector: 'job="node"' }), /--selector 'job="node"' is not a label matcher/, /braces included/, 2)
  })
})
