import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultWorkers, runLoadTest } from './engine.js'
import { parseScript } from './script.js'

/**
 * The engine against a real HTTP server on 127.0.0.1 (port 0) with scripted behaviour: fast, delayed, reset, 5xx, slow
 * bodies, hanging. Runs in this thread (workers: 1); the CLI end-to-end tests run the worker threads.
 */
let server: Server
let base = ''
const seen: { method: string; url: string; body: string; headers: IncomingMessage['headers'] }[] = []
const held: ServerResponse[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x')
      if (req.method !== 'HEAD') seen.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers }) // HEAD: the engine's connection warm-up
      const ms = Number(u.searchParams.get('ms') ?? 0)
      switch (u.pathname) {
        case '/ok':
          return res.end('ok')
        case '/slow':
          return void setTimeout(() => res.end('slow'), ms)
        case '/reset':
          return req.socket.destroy()
        case '/error':
          res.statusCode = 503
          return res.end('down')
        case '/slowbody':
          res.writeHead(200, { 'content-type': 'text/plain' })
          res.write('part 1 ')
          return void setTimeout(() => res.end('part 2'), ms)
        case '/hang':
          held.push(res)
          return
        case '/products':
          res.setHeader('content-type', 'application/json')
          return res.end(JSON.stringify({ products: [{ id: 'p42' }, { id: 'p7' }] }))
        case '/empty':
          res.setHeader('content-type', 'application/json')
          return res.end('{"products":[]}')
        default:
          if (u.pathname.startsWith('/products/')) return res.end(JSON.stringify({ id: u.pathname.slice(10) }))
          if (u.pathname === '/cart') {
            res.statusCode = 201
            return res.end('{}')
          }
          res.statusCode = 404
          res.end()
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  for (const r of held) r.destroy()
  server.closeAllConnections()
  server.close()
})

const quick = (path: string, extra: Partial<{ rate: number; durationMs: number; amount: number; method: string; body: string }> = {}) => ({
  url: base + path,
  method: extra.method ?? 'GET',
  headers: {},
  durationMs: extra.durationMs ?? 10_000,
  pipelining: 1,
  ...(extra.rate !== undefined ? { rate: extra.rate } : {}),
  ...(extra.amount !== undefined ? { amount: extra.amount } : {}),
  ...(extra.body !== undefined ? { body: extra.body } : {}),
})

describe('load-test engine against a real server', () => {
  it('closed model: exactly --amount requests, counted by status code', async () => {
    const r = await runLoadTest({ quick: quick('/ok', { amount: 300 }), workers: 1, connections: 4 })
    expect(r.model).toBe('closed')
    expect([r.counters['http.requests'], r.counters['http.responses'], r.counters['http.codes.200']]).toEqual([300, 300, 300])
    expect(r.latency.corrected.count).toBe(300)
  })

  it('errors by code: resets, 5xx and timeouts', async () => {
    const reset = await runLoadTest({ quick: quick('/reset', { amount: 20 }), workers: 1, connections: 2 })
    expect(reset.counters['errors.ECONNRESET']).toBe(20)
    const down = await runLoadTest({ quick: quick('/error', { amount: 20 }), workers: 1, connections: 2 })
    expect(down.counters['http.codes.503']).toBe(20)
    const hang = await runLoadTest({ quick: quick('/hang', { amount: 3 }), workers: 1, connections: 3, timeoutMs: 200 })
    expect(hang.counters['errors.ETIMEDOUT']).toBe(3)
  })

  it('latency covers the whole body, not only the first byte', async () => {
    const r = await runLoadTest({ quick: quick('/slowbody?ms=120', { amount: 6 }), workers: 1, connections: 3 })
    expect(r.latency.corrected.p50).toBeGreaterThanOrEqual(120)
  })

  it('open model measures from the intended start: a backlog shows in corrected latency, not in the send-to-response time', async () => {
    // 40 arrivals/s for 1 s on ONE connection to a 50 ms server: capacity 20/s, so request i is sent at ~50 i ms but was
    // due at 25 i ms. Corrected latency grows to ~50 + 25 x 39 = 1,025 ms; send-to-response stays ~50 ms.
    const r = await runLoadTest({ quick: quick('/slow?ms=50', { rate: 40, durationMs: 1000 }), workers: 1, connections: 1 })
    expect(r.counters['http.responses']).toBe(40)
    expect(r.latency.corrected.max).toBeGreaterThan(900)
    expect(r.latency.uncorrected.p99).toBeLessThan(200)
    expect(r.rate.requested).toBe(40)
  })

  it('the in-flight cap bounds memory: arrivals beyond it are skipped and counted', async () => {
    const r = await runLoadTest({ quick: quick('/slow?ms=400', { rate: 100, durationMs: 1000 }), workers: 1, connections: 50, maxInFlight: 10 })
    expect((r.counters['vusers.created'] ?? 0) + (r.counters['vusers.skipped'] ?? 0)).toBe(100)
    expect(r.counters['vusers.skipped']).toBeGreaterThan(50)
    expect(r.generator.saturated).toBe(true)
  })

  it('a scenario: captures flow into later requests, templates render in url, query, headers and JSON; loops repeat', async () => {
    seen.length = 0
    const plan = parseScript(
      [
        'config:',
        `  target: ${base}`,
        '  phases: [{ duration: 1, arrivalCount: 3 }]',
        '  defaults: { headers: { x-team: "{{ team }}" } }',
        '  variables: { team: [blue] }',
        '  plugins: { metrics-by-endpoint: {} }',
        'scenarios:',
        '  - name: shop',
        '    flow:',
        '      - get: { url: /products, capture: [{ json: "$.products[0].id", as: productId }, { header: content-type, as: ctype }] }',
        '      - get: { url: "/products/{{ productId }}", qs: { ref: "{{ ctype }}" } }',
        '      - think: 0.01',
        '      - loop: [{ post: { url: /cart, json: { productId: "{{ productId }}", n: "{{ $loopCount }}" } } }]',
        '        count: 2',
      ].join('\n'),
      'inline.yml',
    )
    const r = await runLoadTest({ plan, workers: 1 })
    expect(r.counters['vusers.completed']).toBe(3)
    expect(seen.filter((s) => s.url === '/products/p42?ref=application%2Fjson')).toHaveLength(3)
    const carts = seen.filter((s) => s.url === '/cart').map((s) => JSON.parse(s.body) as unknown)
    expect(carts).toHaveLength(6)
    expect(carts.slice(0, 2)).toEqual([
      { productId: 'p42', n: 1 },
      { productId: 'p42', n: 2 },
    ])
    expect(seen.every((s) => s.headers['x-team'] === 'blue')).toBe(true)
    expect(r.endpoints.map((e) => [e.name, e.requests])).toEqual([
      ['GET /products', 3],
      ['GET /products/{{ productId }}', 3],
      ['POST /cart', 6],
    ])
  })

  it('a failed capture fails the virtual user and stops its flow, as in Artillery; ensure sees it', async () => {
    seen.length = 0
    const plan = parseScript(
      [
        'config:',
        `  target: ${base}`,
        '  phases: [{ duration: 1, arrivalCount: 4 }]',
        '  ensure: { maxErrorRate: 0, thresholds: [{ "http.response_time.p99": 60000 }] }',
        'scenarios:',
        '  - flow:',
        '      - get: { url: /empty, capture: { json: "$.products[0].id", as: productId } }',
        '      - get: { url: "/products/{{ productId }}" }',
      ].join('\n'),
      'inline.yml',
    )
    const r = await runLoadTest({ plan, workers: 1 })
    expect(r.counters['vusers.failed']).toBe(4)
    expect(r.counters['errors.Failed capture or match']).toBe(4)
    expect(seen.some((s) => s.url.startsWith('/products/'))).toBe(false)
    expect(r.ensure!.passed).toBe(false)
    expect(r.ensure!.checks.map((c) => c.passed)).toEqual([true, false])
  })
})

describe('default worker threads', () => {
  it('one per core, leaving a core to a target on this machine', () => {
    expect(defaultWorkers('https://api.example.com/', 2)).toBe(2)
    expect(defaultWorkers('http://127.0.0.1:8080/', 2)).toBe(1)
    expect(defaultWorkers('http://localhost:8080/', 8)).toBe(7)
    expect(defaultWorkers('http://[::1]:8080/', 1)).toBe(1)
  })
})
