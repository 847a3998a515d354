import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LoadTestResultSchema, type LoadTestResult } from '../../src/loadtest/result.js'
import { runCli } from '../utils/run-cli.js'
import { tmpProject } from '../utils/tmp.js'

/**
 * `headroom loadtest` as a user runs it: the built CLI (worker threads included) against the bundled example shop
 * server on a free port, the product document's seed scenario unchanged, compare, and every error path's exit code.
 */
const tmp = tmpProject('headroom-e2e-lt-')
const SEED = fileURLToPath(new URL('../../examples/loadtest/seed.yml', import.meta.url))
const SERVER = fileURLToPath(new URL('../../examples/loadtest/server.mjs', import.meta.url))
let server: ChildProcess
let target = ''

beforeAll(async () => {
  server = spawn(process.execPath, [SERVER, '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  target = await new Promise<string>((resolve) => server.stdout!.once('data', (d: Buffer) => resolve(/(http:\/\/127\.0\.0\.1:\d+)/.exec(d.toString())![1]!)))
})
afterAll(() => server.kill())

const read = (f: string) => LoadTestResultSchema.parse(JSON.parse(readFileSync(f, 'utf8')))

describe('headroom loadtest (built CLI, real server)', () => {
  let seed: LoadTestResult
  it('runs the seed scenario unchanged: captured productId flows into the next requests', async () => {
    // --duration-scale 0.01: 0.6 s warm-up ((5 + 50) / 2 x 0.6 = 16 users) + 3 s at 50/s (150 users); think 5 s each.
    const r = await runCli(['loadtest', SEED, '--target', target, '--duration-scale', '0.01', '-o', 'seed.json', '--workers', '2'], { cwd: tmp.dir })
    expect(r.code, r.stderr).toBe(0)
    seed = read(tmp.path('seed.json'))
    const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../schema/loadtest-result.schema.json', import.meta.url)), 'utf8')) as object
    const validate = new Ajv2020({ strict: false }).compile(schema)
    expect(validate(JSON.parse(readFileSync(tmp.path('seed.json'), 'utf8'))), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    // Every document a command writes also validates against the one document schema, by its kind.
    const anyDocument = new Ajv2020({ strict: false }).compile(
      JSON.parse(readFileSync(fileURLToPath(new URL('../../schema/document.schema.json', import.meta.url)), 'utf8')) as object,
    )
    expect(anyDocument(JSON.parse(readFileSync(tmp.path('seed.json'), 'utf8'))), JSON.stringify(anyDocument.errors?.slice(0, 3))).toBe(true)
    expect(seed.counters['vusers.created']).toBe(166)
    expect(seed.counters['vusers.completed']).toBe(166)
    // The server answers 400 to a cart POST whose productId is not a product, and 404 to an unknown /products/:id.
    expect(seed.counters['http.codes.201']).toBe(166)
    expect(seed.counters['http.codes.200']).toBe(332)
    expect(Object.keys(seed.counters).filter((k) => /http\.codes\.4/.test(k))).toEqual([])
    expect(seed.settings.workers).toBe(2)
    expect(r.stdout).toMatch(/GET \/products\/\{\{ productId \}\}\s+166/)
    expect(r.stdout).toMatch(/arrivals: requested [\d.]+\/s, achieved [\d.]+\/s/)
    expect(r.stderr).not.toMatch(/\r/) // no progress line when stderr is not a terminal
  })

  it('ensure failures exit 5; compare passes on equal runs and fails on a p99 regression', async () => {
    const strict = tmp.file(
      'strict.yml',
      `config:\n  target: ${target}\n  phases: [{ duration: 1, arrivalRate: 20 }]\n  ensure: { p99: 0.001 }\nscenarios:\n  - flow:\n      - get: { url: /products }\n`,
    )
    const f = await runCli(['loadtest', strict, '-o', 'strict.json'], { cwd: tmp.dir })
    expect(f.code).toBe(5)
    expect(f.stderr).toMatch(/ensure failed: http\.response_time\.p99 < 0\.001/)
    const same = await runCli(['loadtest', 'compare', 'seed.json', 'seed.json', '--max-p99-regression', '10%', '--max-error-rate', '1%'], { cwd: tmp.dir })
    expect([same.code, /compare: passed/.test(same.stdout)]).toEqual([0, true])
    const worse = JSON.parse(readFileSync(tmp.path('seed.json'), 'utf8')) as LoadTestResult
    worse.latency.corrected.p99 = seed.latency.corrected.p99 * 1.5
    writeFileSync(tmp.path('worse.json'), JSON.stringify(worse))
    const reg = await runCli(['loadtest', 'compare', 'seed.json', 'worse.json', '--max-p99-regression', '10%'], { cwd: tmp.dir })
    expect(reg.code).toBe(5)
    expect(reg.stdout).toMatch(/FAIL p99/)
  })

  it('quick mode: closed model with an amount, open model with a rate', async () => {
    const c = await runCli(['loadtest', `${target}/products`, '-c', '4', '-a', '500', '-f', 'json'], { cwd: tmp.dir })
    const closed = LoadTestResultSchema.parse(JSON.parse(c.stdout))
    expect([c.code, closed.model, closed.counters['http.codes.200']]).toEqual([0, 'closed', 500])
    const table = await runCli(['loadtest', `${target}/products`, '-c', '2', '-a', '100', '-f', 'csv'], { cwd: tmp.dir })
    const rows = table.stdout.trim().split('\n')
    expect(rows[0]).toBe('target,endpoint,requests,codes,errors,p50_ms,p90_ms,p95_ms,p99_ms,p999_ms,max_ms,mean_ms,requests_per_s,error_rate_pct')
    expect(rows[1]).toMatch(new RegExp(`^${target}/products,\\*,100,200:100,,[\\d.]+,`))
    const o = await runCli(['loadtest', `${target}/products`, '-R', '200', '-d', '1', '-f', 'json', '--workers', '1'], { cwd: tmp.dir })
    const open = LoadTestResultSchema.parse(JSON.parse(o.stdout))
    expect([open.model, open.counters['http.requests'], open.rate.requested]).toEqual(['open', 200, 200])
  })

  it('bad input: malformed YAML and bad phases exit 2 naming file and line; an unreachable target exits 3', async () => {
    const bad = tmp.file(
      'bad.yml',
      'config:\n  target: http://127.0.0.1:1\n  phases:\n    - duration: 10\n      arrivalRate: five\nscenarios:\n  - flow: [{ get: { url: / } }]\n',
    )
    const r = await runCli(['loadtest', bad], { cwd: tmp.dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/bad\.yml:5: config\.phases\[0\]\.arrivalRate/)
    const broken = tmp.file('broken.yml', 'config:\n  target: [\nscenarios: 1\n')
    const b = await runCli(['loadtest', broken], { cwd: tmp.dir })
    expect([b.code, /broken\.yml(:\d+)?: not valid YAML/.test(b.stderr)]).toEqual([2, true])
    // A port nobody listens on: exit 3 before any load, and no results table that reads like a measurement.
    const down = await runCli(['loadtest', 'http://127.0.0.1:1/', '-a', '5', '-c', '1'], { cwd: tmp.dir })
    expect(down.code).toBe(3)
    expect(down.stderr).toMatch(/loadtest: 5 requests against http:\/\/127\.0\.0\.1:1\/ \(the URL given\)/)
    expect(down.stderr).toMatch(/cannot connect to 127\.0\.0\.1:1 \(ECONNREFUSED\); no load was sent/)
    expect(down.stdout).toBe('')
    // A scenario whose config.target does not resolve (.invalid never does, RFC 6761): says where it was going, ends at once.
    const nowhere = tmp.file(
      'nowhere.yml',
      'config:\n  target: http://shop.invalid\n  phases: [{ duration: 30, arrivalRate: 5 }]\nscenarios:\n  - flow: [{ get: { url: / } }]\n',
    )
    const t0 = Date.now()
    const dns = await runCli(['loadtest', nowhere], { cwd: tmp.dir })
    expect(dns.code).toBe(3)
    expect(dns.stderr).toMatch(/loadtest: 30 s against http:\/\/shop\.invalid \(config\.target of nowhere\.yml\)/)
    expect(dns.stderr).toMatch(/cannot resolve shop\.invalid \(ENOTFOUND\); no load was sent/)
    expect(dns.stderr).toMatch(/--target URL/)
    expect(Date.now() - t0).toBeLessThan(30_000) // it did not run the 30 s phase (a bound on behaviour, not a speed goal)
    expect(dns.stdout).toBe('')
    const mixed = await runCli(['loadtest', SEED, '-R', '10'], { cwd: tmp.dir })
    expect([mixed.code, /-R applies to a URL/.test(mixed.stderr)]).toEqual([2, true])
  })

  it('statuses outside 2xx/3xx are errors: all-404 exits 3, --expect accepts them, --max-error-rate gates, compare counts them', async () => {
    // GET / is not a route of the example server: every answer is 404.
    const wrong = await runCli(['loadtest', `${target}/`, '-c', '2', '-a', '200', '-o', 'wrong.json'], { cwd: tmp.dir })
    expect(wrong.code).toBe(3)
    expect(wrong.stdout).toMatch(/errors: unexpected status \(expected 2xx, 3xx\): 404: 200/)
    expect(wrong.stderr).toMatch(/every response \(200\) had a status outside 2xx,3xx \(404: 200\)/)
    expect(wrong.stderr).toMatch(/pass --expect 404/)
    const asked = await runCli(['loadtest', `${target}/`, '-c', '2', '-a', '200', '--expect', '2xx,404', '-f', 'json'], { cwd: tmp.dir })
    expect(asked.code, asked.stderr).toBe(0)
    expect(LoadTestResultSchema.parse(JSON.parse(asked.stdout)).status).toEqual({ expected: '2xx,404', unexpected: 0, byCode: {} })
    // Half the requests miss: error rate 50%, above a 10% limit -> exit 5; the run's statuses are in the result.
    const half = tmp.file(
      'half.yml',
      `config:\n  target: ${target}\n  phases: [{ duration: 1, arrivalRate: 20 }]\nscenarios:\n  - flow:\n      - get: { url: /products }\n      - get: { url: /no-such-page }\n`,
    )
    const h = await runCli(['loadtest', half, '--max-error-rate', '10%', '-o', 'half.json'], { cwd: tmp.dir })
    expect(h.code).toBe(5)
    expect(h.stderr).toMatch(/warning: 20 of 40 responses had a status outside 2xx,3xx/)
    expect(h.stderr).toMatch(/error rate 50\.000% > --max-error-rate 10%/)
    expect(read(tmp.path('half.json')).status).toEqual({ expected: '2xx,3xx', unexpected: 20, byCode: { '404': 20 } })
    // compare: the 404s count in NEW's error rate; runs of different targets are refused unless asked for.
    const same = await runCli(['loadtest', 'compare', 'half.json', 'half.json', '--max-error-rate', '1%'], { cwd: tmp.dir })
    expect(same.code).toBe(5)
    expect(same.stdout).toMatch(/error rate %\s+50\s+50/)
    const other = await runCli(['loadtest', 'compare', 'seed.json', 'wrong.json'], { cwd: tmp.dir })
    expect(other.code).toBe(2)
    expect(other.stderr).toMatch(
      /seed\.json ran against http:\/\/127\.0\.0\.1:\d+ and wrong\.json against http:\/\/127\.0\.0\.1:\d+\/: a comparison of different targets/,
    )
    const allowed = await runCli(['loadtest', 'compare', 'seed.json', 'wrong.json', '--allow-different-targets', '--max-error-rate', '1%'], { cwd: tmp.dir })
    expect(allowed.code).toBe(5)
    expect(allowed.stdout).toMatch(/FAIL error rate 100\.000% <= 1%/)
  })
})
