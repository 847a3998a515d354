import { describe, expect, it } from 'vitest'
import { parseScript } from './script.js'
import { buildRequest, pickScenario } from './vu.js'

const plan = (flow: string) =>
  parseScript(
    `config:
  target: http://127.0.0.1:8080/api
  phases: [{ duration: 1, arrivalRate: 1 }]
  defaults: { headers: { X-Team: '{{ team }}' } }
  plugins: { metrics-by-endpoint: {} }
scenarios:
  - flow:
${flow}`,
    'test.yml',
  )
const firstStep = (p: ReturnType<typeof plan>) => {
  const s = p.scenarios[0]!.flow[0]!
  if (s.kind !== 'request') throw new Error('not a request')
  return s
}

describe('the request builder (pure: a step and a context in, a request out)', () => {
  it('renders url, query, default and step headers, and a JSON body with its content type', () => {
    const p = plan(`      - post:
          url: "/products/{{ id }}?a=1"
          qs: { page: '{{ page }}' }
          headers: { Authorization: 'Bearer {{ token }}' }
          json: { name: '{{ name }}', qty: 2 }
`)
    const r = buildRequest(firstStep(p), p, { vars: { id: 42, page: 3, token: 't0k', name: 'pen', team: 'blue' }, env: {} })
    expect(r).toEqual({
      origin: 'http://127.0.0.1:8080',
      // Relative to the target (its path kept), the step's query first, then qs appended.
      path: '/api/products/42?a=1&page=3',
      method: 'POST',
      headers: { 'x-team': 'blue', authorization: 'Bearer t0k', 'content-type': 'application/json' },
      body: '{"name":"pen","qty":2}',
      // Counted under the step's template, without its query string (the plugin's stripQueryString default).
      endpoint: 'POST /products/{{ id }}',
      wantBody: false,
    })
  })

  it('a form body is URL-encoded; a capture asks for the body; an absolute URL leaves the target', () => {
    const p = plan(`      - put:
          url: "http://127.0.0.1:9090/x"
          name: save
          form: { a: 'b c', n: 1 }
          capture: { json: "$.id", as: id }
`)
    const r = buildRequest(firstStep(p), p, { vars: { team: 't' }, env: {} })
    expect(r).toMatchObject({ origin: 'http://127.0.0.1:9090', path: '/x', body: 'a=b+c&n=1', endpoint: 'save', wantBody: true })
    expect(r).toHaveProperty(['headers', 'content-type'], 'application/x-www-form-urlencoded')
  })

  it('a URL that does not render to one is EINVALIDURL, not a thrown error', () => {
    const p = plan(`      - get:
          url: "{{ where }}"
`)
    expect(buildRequest(firstStep(p), p, { vars: { where: 'http://exa mple.com:99999/', team: 't' }, env: {} })).toEqual({ error: 'EINVALIDURL' })
  })
})

describe('pickScenario', () => {
  it('picks by weight: with random() at 0.1 and 0.9, weights 1 and 3 give the first and the second', () => {
    const list = [
      { name: 'a', weight: 1, flow: [] },
      { name: 'b', weight: 3, flow: [] },
    ]
    // total 4: 0.1 x 4 = 0.4 < 1 -> a; 0.9 x 4 = 3.6 -> past a's 1 -> b.
    expect([pickScenario(list, () => 0.1).name, pickScenario(list, () => 0.9).name]).toEqual(['a', 'b'])
  })
})
