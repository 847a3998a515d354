import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fakeEcs, type FakeService } from './fake-ecs.js'
import { fakeLambda, type FakeFunctionModel, type FakeLambda } from './fake-lambda.js'
import { fakeS3, type FakeBucket } from './fake-s3.js'

/**
 * A small AWS-shaped HTTP server for tests: the real AWS SDK clients talk to it through AWS_ENDPOINT_URL. It answers in
 * each client's wire protocol (checked by capturing what SDK 3.116x sends): CloudWatch and DynamoDB JSON 1.0
 * (X-Amz-Target GraniteServiceVersion20100801.* / DynamoDB_20120810.*), EC2 query with EC2 XML, RDS and Auto Scaling
 * query with query XML, Lambda REST JSON. It replays a fixed fleet, paginates, counts calls and injects faults; it
 * does not re-implement CloudWatch: each series has a few deterministic data points.
 */
export interface FakeFleet {
  instances: {
    id: string
    type: string
    state?: string
    asg?: string
    memory?: boolean
    platform?: string
    /** NVIDIA GPU metrics from the CloudWatch agent: aggregated by InstanceId, or (perGpuOnly) only per GPU index. */
    gpu?: { utilPct: number; memUsedMiB: number; perGpuOnly?: boolean }
  }[]
  volumes: { id: string; type: string; size: number; iops?: number; attachedTo?: string }[]
  /** `load`: every period of the window answered with these values (others: three made-up points per series). */
  functions: {
    name: string
    memory: number
    arch?: string
    timeoutSec?: number
    load?: { invocations: number; avgMs: number; maxMs: number; p99Ms?: number }
    /** Lambda Insights for this function (ListMetrics lists its init_duration): every period answers these values. */
    insights?: { coldStartsPerPeriod: number; initMs: number; memoryUsedMB: number }
    /** A simulated function an experiment can reconfigure and invoke (fake-lambda.ts); `versions` published before. */
    model?: FakeFunctionModel
    versions?: number
  }[]
  databases: { id: string; cls: string; engine: string; license?: string }[]
  tables: { name: string; mode: 'PROVISIONED' | 'PAY_PER_REQUEST'; rcu?: number; wcu?: number }[]
  groups: { name: string; min: number; max: number; desired: number }[]
  /** ECS services (fake-ecs.ts); none when absent. */
  services?: FakeService[]
  /** S3 buckets (fake-s3.ts); none when absent. */
  buckets?: FakeBucket[]
}

export interface Faults {
  /** Every n-th GetMetricData call answers 400 Throttling. */
  throttleEvery?: number
  /** Every n-th GetMetricData call answers 500 InternalServiceError. */
  serverErrorEvery?: number
  /** Every n-th GetMetricData call has its connection destroyed. */
  resetEvery?: number
  /** GetMetricData answers in two pages: PartialData with a NextToken, then the rest. */
  paginate?: boolean
  /** Metric names answered with StatusCode InternalError. */
  internalErrorMetrics?: string[]
  /** Actions answered 403 AccessDenied / UnauthorizedOperation. */
  deny?: string[]
  /** Series whose dimension value (instance, volume, function ...) is listed here have no data points. */
  emptySeriesFor?: string[]
  /** Every GetMetricData call is answered 400 InvalidParameterCombination, which no retry fixes. */
  rejectGetMetricData?: boolean
  /** ListMetrics lists every metric this many times (as a misbehaving endpoint did). */
  repeatListMetrics?: number
  /**
   * Actions ('pricing:GetProducts') answered as no AWS API would: 'html', a proxy's 502 error page; 'not-found', a
   * 404 in plain text (an emulator without that service).
   */
  foreign?: Record<string, 'html' | 'not-found'>
  /** Called on each GetMetricData request (after counting), e.g. to kill the client mid-run. */
  onGetMetricData?: (n: number) => void
}

/** EC2's XML for a JSON shape: members in lowerCamelCase, list members as <item> (the EC2 protocol's defaults). */
function ec2Xml(value: unknown, name: string): string {
  if (value === null || value === undefined) return ''
  const tag = name.charAt(0).toLowerCase() + name.slice(1)
  if (Array.isArray(value)) return `<${tag}>${value.map((v) => ec2Xml(v, 'item')).join('')}</${tag}>`
  if (typeof value === 'object')
    return `<${tag}>${Object.entries(value)
      .map(([k, v]) => ec2Xml(v, k))
      .join('')}</${tag}>`
  return `<${tag}>${xmlEscape(typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? value.toString() : '')}</${tag}>`
}

const SAMPLES = new URL('../fixtures/aws-api-samples/', import.meta.url)
const sampleJson = (f: string) => JSON.parse(readFileSync(new URL(f, SAMPLES), 'utf8')) as Record<string, unknown[]>
/** The real DescribeInstanceTypes answers (25 types + t3.micro + p3.16xlarge) and one real GetProducts item. */
const SAMPLE_TYPES: Record<string, unknown>[] = [
  ...sampleJson('instance-selector_DescribeInstanceTypes_25_instances.json').InstanceTypes!,
  ...sampleJson('instance-selector_DescribeInstanceTypes_t3_micro_and_p3_16xl.json').InstanceTypes!,
] as Record<string, unknown>[]
const SAMPLE_PRODUCT = readFileSync(new URL('instance-selector_GetProducts_m5_large.json', SAMPLES), 'utf8')

export interface FakeAws {
  url: string
  calls: Map<string, number>
  /** GetMetricData requests that violated the API limits (must stay 0). */
  limitViolations: number
  /** PutDashboard's accepted dashboards (name -> parsed body) and PutMetricAlarm's alarms (name -> input), as CloudWatch would keep them. */
  dashboards: Map<string, Record<string, unknown>>
  alarms: Map<string, Record<string, unknown>>
  /** The simulated functions' state (functions with a `model`). */
  lambda: FakeLambda
  faults: Faults
  close(): Promise<void>
}

const PAGE = 100
const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const hash = (s: string) => {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return (h >>> 0) / 4294967296
}
/** The value a series has at time t (seconds): deterministic, so runs can be compared. */
const fakeValue = (key: string, t: number) => Math.round((10 + 80 * hash(`${key}|${t}`)) * 1000) / 1000

/**
 * PutDashboard's checks as the API reference and the dashboard body structure page document them (name letters,
 * digits, - and _ up to 255; body JSON with 0-500 widgets; x 0-23, width 1-24 inside the 24 columns, height 1-1000;
 * a metric widget with a region and at most 500 metrics, period a multiple of 60). Written apart from headroom's zod
 * schema, so a body both accept is checked twice.
 */
function dashboardProblem(input: Record<string, unknown>): string | undefined {
  const name = input.DashboardName
  if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(name)) return `The value for field DashboardName is invalid: ${String(name)}`
  let body: { widgets?: unknown }
  try {
    body = JSON.parse(String(input.DashboardBody)) as { widgets?: unknown }
  } catch {
    return 'The field DashboardBody must be a valid JSON object'
  }
  if (!Array.isArray(body.widgets)) return 'Should have required property widgets'
  if (body.widgets.length > 500) return `The dashboard has ${body.widgets.length} widgets; the maximum is 500`
  for (const [i, w] of (body.widgets as Record<string, unknown>[]).entries()) {
    const at = `/widgets/${i}`
    const n = (k: string) => (typeof w[k] === 'number' ? w[k] : undefined)
    if (!['metric', 'text', 'log', 'alarm', 'explorer'].includes(String(w.type))) return `${at}/type: should be one of metric, text, log, alarm, explorer`
    const x = n('x') ?? 0
    const width = n('width') ?? 6
    const height = n('height') ?? 6
    if (x < 0 || x > 23 || width < 1 || width > 24 || x + width > 24) return `${at}: x ${x} and width ${width} are outside the 24-column grid`
    if (height < 1 || height > 1000) return `${at}/height: should be 1-1000`
    const p = w.properties as Record<string, unknown> | undefined
    if (!p || typeof p !== 'object') return `${at}: should have required property properties`
    if (w.type === 'metric') {
      if (typeof p.region !== 'string' || !p.region) return `${at}/properties: should have required property region`
      if (!Array.isArray(p.metrics) || p.metrics.length > 500) return `${at}/properties/metrics: should be an array of at most 500 items`
      if (p.period !== undefined && (typeof p.period !== 'number' || p.period < 60 || p.period % 60 !== 0))
        return `${at}/properties/period: should be a multiple of 60`
      const ann = p.annotations as { horizontal?: { value?: unknown }[] } | undefined
      if (ann?.horizontal?.some((h) => typeof h.value !== 'number')) return `${at}/properties/annotations/horizontal: value should be a number`
    }
  }
  return undefined
}

/** PutMetricAlarm's documented constraints for a single-metric alarm. */
function alarmProblem(a: Record<string, unknown>): string | undefined {
  const name = a.AlarmName
  if (typeof name !== 'string' || name.length < 1 || name.length > 255) return 'AlarmName must be 1-255 characters'
  if (typeof a.Namespace !== 'string' || typeof a.MetricName !== 'string') return 'Namespace and MetricName are required for a single-metric alarm'
  if (!['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'].includes(String(a.Statistic)) && a.ExtendedStatistic === undefined)
    return `Statistic ${String(a.Statistic)} is not one of SampleCount, Average, Sum, Minimum, Maximum`
  const ops = ['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold']
  if (!ops.includes(String(a.ComparisonOperator))) return `ComparisonOperator ${String(a.ComparisonOperator)} is not valid`
  const period = Number(a.Period)
  const evals = Number(a.EvaluationPeriods)
  if (!(period === 10 || period === 30 || (period >= 60 && period % 60 === 0))) return `Period ${period} must be 10, 30 or a multiple of 60`
  if (!(evals >= 1)) return 'EvaluationPeriods must be at least 1'
  if (a.DatapointsToAlarm !== undefined && Number(a.DatapointsToAlarm) > evals) return 'DatapointsToAlarm must not exceed EvaluationPeriods'
  if (period * evals > 86_400) return 'The product of Period and EvaluationPeriods must not exceed 86400'
  if (typeof a.Threshold !== 'number') return 'Threshold is required'
  const missing = a.TreatMissingData
  if (missing !== undefined && (typeof missing !== 'string' || !['breaching', 'notBreaching', 'ignore', 'missing'].includes(missing)))
    return `TreatMissingData ${JSON.stringify(missing)} is not valid`
  if (Array.isArray(a.AlarmActions) && a.AlarmActions.length > 5) return 'At most 5 AlarmActions'
  return undefined
}

export async function startFakeAws(fleet: FakeFleet, faults: Faults = {}): Promise<FakeAws> {
  const calls = new Map<string, number>()
  const state = { limitViolations: 0, gmd: 0 }
  const failures = new Map<string, number>()
  const count = (a: string) => calls.set(a, (calls.get(a) ?? 0) + 1)
  const dashboards = new Map<string, Record<string, unknown>>()
  const alarms = new Map<string, Record<string, unknown>>()
  const lambda = fakeLambda(
    fleet.functions,
    () => api.url,
    count,
    (a) => faults.deny?.includes(a) === true,
  )
  const s3 = fakeS3(fleet.buckets ?? [], count, (a) => faults.deny?.includes(a) === true)
  const ecs = fakeEcs(fleet.services ?? [], count, (a) => faults.deny?.includes(a) === true)
  const api: FakeAws = {
    lambda: lambda.api,
    url: '',
    calls,
    dashboards,
    alarms,
    get limitViolations() {
      return state.limitViolations
    },
    faults,
    close: () => new Promise((r) => server.close(() => r())),
  }

  const jsonErr = (res: ServerResponse, status: number, type: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type, 'x-amzn-query-error': `${type};Sender` })
    res.end(JSON.stringify({ __type: type, message }))
  }
  const json = (res: ServerResponse, body: unknown, type = 'application/x-amz-json-1.0') => {
    res.writeHead(200, { 'content-type': type })
    res.end(JSON.stringify(body))
  }
  const xml = (res: ServerResponse, body: string, status = 200) => {
    res.writeHead(status, { 'content-type': 'text/xml' })
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`)
  }
  /** Answers `action` as faults.foreign says, if it says anything; true when it answered. */
  const foreign = (action: string, res: ServerResponse): boolean => {
    const how = faults.foreign?.[action]
    if (how === 'html') {
      res.writeHead(502, { 'content-type': 'text/html' })
      res.end('<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n')
    } else if (how === 'not-found') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('404 page not found\n')
    }
    return how !== undefined
  }
  const page = <T>(items: T[], token: string | undefined) => {
    const from = token ? Number(token) : 0
    return { items: items.slice(from, from + PAGE), next: from + PAGE < items.length ? String(from + PAGE) : undefined }
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '')
      if (target) return jsonApi(target, JSON.parse(body || '{}') as Record<string, unknown>, req, res)
      if (s3.handle(req, res)) return
      if (lambda.handle(req, body, res)) return
      if (req.method === 'GET' && req.url?.startsWith('/2015-03-31/functions')) {
        count('lambda:ListFunctions')
        if (foreign('lambda:ListFunctions', res)) return
        if (faults.deny?.includes('lambda:ListFunctions')) return jsonErr(res, 403, 'AccessDeniedException', 'not authorized to perform: lambda:ListFunctions')
        const marker = new URL(req.url, 'http://x').searchParams.get('Marker') ?? undefined
        const p = page(fleet.functions, marker)
        return json(
          res,
          {
            Functions: p.items.map((f) => ({
              FunctionName: f.name,
              MemorySize: f.memory,
              Architectures: [f.arch ?? 'x86_64'],
              Runtime: 'nodejs20.x',
              Timeout: f.timeoutSec ?? 30,
            })),
            ...(p.next ? { NextMarker: p.next } : {}),
          },
          'application/json',
        )
      }
      const form = new URLSearchParams(body)
      return queryApi(form.get('Action') ?? '', form, res)
    })
  })

  function jsonApi(target: string, input: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): void {
    const op = target.split('.')[1] ?? ''
    const svc = { DynamoDB_20120810: 'dynamodb', AWSPriceListService: 'pricing', ComputeOptimizerService: 'compute-optimizer' }[target.split('.')[0] ?? '']
    if (foreign(`${svc ?? 'cloudwatch'}:${op}`, res)) return
    const e = ecs.answer(target, input)
    if (e) {
      if (e.type) return jsonErr(res, e.status, e.type, (e.body as { message: string }).message)
      return json(res, e.body, 'application/x-amz-json-1.1')
    }
    if (target.startsWith('DynamoDB_20120810.')) {
      count(`dynamodb:${op}`)
      if (faults.deny?.includes(`dynamodb:${op}`)) return jsonErr(res, 400, 'AccessDeniedException', `not authorized to perform: dynamodb:${op}`)
      if (op === 'ListTables') {
        const names = fleet.tables.map((t) => t.name)
        const from = input.ExclusiveStartTableName ? names.indexOf(input.ExclusiveStartTableName as string) + 1 : 0
        const items = names.slice(from, from + PAGE)
        return json(res, { TableNames: items, ...(from + PAGE < names.length ? { LastEvaluatedTableName: items[items.length - 1] } : {}) })
      }
      if (op === 'DescribeTable') {
        const t = fleet.tables.find((x) => x.name === input.TableName)
        if (!t) return jsonErr(res, 400, 'ResourceNotFoundException', 'no table')
        return json(res, {
          Table: {
            TableName: t.name,
            BillingModeSummary: { BillingMode: t.mode },
            ProvisionedThroughput: { ReadCapacityUnits: t.rcu ?? 0, WriteCapacityUnits: t.wcu ?? 0, NumberOfDecreasesToday: 0 },
          },
        })
      }
    }
    if (target === 'AWSPriceListService.GetProducts') {
      count('pricing:GetProducts')
      if (faults.deny?.includes('pricing:GetProducts')) return jsonErr(res, 400, 'AccessDeniedException', 'not authorized to perform: pricing:GetProducts')
      // The real m5.large item, and the same item relabelled c5.large (a type the DescribeInstanceTypes samples hold).
      const c5 = SAMPLE_PRODUCT.replace(/m5\.large/g, 'c5.large').replace('"0.0960000000"', '"0.0850000000"')
      return json(res, { FormatVersion: 'aws_v1', PriceList: [SAMPLE_PRODUCT, c5] }, 'application/x-amz-json-1.1')
    }
    if (target.startsWith('ComputeOptimizerService.')) {
      count(`compute-optimizer:${op}`)
      if (faults.deny?.includes(`compute-optimizer:${op}`))
        return jsonErr(res, 400, 'AccessDeniedException', `not authorized to perform: compute-optimizer:${op}`)
      const acct = '123456789012'
      if (op === 'GetEC2InstanceRecommendations')
        // c5.xlarge instances: Overprovisioned -> c5.large; m5.large instances: Optimized.
        return json(res, {
          instanceRecommendations: fleet.instances.map((i) => ({
            instanceArn: `arn:aws:ec2:us-east-1:${acct}:instance/${i.id}`,
            currentInstanceType: i.type,
            finding: i.type === 'c5.xlarge' ? 'OVER_PROVISIONED' : 'OPTIMIZED',
            recommendationOptions:
              i.type === 'c5.xlarge'
                ? [{ rank: 1, instanceType: 'c5.large', savingsOpportunity: { estimatedMonthlySavings: { currency: 'USD', value: 62.05 } } }]
                : [{ rank: 1, instanceType: i.type }],
          })),
        })
      if (op === 'GetEBSVolumeRecommendations')
        return json(res, {
          volumeRecommendations: fleet.volumes.map((v) => ({
            volumeArn: `arn:aws:ec2:us-east-1:${acct}:volume/${v.id}`,
            finding: 'NotOptimized',
            currentConfiguration: { volumeType: v.type, volumeSize: v.size },
            volumeRecommendationOptions: [
              {
                rank: 1,
                configuration: { volumeType: 'gp3', volumeSize: v.size, volumeBaselineIOPS: 3000, volumeBaselineThroughput: 125 },
                savingsOpportunity: { estimatedMonthlySavings: { currency: 'USD', value: 2 } },
              },
            ],
          })),
        })
      if (op === 'GetLambdaFunctionRecommendations')
        return json(res, {
          lambdaFunctionRecommendations: fleet.functions.map((f) => ({
            functionArn: `arn:aws:lambda:us-east-1:${acct}:function:${f.name}:$LATEST`,
            currentMemorySize: f.memory,
            finding: 'NotOptimized',
            memorySizeRecommendationOptions: [{ rank: 1, memorySize: f.memory / 2 }],
          })),
        })
    }
    if (target.startsWith('GraniteServiceVersion20100801.')) {
      count(`cloudwatch:${op}`)
      if (faults.deny?.includes(`cloudwatch:${op}`)) return jsonErr(res, 403, 'AccessDenied', `not authorized to perform: cloudwatch:${op}`)
      if (op === 'PutDashboard') {
        const problem = dashboardProblem(input)
        if (problem) return jsonErr(res, 400, 'InvalidParameterInput', problem)
        dashboards.set(input.DashboardName as string, JSON.parse(input.DashboardBody as string) as Record<string, unknown>)
        return json(res, { DashboardValidationMessages: [] })
      }
      if (op === 'PutMetricAlarm') {
        const problem = alarmProblem(input)
        if (problem) return jsonErr(res, 400, 'ValidationError', problem)
        alarms.set(input.AlarmName as string, input)
        return json(res, {})
      }
      if (op === 'ListMetrics' && input.Namespace === 'LambdaInsights') {
        const fns = fleet.functions.filter((f) => f.insights && (input.MetricName === undefined || input.MetricName === 'init_duration'))
        const p = page(fns, input.NextToken as string | undefined)
        return json(res, {
          Metrics: p.items.map((f) => ({ Namespace: 'LambdaInsights', MetricName: 'init_duration', Dimensions: [{ Name: 'function_name', Value: f.name }] })),
          ...(p.next ? { NextToken: p.next } : {}),
        })
      }
      if (op === 'ListMetrics' && input.Namespace === 'AWS/S3') {
        const p = page(s3.metrics(String(input.MetricName)), input.NextToken as string | undefined)
        return json(res, { Metrics: p.items, ...(p.next ? { NextToken: p.next } : {}) })
      }
      if (op === 'ListMetrics' && input.Namespace === 'ECS/ContainerInsights') {
        const p = page(ecs.insightsMetrics(), input.NextToken as string | undefined)
        return json(res, { Metrics: p.items, ...(p.next ? { NextToken: p.next } : {}) })
      }
      if (op === 'ListMetrics' && input.MetricName === 'nvidia_smi_utilization_gpu') {
        const gpus = fleet.instances.filter((i) => i.gpu)
        const p = page(gpus, input.NextToken as string | undefined)
        return json(res, {
          Metrics: p.items.map((i) => ({
            Namespace: 'CWAgent',
            MetricName: 'nvidia_smi_utilization_gpu',
            Dimensions: i.gpu!.perGpuOnly
              ? [
                  { Name: 'InstanceId', Value: i.id },
                  { Name: 'index', Value: '0' },
                  { Name: 'name', Value: 'NVIDIA A10G' },
                ]
              : [{ Name: 'InstanceId', Value: i.id }],
          })),
          ...(p.next ? { NextToken: p.next } : {}),
        })
      }
      if (op === 'ListMetrics') {
        const mem = fleet.instances.filter((i) => i.memory).flatMap((i) => Array.from({ length: faults.repeatListMetrics ?? 1 }, () => i))
        const p = page(mem, input.NextToken as string | undefined)
        return json(res, {
          Metrics: p.items.map((i) => ({
            Namespace: 'CWAgent',
            MetricName: 'mem_used_percent',
            Dimensions: [
              { Name: 'InstanceId', Value: i.id },
              { Name: 'InstanceType', Value: i.type },
            ],
          })),
          ...(p.next ? { NextToken: p.next } : {}),
        })
      }
      if (op === 'GetMetricData') return getMetricData(input, req, res)
    }
    jsonErr(res, 400, 'UnknownOperationException', `fake AWS does not implement ${target}`)
  }

  function getMetricData(input: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): void {
    const n = ++state.gmd
    faults.onGetMetricData?.(n)
    // Injected faults hit the same request at most twice, so a client with retries always gets through (a fixed
    // schedule over a shared counter could otherwise fail one request on every attempt when calls interleave).
    const key = JSON.stringify(input)
    const fails = failures.get(key) ?? 0
    const fault =
      fails >= 2
        ? undefined
        : faults.resetEvery && n % faults.resetEvery === 0
          ? 'reset'
          : faults.throttleEvery && n % faults.throttleEvery === 0
            ? 'throttle'
            : faults.serverErrorEvery && n % faults.serverErrorEvery === 0
              ? '500'
              : undefined
    if (fault) failures.set(key, fails + 1)
    if (fault === 'reset') return void req.socket.destroy()
    if (fault === 'throttle') return jsonErr(res, 400, 'Throttling', 'Rate exceeded')
    if (fault === '500') return jsonErr(res, 500, 'InternalServiceError', 'internal error')
    if (faults.rejectGetMetricData) return jsonErr(res, 400, 'InvalidParameterCombination', 'The request was rejected by the fake')
    const queries = input.MetricDataQueries as {
      Id: string
      MetricStat: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] }; Period: number; Stat: string }
    }[]
    const start = Number(input.StartTime)
    const end = Number(input.EndTime)
    const points = queries.reduce((a, q) => a + Math.ceil((end - start) / q.MetricStat.Period), 0)
    if (queries.length > 500 || points > 100_800) {
      state.limitViolations++
      return jsonErr(res, 400, 'InvalidParameterCombination', `too many queries (${queries.length}) or data points (${points})`)
    }
    // Three data points per series (CloudWatch returns only periods with data), at the window's start, middle and end.
    const results = queries.map((q) => {
      const key = `${q.MetricStat.Metric.Namespace}|${q.MetricStat.Metric.MetricName}|${q.MetricStat.Stat}|${q.MetricStat.Metric.Dimensions.map((d) => `${d.Name}=${d.Value}`).join(',')}`
      const p = q.MetricStat.Period
      const ts = [...new Set([start, start + Math.floor((end - start) / 2 / p) * p, end - p])].filter((t) => t >= start && t < end)
      const gi = fleet.instances.find((i) => i.gpu && q.MetricStat.Metric.Dimensions.some((d) => d.Name === 'InstanceId' && d.Value === i.id))
      if (gi?.gpu && q.MetricStat.Metric.MetricName.startsWith('nvidia_smi_')) {
        const v = q.MetricStat.Metric.MetricName === 'nvidia_smi_memory_used' ? gi.gpu.memUsedMiB : gi.gpu.utilPct
        const all = Array.from({ length: Math.floor((end - start) / p) }, (_, i) => start + i * p)
        return { Id: q.Id, Label: q.MetricStat.Metric.MetricName, Timestamps: all, Values: all.map(() => v), StatusCode: 'Complete' }
      }
      const ins = fleet.functions.find((f) => f.insights && q.MetricStat.Metric.Dimensions.some((d) => d.Name === 'function_name' && d.Value === f.name))
      if (ins?.insights && q.MetricStat.Metric.Namespace === 'LambdaInsights') {
        const m = q.MetricStat.Metric.MetricName
        const st = q.MetricStat.Stat
        const v =
          m === 'used_memory_max'
            ? ins.insights.memoryUsedMB
            : st === 'SampleCount'
              ? ins.insights.coldStartsPerPeriod
              : st === 'Maximum'
                ? ins.insights.initMs * 1.5
                : ins.insights.initMs
        const all = Array.from({ length: Math.floor((end - start) / p) }, (_, i) => start + i * p)
        return { Id: q.Id, Label: m, Timestamps: all, Values: all.map(() => v), StatusCode: 'Complete' }
      }
      const sp = s3.points(q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName, q.MetricStat.Metric.Dimensions, start, end, p)
      if (sp) return { Id: q.Id, Label: q.MetricStat.Metric.MetricName, Timestamps: sp.ts, Values: sp.values, StatusCode: 'Complete' }
      const ev = ecs.value(q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName, q.MetricStat.Stat, q.MetricStat.Metric.Dimensions)
      if (ev !== undefined) {
        const all = Array.from({ length: Math.floor((end - start) / p) }, (_, i) => start + i * p)
        return { Id: q.Id, Label: q.MetricStat.Metric.MetricName, Timestamps: all, Values: all.map(() => ev), StatusCode: 'Complete' }
      }
      const fn = fleet.functions.find((f) => f.load && q.MetricStat.Metric.Dimensions.some((d) => d.Name === 'FunctionName' && d.Value === f.name))
      if (fn?.load) {
        const l = fn.load
        const m = q.MetricStat.Metric.MetricName
        const v =
          m === 'Invocations'
            ? l.invocations
            : m !== 'Duration'
              ? 0
              : q.MetricStat.Stat === 'Average'
                ? l.avgMs
                : q.MetricStat.Stat === 'p99'
                  ? (l.p99Ms ?? l.maxMs)
                  : l.maxMs
        const all = Array.from({ length: Math.floor((end - start) / p) }, (_, i) => start + i * p)
        return { Id: q.Id, Label: m, Timestamps: all, Values: all.map(() => v), StatusCode: 'Complete' }
      }
      if (q.MetricStat.Metric.Dimensions.some((d) => faults.emptySeriesFor?.includes(d.Value)))
        return { Id: q.Id, Label: q.MetricStat.Metric.MetricName, Timestamps: [], Values: [], StatusCode: 'Complete' }
      if (faults.internalErrorMetrics?.includes(q.MetricStat.Metric.MetricName))
        return { Id: q.Id, Label: q.MetricStat.Metric.MetricName, Timestamps: [], Values: [], StatusCode: 'InternalError' }
      return { Id: q.Id, Label: q.MetricStat.Metric.MetricName, Timestamps: ts, Values: ts.map((t) => fakeValue(key, t)), StatusCode: 'Complete' }
    })
    if (faults.paginate && !input.NextToken) {
      const half = results.map((r) => ({
        ...r,
        Timestamps: r.Timestamps.slice(0, 1),
        Values: r.Values.slice(0, 1),
        StatusCode: r.StatusCode === 'Complete' ? 'PartialData' : r.StatusCode,
      }))
      return json(res, { MetricDataResults: half, NextToken: 'page2', Messages: [] })
    }
    if (faults.paginate && input.NextToken)
      return json(res, { MetricDataResults: results.map((r) => ({ ...r, Timestamps: r.Timestamps.slice(1), Values: r.Values.slice(1) })), Messages: [] })
    json(res, { MetricDataResults: results, Messages: [] })
  }

  function queryApi(action: string, form: URLSearchParams, res: ServerResponse): void {
    const version = form.get('Version')
    const service = version === '2016-11-15' ? 'ec2' : version === '2014-10-31' ? 'rds' : version === '2011-01-01' ? 'autoscaling' : 'unknown'
    count(`${service}:${action}`)
    if (foreign(`${service}:${action}`, res)) return
    if (faults.deny?.includes(`${service}:${action}`)) {
      if (service === 'ec2')
        return xml(
          res,
          `<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. ${service}:${action}</Message></Error></Errors><RequestID>r</RequestID></Response>`,
          403,
        )
      return xml(
        res,
        `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform: ${service}:${action}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        403,
      )
    }
    const token = form.get('NextToken') ?? form.get('Marker') ?? undefined
    if (service === 'ec2' && action === 'DescribeInstances') {
      const p = page(fleet.instances, token)
      const items = p.items
        .map(
          (i) =>
            `<item><instanceId>${i.id}</instanceId><instanceType>${i.type}</instanceType><instanceState><code>16</code><name>${i.state ?? 'running'}</name></instanceState><architecture>x86_64</architecture><platformDetails>${xmlEscape(i.platform ?? 'Linux/UNIX')}</platformDetails><tagSet>${i.asg ? `<item><key>aws:autoscaling:groupName</key><value>${xmlEscape(i.asg)}</value></item>` : ''}<item><key>team</key><value>web</value></item></tagSet></item>`,
        )
        .join('')
      return xml(
        res,
        `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><reservationSet><item><reservationId>r-1</reservationId><instancesSet>${items}</instancesSet></item></reservationSet>${p.next ? `<nextToken>${p.next}</nextToken>` : ''}</DescribeInstancesResponse>`,
      )
    }
    if (service === 'ec2' && action === 'DescribeVolumes') {
      const p = page(fleet.volumes, token)
      const items = p.items
        .map(
          (v) =>
            `<item><volumeId>${v.id}</volumeId><size>${v.size}</size><volumeType>${v.type}</volumeType>${v.iops ? `<iops>${v.iops}</iops>` : ''}<attachmentSet>${v.attachedTo ? `<item><instanceId>${v.attachedTo}</instanceId><device>/dev/sdf</device><status>attached</status></item>` : ''}</attachmentSet><tagSet/></item>`,
        )
        .join('')
      return xml(
        res,
        `<DescribeVolumesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><volumeSet>${items}</volumeSet>${p.next ? `<nextToken>${p.next}</nextToken>` : ''}</DescribeVolumesResponse>`,
      )
    }
    if (service === 'ec2' && action === 'DescribeInstanceTypes') {
      const p = page(SAMPLE_TYPES, token)
      return xml(
        res,
        `<DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>${ec2Xml(p.items, 'instanceTypeSet')}${p.next ? `<nextToken>${p.next}</nextToken>` : ''}</DescribeInstanceTypesResponse>`,
      )
    }
    if (service === 'ec2' && action === 'DescribeInstanceTypeOfferings') {
      const offers = SAMPLE_TYPES.map((t) => ({ InstanceType: t.InstanceType, LocationType: 'region', Location: 'us-east-1' }))
      return xml(
        res,
        `<DescribeInstanceTypeOfferingsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>${ec2Xml(offers, 'instanceTypeOfferingSet')}</DescribeInstanceTypeOfferingsResponse>`,
      )
    }
    if (service === 'ec2' && action === 'DescribeRegions')
      return xml(
        res,
        `<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><regionInfo><item><regionName>us-east-1</regionName></item></regionInfo></DescribeRegionsResponse>`,
      )
    if (service === 'rds' && action === 'DescribeDBInstances') {
      const p = page(fleet.databases, token)
      const items = p.items
        .map(
          (d) =>
            `<DBInstance><DBInstanceIdentifier>${d.id}</DBInstanceIdentifier><DBInstanceClass>${d.cls}</DBInstanceClass><Engine>${d.engine}</Engine>${d.license ? `<LicenseModel>${d.license}</LicenseModel>` : ''}<MultiAZ>false</MultiAZ><StorageType>gp2</StorageType><AllocatedStorage>100</AllocatedStorage></DBInstance>`,
        )
        .join('')
      return xml(
        res,
        `<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult><DBInstances>${items}</DBInstances>${p.next ? `<Marker>${p.next}</Marker>` : ''}</DescribeDBInstancesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeDBInstancesResponse>`,
      )
    }
    if (service === 'autoscaling' && action === 'DescribePolicies') {
      const items = fleet.groups
        .map(
          (g) =>
            `<member><AutoScalingGroupName>${g.name}</AutoScalingGroupName><PolicyName>${g.name}-cpu70</PolicyName><PolicyType>TargetTrackingScaling</PolicyType><TargetTrackingConfiguration><PredefinedMetricSpecification><PredefinedMetricType>ASGAverageCPUUtilization</PredefinedMetricType></PredefinedMetricSpecification><TargetValue>70.0</TargetValue></TargetTrackingConfiguration><Enabled>true</Enabled></member>`,
        )
        .join('')
      return xml(
        res,
        `<DescribePoliciesResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><DescribePoliciesResult><ScalingPolicies>${items}</ScalingPolicies></DescribePoliciesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribePoliciesResponse>`,
      )
    }
    if (service === 'autoscaling' && action === 'DescribeAutoScalingGroups') {
      const p = page(fleet.groups, token)
      const items = p.items
        .map(
          (g) =>
            `<member><AutoScalingGroupName>${g.name}</AutoScalingGroupName><MinSize>${g.min}</MinSize><MaxSize>${g.max}</MaxSize><DesiredCapacity>${g.desired}</DesiredCapacity><DefaultCooldown>300</DefaultCooldown><AvailabilityZones><member>us-east-1a</member></AvailabilityZones><HealthCheckType>EC2</HealthCheckType><CreatedTime>2024-01-01T00:00:00Z</CreatedTime><Instances/><Tags/></member>`,
        )
        .join('')
      return xml(
        res,
        `<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><DescribeAutoScalingGroupsResult><AutoScalingGroups>${items}</AutoScalingGroups>${p.next ? `<NextToken>${p.next}</NextToken>` : ''}</DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>`,
      )
    }
    xml(
      res,
      `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>fake AWS does not implement ${service}:${action}</Message></Error></ErrorResponse>`,
      400,
    )
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return api
}

export function fleetOf(n: number, extra: Partial<FakeFleet> = {}): FakeFleet {
  return {
    instances: Array.from({ length: n }, (_, i) => ({
      id: `i-${String(i).padStart(17, '0')}`,
      type: i % 3 === 0 ? 'm5.large' : 'c5.xlarge',
      ...(i % 10 === 0 ? { memory: true } : {}),
    })),
    volumes: [],
    functions: [],
    databases: [],
    tables: [],
    groups: [],
    ...extra,
  }
}
