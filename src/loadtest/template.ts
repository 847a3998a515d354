import { randomUUID } from 'node:crypto'

/**
 * Artillery's `{{ expression }}` templates. A string that is exactly one template keeps the value's type (so
 * `json: { productId: "{{ productId }}" }` sends a number when a number was captured); templates inside longer strings
 * are interpolated as text. Expressions: a variable path (`productId`, `user.name`, `items[0]`), `$env.NAME` (also
 * `$processEnvironment.NAME`), `$uuid`, `$randomNumber(min, max)`, `$randomString(length)`, `$loopCount`,
 * `$loopElement`, `$environment`, `target`. Written by hand: Artillery's own renderer is part of its runner, and
 * general template engines (mustache, handlebars) stringify everything and allow logic we do not want in scenarios.
 */
type Vars = Record<string, unknown>

const WHOLE = /^\s*\{\{\s*([^{}]+?)\s*\}\}\s*$/
const ANY = /\{\{\s*([^{}]+?)\s*\}\}/g

export interface RenderContext {
  vars: Vars
  env: Readonly<Record<string, string | undefined>>
  /** Names of variables that were referenced but undefined (reported once per run). */
  missing?: Set<string>
  random?: () => number
}

function lookup(path: string, root: unknown): unknown {
  let cur: unknown = root
  for (const part of path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[part]
  }
  return cur
}

function evaluate(expr: string, ctx: RenderContext): unknown {
  const rnd = ctx.random ?? Math.random
  const e = expr.trim()
  if (e === '$uuid') return randomUUID()
  let m = /^\$randomNumber\(\s*(-?\d+)\s*,\s*(-?\d+)\s*\)$/.exec(e)
  if (m) {
    const lo = Number(m[1])
    const hi = Number(m[2])
    return lo + Math.floor(rnd() * (hi - lo + 1))
  }
  m = /^\$randomString\(\s*(\d+)\s*\)$/.exec(e)
  if (m) {
    const abc = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
    return Array.from({ length: Number(m[1]) }, () => abc[Math.floor(rnd() * abc.length)]).join('')
  }
  m = /^\$(?:env|processEnvironment)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(e)
  if (m) return ctx.env[m[1]!]
  const v = lookup(e, ctx.vars)
  if (v === undefined) ctx.missing?.add(e)
  return v
}

/** A value as text: objects as JSON, undefined and null as nothing. */
function toText(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v.toString()
  return JSON.stringify(v) ?? ''
}

/** Renders templates in strings, arrays and plain objects (keys too); other values pass through. */
export function render(value: unknown, ctx: RenderContext): unknown {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value
    const whole = WHOLE.exec(value)
    if (whole) return evaluate(whole[1]!, ctx)
    return value.replace(ANY, (_, expr: string) => {
      const v = evaluate(expr, ctx)
      return toText(v)
    })
  }
  if (Array.isArray(value)) return value.map((x) => render(x, ctx))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[String(render(k, ctx))] = render(v, ctx)
    return out
  }
  return value
}

/** Render to text (URLs, headers). */
export function renderText(value: string, ctx: RenderContext): string {
  const v = render(value, ctx)
  return toText(v)
}

const ENV_EXPR = /^\s*\$(?:env|processEnvironment)\.[A-Za-z_][A-Za-z0-9_]*\s*$|^\s*\$environment\s*$/

/**
 * Resolves only `$env.*`, `$processEnvironment.*` and `$environment` templates (config values such as a rate or a
 * target set from the environment), leaving per-user templates like `{{ token }}` for the run.
 */
export function renderEnvOnly(value: unknown, ctx: RenderContext): unknown {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value
    const whole = WHOLE.exec(value)
    if (whole && ENV_EXPR.test(whole[1]!)) return evaluate(whole[1]!, ctx)
    return value.replace(ANY, (all, expr: string) => {
      if (!ENV_EXPR.test(expr)) return all
      const v = evaluate(expr, ctx)
      return toText(v)
    })
  }
  if (Array.isArray(value)) return value.map((x) => renderEnvOnly(x, ctx))
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderEnvOnly(v, ctx)]))
  return value
}
