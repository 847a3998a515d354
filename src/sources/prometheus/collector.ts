import type { MetricName, Statistic } from '../../core/metrics.js'
import type { CollectedSeries } from '../../store/types.js'
import type { Issue, ResourceRef } from '../../core/report.js'
import { UsageError } from '../../core/errors.js'
import type { MatrixResult, PromClient, VectorResult } from './client.js'
import { runPool } from '../retry.js'

export interface PromCollectOptions {
  days: number
  /** Window end, epoch ms (default: now). */
  end: number
  /** A PromQL label matcher applied to every node_exporter / cAdvisor selector, e.g. {job="node"}. */
  selector: string
  /** Points are 5-minute maxima and averages by default (Compute Optimizer's resolution). */
  resolutionSec: number
  /** Range of irate() for the per-minute points inside each 5-minute maximum. */
  rateWindow: string
  concurrency: number
  hosts: boolean
  containers: boolean
  /** Hosts per query, so one answer never holds a whole fleet. */
  shardSize: number
  onProgress?: (done: number, total: number) => void
}

export interface PromCollection {
  resources: ResourceRef[]
  series: CollectedSeries[]
  issues: Issue[]
  queries: number
  window: { start: number; end: number }
}

/** Prometheus refuses range queries over 11,000 points per series. */
const MAX_POINTS = 11_000

/** `{job="node", env=~"prod"}` -> `job="node", env=~"prod"` (validated by Prometheus itself). */
function selectorInner(selector: string): string {
  const s = selector.trim()
  if (s === '') return ''
  if (!s.startsWith('{') || !s.endsWith('}'))
    throw new UsageError(`--selector '${selector}' is not a label matcher`, 'Write it like \'{job="node"}\' (braces included).')
  return s.slice(1, -1).trim()
}

const sel = (inner: string, ...extra: string[]) => `{${[...extra, inner].filter(Boolean).join(', ')}}`

/** Time chunks whose points per series stay under MAX_POINTS. */
export function chunks(start: number, end: number, stepSec: number, maxPoints = MAX_POINTS - 1): [number, number][] {
  const out: [number, number][] = []
  const span = (maxPoints - 1) * stepSec * 1000
  for (let s = start; s <= end; s += span + stepSec * 1000) out.push([s, Math.min(end, s + span)])
  return out
}

interface QuerySpec {
  metric: MetricName
  stat: Statistic
  expr: string
  key: (labels: Record<string, string>) => string | undefined
}

/**
 * Subquery range and inner step for a resolution: [299s:60s] at 300 s. One second short of the resolution because
 * Prometheus 2.x range selectors include their left end (3.0 made them left-open): [300s:60s] would also take the
 * last point of the previous window on 2.x. [299s:60s] selects the same five points on both.
 */
function windowOf(resolutionSec: number): string {
  const inner = Math.max(1, Math.min(60, Math.floor(resolutionSec / 5)))
  return `[${resolutionSec - 1}s:${inner}s]`
}

/**
 * The PromQL for each stored series. Maxima and averages are max_over_time / avg_over_time of per-minute irate()
 * points in each 5-minute window (a subquery), so Prometheus returns one point per 5 minutes per host, irate()
 * handles counter resets, and both statistics describe the same per-minute points. (rate(x[5m]) would cover only
 * the last four minute-intervals of the window at a 60 s scrape and extrapolate.) Network excludes loopback and virtual devices; disks exclude loop,
 * ram and optical devices. Host disks map to the ebs.* metrics: block storage to size on EC2.
 */
function hostQueries(inner: string, w: string, shard: string, resolutionSec = 300): QuerySpec[] {
  const s = (...extra: string[]) => sel(inner, shard, ...extra)
  const by = 'by (instance)'
  const win = windowOf(resolutionSec)
  const both = (expr: string) => ({ max: `max_over_time((${expr})${win})`, avg: `avg_over_time((${expr})${win})` })
  const counter = (name: string, extra: string[], agg: 'sum' | 'avg') => both(`${agg} ${by} (irate(${name}${s(...extra)}[${w}]))`)
  const cpuIdle = both(`100 * (1 - avg ${by} (irate(node_cpu_seconds_total${s('mode="idle"')}[${w}])))`)
  const memUsed = `(100 * (1 - max ${by} (node_memory_MemAvailable_bytes${s()}) / max ${by} (node_memory_MemTotal_bytes${s()})))`
  const net = ['device!~"lo|veth.*|docker.*|br-.*|virbr.*|cni.*|flannel.*"']
  const disk = ['device!~"loop.*|ram.*|sr.*|fd.*"']
  const pairs: [MetricName, { max: string; avg: string }][] = [
    ['cpu.utilization', cpuIdle],
    ['mem.utilization', both(memUsed)],
    ['net.in.bytes_per_s', counter('node_network_receive_bytes_total', net, 'sum')],
    ['net.out.bytes_per_s', counter('node_network_transmit_bytes_total', net, 'sum')],
    ['ebs.read.ops_per_s', counter('node_disk_reads_completed_total', disk, 'sum')],
    ['ebs.write.ops_per_s', counter('node_disk_writes_completed_total', disk, 'sum')],
    ['ebs.read.bytes_per_s', counter('node_disk_read_bytes_total', disk, 'sum')],
    ['ebs.write.bytes_per_s', counter('node_disk_written_bytes_total', disk, 'sum')],
  ]
  return pairs.flatMap(([metric, q]) =>
    (['max', 'avg'] as const).map((stat) => ({ metric, stat, expr: q[stat], key: (l: Record<string, string>) => l.instance })),
  )
}

function containerQueries(inner: string, w: string, resolutionSec = 300): QuerySpec[] {
  const s = sel(inner, 'container!=""', 'container!="POD"')
  const by = 'by (namespace, pod, container)'
  const win = windowOf(resolutionSec)
  const key = (l: Record<string, string>) => (l.namespace && l.pod && l.container ? `${l.namespace}\u0000${l.pod}\u0000${l.container}` : undefined)
  const cpu = `sum ${by} (irate(container_cpu_usage_seconds_total${s}[${w}]))`
  const mem = `max ${by} (container_memory_working_set_bytes${s})`
  return (['max', 'avg'] as const).flatMap((stat) => [
    { metric: 'cpu.cores' as const, stat, expr: `${stat}_over_time((${cpu})${win})`, key },
    { metric: 'mem.used.bytes' as const, stat, expr: `${stat}_over_time((${mem})${win})`, key },
  ])
}

/** Workload of a pod: its owner from kube-state-metrics when known, else the pod name without its generated suffixes. */
export function workloadOf(pod: string, owner?: { kind: string; name: string }): string {
  if (owner && owner.kind === 'ReplicaSet') return owner.name.replace(/-[a-z0-9]{6,10}$/, '')
  if (owner && owner.kind && owner.kind !== '<none>') return owner.name
  return pod
    .replace(/-[a-z0-9]{6,10}-[a-z0-9]{5}$/, '')
    .replace(/-[a-z0-9]{5}$/, '')
    .replace(/-\d+$/, '')
}

const GIB = 1024 ** 3

/** Every query for hosts and containers over the window, in parallel and in chunks Prometheus accepts; nothing is stored here. */
export async function fetchPrometheus(client: PromClient, o: PromCollectOptions): Promise<PromCollection> {
  await client.buildInfo()
  const inner = selectorInner(o.selector)
  const step = o.resolutionSec
  const end = Math.floor(o.end / (step * 1000)) * step * 1000
  const start = end - o.days * 86_400_000 + step * 1000
  const issues: Issue[] = []
  const resources: ResourceRef[] = []
  const series: CollectedSeries[] = []
  const ranges = chunks(start, end, step)
  const lookback = `${Math.ceil((end - start) / 1000) + step}s`
  const tasks: (() => Promise<void>)[] = []
  const collected = new Map<string, { metric: MetricName; stat: Statistic; key: string; ts: number[]; values: number[] }>()
  let nonFinite = 0
  const add = (spec: QuerySpec, result: MatrixResult) => {
    for (const r of result) {
      const key = spec.key(r.metric)
      if (key === undefined) continue
      const id = `${spec.metric}\u0001${spec.stat}\u0001${key}`
      const entry = collected.get(id) ?? { metric: spec.metric, stat: spec.stat, key, ts: [], values: [] }
      collected.set(id, entry)
      for (const [t, v] of r.values) {
        const x = Number(v)
        if (!Number.isFinite(x)) {
          nonFinite++
          continue
        }
        entry.ts.push(t * 1000)
        entry.values.push(Math.max(0, x))
      }
    }
  }

  // Hosts: list instances first (instant queries at the window end), then query them in shards.
  let hostInfo: { cores: VectorResult; mem: VectorResult } | undefined
  if (o.hosts) {
    // last_over_time over the whole window, so hosts that stopped reporting (stale series) are found too.
    const cores = await client.query(`count by (instance) (last_over_time(node_cpu_seconds_total${sel(inner, 'mode="idle"')}[${lookback}]))`, end)
    const mem = await client.query(`max by (instance) (last_over_time(node_memory_MemTotal_bytes${sel(inner)}[${lookback}]))`, end)
    hostInfo = { cores, mem }
    const instances = [...new Set(cores.map((r) => r.metric.instance).filter((x): x is string => Boolean(x)))].sort()
    for (let i = 0; i < instances.length; i += o.shardSize) {
      const group = instances.slice(i, i + o.shardSize).map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      const shard = `instance=~"${group.join('|').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
      for (const spec of hostQueries(inner, o.rateWindow, shard, step))
        for (const [a, b] of ranges) tasks.push(async () => add(spec, await client.queryRange(spec.expr, a, b, step)))
    }
    if (instances.length === 0)
      issues.push({
        code: 'PROM_NO_HOSTS',
        severity: 'info',
        message: `No node_exporter hosts match ${o.selector || 'any selector'} (no node_cpu_seconds_total series).`,
      })
  }
  let podInfo: { requests: VectorResult; limits: VectorResult; owners: VectorResult; hpa: VectorResult } | undefined
  if (o.containers) {
    podInfo = {
      requests: await client.query(`max by (namespace, pod, container, resource) (last_over_time(kube_pod_container_resource_requests[${lookback}]))`, end),
      limits: await client.query(`max by (namespace, pod, container, resource) (last_over_time(kube_pod_container_resource_limits[${lookback}]))`, end),
      owners: await client.query(`max by (namespace, pod, owner_kind, owner_name) (last_over_time(kube_pod_owner[${lookback}]))`, end),
      hpa: await client.query(
        `max by (namespace, horizontalpodautoscaler, scaletargetref_kind, scaletargetref_name) (last_over_time(kube_horizontalpodautoscaler_info[${lookback}]))`,
        end,
      ),
    }
    for (const spec of containerQueries(inner, o.rateWindow, step))
      for (const [a, b] of ranges) tasks.push(async () => add(spec, await client.queryRange(spec.expr, a, b, step)))
  }
  // GPUs (NVIDIA DCGM exporter, its own scrape job: the node selector does not apply). Its `instance` is the exporter's
  // address; a GPU belongs to the node_exporter host on the same address (host part, port aside).
  const addr = (instance: string) => instance.replace(/:\d+$/, '')
  let gpuInfo: VectorResult = []
  const gpuHost = new Map<string, string>()
  if (hostInfo) {
    gpuInfo = await client.query(`count by (instance, modelName) (last_over_time(DCGM_FI_DEV_GPU_UTIL[${lookback}]))`, end)
    const hostsByAddr = new Map(hostInfo.cores.map((r) => [addr(r.metric.instance ?? ''), r.metric.instance ?? '']))
    for (const g of gpuInfo) {
      const host = hostsByAddr.get(addr(g.metric.instance ?? ''))
      if (host) gpuHost.set(g.metric.instance ?? '', host)
      else
        issues.push({
          code: 'PROM_GPU_NO_HOST',
          severity: 'warning',
          message: `${g.metric.instance}: DCGM reports GPUs but no node_exporter host matching ${o.selector || 'the selector'} has that address; its GPUs are not sized.`,
        })
    }
    if (gpuHost.size > 0) {
      const win = windowOf(step)
      const key = (l: Record<string, string>) => gpuHost.get(l.instance ?? '')
      const gpuSpecs: QuerySpec[] = [
        { metric: 'gpu.utilization', stat: 'max', expr: `max_over_time((avg by (instance) (DCGM_FI_DEV_GPU_UTIL))${win})`, key },
        { metric: 'gpu.utilization', stat: 'avg', expr: `avg_over_time((avg by (instance) (DCGM_FI_DEV_GPU_UTIL))${win})`, key },
        // Framebuffer used, MiB, on the fullest GPU.
        { metric: 'gpu.memory.used.bytes', stat: 'max', expr: `max_over_time((max by (instance) (DCGM_FI_DEV_FB_USED) * 1048576)${win})`, key },
      ]
      for (const spec of gpuSpecs) for (const [a, b] of ranges) tasks.push(async () => add(spec, await client.queryRange(spec.expr, a, b, step)))
    }
  }
  await runPool(tasks, o.concurrency, (done) => o.onProgress?.(done, tasks.length))
  if (nonFinite > 0)
    issues.push({
      code: 'PROM_NONFINITE',
      severity: 'warning',
      message: `${nonFinite} NaN or infinite points (e.g. a 0/0 ratio while a host was down) were left out.`,
    })

  // Hosts -> resources and series.
  if (hostInfo) {
    const memTotal = new Map(hostInfo.mem.map((r) => [r.metric.instance ?? '', Number(r.value[1])]))
    for (const r of hostInfo.cores) {
      const instance = r.metric.instance
      if (!instance) continue
      const bytes = memTotal.get(instance)
      const gpus = gpuInfo.filter((g) => gpuHost.get(g.metric.instance ?? '') === instance)
      resources.push({
        provider: 'prometheus',
        kind: 'host',
        id: instance,
        attributes: {
          vcpus: Number(r.value[1]),
          ...(bytes ? { memoryGiB: Math.round((bytes / GIB) * 1000) / 1000 } : {}),
          ...(gpus.length ? { gpuCount: gpus.reduce((a, g) => a + Number(g.value[1]), 0), gpuModelName: gpus[0]!.metric.modelName ?? '' } : {}),
        },
        tags: Object.fromEntries(Object.entries(r.metric)),
      })
      if (!bytes)
        issues.push({
          code: 'PROM_NO_MEMORY',
          severity: 'warning',
          resourceId: instance,
          message: `${instance}: no node_memory_MemTotal_bytes; memory cannot be sized (memory-blind).`,
        })
    }
    const present = new Set([...collected.values()].map((c) => `${c.metric}\u0001${c.key}`))
    for (const c of collected.values()) {
      if (c.metric !== 'cpu.utilization' || c.stat !== 'max' || c.ts.length === 0) continue
      const age = (end - Math.max(...c.ts)) / 1000
      if (age > 3 * step)
        issues.push({
          code: 'PROM_STALE',
          severity: 'warning',
          resourceId: c.key,
          message: `${c.key}: last sample ${(age / 3600).toFixed(1)} h before the window end; the host may be gone (stale series).`,
        })
    }
    for (const m of ['net.in.bytes_per_s', 'ebs.read.ops_per_s'] as const) {
      const missing = hostInfo.cores.filter((r) => r.metric.instance && !present.has(`${m}\u0001${r.metric.instance}`)).length
      if (missing > 0)
        issues.push({
          code: m.startsWith('net') ? 'PROM_NO_NETWORK' : 'PROM_NO_DISK',
          severity: 'info',
          message: `${missing} host(s) have no ${m.startsWith('net') ? 'network' : 'disk'} counters from node_exporter; that dimension is not sized for them.`,
        })
    }
  }
  // Containers: group pods into workloads (owner from kube-state-metrics, else the pod name), one series per
  // workload container holding the busiest replica at each step.
  const workloads = new Map<string, { ns: string; workload: string; container: string; pods: Set<string> }>()
  if (podInfo) {
    const owners = new Map(
      podInfo.owners.map((r) => [`${r.metric.namespace}\u0000${r.metric.pod}`, { kind: r.metric.owner_kind ?? '', name: r.metric.owner_name ?? '' }]),
    )
    const grouped = new Map<string, Map<number, number>>()
    for (const c of [...collected.values()]) {
      if (c.metric !== 'cpu.cores' && c.metric !== 'mem.used.bytes') continue
      const [ns = '', pod = '', container = ''] = c.key.split('\u0000')
      const workload = workloadOf(pod, owners.get(`${ns}\u0000${pod}`))
      const wid = `${ns}/${workload}/${container}`
      const w = workloads.get(wid) ?? { ns, workload, container, pods: new Set<string>() }
      w.pods.add(pod)
      workloads.set(wid, w)
      const gid = `${c.metric}\u0001${c.stat}\u0001${wid}`
      const points = grouped.get(gid) ?? new Map<number, number>()
      grouped.set(gid, points)
      c.ts.forEach((t, i) => points.set(t, Math.max(points.get(t) ?? 0, c.values[i]!)))
      collected.delete(`${c.metric}\u0001${c.stat}\u0001${c.key}`)
    }
    for (const [gid, points] of grouped) {
      const [metric, stat, wid] = gid.split('\u0001') as [MetricName, Statistic, string]
      const sorted = [...points.entries()].sort((a, b) => a[0] - b[0])
      series.push({
        resourceId: wid,
        metric,
        stat,
        periodSec: step,
        ts: Float64Array.from(sorted, (p) => p[0]),
        values: Float64Array.from(sorted, (p) => p[1]),
      })
    }
    const hpaTargets = new Map(podInfo.hpa.map((r) => [`${r.metric.namespace}/${r.metric.scaletargetref_name}`, r.metric.horizontalpodautoscaler ?? '']))
    const resourceValue = (list: VectorResult, ns: string, pods: Set<string>, container: string, res: string) => {
      const v = list
        .filter((r) => r.metric.namespace === ns && pods.has(r.metric.pod ?? '') && r.metric.container === container && r.metric.resource === res)
        .map((r) => Number(r.value[1]))
      return v.length ? Math.max(...v) : undefined
    }
    for (const [wid, w] of workloads) {
      const attrs: Record<string, string | number> = { namespace: w.ns, workload: w.workload, container: w.container, pods: w.pods.size }
      const put = (k: string, v: number | undefined) => v !== undefined && Number.isFinite(v) && (attrs[k] = v)
      put('cpuRequestCores', resourceValue(podInfo.requests, w.ns, w.pods, w.container, 'cpu'))
      put('cpuLimitCores', resourceValue(podInfo.limits, w.ns, w.pods, w.container, 'cpu'))
      put('memRequestBytes', resourceValue(podInfo.requests, w.ns, w.pods, w.container, 'memory'))
      put('memLimitBytes', resourceValue(podInfo.limits, w.ns, w.pods, w.container, 'memory'))
      const hpa = hpaTargets.get(`${w.ns}/${w.workload}`)
      if (hpa) attrs.hpa = hpa
      resources.push({ provider: 'prometheus', kind: 'k8s-workload', id: wid, attributes: attrs, tags: {} })
    }
    if (podInfo.requests.length === 0 && workloads.size > 0)
      issues.push({
        code: 'PROM_NO_KSM',
        severity: 'info',
        message:
          'No kube-state-metrics series (kube_pod_container_resource_requests): current requests and limits are unknown, so recommendations cannot say how much they change.',
      })
  }
  for (const c of collected.values())
    series.push({ resourceId: c.key, metric: c.metric, stat: c.stat, periodSec: step, ts: Float64Array.from(c.ts), values: Float64Array.from(c.values) })
  // Chunks can repeat a boundary point; keep one per timestamp.
  for (const s of series) dedupe(s)
  return { resources, series: series.filter((s) => s.ts.length > 0), issues, queries: client.requests, window: { start, end } }
}

function dedupe(s: CollectedSeries): void {
  const order = Array.from(s.ts.keys()).sort((a, b) => s.ts[a]! - s.ts[b]!)
  const ts: number[] = []
  const values: number[] = []
  for (const i of order) {
    if (ts.length && ts[ts.length - 1] === s.ts[i]) continue
    ts.push(s.ts[i]!)
    values.push(s.values[i]!)
  }
  s.ts = Float64Array.from(ts)
  s.values = Float64Array.from(values)
}
