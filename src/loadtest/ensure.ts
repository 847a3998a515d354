import type { LoadTestResult } from './result.js'
import type { EnsureSpec } from './script.js'

/**
 * Artillery's `ensure` checks over a result, with Artillery's metric names so existing scripts keep working:
 * `http.response_time.p99` (here: from the intended start, the corrected figure), `http.response_time_uncorrected.*`,
 * `generator.schedule_lag.*`, `http.request_rate`, `http.requests`, `http.codes.<n>`, `errors.<code>`, `vusers.*`,
 * `plugins.metrics-by-endpoint.response_time.<endpoint>.<stat>`.
 * - thresholds `{ metric: max }` pass when metric < max (strict, as Artillery);
 * - conditions are expressions `a < 1 and (b >= 2 or not c == 3)` parsed by the small typed parser below (no eval);
 * - maxErrorRate N passes when (vusers.created - vusers.completed) / vusers.created x 100 <= N: Artillery's definition,
 *   a share of failed virtual users (network errors, timeouts, failed captures), not of non-2xx responses.
 */
function metricsOf(r: LoadTestResult): Map<string, number> {
  const m = new Map<string, number>(Object.entries(r.counters))
  const put = (prefix: string, s: LoadTestResult['latency']['corrected']) => {
    for (const [k, v] of Object.entries(s)) if (k !== 'count') m.set(`${prefix}.${k}`, v)
    m.set(`${prefix}.median`, s.p50)
    m.set(`${prefix}.count`, s.count)
  }
  put('http.response_time', r.latency.corrected)
  put('http.response_time_uncorrected', r.latency.uncorrected)
  put('generator.schedule_lag', r.latency.scheduleLag)
  for (const e of r.endpoints) put(`plugins.metrics-by-endpoint.response_time.${e.name}`, e.latency)
  m.set('http.request_rate', r.rate.requestsPerSec)
  for (const k of ['vusers.created', 'vusers.completed', 'vusers.failed', 'vusers.skipped', 'http.requests', 'http.responses']) if (!m.has(k)) m.set(k, 0)
  return m
}

type Tok = { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'op'; v: string } | { t: 'kw'; v: 'and' | 'or' | 'not' } | { t: '(' } | { t: ')' }

function tokenize(s: string): Tok[] {
  const out: Tok[] = []
  const re = /\s*(?:(-?\d+(?:\.\d+)?)(?![\w.])|(<=|>=|==|!=|<|>)|(\()|(\))|([A-Za-z_$][\w.\-/:$]*))/y
  let i = 0
  while (i < s.length) {
    if (/^\s*$/.test(s.slice(i))) break
    re.lastIndex = i
    const m = re.exec(s)
    if (!m) throw new Error(`cannot read '${s.slice(i).trim()}'`)
    i = re.lastIndex
    if (m[1] !== undefined) out.push({ t: 'num', v: Number(m[1]) })
    else if (m[2] !== undefined) out.push({ t: 'op', v: m[2] })
    else if (m[3] !== undefined) out.push({ t: '(' })
    else if (m[4] !== undefined) out.push({ t: ')' })
    else if (m[5] === 'and' || m[5] === 'or' || m[5] === 'not') out.push({ t: 'kw', v: m[5] })
    else out.push({ t: 'id', v: m[5]! })
  }
  return out
}

/** Evaluates a condition; throws with a readable message on syntax errors and unknown metrics. */
export function evaluateCondition(expr: string, metrics: ReadonlyMap<string, number>): boolean {
  const toks = tokenize(expr)
  let p = 0
  const peek = () => toks[p]
  const value = (): number => {
    const t = toks[p++]
    if (!t) throw new Error('expression ends early')
    if (t.t === 'num') return t.v
    if (t.t === 'id') {
      const v = metrics.get(t.v)
      if (v === undefined) throw new Error(`unknown metric '${t.v}'`)
      return v
    }
    throw new Error(`expected a metric or number, found '${'v' in t ? String(t.v) : t.t}'`)
  }
  const primary = (): boolean => {
    const t = peek()
    if (t?.t === 'kw' && t.v === 'not') {
      p++
      return !primary()
    }
    if (t?.t === '(') {
      p++
      const v = or()
      if (peek()?.t !== ')') throw new Error("missing ')'")
      p++
      return v
    }
    const a = value()
    const op = toks[p++]
    if (op?.t !== 'op') throw new Error('expected a comparison (<, <=, >, >=, ==, !=)')
    const b = value()
    switch (op.v) {
      case '<':
        return a < b
      case '<=':
        return a <= b
      case '>':
        return a > b
      case '>=':
        return a >= b
      case '==':
        return a === b
      default:
        return a !== b
    }
  }
  const and = (): boolean => {
    let v = primary()
    while (peek()?.t === 'kw' && (peek() as { v: string }).v === 'and') {
      p++
      v = primary() && v
    }
    return v
  }
  const or = (): boolean => {
    let v = and()
    while (peek()?.t === 'kw' && (peek() as { v: string }).v === 'or') {
      p++
      v = and() || v
    }
    return v
  }
  const v = or()
  if (p < toks.length) throw new Error(`unexpected '${'v' in toks[p]! ? String((toks[p] as { v: unknown }).v) : toks[p]!.t}'`)
  return v
}

export interface EnsureOutcome {
  passed: boolean
  checks: { check: string; value: number | null; passed: boolean }[]
}

export function evaluateEnsure(spec: EnsureSpec, r: LoadTestResult): EnsureOutcome | null {
  if (spec.thresholds.length === 0 && spec.conditions.length === 0 && spec.maxErrorRate === undefined) return null
  const m = metricsOf(r)
  const checks: EnsureOutcome['checks'] = []
  for (const t of spec.thresholds) {
    const v = m.get(t.metric)
    checks.push({ check: `${t.metric} < ${t.max}`, value: v ?? null, passed: v !== undefined && v < t.max })
  }
  for (const c of spec.conditions) {
    let ok: boolean
    try {
      ok = evaluateCondition(c.expression, m)
    } catch (e) {
      checks.push({ check: `${c.expression} (${(e as Error).message})`, value: null, passed: false })
      continue
    }
    checks.push({ check: c.expression, value: null, passed: ok || !c.strict })
  }
  if (spec.maxErrorRate !== undefined) {
    const created = m.get('vusers.created') ?? 0
    const rate = created > 0 ? ((created - (m.get('vusers.completed') ?? 0)) / created) * 100 : 0
    checks.push({
      check: `failed virtual users ${rate.toFixed(2)}% <= maxErrorRate ${spec.maxErrorRate}%`,
      value: Math.round(rate * 100) / 100,
      passed: rate <= spec.maxErrorRate,
    })
  }
  return { passed: checks.every((c) => c.passed), checks }
}
