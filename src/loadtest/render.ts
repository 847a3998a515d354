import { cell } from '../reporters/csv.js'
import { table } from '../reporters/format.js'
import type { KindRenderer } from '../reporters/registry.js'
import type { Block, Section, View } from '../reporters/view.js'
import type { LatencySummaryT, LoadTestResult } from './result.js'
import { DEFAULT_EXPECT, summarizeStatuses, type StatusSummary } from './status.js'

const n = (x: number) => x.toLocaleString('en-US')
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2))
const latRow = (label: string, s: LatencySummaryT) => [label, ms(s.p50), ms(s.p90), ms(s.p95), ms(s.p99), ms(s.p999), ms(s.max), ms(s.mean)]
const LAT_HEAD = ['LATENCY (ms)', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean']

/** Counters under an Artillery prefix (`http.codes.`, `errors.`), keyed by the rest of their name. */
export function countersUnder(counters: Readonly<Record<string, number>>, prefix: 'http.codes.' | 'errors.'): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counters)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  )
}

function codesLine(r: LoadTestResult): string {
  const codes = Object.entries(countersUnder(r.counters, 'http.codes.')).map(([k, v]) => `${k}: ${n(v)}`)
  return codes.length ? codes.join('  ') : 'none'
}
/** The statuses a result counts as answers: what it recorded, or (files from before `status`) 2xx and 3xx. */
export const statusOf = (r: LoadTestResult): StatusSummary => r.status ?? summarizeStatuses(r.counters, DEFAULT_EXPECT)

function errorsLine(r: LoadTestResult): string {
  const errs = Object.entries(countersUnder(r.counters, 'errors.')).map(([k, v]) => `${k}: ${n(v)}`)
  const st = statusOf(r)
  if (st.unexpected > 0)
    errs.push(
      `unexpected status (expected ${st.expected.replace(/,/g, ', ')}): ${Object.entries(st.byCode)
        .map(([c, v]) => `${c}: ${n(v)}`)
        .join(', ')}`,
    )
  return errs.length ? errs.join('  ') : 'none'
}

/** What a person reads after a run: rate honesty first, then latency (from the schedule and from the send), codes, errors, endpoints, checks. */
export function loadTestSummaryView(r: LoadTestResult): View {
  const reqs = r.counters['http.requests'] ?? 0
  const lead: string[] = []
  if (r.model === 'open') {
    const pct = r.rate.requested && r.rate.achieved ? ` (${((r.rate.achieved / r.rate.requested) * 100).toFixed(2)}%)` : ''
    lead.push(
      `arrivals: requested ${r.rate.requested ?? 'n/a'}/s, achieved ${r.rate.achieved ?? 'n/a'}/s${pct}; schedule lag p99 ${ms(r.latency.scheduleLag.p99)} ms; virtual users ${n(r.counters['vusers.created'] ?? 0)} created, ${n(r.counters['vusers.completed'] ?? 0)} completed, ${n(r.counters['vusers.failed'] ?? 0)} failed, ${n(r.counters['vusers.skipped'] ?? 0)} skipped`,
    )
  }
  lead.push(`throughput: ${n(r.rate.requestsPerSec)} requests/s; ${n(r.counters['http.downloaded_bytes'] ?? 0)} bytes received`)
  const sections: Section[] = [
    {
      blocks: [
        latencyTable(r),
        ...(r.model === 'closed'
          ? [
              {
                type: 'text' as const,
                tone: 'dim' as const,
                text: 'closed model: each connection waits for its response, so stalls are under-sampled (coordinated omission); use -R for a schedule.',
              },
            ]
          : []),
      ],
    },
    {
      blocks: [
        { type: 'text', text: `codes: ${codesLine(r)}` },
        { type: 'text', text: `errors: ${errorsLine(r)}` },
      ],
    },
  ]
  if (r.endpoints.length > 0)
    sections.push({
      title: 'endpoints (metrics-by-endpoint):',
      blocks: [
        {
          type: 'table',
          head: ['ENDPOINT', 'REQUESTS', 'CODES', 'ERRORS', 'p50', 'p95', 'p99', 'max'],
          align: ['l', 'r', 'l', 'l', 'r', 'r', 'r', 'r'],
          rows: r.endpoints.map((e) => [
            e.name,
            n(e.requests),
            Object.entries(e.codes)
              .map(([c, v]) => `${c}:${n(v)}`)
              .join(' ') || '-',
            Object.entries(e.errors)
              .map(([c, v]) => `${c}:${n(v)}`)
              .join(' ') || '-',
            ms(e.latency.p50),
            ms(e.latency.p95),
            ms(e.latency.p99),
            ms(e.latency.max),
          ]),
        },
      ],
    })
  const notes = [
    ...(r.generator.saturated
      ? [{ type: 'text' as const, tone: 'warn' as const, text: `WARNING generator saturated, results are inconclusive: ${r.generator.reasons.join('; ')}` }]
      : []),
    ...r.warnings.map((w) => ({ type: 'text' as const, text: `note: ${w}` })),
  ]
  if (notes.length) sections.push({ blocks: notes })
  if (r.ensure)
    sections.push({
      blocks: [
        { type: 'text', text: `ensure: ${r.ensure.passed ? 'passed' : 'FAILED'}`, ...(r.ensure.passed ? {} : { tone: 'warn' as const }) },
        {
          type: 'list',
          items: r.ensure.checks.map(
            (c) => `${c.passed ? 'ok  ' : 'FAIL'} ${c.check}${c.value !== null && !c.check.includes('maxErrorRate') ? ` (actual ${c.value})` : ''}`,
          ),
        },
      ],
    })
  return {
    title: `headroom loadtest: ${n(reqs)} requests to ${r.target} in ${(r.durationMs / 1000).toFixed(1)} s (${r.model} model, ${r.settings.workers} worker${r.settings.workers === 1 ? '' : 's'} x ${r.settings.connectionsPerWorker} connections${r.settings.pipelining > 1 ? `, pipelining ${r.settings.pipelining}` : ''})${r.interrupted ? ' INTERRUPTED' : ''}`,
    lead,
    sections,
  }
}

function latencyTable(r: LoadTestResult): Block {
  return {
    type: 'table',
    head: LAT_HEAD,
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: [
      latRow(r.model === 'open' ? 'from intended start' : 'per request', r.latency.corrected),
      ...(r.model === 'open' ? [latRow('from send (uncorrected)', r.latency.uncorrected)] : []),
    ],
  }
}

/** Markdown and HTML: the run, latency, codes and errors, endpoints, checks. */
export function loadTestFullView(r: LoadTestResult): View {
  const sections: Section[] = [
    {
      blocks: [
        ...(r.model === 'open'
          ? [
              {
                type: 'text' as const,
                text: `Arrivals: requested ${r.rate.requested ?? 'n/a'}/s, achieved ${r.rate.achieved ?? 'n/a'}/s, schedule lag p99 ${ms(r.latency.scheduleLag.p99)} ms.`,
              },
            ]
          : []),
        latencyTable(r),
        { type: 'text', text: `Codes: ${codesLine(r)}. Errors: ${errorsLine(r)}. Throughput ${n(r.rate.requestsPerSec)} requests/s.` },
        ...(r.endpoints.length
          ? [
              {
                type: 'table' as const,
                head: ['Endpoint', 'Requests', 'p50', 'p95', 'p99', 'max'],
                rows: r.endpoints.map((e) => [e.name, n(e.requests), ms(e.latency.p50), ms(e.latency.p95), ms(e.latency.p99), ms(e.latency.max)]),
              },
            ]
          : []),
        ...(r.generator.saturated
          ? [
              {
                type: 'text' as const,
                text: [{ text: 'Generator saturated, inconclusive:', tone: 'strong' as const }, { text: ` ${r.generator.reasons.join('; ')}` }],
              },
            ]
          : []),
        ...r.warnings.map((w) => ({ type: 'text' as const, text: `Note: ${w}` })),
        ...(r.ensure
          ? [
              { type: 'text' as const, text: [{ text: 'Ensure: ' }, { text: r.ensure.passed ? 'passed' : 'failed', tone: 'strong' as const }] },
              { type: 'list' as const, items: r.ensure.checks.map((c) => `${c.passed ? 'ok' : 'FAIL'}: ${c.check}`) },
            ]
          : []),
      ],
    },
  ]
  return {
    title: `Load test: ${r.target}`,
    lead: [
      `${n(r.counters['http.requests'] ?? 0)} requests in ${(r.durationMs / 1000).toFixed(1)} s, ${r.model} model, ${r.settings.workers} worker${r.settings.workers === 1 ? '' : 's'}, started ${new Date(r.startedAt).toISOString()}.${r.script ? ` Script \`${r.script}\`${r.environment ? `, environment \`${r.environment}\`` : ''}.` : ''}`,
    ],
    sections,
  }
}

const LOADTEST_COLUMNS = [
  'target',
  'endpoint',
  'requests',
  'codes',
  'errors',
  'p50_ms',
  'p90_ms',
  'p95_ms',
  'p99_ms',
  'p999_ms',
  'max_ms',
  'mean_ms',
  'requests_per_s',
  'error_rate_pct',
] as const

/** One row for the whole run (endpoint `*`, latency from the intended start), then one per endpoint. */
export function renderLoadTestCsv(r: LoadTestResult): string {
  const codes = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([k, v]) => `${k}:${v}`)
      .join(' ')
  const all = countersUnder(r.counters, 'http.codes.')
  const errs = countersUnder(r.counters, 'errors.')
  const lat = (s: LatencySummaryT) => [s.p50, s.p90, s.p95, s.p99, s.p999, s.max, s.mean]
  const rows = [
    [
      r.target,
      '*',
      r.counters['http.requests'] ?? 0,
      codes(all),
      codes(errs),
      ...lat(r.latency.corrected),
      r.rate.requestsPerSec,
      Math.round(errorRatePct(r) * 1000) / 1000,
    ],
    ...r.endpoints.map((e) => [r.target, e.name, e.requests, codes(e.codes), codes(e.errors), ...lat(e.latency), null, null]),
  ]
  return [LOADTEST_COLUMNS.join(','), ...rows.map((x) => x.map(cell).join(','))].join('\n') + '\n'
}

export interface CompareLimits {
  maxP99RegressionPct?: number
  maxErrorRatePct?: number
  /** Compare runs against different targets (e.g. staging vs production) on purpose. */
  allowDifferentTargets?: boolean
}

export interface Comparison {
  rows: { metric: string; base: number; current: number; change: string }[]
  checks: { check: string; passed: boolean }[]
  passed: boolean
}

/** Request error rate: network errors, timeouts and responses with an unexpected status (4xx and 5xx by default) over requests, percent. */
export function errorRatePct(r: LoadTestResult): number {
  const reqs = r.counters['http.requests'] ?? 0
  const errs =
    Object.entries(r.counters)
      .filter(([k]) => k.startsWith('errors.') && k !== 'errors.Failed capture or match')
      .reduce((a, [, v]) => a + v, 0) + statusOf(r).unexpected
  return reqs > 0 ? (errs / reqs) * 100 : 0
}

export function compareResults(base: LoadTestResult, cur: LoadTestResult, lim: CompareLimits): Comparison {
  const rel = (a: number, b: number) => (a === 0 ? (b === 0 ? '0%' : 'new') : `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)}%`)
  const metric = (name: string, a: number, b: number) => ({ metric: name, base: a, current: b, change: rel(a, b) })
  const rows = [
    metric('requests/s', base.rate.requestsPerSec, cur.rate.requestsPerSec),
    metric('p50 ms', base.latency.corrected.p50, cur.latency.corrected.p50),
    metric('p95 ms', base.latency.corrected.p95, cur.latency.corrected.p95),
    metric('p99 ms', base.latency.corrected.p99, cur.latency.corrected.p99),
    metric('max ms', base.latency.corrected.max, cur.latency.corrected.max),
    metric('error rate %', Math.round(errorRatePct(base) * 1000) / 1000, Math.round(errorRatePct(cur) * 1000) / 1000),
  ]
  const checks: Comparison['checks'] = []
  if (lim.maxP99RegressionPct !== undefined) {
    const limit = base.latency.corrected.p99 * (1 + lim.maxP99RegressionPct / 100)
    checks.push({
      check: `p99 ${ms(cur.latency.corrected.p99)} ms <= ${ms(limit)} ms (base ${ms(base.latency.corrected.p99)} ms + ${lim.maxP99RegressionPct}%)`,
      passed: cur.latency.corrected.p99 <= limit,
    })
  }
  if (lim.maxErrorRatePct !== undefined)
    checks.push({ check: `error rate ${errorRatePct(cur).toFixed(3)}% <= ${lim.maxErrorRatePct}%`, passed: errorRatePct(cur) <= lim.maxErrorRatePct })
  if (base.target !== cur.target && !lim.allowDifferentTargets)
    checks.push({ check: `same target (base ${base.target}, current ${cur.target}; --allow-different-targets to compare anyway)`, passed: false })
  if (base.model !== cur.model) checks.push({ check: `same load model (base ${base.model}, current ${cur.model})`, passed: false })
  return { rows, checks, passed: checks.every((c) => c.passed) }
}

export function renderComparison(c: Comparison, baseName: string, curName: string): string {
  const out = [
    table([['METRIC', baseName, curName, 'CHANGE'], ...c.rows.map((r) => [r.metric, String(r.base), String(r.current), r.change])], ['l', 'r', 'r', 'r']),
  ]
  if (c.checks.length) out.push('', `compare: ${c.passed ? 'passed' : 'FAILED'}`, ...c.checks.map((x) => `  ${x.passed ? 'ok  ' : 'FAIL'} ${x.check}`))
  return out.join('\n') + '\n'
}

export const loadTestRenderer: KindRenderer<LoadTestResult> = { summary: loadTestSummaryView, full: loadTestFullView, csv: renderLoadTestCsv }
