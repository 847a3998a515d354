import { applyCaptures } from './capture.js'
import type { Plan, Scenario, Step } from './script.js'
import { render, renderText, type RenderContext } from './template.js'

type RequestStep = Extract<Step, { kind: 'request' }>

/** A request ready to send: what the virtual user's step renders to in its context. */
export interface BuiltRequest {
  origin: string
  /** Path and query string. */
  path: string
  method: string
  /** Lower-case names. */
  headers: Record<string, string>
  body: string | undefined
  /** The endpoint it is counted under (metricsByEndpoint), or null when not counted per endpoint. */
  endpoint: string | null
  /** The response body is needed (the step captures from it). */
  wantBody: boolean
}

/**
 * The request builder: one request step rendered in a virtual user's context, as Artillery does it (url relative to
 * the target, qs appended, default headers then the step's, json / form / body with their content types). Pure: no
 * IO, no clock; `{ error: 'EINVALIDURL' }` when the rendered URL is not one.
 */
export function buildRequest(step: RequestStep, plan: Plan, ctx: RenderContext): BuiltRequest | { error: 'EINVALIDURL' } {
  const rawUrl = renderText(step.url, ctx)
  let url: URL
  try {
    url = /^https?:\/\//.test(rawUrl) ? new URL(rawUrl) : new URL(plan.target + (rawUrl.startsWith('/') ? rawUrl : `/${rawUrl}`))
  } catch {
    return { error: 'EINVALIDURL' }
  }
  if (step.qs) for (const [k, v] of Object.entries(render(step.qs, ctx) as Record<string, unknown>)) url.searchParams.append(k, String(v))
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(plan.defaultHeaders)) headers[k.toLowerCase()] = renderText(v, ctx)
  if (step.headers) for (const [k, v] of Object.entries(step.headers)) headers[k.toLowerCase()] = typeof v === 'string' ? renderText(v, ctx) : String(v)
  let body: string | undefined
  if (step.json !== undefined) {
    body = JSON.stringify(render(step.json, ctx))
    headers['content-type'] ??= 'application/json'
  } else if (step.form) {
    body = new URLSearchParams(
      Object.entries(render(step.form, ctx) as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v as string)]),
    ).toString()
    headers['content-type'] ??= 'application/x-www-form-urlencoded'
  } else if (step.body !== undefined) body = typeof step.body === 'string' ? renderText(step.body, ctx) : JSON.stringify(render(step.body, ctx))
  const mbe = plan.metricsByEndpoint
  const name = step.name ?? (mbe.useOnlyRequestNames ? null : `${step.method} ${mbe.stripQueryString ? step.url.split('?')[0]! : step.url}`)
  return {
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: step.method,
    headers,
    body,
    endpoint: mbe.enabled ? name : null,
    wantBody: step.capture.length > 0,
  }
}

/** A response as the interpreter needs it (captures read status, headers and body). */
export interface Response {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** What a virtual user needs from the worker: sending, counting, randomness, and the stop flag. */
export interface VuHost {
  plan: Plan
  env: Readonly<Record<string, string | undefined>>
  random: () => number
  missing: Set<string>
  stop: { requested: boolean }
  /** Virtual users created so far in this worker (payload rows in sequence order). */
  created: () => number
  inc: (counter: string) => void
  /** Sends a built request; `intended` is when it should have started. Resolves null when it failed. */
  send: (r: BuiltRequest, intended: number) => Promise<Response | null>
  now: () => number
}

/** The scenario a new virtual user runs, by weight. */
export function pickScenario(list: readonly Scenario[], random: () => number): Scenario {
  if (list.length === 1) return list[0]!
  const total = list.reduce((s, x) => s + Math.max(0, x.weight), 0)
  let r = random() * total
  for (const s of list) if ((r -= Math.max(0, s.weight)) < 0) return s
  return list[list.length - 1]!
}

/**
 * One virtual user: a fresh context (variables, one payload row), then the flow in order. Its first request's latency
 * counts from the arrival's intended time. Resolves true when it failed (a request error, an invalid URL, a failed
 * capture), false when it completed or the run was stopped.
 */
export async function runVu(host: VuHost, sc: Scenario, intended: number): Promise<boolean> {
  const plan = host.plan
  const vars: Record<string, unknown> = { target: plan.target, $environment: plan.environment }
  for (const [k, v] of Object.entries(plan.variables)) vars[k] = Array.isArray(v) ? v[Math.floor(host.random() * v.length)] : v
  for (const p of plan.payloads) {
    const row = p.order === 'sequence' ? p.rows[host.created() % p.rows.length]! : p.rows[Math.floor(host.random() * p.rows.length)]!
    p.fields.forEach((f, i) => (vars[f] = p.cast && row[i] !== undefined && /^-?\d+(\.\d+)?$/.test(row[i]) ? Number(row[i]) : row[i]))
  }
  const ctx: RenderContext = { vars, env: host.env, missing: host.missing, random: host.random }
  return runSteps(host, sc.flow, ctx, { first: true, intended })
}

async function runSteps(host: VuHost, steps: readonly Step[], ctx: RenderContext, state: { first: boolean; intended: number }): Promise<boolean> {
  for (const step of steps) {
    if (host.stop.requested) return false
    if (step.kind === 'think') {
      const jitter = host.plan.thinkJitter
      const s = step.seconds * (1 + (jitter ? (host.random() * 2 - 1) * (jitter > 1 ? jitter / 100 : jitter) : 0))
      await new Promise((r) => setTimeout(r, s * 1000))
      continue
    }
    if (step.kind === 'log') continue
    if (step.kind === 'loop') {
      const over =
        step.over === undefined
          ? undefined
          : typeof step.over === 'string'
            ? render(step.over.includes('{{') ? step.over : `{{ ${step.over} }}`, ctx)
            : step.over
      const items = Array.isArray(over) ? over : undefined
      const n = items ? items.length : (step.count ?? 1)
      for (let i = 0; i < n; i++) {
        ctx.vars.$loopCount = i + 1
        ctx.vars.$loopElement = items?.[i]
        if (await runSteps(host, step.steps, ctx, state)) return true
      }
      continue
    }
    const req = buildRequest(step, host.plan, ctx)
    if ('error' in req) {
      host.inc(`errors.${req.error}`)
      return true
    }
    const start = state.first ? state.intended : host.now()
    state.first = false
    const res = await host.send(req, start)
    if (!res) return true
    if (step.capture.length > 0) {
      const c = applyCaptures(step.capture, { headers: res.headers, body: res.body })
      Object.assign(ctx.vars, c.values)
      if (c.failed) {
        host.inc('errors.Failed capture or match')
        return true
      }
    }
  }
  return false
}
