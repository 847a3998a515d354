import type { Dimension, Recommendation, Report, ResourceKind, ResourceRef } from '../core/report.js'
import { AlarmSchema, DASHBOARD_LIMITS, DASHBOARD_NAME, DashboardBodySchema, type Alarm, type DashboardBody, type MetricWidgetT } from './cloudwatch.js'

type TreatMissing = Alarm['TreatMissingData']

/** A CloudWatch metric charted for a kind of resource; `dimension` ties it to the analysis (and its alarm). */
interface Charted {
  title: string
  namespace: string
  metric: string
  /** The CloudWatch dimension naming the resource. */
  key: string
  stats: readonly string[]
  unit: string
  dimension?: Dimension
  /** Alarms on it only: what missing datapoints mean, and why. */
  missing?: { treat: TreatMissing; why: string }
  /** Metrics named by more than one dimension (an ECS service: cluster and service): all of them, instead of `key`. */
  dims?: (r: ResourceRef) => { Name: string; Value: string }[]
  /** Seconds per datapoint when not 300 (S3's storage metrics are daily). */
  period?: number
}

/** An ECS service's utilization (percent of its tasks' reservation), alarmed where ecs.rightsize sized it. */
function ecsChart(title: string, metric: string, dimension: Dimension): Charted {
  return {
    title,
    namespace: 'AWS/ECS',
    metric,
    key: 'ServiceName',
    dims: (r) => ecsDims(r),
    stats: ['Maximum', 'Average'],
    unit: '%',
    dimension,
    missing: { treat: 'notBreaching', why: 'no datapoints means the service runs no task, which is not overload' },
  }
}

const STOPPED = { treat: 'notBreaching' as const, why: 'no datapoints means the instance is stopped or gone, which is not overload' }
const AGENT = {
  treat: 'missing' as const,
  why: 'no datapoints means the CloudWatch agent stopped reporting: the alarm keeps its state and INSUFFICIENT_DATA shows the gap',
}

/**
 * What each kind's dashboard row charts (AWS namespaces and metric names as the CloudWatch user guide lists them for
 * EC2, the CloudWatch agent, RDS, Lambda, DynamoDB, EBS, Application Load Balancers, Auto Scaling and ElastiCache).
 * A data table: a new kind is a row here.
 */
const CHARTS: Partial<Record<ResourceKind, readonly Charted[]>> = {
  'ec2-instance': [
    {
      title: 'CPU',
      namespace: 'AWS/EC2',
      metric: 'CPUUtilization',
      key: 'InstanceId',
      stats: ['Maximum', 'Average'],
      unit: '%',
      dimension: 'cpu',
      missing: STOPPED,
    },
    {
      title: 'Memory',
      namespace: 'CWAgent',
      metric: 'mem_used_percent',
      key: 'InstanceId',
      stats: ['Maximum'],
      unit: '%',
      dimension: 'memory',
      missing: AGENT,
    },
    { title: 'Network in', namespace: 'AWS/EC2', metric: 'NetworkIn', key: 'InstanceId', stats: ['Sum'], unit: 'bytes per 5 min' },
    { title: 'Network out', namespace: 'AWS/EC2', metric: 'NetworkOut', key: 'InstanceId', stats: ['Sum'], unit: 'bytes per 5 min' },
  ],
  'rds-instance': [
    {
      title: 'CPU',
      namespace: 'AWS/RDS',
      metric: 'CPUUtilization',
      key: 'DBInstanceIdentifier',
      stats: ['Maximum', 'Average'],
      unit: '%',
      dimension: 'cpu',
      missing: STOPPED,
    },
    { title: 'Freeable memory', namespace: 'AWS/RDS', metric: 'FreeableMemory', key: 'DBInstanceIdentifier', stats: ['Minimum'], unit: 'bytes' },
    { title: 'Connections', namespace: 'AWS/RDS', metric: 'DatabaseConnections', key: 'DBInstanceIdentifier', stats: ['Maximum'], unit: 'count' },
  ],
  'lambda-function': [
    { title: 'Duration', namespace: 'AWS/Lambda', metric: 'Duration', key: 'FunctionName', stats: ['p99', 'Maximum'], unit: 'ms' },
    { title: 'Invocations and errors', namespace: 'AWS/Lambda', metric: 'Invocations', key: 'FunctionName', stats: ['Sum'], unit: 'count' },
    { title: 'Concurrency', namespace: 'AWS/Lambda', metric: 'ConcurrentExecutions', key: 'FunctionName', stats: ['Maximum'], unit: 'count' },
  ],
  'dynamodb-table': [
    { title: 'Read capacity', namespace: 'AWS/DynamoDB', metric: 'ConsumedReadCapacityUnits', key: 'TableName', stats: ['Sum'], unit: 'units per 5 min' },
    { title: 'Write capacity', namespace: 'AWS/DynamoDB', metric: 'ConsumedWriteCapacityUnits', key: 'TableName', stats: ['Sum'], unit: 'units per 5 min' },
  ],
  'ebs-volume': [
    { title: 'Read ops', namespace: 'AWS/EBS', metric: 'VolumeReadOps', key: 'VolumeId', stats: ['Sum'], unit: 'ops per 5 min' },
    { title: 'Write ops', namespace: 'AWS/EBS', metric: 'VolumeWriteOps', key: 'VolumeId', stats: ['Sum'], unit: 'ops per 5 min' },
  ],
  'load-balancer': [
    { title: 'Response time', namespace: 'AWS/ApplicationELB', metric: 'TargetResponseTime', key: 'LoadBalancer', stats: ['p99', 'p50'], unit: 's' },
    { title: 'Requests', namespace: 'AWS/ApplicationELB', metric: 'RequestCount', key: 'LoadBalancer', stats: ['Sum'], unit: 'count per 5 min' },
    {
      title: '5xx from targets',
      namespace: 'AWS/ApplicationELB',
      metric: 'HTTPCode_Target_5XX_Count',
      key: 'LoadBalancer',
      stats: ['Sum'],
      unit: 'count per 5 min',
    },
  ],
  asg: [
    { title: 'CPU', namespace: 'AWS/EC2', metric: 'CPUUtilization', key: 'AutoScalingGroupName', stats: ['Average', 'Maximum'], unit: '%' },
    {
      title: 'Instances in service',
      namespace: 'AWS/AutoScaling',
      metric: 'GroupInServiceInstances',
      key: 'AutoScalingGroupName',
      stats: ['Average'],
      unit: 'count',
    },
  ],
  'ecs-service': [ecsChart('CPU', 'CPUUtilization', 'cpu'), ecsChart('Memory', 'MemoryUtilization', 'memory')],
  's3-bucket': [
    {
      title: 'Bytes in Standard',
      namespace: 'AWS/S3',
      metric: 'BucketSizeBytes',
      key: 'BucketName',
      dims: (r) => [
        { Name: 'BucketName', Value: r.id },
        { Name: 'StorageType', Value: 'StandardStorage' },
      ],
      stats: ['Average'],
      unit: 'bytes',
      period: 86_400,
    },
    {
      title: 'Objects',
      namespace: 'AWS/S3',
      metric: 'NumberOfObjects',
      key: 'BucketName',
      dims: (r) => [
        { Name: 'BucketName', Value: r.id },
        { Name: 'StorageType', Value: 'AllStorageTypes' },
      ],
      stats: ['Average'],
      unit: 'count',
      period: 86_400,
    },
  ],
  'elasticache-node': [
    { title: 'Engine CPU', namespace: 'AWS/ElastiCache', metric: 'EngineCPUUtilization', key: 'CacheClusterId', stats: ['Maximum'], unit: '%' },
    { title: 'Memory used', namespace: 'AWS/ElastiCache', metric: 'DatabaseMemoryUsagePercentage', key: 'CacheClusterId', stats: ['Maximum'], unit: '%' },
  ],
}

/** Widgets per row and their size on the 24-column grid. */
const WIDTH = 8
const HEIGHT = 6
/** N of M: 3 of 5 five-minute periods. Sizing at p99.5 tolerates 0.5% of intervals above the need; 15 of 25 minutes above it is a sustained excursion, not that tail. */
const ALARM = { period: 300, datapoints: 3, evaluations: 5 } as const
/** Below this sized level (in %) a resource is idle: an alarm there would fire on any activity, so none is made. */
export const IDLE_PCT = 5

export interface MonitorOptions {
  /** Dashboard name prefix (a workload's dashboards are NAME, or NAME-TAGVALUE with --group-by-tag). */
  name: string
  /** Region for resources that have none. */
  region: string
  /** One dashboard per value of this tag (resources without it in NAME-untagged). */
  groupByTag?: string
  /** Thresholds for the recommended types instead of today's. */
  afterRecommendations: boolean
  alarmActions: readonly string[]
  /** Only these resource ids (all when absent). */
  resources?: readonly string[]
}

interface PlannedDashboard {
  name: string
  /** What the dashboard shows: its workload and resources. */
  workload: string
  resources: string[]
  body: DashboardBody
}

interface PlannedAlarm {
  resourceId: string
  region: string
  alarm: Alarm
}

export interface MonitoringPlan {
  dashboards: PlannedDashboard[]
  alarms: PlannedAlarm[]
  /** Resources charted without an alarm, and why (no sizing, too little data, a kind without an alarm rule). */
  notes: string[]
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 200)
const round1 = (x: number) => Math.round(x * 10) / 10

/** Maxima or averages: the statistic the sizing was computed from, named in its evidence ("... of 5-minute maxima"). */
function statisticOf(r: Recommendation, dim: Dimension): 'Maximum' | 'Average' {
  const metric = dim === 'cpu' ? /cpu/ : /mem/
  const e = r.evidence.find((x) => metric.test(x.metric) && /5-minute (maxima|averages)/.test(x.stat))
  return e && /averages/.test(e.stat) && !/maxima/.test(e.stat) ? 'Average' : 'Maximum'
}

/**
 * The level a dimension was sized for, as the CloudWatch percentage of the type being watched: the need (demand at the
 * sizing percentile plus headroom) over today's capacity, or over the recommended option's with `after`.
 */
/** What an option is called on a chart: its type or class, else its changes (an ECS task's CPU units and memory). */
function optionName(o: Recommendation['options'][number]): string {
  const c = o.change
  const type = c.instanceType ?? c.instanceClass ?? c.nodeType
  if (type !== undefined) return String(type)
  return Object.entries(c)
    .filter(([, v]) => typeof v === 'number' || String(v).length <= 40)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ')
}

function sizedLevel(r: Recommendation, dim: Dimension, after: boolean): { pct: number; text: string } | undefined {
  const cur = r.currentDimensions.find((d) => d.dimension === dim && d.measured)
  if (!cur || cur.need === null || cur.demand === null) return undefined
  const option = after ? r.options[0]?.dimensions.find((d) => d.dimension === dim) : undefined
  const capacity = after ? option?.capacity : cur.capacity
  if (!capacity) return undefined
  const type = after ? optionName(r.options[0]!) : String(r.current.instanceType ?? r.current.instanceClass ?? '')
  const pct = Math.min(100, round1((cur.need / capacity) * 100))
  const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1))
  return { pct, text: `demand ${fmt(cur.demand)} + headroom = need ${fmt(cur.need)} of ${fmt(capacity)} ${cur.unit}${type ? ` on ${type}` : ''}` }
}

function metricWidget(r: ResourceRef, c: Charted, region: string, x: number, y: number, lines: MetricWidgetT['properties']['annotations']): MetricWidgetT {
  return {
    type: 'metric',
    x,
    y,
    width: WIDTH,
    height: HEIGHT,
    properties: {
      title: `${r.id}: ${c.title} (${c.unit})`,
      view: 'timeSeries',
      region,
      stat: c.stats[0]!,
      period: c.period ?? 300,
      metrics: c.stats.map((stat, i) => {
        const named = [c.namespace, c.metric, ...dimsOf(r, c).flatMap((d) => [d.Name, d.Value])]
        return i === 0 ? named : [...named, { stat, label: `${c.metric} ${stat}` }]
      }),
      ...(lines && lines.horizontal.length ? { annotations: lines } : {}),
      ...(c.unit === '%' ? { yAxis: { left: { min: 0, max: 100 } } } : {}),
    },
  }
}

/**
 * The dimension value: the attribute a source stored for it (an ALB's "app/name/id"), else the resource's name: its id
 * without the region a collector put before names that are unique per region only (us-east-1:orders is TableName
 * orders; CloudWatch knows no region-qualified name).
 */
function dimValue(r: ResourceRef, c: Charted): string {
  const a = r.attributes[c.key.charAt(0).toLowerCase() + c.key.slice(1)]
  if (typeof a === 'string' && a) return a
  return r.region && r.id.startsWith(`${r.region}:`) ? r.id.slice(r.region.length + 1) : r.id
}

/** An ECS service's CloudWatch dimensions: its cluster and service name (collect aws stores both). */
function ecsDims(r: ResourceRef): { Name: string; Value: string }[] {
  const [cluster, service] = String(r.id.replace(/^[^:]*:/, '')).split('/')
  return [
    { Name: 'ClusterName', Value: typeof r.attributes.cluster === 'string' ? r.attributes.cluster : (cluster ?? '') },
    { Name: 'ServiceName', Value: typeof r.attributes.service === 'string' ? r.attributes.service : (service ?? '') },
  ]
}

const dimsOf = (r: ResourceRef, c: Charted) => (c.dims ? c.dims(r) : [{ Name: c.key, Value: dimValue(r, c) }])

/**
 * Dashboards and alarms for the workspace as its analysis sees it: a row of widgets per resource (the metrics that
 * decided its recommendation), lines at the level it was sized for and at the recommended type's capacity, and an
 * alarm per sized CPU and memory dimension at that level. Dashboards split at 500 widgets; every body and alarm is
 * checked against CloudWatch's documented structure (src/monitor/cloudwatch.ts).
 */
export function monitoringPlan(report: Report, resources: readonly ResourceRef[], o: MonitorOptions): MonitoringPlan {
  const recsBy = new Map<string, Recommendation[]>()
  for (const r of report.recommendations) recsBy.set(r.resource.id, [...(recsBy.get(r.resource.id) ?? []), r])
  const chosen = resources.filter((r) => (o.resources ? o.resources.includes(r.id) : true) && CHARTS[r.kind])
  const notes: string[] = []
  const skipped = resources.filter((r) => !CHARTS[r.kind] && (!o.resources || o.resources.includes(r.id)))
  if (skipped.length)
    notes.push(`${skipped.length} resource(s) of a kind without CloudWatch widgets here (${[...new Set(skipped.map((r) => r.kind))].join(', ')}).`)
  const groups = new Map<string, ResourceRef[]>()
  for (const r of chosen) {
    const g = o.groupByTag ? `${o.name}-${safe(r.tags[o.groupByTag] ?? 'untagged')}` : o.name
    groups.set(g, [...(groups.get(g) ?? []), r])
  }
  const dashboards: PlannedDashboard[] = []
  const alarms: PlannedAlarm[] = []
  for (const [workload, members] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    let page: { widgets: DashboardBody['widgets']; resources: string[] } = { widgets: [], resources: [] }
    const pages = [page]
    for (const r of [...members].sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id))) {
      const region = r.region ?? o.region
      const recs = recsBy.get(r.id) ?? []
      const sizing = recs.find((x) => x.currentDimensions.some((d) => d.measured && d.need !== null))
      // Memory is charted where it was measured: an instance without the CloudWatch agent has no series to show.
      const memory = sizing?.currentDimensions.some((d) => d.dimension === 'memory' && d.measured) ?? false
      const charts = (CHARTS[r.kind] ?? []).filter((c) => c.dimension !== 'memory' || memory)
      if (page.widgets.length + charts.length > DASHBOARD_LIMITS.widgets) pages.push((page = { widgets: [], resources: [] }))
      const y0 = page.widgets.length ? Math.max(...page.widgets.map((w) => w.y + w.height)) : 0
      for (const [i, c] of charts.entries()) {
        const x = (i % (DASHBOARD_LIMITS.columns / WIDTH)) * WIDTH
        const y = y0 + Math.floor(i / (DASHBOARD_LIMITS.columns / WIDTH)) * HEIGHT
        const horizontal: { value: number; label: string; color: string; fill?: 'above' }[] = []
        if (sizing && c.dimension) {
          const now = sizedLevel(sizing, c.dimension, false)
          const top = sizing.options[0]
          const topDim = top?.dimensions.find((d) => d.dimension === c.dimension)
          const cur = sizing.currentDimensions.find((d) => d.dimension === c.dimension)
          if (now) horizontal.push({ value: now.pct, label: `sized need (${now.text})`, color: '#d62728', fill: 'above' })
          // A smaller recommended type saturates below today's 100%: the line shows where. A larger one would sit above the axis.
          const topPct = top && topDim?.capacity && cur?.capacity ? round1((topDim.capacity / cur.capacity) * 100) : undefined
          if (topPct !== undefined && topPct < 100) horizontal.push({ value: topPct, label: `100% of ${optionName(top!)}, in today's %`, color: '#1f77b4' })
        }
        // The statistic the sizing used comes first, so the need line is read against the series it was computed from.
        const first = sizing && c.dimension && c.missing ? statisticOf(sizing, c.dimension) : undefined
        const stats = first ? [first, ...c.stats.filter((x) => x !== first)] : c.stats
        page.widgets.push(metricWidget(r, { ...c, stats }, region, x, y, { horizontal }))
        if (sizing && c.dimension && c.missing) {
          const level = sizedLevel(sizing, c.dimension, o.afterRecommendations)
          if (!level) continue
          if (level.pct < IDLE_PCT) {
            notes.push(`${r.id}: no ${c.title} alarm: it was sized for ${level.pct}%, which any activity would cross (idle; see the analysis).`)
            continue
          }
          const statistic = statisticOf(sizing, c.dimension)
          alarms.push({
            resourceId: r.id,
            region,
            alarm: AlarmSchema.parse({
              AlarmName: `headroom-${safe(r.id)}-${c.dimension}`,
              AlarmDescription:
                `headroom: ${c.title} of ${r.id} above ${level.pct}%, the level it was sized for${o.afterRecommendations ? ' on the recommended type' : ''} (${level.text}; ${sizing.analyzer}), in ${ALARM.datapoints} of ${ALARM.evaluations} five-minute periods (${statistic}). Missing data: ${c.missing.treat}, because ${c.missing.why}.`.slice(
                  0,
                  1024,
                ),
              Namespace: c.namespace,
              MetricName: c.metric,
              Dimensions: dimsOf(r, c),
              Statistic: statistic,
              Period: ALARM.period,
              EvaluationPeriods: ALARM.evaluations,
              DatapointsToAlarm: ALARM.datapoints,
              Threshold: level.pct,
              ComparisonOperator: level.pct >= 100 ? 'GreaterThanOrEqualToThreshold' : 'GreaterThanThreshold',
              TreatMissingData: c.missing.treat,
              ...(o.alarmActions.length ? { AlarmActions: [...o.alarmActions] } : {}),
            }),
          })
        }
      }
      page.resources.push(r.id)
      if (!sizing && charts.some((c) => c.missing))
        notes.push(`${r.id}: charted, no alarm: ${recs.length ? 'its analysis has no sized need (too little data)' : 'no analyzer sized it'}.`)
    }
    for (const [k, p] of pages.entries()) {
      const name = pages.length > 1 ? `${workload}-${k + 1}` : workload
      if (!DASHBOARD_NAME.test(name)) throw new Error(`dashboard name ${name} breaks PutDashboard's rule`)
      dashboards.push({
        name,
        workload,
        resources: p.resources,
        body: DashboardBodySchema.parse({ start: '-P14D', periodOverride: 'inherit', widgets: p.widgets }),
      })
    }
  }
  return { dashboards, alarms, notes }
}
