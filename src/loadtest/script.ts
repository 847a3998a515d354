import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { closest } from '../core/suggest.js'
import { parseLocated, pathText } from '../config/yaml.js'
import { z } from 'zod'
import { parseCsvLine } from '../core/csv.js'
import { ToolError } from '../core/errors.js'
import type { Capture } from './capture.js'
import { parseDurationMs } from '../core/duration.js'
import type { Phase } from './phases.js'
import { renderEnvOnly } from './template.js'

/**
 * Artillery test scripts (the subset users write for HTTP: docs/loadtest.md lists it) parsed into a Plan the engine
 * runs. Every key is checked: a key Artillery does not have is an error naming its path and line (a typo such as
 * `arivalRate` must not silently run a different test), and Artillery features headroom does not run (JavaScript
 * processors and hooks, other engines) are errors that say so. Plans are plain data so worker threads can receive them.
 */
export type Step =
  | {
      kind: 'request'
      method: string
      url: string
      name?: string
      headers?: Record<string, unknown>
      qs?: Record<string, unknown>
      json?: unknown
      body?: unknown
      form?: Record<string, unknown>
      capture: Capture[]
    }
  | { kind: 'think'; seconds: number }
  | { kind: 'loop'; steps: Step[]; count?: number; over?: unknown }
  | { kind: 'log'; message: string }

export interface Scenario {
  name: string
  weight: number
  flow: Step[]
}

interface Payload {
  fields: string[]
  rows: string[][]
  order: 'random' | 'sequence'
  cast: boolean
}

export interface EnsureSpec {
  thresholds: { metric: string; max: number }[]
  conditions: { expression: string; strict: boolean }[]
  maxErrorRate?: number
}

export interface Plan {
  source: string
  target: string
  environment?: string
  phases: Phase[]
  defaultHeaders: Record<string, string>
  thinkJitter: number
  timeoutMs: number
  connections?: number
  rejectUnauthorized: boolean
  variables: Record<string, unknown>
  payloads: Payload[]
  scenarios: Scenario[]
  metricsByEndpoint: { enabled: boolean; useOnlyRequestNames: boolean; stripQueryString: boolean }
  ensure: EnsureSpec
  warnings: string[]
}

const num = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
])
const dur = z
  .union([z.number(), z.string()])
  .refine((v) => parseDurationMs(v) !== undefined, { message: 'expected seconds (60) or a duration ("2m", "500ms")' })
const PhaseSchema = z.strictObject({
  duration: dur.optional(),
  arrivalRate: num.optional(),
  rampTo: num.optional(),
  arrivalCount: num.optional(),
  pause: dur.optional(),
  maxVusers: num.optional(),
  name: z.string().optional(),
})
const CaptureSchema = z.union([
  z.strictObject({ json: z.string(), as: z.string(), strict: z.boolean().optional() }),
  z.strictObject({ header: z.string(), as: z.string(), strict: z.boolean().optional() }),
  z.strictObject({
    regexp: z.string(),
    as: z.string(),
    group: z.union([z.number(), z.string()]).optional(),
    flags: z.string().optional(),
    strict: z.boolean().optional(),
  }),
])
const RequestSchema = z.strictObject({
  url: z.string(),
  name: z.string().optional(),
  headers: z.record(z.string(), z.unknown()).optional(),
  qs: z.record(z.string(), z.unknown()).optional(),
  json: z.unknown().optional(),
  body: z.unknown().optional(),
  form: z.record(z.string(), z.unknown()).optional(),
  capture: z.union([CaptureSchema, z.array(CaptureSchema)]).optional(),
  auth: z.strictObject({ user: z.string(), pass: z.string() }).optional(),
  cookie: z.record(z.string(), z.string()).optional(),
})
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const
const EnsureSchema = z.strictObject({
  thresholds: z.array(z.record(z.string(), num)).optional(),
  conditions: z.array(z.strictObject({ expression: z.string(), strict: z.boolean().optional() })).optional(),
  maxErrorRate: num.optional(),
  p50: num.optional(),
  median: num.optional(),
  p95: num.optional(),
  p99: num.optional(),
  max: num.optional(),
  min: num.optional(),
})
const ConfigSchema = z.strictObject({
  target: z.string().optional(),
  phases: z.array(PhaseSchema).optional(),
  environments: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  variables: z.record(z.string(), z.unknown()).optional(),
  payload: z.union([z.unknown(), z.array(z.unknown())]).optional(),
  defaults: z.strictObject({ headers: z.record(z.string(), z.string()).optional(), think: z.strictObject({ jitter: num.optional() }).optional() }).optional(),
  http: z
    .strictObject({
      timeout: num.optional(),
      pool: num.optional(),
      maxSockets: num.optional(),
      extendedMetrics: z.boolean().optional(),
      defaults: z
        .strictObject({
          headers: z.record(z.string(), z.string()).optional(),
          think: z.strictObject({ jitter: num.optional() }).optional(),
          strictCapture: z.boolean().optional(),
        })
        .optional(),
    })
    .optional(),
  tls: z.strictObject({ rejectUnauthorized: z.boolean().optional() }).optional(),
  plugins: z.record(z.string(), z.unknown()).optional(),
  ensure: EnsureSchema.optional(),
  processor: z.unknown().optional(),
  engines: z.unknown().optional(),
  includeFiles: z.unknown().optional(),
})
const ScenarioSchema = z.strictObject({
  name: z.string().optional(),
  weight: num.optional(),
  flow: z.array(z.unknown()),
  engine: z.string().optional(),
  beforeScenario: z.unknown().optional(),
  afterScenario: z.unknown().optional(),
  beforeRequest: z.unknown().optional(),
  afterResponse: z.unknown().optional(),
})
const ScriptSchema = z.strictObject({
  config: z.record(z.string(), z.unknown()),
  scenarios: z.array(z.unknown()).min(1),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
})

export interface ParseOptions {
  environment?: string
  target?: string
  durationScale?: number
  env?: Readonly<Record<string, string | undefined>>
}

class ScriptError extends Error {
  constructor(
    readonly path: (string | number)[],
    readonly problem: string,
    readonly hint: string,
  ) {
    super(problem)
  }
}

const KNOWN_KEYS = [
  'target',
  'phases',
  'duration',
  'arrivalRate',
  'rampTo',
  'arrivalCount',
  'pause',
  'maxVusers',
  'name',
  'environments',
  'variables',
  'payload',
  'defaults',
  'headers',
  'http',
  'timeout',
  'pool',
  'plugins',
  'ensure',
  'scenarios',
  'flow',
  'weight',
  'url',
  'json',
  'body',
  'capture',
  'think',
  'loop',
  'count',
  'over',
  'qs',
  'form',
  'thresholds',
  'conditions',
  'maxErrorRate',
  'as',
  'header',
  'regexp',
]
/** "did you mean": the known key within edit distance 2. */
const suggest = (key: string): string | undefined => closest(key, KNOWN_KEYS)

function zodFail(err: z.ZodError, base: (string | number)[]): ScriptError {
  const i = err.issues[0]!
  const path = [...base, ...(i.path as (string | number)[])]
  if (i.code === 'unrecognized_keys') {
    const key = i.keys[0]!
    const s = suggest(key)
    return new ScriptError(
      [...path, key],
      `unknown key '${key}'`,
      s ? `Did you mean '${s}'? Keys are case-sensitive.` : 'Remove it, or see docs/loadtest.md for the keys headroom reads.',
    )
  }
  if (i.code === 'invalid_union') return new ScriptError(path, 'not a valid value here', 'See docs/loadtest.md for the accepted forms.')
  return new ScriptError(path, i.message, 'See docs/loadtest.md for the accepted forms.')
}

function parseWith<T>(schema: z.ZodType<T>, v: unknown, path: (string | number)[]): T {
  const r = schema.safeParse(v)
  if (!r.success) throw zodFail(r.error, path)
  return r.data
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a }
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k]
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)
        ? deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>)
        : v
  }
  return out
}

function parsePhase(raw: z.infer<typeof PhaseSchema>, i: number, scale: number): Phase {
  const path = ['config', 'phases', i]
  const name = raw.name
  if (raw.pause !== undefined) {
    if (raw.duration !== undefined || raw.arrivalRate !== undefined || raw.arrivalCount !== undefined)
      throw new ScriptError(path, 'a pause phase has only `pause` (and `name`)', 'Split it into a pause phase and an arrival phase.')
    return { kind: 'pause', durationMs: parseDurationMs(raw.pause)! * scale, ...(name ? { name } : {}) }
  }
  if (raw.duration === undefined) throw new ScriptError(path, 'phase has no `duration`', 'Add `duration: 60` (seconds) or `pause: 10`.')
  const durationMs = parseDurationMs(raw.duration)! * scale
  if (durationMs <= 0) throw new ScriptError([...path, 'duration'], 'duration must be above 0', 'Use a positive number of seconds.')
  const maxVusers = raw.maxVusers
  if (raw.arrivalCount !== undefined) {
    if (raw.arrivalRate !== undefined || raw.rampTo !== undefined)
      throw new ScriptError(path, '`arrivalCount` cannot be combined with `arrivalRate` or `rampTo`', 'Use one form per phase.')
    if (raw.arrivalCount < 0) throw new ScriptError([...path, 'arrivalCount'], 'arrivalCount must be 0 or more', 'Use a count of virtual users.')
    return { kind: 'count', durationMs, arrivalCount: raw.arrivalCount, ...(maxVusers !== undefined ? { maxVusers } : {}), ...(name ? { name } : {}) }
  }
  if (raw.arrivalRate === undefined && raw.rampTo === undefined)
    throw new ScriptError(path, 'phase has neither `arrivalRate`, `rampTo` nor `arrivalCount`', 'Add `arrivalRate: 10` (new virtual users per second).')
  const a = raw.arrivalRate ?? 0
  if (a < 0 || (raw.rampTo ?? 0) < 0) throw new ScriptError([...path, a < 0 ? 'arrivalRate' : 'rampTo'], 'rates must be 0 or more', 'Use arrivals per second.')
  if (a === 0 && raw.rampTo === undefined) return { kind: 'pause', durationMs, ...(name ? { name } : {}) }
  return {
    kind: 'rate',
    durationMs,
    arrivalRate: a,
    ...(raw.rampTo !== undefined ? { rampTo: raw.rampTo } : {}),
    ...(maxVusers !== undefined ? { maxVusers } : {}),
    ...(name ? { name } : {}),
  }
}

function parseFlow(raw: unknown[], path: (string | number)[]): Step[] {
  return raw.map((s, i) => parseStep(s, [...path, i]))
}

function parseStep(raw: unknown, path: (string | number)[]): Step {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ScriptError(path, 'a flow step must be a mapping such as `- get: { url: "/" }`', 'See docs/loadtest.md.')
  const o = raw as Record<string, unknown>
  const keys = Object.keys(o)
  const method = METHODS.find((m) => m in o)
  if (method) {
    if (keys.length !== 1)
      throw new ScriptError([...path, keys.find((k) => k !== method)!], `unknown key next to '${method}'`, 'Put request options inside the request mapping.')
    const r = parseWith(RequestSchema, o[method], [...path, method])
    const headers: Record<string, unknown> = { ...(r.headers ?? {}) }
    if (r.auth) headers.authorization = `Basic ${Buffer.from(`${r.auth.user}:${r.auth.pass}`).toString('base64')}`
    if (r.cookie)
      headers.cookie = Object.entries(r.cookie)
        .map(([k, v]) => `${k}=${v}`)
        .join('; ')
    const capture = r.capture === undefined ? [] : Array.isArray(r.capture) ? r.capture : [r.capture]
    return {
      kind: 'request',
      method: method.toUpperCase(),
      url: r.url,
      ...(r.name ? { name: r.name } : {}),
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(r.qs ? { qs: r.qs } : {}),
      ...(r.json !== undefined ? { json: r.json } : {}),
      ...(r.body !== undefined ? { body: r.body } : {}),
      ...(r.form ? { form: r.form } : {}),
      capture: capture,
    }
  }
  if ('think' in o) {
    if (keys.length !== 1)
      throw new ScriptError([...path, keys.find((k) => k !== 'think')!], 'unknown key next to `think`', 'A think step is `- think: 5` (seconds).')
    const ms = parseDurationMs(o.think)
    if (ms === undefined)
      throw new ScriptError([...path, 'think'], `'${String(o.think)}' is not a duration`, 'Use seconds (`think: 5`) or a duration (`think: "500ms"`).')
    return { kind: 'think', seconds: ms / 1000 }
  }
  if ('loop' in o) {
    const extra = keys.find((k) => !['loop', 'count', 'over'].includes(k))
    if (extra)
      throw new ScriptError(
        [...path, extra],
        extra === 'whileTrue' ? '`whileTrue` needs a JavaScript processor, which headroom does not run' : `unknown key '${extra}' in a loop`,
        'Use `count` or `over`.',
      )
    if (!Array.isArray(o.loop)) throw new ScriptError([...path, 'loop'], 'loop must be a list of steps', 'Indent the steps under `loop:`.')
    const count = o.count === undefined ? undefined : Number(o.count)
    if (count !== undefined && !(count >= 0)) throw new ScriptError([...path, 'count'], 'count must be a number, 0 or more', 'Use `count: 10`.')
    return {
      kind: 'loop',
      steps: parseFlow(o.loop as unknown[], [...path, 'loop']),
      ...(count !== undefined ? { count } : {}),
      ...(o.over !== undefined ? { over: o.over } : {}),
    }
  }
  if ('log' in o) return { kind: 'log', message: String(o.log) }
  if ('function' in o)
    throw new ScriptError(
      [...path, 'function'],
      '`function` steps call JavaScript processors, which headroom does not run',
      'Replace it with captures and templates, or remove it.',
    )
  const s = suggest(keys[0] ?? '')
  throw new ScriptError(
    [...path, keys[0] ?? ''],
    `unknown step '${keys[0] ?? ''}'`,
    s ? `Did you mean '${s}'?` : `Steps are ${METHODS.join(', ')}, think, loop and log.`,
  )
}

function parsePayloads(raw: unknown, baseDir: string, cfgPath: (string | number)[]): Payload[] {
  if (raw === undefined) return []
  const list = Array.isArray(raw) ? raw : [raw]
  const Schema = z.strictObject({
    path: z.string(),
    fields: z.array(z.string()).min(1),
    order: z.enum(['random', 'sequence']).optional(),
    skipHeader: z.boolean().optional(),
    delimiter: z.string().optional(),
    cast: z.boolean().optional(),
    skipEmptyLines: z.boolean().optional(),
    name: z.string().optional(),
    loadAll: z.boolean().optional(),
  })
  return list.map((p, i) => {
    const path = Array.isArray(raw) ? [...cfgPath, i] : cfgPath
    const o = parseWith(Schema, p, path)
    if (o.loadAll)
      throw new ScriptError(
        [...path, 'loadAll'],
        '`loadAll` payloads are read with JavaScript processors, which headroom does not run',
        'Remove loadAll; each virtual user then gets one row.',
      )
    const file = resolve(baseDir, o.path)
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      throw new ScriptError([...path, 'path'], `cannot read payload file ${file}`, 'Paths are relative to the script file.')
    }
    const delim = o.delimiter ?? ','
    let lines = text.split('\n').map((l) => l.replace(/\r$/, ''))
    if (o.skipEmptyLines !== false) lines = lines.filter((l) => l.trim() !== '')
    if (o.skipHeader) lines = lines.slice(1)
    const rows = lines.map((l) => (delim === ',' ? parseCsvLine(l) : l.split(delim)))
    if (rows.length === 0) throw new ScriptError([...path, 'path'], `payload file ${file} has no rows`, 'Add rows, or remove the payload.')
    return { fields: o.fields, rows, order: o.order ?? 'random', cast: o.cast !== false }
  })
}

function parseEnsure(raw: z.infer<typeof EnsureSchema> | undefined): EnsureSpec {
  const out: EnsureSpec = { thresholds: [], conditions: [] }
  if (!raw) return out
  for (const t of raw.thresholds ?? []) for (const [metric, max] of Object.entries(t)) out.thresholds.push({ metric, max })
  const legacy: [keyof typeof raw, string][] = [
    ['p50', 'median'],
    ['median', 'median'],
    ['p95', 'p95'],
    ['p99', 'p99'],
    ['max', 'max'],
    ['min', 'min'],
  ]
  for (const [k, stat] of legacy) if (raw[k] !== undefined) out.thresholds.push({ metric: `http.response_time.${stat}`, max: raw[k] as number })
  for (const c of raw.conditions ?? []) out.conditions.push({ expression: c.expression, strict: c.strict !== false })
  if (raw.maxErrorRate !== undefined) out.maxErrorRate = raw.maxErrorRate
  return out
}

/** Reads and validates a script file; errors exit 2 and name file:line, the key path and the fix. */
export function loadScript(file: string, opts: ParseOptions = {}): Plan {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new ToolError('CONFIG_INVALID', `cannot read ${file}`, { hint: 'Check the path of the scenario file.' })
  }
  return parseScript(text, file, opts)
}

export function parseScript(text: string, file: string, opts: ParseOptions = {}): Plan {
  const doc = parseLocated(text, file)
  try {
    return build(doc.data, file, opts)
  } catch (err) {
    if (err instanceof ScriptError) {
      const line = doc.lineOf(err.path)
      throw new ToolError('CONFIG_INVALID', `${file}${line ? `:${line}` : ''}: ${pathText(err.path)}: ${err.problem}`, { hint: err.hint })
    }
    throw err
  }
}

function build(raw: unknown, file: string, opts: ParseOptions): Plan {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ScriptError([], 'the script must be a mapping with `config` and `scenarios`', 'See docs/loadtest.md for an example.')
  const top = parseWith(ScriptSchema, raw, [])
  if (top.before !== undefined || top.after !== undefined)
    throw new ScriptError(
      [top.before !== undefined ? 'before' : 'after'],
      '`before`/`after` sections are not supported yet',
      'Run the setup requests in a separate script, or remove the section.',
    )
  const warnings: string[] = []
  let cfgRaw = top.config
  const envs = cfgRaw.environments as Record<string, Record<string, unknown>> | undefined
  if (opts.environment !== undefined) {
    const overlay = envs?.[opts.environment]
    if (!overlay)
      throw new ScriptError(
        ['config', 'environments'],
        `no environment '${opts.environment}'`,
        envs ? `Use one of: ${Object.keys(envs).join(', ')}.` : 'Add config.environments, or drop -e.',
      )
    cfgRaw = deepMerge(cfgRaw, overlay)
  }
  // $env templates in config values (e.g. `arrivalRate: "{{ $env.RATE }}"`) resolve before validation.
  const env = opts.env ?? {}
  const { scenarios: _s, ...cfgNoScenarios } = cfgRaw
  void _s
  const cfgRendered = renderEnvOnly({ ...cfgNoScenarios, environments: undefined }, { vars: { $environment: opts.environment }, env }) as Record<
    string,
    unknown
  >
  delete cfgRendered.environments
  const cfg = parseWith(ConfigSchema, cfgRendered, ['config'])
  if (cfg.processor !== undefined)
    throw new ScriptError(
      ['config', 'processor'],
      'JavaScript processors are not run by headroom',
      'Remove `processor` and the hooks that use it; captures and templates cover most uses.',
    )
  if (cfg.engines !== undefined) throw new ScriptError(['config', 'engines'], 'only the HTTP engine is supported', 'Remove `engines`.')
  if (cfg.includeFiles !== undefined) warnings.push('config.includeFiles is ignored (it only matters for distributed Artillery runs)')
  if (cfg.http?.extendedMetrics) warnings.push('config.http.extendedMetrics is ignored: headroom reports full response time and schedule lag instead')
  if (cfg.http?.maxSockets !== undefined)
    warnings.push('config.http.maxSockets is ignored: headroom uses one shared connection pool per worker (config.http.pool or --connections)')
  const target = opts.target ?? cfg.target
  if (!target) throw new ScriptError(['config', 'target'], 'no target URL', 'Set config.target, or pass --target http://host:port.')
  try {
    const u = new URL(target)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error()
  } catch {
    throw new ScriptError(['config', 'target'], `'${target}' is not an http(s) URL`, 'Use e.g. http://127.0.0.1:8080.')
  }
  const scale = opts.durationScale ?? 1
  if (!cfg.phases || cfg.phases.length === 0) throw new ScriptError(['config', 'phases'], 'no phases', 'Add `phases: [{ duration: 60, arrivalRate: 10 }]`.')
  const phases = cfg.phases.map((p, i) => parsePhase(p, i, scale))
  const plugins = cfg.plugins ?? {}
  for (const name of Object.keys(plugins))
    if (name !== 'metrics-by-endpoint' && name !== 'ensure') warnings.push(`plugin '${name}' is not run by headroom and is ignored`)
  const mbe = plugins['metrics-by-endpoint'] as Record<string, unknown> | undefined | null
  const ensureRaw = cfg.ensure ?? (plugins.ensure ? parseWith(EnsureSchema, plugins.ensure, ['config', 'plugins', 'ensure']) : undefined)
  const scenarios: Scenario[] = top.scenarios.map((s, i) => {
    const sc = parseWith(ScenarioSchema, s, ['scenarios', i])
    for (const hook of ['beforeScenario', 'afterScenario', 'beforeRequest', 'afterResponse'] as const)
      if (sc[hook] !== undefined)
        throw new ScriptError(['scenarios', i, hook], `\`${hook}\` hooks call JavaScript processors, which headroom does not run`, 'Remove the hook.')
    if (sc.engine !== undefined && sc.engine !== 'http')
      throw new ScriptError(['scenarios', i, 'engine'], `engine '${sc.engine}' is not supported`, 'headroom runs HTTP scenarios only.')
    if (sc.flow.length === 0) throw new ScriptError(['scenarios', i, 'flow'], 'empty flow', 'Add at least one request.')
    return { name: sc.name ?? `scenario ${i + 1}`, weight: sc.weight ?? 1, flow: parseFlow(sc.flow, ['scenarios', i, 'flow']) }
  })
  if (scenarios.every((s) => s.weight <= 0))
    throw new ScriptError(['scenarios'], 'every scenario has weight 0', 'Give at least one scenario a positive weight.')
  const headers = { ...(cfg.defaults?.headers ?? {}), ...(cfg.http?.defaults?.headers ?? {}) }
  return {
    source: file,
    target: target.replace(/\/+$/, ''),
    ...(opts.environment ? { environment: opts.environment } : {}),
    phases,
    defaultHeaders: headers,
    thinkJitter: Number(cfg.http?.defaults?.think?.jitter ?? cfg.defaults?.think?.jitter ?? 0),
    timeoutMs: (cfg.http?.timeout ?? 10) * 1000,
    ...(cfg.http?.pool !== undefined ? { connections: cfg.http.pool } : {}),
    rejectUnauthorized: cfg.tls?.rejectUnauthorized !== false,
    variables: cfg.variables ?? {},
    payloads: parsePayloads(cfg.payload, dirname(file), ['config', 'payload']),
    scenarios,
    metricsByEndpoint: {
      enabled: mbe !== undefined,
      useOnlyRequestNames: mbe?.useOnlyRequestNames === true,
      stripQueryString: mbe?.stripQueryString !== false,
    },
    ensure: parseEnsure(ensureRaw),
    warnings,
  }
}
