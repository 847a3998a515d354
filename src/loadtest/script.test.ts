import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ToolError } from '../core/errors.js'
import { parseScript } from './script.js'

const SEED = new URL('../../examples/loadtest/seed.yml', import.meta.url)
const fail = (yaml: string, opts = {}) => {
  try {
    parseScript(yaml, 'test.yml', opts)
  } catch (e) {
    expect(e).toBeInstanceOf(ToolError)
    return `${(e as ToolError).message} | ${(e as ToolError).hint ?? ''}`
  }
  throw new Error('expected an error')
}

describe('Artillery scripts', () => {
  it("parses the product document's seed scenario unchanged", async () => {
    const { readFileSync } = await import('node:fs')
    const plan = parseScript(readFileSync(SEED, 'utf8'), 'seed.yml', { target: 'http://127.0.0.1:1' })
    expect(plan.target).toBe('http://127.0.0.1:1')
    expect(plan.phases).toEqual([
      { kind: 'rate', durationMs: 60_000, arrivalRate: 5, rampTo: 50, name: 'Warm up phase' },
      { kind: 'rate', durationMs: 300_000, arrivalRate: 50, name: 'Sustained load' },
    ])
    expect(plan.metricsByEndpoint.enabled).toBe(true)
    expect(plan.scenarios[0]!.flow.map((s) => s.kind)).toEqual(['request', 'request', 'think', 'request'])
    expect(plan.scenarios[0]!.flow[0]).toMatchObject({ method: 'GET', url: '/products', capture: [{ json: '$.products[0].id', as: 'productId' }] })
    expect(plan.scenarios[0]!.flow[3]).toMatchObject({ method: 'POST', json: { productId: '{{ productId }}', quantity: 1 } })
    const staging = parseScript(readFileSync(SEED, 'utf8'), 'seed.yml', { environment: 'staging', durationScale: 0.05 })
    expect(staging.target).toBe('https://staging-api.example.com')
    expect(staging.phases.map((p) => p.durationMs)).toEqual([3000, 15_000])
  })

  it('unknown keys are errors that name the path, the line and a likely fix', () => {
    const msg = fail('config:\n  target: http://x\n  phases:\n    - duration: 10\n      arivalRate: 5\nscenarios:\n  - flow:\n      - get: { url: / }\n')
    expect(msg).toMatch(/^test\.yml:5: config\.phases\[0\]\.arivalRate: unknown key 'arivalRate' \| Did you mean 'arrivalRate'\?/)
    expect(
      fail('config:\n  target: http://x\n  phases: [{ duration: 1, arrivalRate: 1 }]\nscenarios:\n  - flow:\n      - get: { url: /, hedaers: {} }\n'),
    ).toMatch(/test\.yml:6: scenarios\[0\]\.flow\[0\]\.get\.hedaers: unknown key 'hedaers' \| Did you mean 'headers'\?/)
    expect(fail('config:\n  target: http://x\n  phases: [{ duration: 1, arrivalRate: 1 }]\nscenarios:\n  - flow:\n      - fetch: { url: / }\n')).toMatch(
      /scenarios\[0\]\.flow\[0\]\.fetch: unknown step 'fetch'/,
    )
  })

  it('invalid phases name the phase and what to write', () => {
    const base = (phase: string) => `config:\n  target: http://x\n  phases:\n    - ${phase}\nscenarios:\n  - flow:\n      - get: { url: / }\n`
    expect(fail(base('{ arrivalRate: 5 }'))).toMatch(/config\.phases\[0\]: phase has no `duration`/)
    expect(fail(base('{ duration: 10 }'))).toMatch(/neither `arrivalRate`, `rampTo` nor `arrivalCount`/)
    expect(fail(base('{ duration: "ten", arrivalRate: 1 }'))).toMatch(/config\.phases\[0\]\.duration: expected seconds/)
    expect(fail(base('{ duration: 10, arrivalRate: -1 }'))).toMatch(/rates must be 0 or more/)
    expect(fail(base('{ duration: 10, arrivalCount: 5, arrivalRate: 1 }'))).toMatch(/cannot be combined/)
  })

  it('malformed YAML, missing target, unknown environment and JavaScript features are clear errors', () => {
    expect(fail('config:\n  target: "http://x\n  phases: []\n')).toMatch(/^test\.yml(:\d+)?: not valid YAML/)
    expect(fail('config:\n  phases: [{ duration: 1, arrivalRate: 1 }]\nscenarios:\n  - flow:\n      - get: { url: / }\n')).toMatch(
      /config\.target: no target URL \| Set config\.target, or pass --target/,
    )
    expect(
      fail('config:\n  target: http://x\n  phases: [{ duration: 1, arrivalRate: 1 }]\nscenarios:\n  - flow:\n      - get: { url: / }\n', { environment: 'qa' }),
    ).toMatch(/no environment 'qa'/)
    expect(
      fail('config:\n  target: http://x\n  processor: ./p.js\n  phases: [{ duration: 1, arrivalRate: 1 }]\nscenarios:\n  - flow:\n      - function: go\n'),
    ).toMatch(/config\.processor: JavaScript processors are not run/)
  })

  it('reads ensure (modern and legacy keys), $env templates in config and CSV payloads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-script-'))
    writeFileSync(join(dir, 'users.csv'), 'name,age\nana,31\nbo,40\n')
    const plan = parseScript(
      [
        'config:',
        '  target: http://x',
        '  phases: [{ duration: 1, arrivalRate: "{{ $env.RATE }}" }]',
        '  payload: { path: users.csv, fields: [name, age], skipHeader: true, order: sequence }',
        '  ensure: { p99: 200, maxErrorRate: 1, thresholds: [{ "http.response_time.p95": 100 }], conditions: [{ expression: "http.request_rate > 10" }] }',
        'scenarios:',
        '  - flow:',
        '      - get: { url: "/u/{{ name }}" }',
      ].join('\n'),
      join(dir, 's.yml'),
      { env: { RATE: '7' } },
    )
    expect(plan.phases[0]).toMatchObject({ arrivalRate: 7 })
    expect(plan.payloads[0]).toMatchObject({
      fields: ['name', 'age'],
      rows: [
        ['ana', '31'],
        ['bo', '40'],
      ],
      order: 'sequence',
    })
    expect(plan.ensure).toEqual({
      thresholds: [
        { metric: 'http.response_time.p95', max: 100 },
        { metric: 'http.response_time.p99', max: 200 },
      ],
      conditions: [{ expression: 'http.request_rate > 10', strict: true }],
      maxErrorRate: 1,
    })
  })
})
