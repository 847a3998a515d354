import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, openMetrics, skipWithoutPrometheus, startPrometheus, type Running } from '../utils/prometheus.js'
import { runCli } from '../utils/run-cli.js'
import { tmpProject } from '../utils/tmp.js'

const tmp = tmpProject('headroom-e2e-prom-')
const END = Math.floor((Date.now() / 1000 - 3 * 3600) / 300) * 300
const START = END - 2 * 86_400
let prom: Running

describe.skipIf(skipWithoutPrometheus)('headroom collect prometheus, then analyze (built CLI, real Prometheus)', () => {
  beforeAll(async () => {
    const node = { instance: 'db1:9100', job: 'node' }
    prom = await startPrometheus({
      openmetrics: openMetrics(
        [
          { name: 'node_cpu_seconds_total', type: 'counter', labels: { ...node, cpu: '0', mode: 'idle' }, value: (b) => 1 - ((b % 6) * 10) / 100 },
          ...['1', '2', '3'].map((cpu) => ({
            name: 'node_cpu_seconds_total',
            type: 'counter' as const,
            labels: { ...node, cpu, mode: 'idle' },
            value: () => 0.9,
          })),
          { name: 'node_memory_MemTotal_bytes', type: 'gauge', labels: node, value: () => 32 * 1024 ** 3 },
          { name: 'node_memory_MemAvailable_bytes', type: 'gauge', labels: node, value: () => 20 * 1024 ** 3 },
        ],
        START,
        END,
      ),
    })
  }, 60_000)
  afterAll(async () => prom?.stop())

  it('collects, then sizes the host for EC2', async () => {
    const c = await runCli(
      ['collect', 'prometheus', '--url', prom.url, '--days', '2', '--as-of', new Date(END * 1000).toISOString(), '--selector', '{job="node"}'],
      { cwd: tmp.dir },
    )
    expect(c.stderr).toMatch(/^note: PROM_NO_NETWORK: 1 host\(s\) have no network counters/m) // none in this fixture
    expect(c.code).toBe(0)
    expect(c.stdout).toMatch(/^collected 1 host and 0 container workloads: [\d,]+ points in \d+ series/)
    const a = await runCli(['analyze'], { cwd: tmp.dir })
    expect(a.code).toBe(0)
    expect(a.stdout).toMatch(/Host -> EC2 sizing \(1 of 1\)/)
    expect(a.stdout).toMatch(/^db1:9100 +4 +32 +\S+ +\$[\d.]+ +\w+ +\w+/m)
  })

  it('an unreachable Prometheus: exit 3 and the store is untouched', async () => {
    const port = await freePort()
    const r = await runCli(['collect', 'prometheus', '--url', `http://127.0.0.1:${port}`, '--timeout', '1'], { cwd: tmp.dir })
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/headroom: error: Cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/)
    const s = await runCli(['status'], { cwd: tmp.dir })
    expect(s.stdout).toMatch(/resources 1 \(host 1\)/)
  })
})
