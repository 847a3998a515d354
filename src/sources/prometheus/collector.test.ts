import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { quantileLinear } from '../../analyzers/test-utils.js'
import { runCollectPrometheus, type CollectPrometheusOptions } from '../../cli/collect-prometheus.js'
import type { Effects } from '../../core/effects.js'
import { DuckDbStore } from '../../store/duckdb/store.js'
import { QUANTILE_LEVELS } from '../../store/types.js'
import { tmpProject } from '../../../test/utils/tmp.js'
import { openMetrics, skipWithoutPrometheus, startPrometheus, type FixtureSeries, type Running } from '../../../test/utils/prometheus.js'
import { chunks, workloadOf } from './collector.js'
import { runAnalysis } from '../../analyzers/run.js'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'

/**
 * A real Prometheus (Debian package) backfilled with 14 days of known samples by promtool. Every expected value
 * below comes from the generator's own functions, never from headroom's output.
 */
const DAY = 86_400
const END = Math.floor((Date.now() / 1000 - 3 * 3600) / 300) * 300
const START = END - 14 * DAY
const GIB = 1024 ** 3
const base = (b: number) => ((b * 7) % 19) * 5 // 0..90 % by 5-minute block
const memPct = (b: number) => 20 + (b % 12) * 5
const h = (instance: string) => ({ instance, job: 'node' })
const last2d = 12 * 1440 // minute index where 2-day series start
const NAN_BLOCK = 4000 // h2's MemAvailable is NaN for this whole 5-minute block

const SERIES: FixtureSeries[] = [
  // h1: two CPUs; cpu0 peaks +10 points in the third minute of every block; a counter reset on cpu0.
  {
    name: 'node_cpu_seconds_total',
    type: 'counter',
    labels: { ...h('h1:9100'), cpu: '0', mode: 'idle' },
    value: (b, m) => 1 - (base(b) + (m === 2 ? 10 : 0)) / 100,
    resetAt: 5000,
  },
  { name: 'node_cpu_seconds_total', type: 'counter', labels: { ...h('h1:9100'), cpu: '1', mode: 'idle' }, value: (b) => 1 - base(b) / 200 },
  { name: 'node_cpu_seconds_total', type: 'counter', labels: { ...h('h2:9100'), cpu: '0', mode: 'idle' }, value: () => 0.5, fromMinute: last2d },
  { name: 'node_cpu_seconds_total', type: 'counter', labels: { ...h('h3:9100'), cpu: '0', mode: 'idle' }, value: () => 0.9, minutes: 3 * 1440 },
  { name: 'node_memory_MemTotal_bytes', type: 'gauge', labels: h('h1:9100'), value: () => 16 * GIB },
  { name: 'node_memory_MemTotal_bytes', type: 'gauge', labels: h('h2:9100'), value: () => 8 * GIB, fromMinute: last2d },
  { name: 'node_memory_MemAvailable_bytes', type: 'gauge', labels: h('h1:9100'), value: (b) => 16 * GIB * (1 - memPct(b) / 100) },
  { name: 'node_memory_MemAvailable_bytes', type: 'gauge', labels: h('h2:9100'), value: (b) => (b === NAN_BLOCK ? NaN : 4 * GIB), fromMinute: last2d },
  { name: 'node_network_receive_bytes_total', type: 'counter', labels: { ...h('h1:9100'), device: 'eth0' }, value: (b) => 1000 * ((b % 10) + 1) },
  { name: 'node_network_receive_bytes_total', type: 'counter', labels: { ...h('h1:9100'), device: 'lo' }, value: () => 1e9 },
  { name: 'node_network_transmit_bytes_total', type: 'counter', labels: { ...h('h1:9100'), device: 'eth0' }, value: () => 500 },
  { name: 'node_disk_reads_completed_total', type: 'counter', labels: { ...h('h1:9100'), device: 'sda' }, value: () => 10 },
  { name: 'node_disk_reads_completed_total', type: 'counter', labels: { ...h('h1:9100'), device: 'loop0' }, value: () => 1000 },
  { name: 'node_disk_writes_completed_total', type: 'counter', labels: { ...h('h1:9100'), device: 'sda' }, value: () => 5 },
  { name: 'node_disk_read_bytes_total', type: 'counter', labels: { ...h('h1:9100'), device: 'sda' }, value: () => 40960 },
  { name: 'node_disk_written_bytes_total', type: 'counter', labels: { ...h('h1:9100'), device: 'sda' }, value: () => 20480 },
  // GPUs (DCGM exporter, its own job and port) on h2, last 2 days: GPU 0 at 30% or 50% (alternate blocks), GPU 1 at
  // 10%: the instance's mean is 20% or 30%; framebuffer 8,000 and 2,000 MiB. And a GPU exporter with no host beside it.
  ...[
    ['0', (b: number) => (b % 2 ? 50 : 30), 8000],
    ['1', () => 10, 2000],
  ].flatMap(([gpu, util, fb]) => [
    {
      name: 'DCGM_FI_DEV_GPU_UTIL',
      type: 'gauge' as const,
      labels: { instance: 'h2:9400', job: 'dcgm', gpu: gpu as string, modelName: 'NVIDIA A10G', Hostname: 'h2' },
      value: util as (b: number) => number,
      fromMinute: last2d,
    },
    {
      name: 'DCGM_FI_DEV_FB_USED',
      type: 'gauge' as const,
      labels: { instance: 'h2:9400', job: 'dcgm', gpu: gpu as string, modelName: 'NVIDIA A10G', Hostname: 'h2' },
      value: () => fb as number,
      fromMinute: last2d,
    },
  ]),
  {
    name: 'DCGM_FI_DEV_GPU_UTIL',
    type: 'gauge',
    labels: { instance: 'gpuonly:9400', job: 'dcgm', gpu: '0', modelName: 'Tesla T4' },
    value: () => 5,
    fromMinute: last2d,
  },
  // Containers (cAdvisor) and kube-state-metrics, last 2 days.
  ...[
    ['web-7d9f8b6c5d-abcde', 'app', 0.2],
    ['web-7d9f8b6c5d-fghij', 'app', 0.3],
    ['api-5c4d8f7b9a-qwert', 'api', 0.1],
    ['db-0', 'db', 0.5],
  ].flatMap(([pod, container, cores]) => [
    {
      name: 'container_cpu_usage_seconds_total',
      type: 'counter' as const,
      labels: { namespace: 'shop', pod: String(pod), container: String(container) },
      value: (b: number) => Number(cores) * (1 + (b % 4) / 4),
      fromMinute: last2d,
    },
    {
      name: 'container_memory_working_set_bytes',
      type: 'gauge' as const,
      labels: { namespace: 'shop', pod: String(pod), container: String(container) },
      value: (b: number) => (100 + (b % 8) * 10) * 2 ** 20 * Number(cores) * 10,
      fromMinute: last2d,
    },
  ]),
  ...[
    ['web-7d9f8b6c5d-abcde', 'ReplicaSet', 'web-7d9f8b6c5d'],
    ['web-7d9f8b6c5d-fghij', 'ReplicaSet', 'web-7d9f8b6c5d'],
    ['api-5c4d8f7b9a-qwert', 'ReplicaSet', 'api-5c4d8f7b9a'],
  ].map(([pod, kind, name]) => ({
    name: 'kube_pod_owner',
    type: 'gauge' as const,
    labels: { namespace: 'shop', pod: pod!, owner_kind: kind!, owner_name: name! },
    value: () => 1,
    fromMinute: last2d,
  })),
  ...[
    ['requests', 'cpu', 1],
    ['requests', 'memory', 512 * 2 ** 20],
    ['limits', 'cpu', 2],
    ['limits', 'memory', GIB],
  ].flatMap(([k, res, v]) =>
    ['web-7d9f8b6c5d-abcde', 'web-7d9f8b6c5d-fghij'].map((pod) => ({
      name: `kube_pod_container_resource_${String(k)}`,
      type: 'gauge' as const,
      labels: { namespace: 'shop', pod, container: 'app', resource: String(res) },
      value: () => Number(v),
      fromMinute: last2d,
    })),
  ),
  {
    name: 'kube_horizontalpodautoscaler_info',
    type: 'gauge',
    labels: { namespace: 'shop', horizontalpodautoscaler: 'api-hpa', scaletargetref_kind: 'Deployment', scaletargetref_name: 'api' },
    value: () => 1,
    fromMinute: last2d,
  },
]

/** Expected 5-minute points of h1's CPU: max over the block's minutes of the mean of both CPUs, and the mean. */
// One point per block b at START + (b + 1) x 300; block 0 is complete (the sample at START opens the counter).
const h1Blocks = Array.from({ length: (14 * DAY) / 300 }, (_, i) => i)
const h1CpuMax = h1Blocks.map((b) => (base(b) + 10 + base(b) / 2) / 2)
const h1CpuAvg = h1Blocks.map((b) => (base(b) + 2 + base(b) / 2) / 2)

const tmp = tmpProject('headroom-prom-test-')
let prom: Running
const quiet = (): Effects & { out: string; err: string } => {
  const e = {
    out: '',
    err: '',
    stdout: { write: (s: string) => (e.out += s) },
    stderr: { write: (s: string) => (e.err += s) },
    now: () => Date.now(),
    env: {},
    cwd: tmp.dir,
  }
  return e
}
const options = (workspace: string, extra: Partial<CollectPrometheusOptions> = {}): CollectPrometheusOptions => ({
  workspace,
  url: prom.url,
  headers: [],
  timeoutSec: 30,
  days: 14,
  end: END * 1000,
  selector: '',
  resolutionSec: 300,
  rateWindow: '2m',
  concurrency: 4,
  hosts: true,
  containers: true,
  shardSize: 1,
  ...extra,
})

describe.skipIf(skipWithoutPrometheus)('collect prometheus from a real, backfilled Prometheus', () => {
  beforeAll(async () => {
    prom = await startPrometheus({ openmetrics: openMetrics(SERIES, START, END) })
  }, 120_000) // backfill + start: worst measured 38 s under load
  afterAll(async () => prom?.stop())

  it('stores exact 5-minute maxima and averages, hosts, containers and notes', async () => {
    const e = quiet()
    await runCollectPrometheus(options(tmp.path('ws')), e)
    expect(e.out).toMatch(/collected 3 hosts and 3 container workloads/)
    // h3 reported for its first 3 days; Prometheus keeps a series 5 minutes past its last sample: 11 days - 5 min.
    expect(e.err).toMatch(/PROM_STALE: h3:9100: last sample 263\.9 h before the window end/)
    expect(e.err).toMatch(/PROM_NO_MEMORY: h3:9100: no node_memory_MemTotal_bytes/)
    expect(e.err).toMatch(/PROM_NONFINITE: 2 NaN or infinite points/)
    expect(e.err).toMatch(/2 host\(s\) have no network counters/)
    const store = await DuckDbStore.open(tmp.path('ws'), { readOnly: true })
    const usage = await store.usage({ lookbackDays: 14, asOf: END * 1000 })
    // The run's notes are kept with the data, so `headroom analyze` reports them later.
    const kept = (await store.sourceIssues()).map((i) => i.code)
    store.close()
    expect(kept).toEqual(expect.arrayContaining(['PROM_STALE', 'PROM_NO_MEMORY', 'PROM_NONFINITE']))
    const h1 = usage.find((u) => u.resource.id === 'h1:9100')!
    expect(h1.resource).toMatchObject({ provider: 'prometheus', kind: 'host', attributes: { vcpus: 2, memoryGiB: 16 } })
    const cpu = h1.metrics['cpu.utilization']!
    expect(cpu.max!.samples).toBe(h1CpuMax.length)
    const sortedMax = [...h1CpuMax].sort((a, b) => a - b)
    const sortedAvg = [...h1CpuAvg].sort((a, b) => a - b)
    QUANTILE_LEVELS.forEach((l, i) => {
      expect(cpu.max!.quantiles[i]).toBeCloseTo(quantileLinear(sortedMax, l), 6)
      expect(cpu.avg!.quantiles[i]).toBeCloseTo(quantileLinear(sortedAvg, l), 6)
    })
    expect(h1.metrics['mem.utilization']!.max!.max).toBeCloseTo(75, 6)
    expect(h1.metrics['net.in.bytes_per_s']!.max!.max).toBeCloseTo(10_000, 6) // eth0 only: lo's 1e9 B/s is excluded
    expect(h1.metrics['net.out.bytes_per_s']!.avg!.p50).toBeCloseTo(500, 6)
    expect(h1.metrics['ebs.read.ops_per_s']!.max!.max).toBeCloseTo(10, 6) // sda only: loop0 excluded
    expect(h1.metrics['ebs.write.bytes_per_s']!.avg!.max).toBeCloseTo(20480, 6)
    const h2 = usage.find((u) => u.resource.id === 'h2:9100')!
    expect(h2.resource.attributes).toMatchObject({ vcpus: 1, memoryGiB: 8, gpuCount: 2, gpuModelName: 'NVIDIA A10G' })
    // The mean over h2's two GPUs: 20% or 30% a block; the fullest GPU's framebuffer 8,000 MiB, stored in bytes.
    expect([h2.metrics['gpu.utilization']!.max!.quantiles[0], h2.metrics['gpu.utilization']!.max!.max]).toEqual([20, 30])
    expect(h2.metrics['gpu.memory.used.bytes']!.max!.max).toBe(8000 * 1048576)
    expect(e.err).toMatch(/PROM_GPU_NO_HOST: gpuonly:9400: DCGM reports GPUs but no node_exporter host/)
    // 2 days of blocks (576), plus the block whose last minute h2's first sample reports, minus the NaN block.
    expect(h2.metrics['mem.utilization']!.max!.samples).toBe(2 * 288 + 1 - 1)
    const web = usage.find((u) => u.resource.id === 'shop/web/app')!
    expect(web.resource.attributes).toMatchObject({ pods: 2, cpuRequestCores: 1, cpuLimitCores: 2, memRequestBytes: 512 * 2 ** 20, memLimitBytes: GIB })
    // Busiest replica per step: 0.3 cores x (1 + (b % 4) / 4), at most 0.3 x 1.75 = 0.525.
    expect(web.metrics['cpu.cores']!.max!.max).toBeCloseTo(0.525, 6)
    expect(usage.find((u) => u.resource.id === 'shop/api/api')!.resource.attributes.hpa).toBe('api-hpa')
    expect(usage.find((u) => u.resource.id === 'shop/db/db')).toBeDefined() // no owner: pod name heuristic
  })

  it('analyze sizes the hosts for EC2 and the containers krr-style, as worked out from the generator', async () => {
    const store = await DuckDbStore.open(tmp.path('ws'), { readOnly: true })
    const report = runAnalysis(await store.usage({ lookbackDays: 14, asOf: END * 1000 }), loadCatalog(), {
      services: loadServiceCatalogs(),
      lookbackDays: 14,
      now: 0,
      version: 'test',
    })
    store.close()
    // h1: CPU p99.5 of 5-minute maxima x 2 cores x 1.2 -> at most (0.75 x 90 + 5)% x 2 x 1.2 = 1.74 vCPU -> 2 vCPU;
    // memory peak 75% of 16 GiB = 12 GiB x 1.2 = 14.4 GiB -> 16 GiB. Cheapest offered in us-east-1 with 2 vCPU and
    // 16 GiB on the host's architecture (taken as x86_64): r5a.large ($0.113/h = $82.49/month). The cheapest of all,
    // r6g.large (Graviton, $0.1008/h = $73.58/month), is shown beside it; t4g.xlarge ($0.1344) is dearer.
    const h1 = report.recommendations.find((r) => r.analyzer === 'host.ec2-sizing' && r.resource.id === 'h1:9100')!
    expect(h1.finding).toBe('Sized')
    expect(h1.options[0]!.change.instanceType).toBe('r5a.large')
    expect(h1.options[0]!.monthlyCost).toBe(82.49)
    expect(h1.options.find((o) => o.change.instanceType === 'r6g.large')?.monthlyCost).toBe(73.58)
    const cpuNeed = h1.options[0]!.dimensions.find((d) => d.dimension === 'cpu')!.need!
    expect(cpuNeed).toBeCloseTo(
      (quantileLinear(
        [...h1CpuMax].sort((a, b) => a - b),
        0.995,
      ) /
        100) *
        2 *
        1.2,
      6,
    )
    expect(h1.options[0]!.dimensions.find((d) => d.dimension === 'memory')!.need!).toBeCloseTo(16 * 0.75 * 1.2, 6)
    // h2 has GPUs: gpu.rightsize sizes it onto EC2 types with A10Gs (host.ec2-sizing leaves it). p99.5 30% x 2 GPUs = 0.6
    // busy / 0.8 = 0.75 GPU; framebuffer 8,000 MiB x 2 = 16,000 <= one A10G's 22,888: g5.xlarge.
    expect(report.recommendations.filter((r) => r.resource.id === 'h2:9100').map((r) => r.analyzer)).not.toContain('host.ec2-sizing')
    const h2gpu = report.recommendations.find((r) => r.analyzer === 'gpu.rightsize' && r.resource.id === 'h2:9100')!
    expect([h2gpu.finding, h2gpu.options[0]!.change.instanceType]).toEqual(['Sized', 'g5.xlarge'])
    // shop/web/app: the busiest replica uses 0.3 x {1, 1.25, 1.5, 1.75} cores in turn -> p95 = 0.525 -> 525m (was 1000m);
    // peak memory 3 x 170 MiB = 510 MiB x 1.15 = 586.5 -> 587Mi, above the 512Mi request x 1.1 -> Underprovisioned.
    const web = report.recommendations.find((r) => r.analyzer === 'k8s.rightsize' && r.resource.id === 'shop/web/app')!
    expect(web.options[0]!.change).toEqual({ cpuRequest: '525m', cpuLimit: 'none', memoryRequest: '587Mi', memoryLimit: '587Mi' })
    expect([web.finding, web.reasons]).toEqual(['Underprovisioned', ['MemoryUnderprovisioned']])
    const api = report.recommendations.find((r) => r.resource.id === 'shop/api/api')!
    expect([api.finding, api.reasons]).toEqual(['Flagged', ['HPAControlled']])
    expect(report.recommendations.find((r) => r.resource.id === 'shop/db/db')!.finding).toBe('Sized') // no requests known
  })

  it('a second collection adds nothing; on a terminal a progress bar shows', async () => {
    const e = quiet()
    ;(e.stderr as { isTTY?: boolean }).isTTY = true
    await runCollectPrometheus(options(tmp.path('ws')), e)
    expect(e.out).toMatch(/\(0 new, [\d,]+ already stored\)/)
    // 3 hosts x 16 host queries + 4 container queries + 3 GPU queries, one time chunk each = 55 queries.
    expect(e.err).toMatch(/\r {2}\[#{30}\] 55\/55 queries, [\d.]+ s\n/)
  })

  it('--selector narrows the hosts', async () => {
    const e = quiet()
    await runCollectPrometheus(options(tmp.path('ws-sel'), { selector: '{instance="h2:9100"}', containers: false }), e)
    expect(e.out).toMatch(/collected 1 host and 0 container workloads/)
  })
})

describe('collector helpers', () => {
  it('splits ranges under 11,000 points per series', () => {
    const day = 86_400_000
    const c = chunks(0, 93 * day, 300)
    expect(c.length).toBe(3) // 26,785 points -> 10,999 + 10,999 + rest
    for (const [a, b] of c) expect((b - a) / 300_000 + 1).toBeLessThan(11_000)
    expect(c[0]![0]).toBe(0)
    expect(c.at(-1)![1]).toBe(93 * day)
    expect(c[1]![0] - c[0]![1]).toBe(300_000)
  })
  it('names workloads from owners or pod names', () => {
    expect(workloadOf('web-7d9f8b6c5d-abcde', { kind: 'ReplicaSet', name: 'web-7d9f8b6c5d' })).toBe('web')
    expect(workloadOf('db-0')).toBe('db')
    expect(workloadOf('agent-x7k2p')).toBe('agent')
    expect(workloadOf('web-7d9f8b6c5d-abcde')).toBe('web')
  })
})
