import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { InputError } from '../../core/errors.js'
import { parseReport, type Report } from '../../core/lambda-report.js'
import { quantileLinear } from '../../core/quantile.js'

/** One invocation from an exported log: when it ended (epoch ms) and its REPORT line. */
export interface ReportEvent {
  ts: number
  report: Report
}

export interface ReportLog {
  events: ReportEvent[]
  /** REPORT lines that named no Duration or Billed Duration (a truncated line): left out and counted. */
  malformed: number
}

/** Above this share of unreadable REPORT lines the file is taken to be something else: exit 2, nothing imported. */
const MAX_MALFORMED_SHARE = 0.1
const HOW_TO_EXPORT =
  'Export with timestamps: `aws logs tail /aws/lambda/NAME --since 14d > report.log` (text: each line starts with its time), or `aws logs filter-log-events --log-group-name /aws/lambda/NAME --filter-pattern REPORT > report.json`.'

/** An ISO 8601 time at the start of a line, as `aws logs tail` prints it (2026-12-01T10:00:00.123000+00:00). */
const LEADING_ISO = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s/

function isoMs(s: string): number {
  // Date.parse takes at most milliseconds: microseconds (aws logs tail) are cut to three digits; no zone is UTC.
  const t = s.replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1')
  return Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(t) ? t : `${t}Z`)
}

/**
 * The REPORT lines of an exported Lambda log, with their times. Three shapes are read: the JSON of
 * `aws logs filter-log-events` / `get-log-events` (`{"events": [{"timestamp": ms, "message": "REPORT ..."}]}`), a JSON
 * array of CloudWatch Logs Insights results (`@timestamp`, `@message`), and text whose lines start with an ISO 8601
 * time (`aws logs tail`). Lines that are not REPORT lines (START, END, the function's own output) are skipped. A REPORT
 * line without a time is an error naming its line: a cold-start rate needs to know when.
 */
export function readReportLog(path: string): ReportLog {
  let buf: Buffer
  try {
    buf = readFileSync(path)
  } catch {
    throw new InputError({ file: path }, 'cannot be read', 'Check the path.')
  }
  const text = (path.toLowerCase().endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8')
  const events: ReportEvent[] = []
  let malformed = 0
  let reports = 0
  const take = (message: string, ts: number, where: { row?: number }) => {
    if (!message.includes('REPORT RequestId:')) return
    reports++
    if (!Number.isFinite(ts)) throw new InputError({ file: path, ...where }, 'a REPORT line without a time', HOW_TO_EXPORT)
    const report = parseReport(message)
    if (report) events.push({ ts, report })
    else malformed++
  }
  const first = text.trimStart()[0]
  if (first === '{' || first === '[') {
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (cause) {
      throw new InputError({ file: path }, `not valid JSON (${(cause as Error).message})`, HOW_TO_EXPORT)
    }
    const list = Array.isArray(data) ? data : (data as { events?: unknown } | null)?.events
    if (!Array.isArray(list)) throw new InputError({ file: path }, 'JSON without an "events" list', HOW_TO_EXPORT)
    list.forEach((e: unknown, i) => {
      const ev = (e ?? {}) as Record<string, unknown>
      const message = typeof ev.message === 'string' ? ev.message : typeof ev['@message'] === 'string' ? ev['@message'] : ''
      const ts = typeof ev.timestamp === 'number' ? ev.timestamp : typeof ev['@timestamp'] === 'string' ? isoMs(ev['@timestamp']) : NaN
      take(message, ts, { row: i + 1 })
    })
  } else {
    const lines = text.split('\n')
    lines.forEach((line, i) => {
      if (!line.includes('REPORT RequestId:')) return
      const m = LEADING_ISO.exec(line)
      take(line, m ? isoMs(m[1]!) : NaN, { row: i + 1 })
    })
  }
  if (reports === 0) throw new InputError({ file: path }, 'no REPORT lines (Lambda writes one per invocation)', HOW_TO_EXPORT)
  if (malformed / reports > MAX_MALFORMED_SHARE)
    throw new InputError(
      { file: path },
      `${malformed} of ${reports} REPORT lines have no Duration or Billed Duration`,
      'The export looks truncated or is another log: export the function’s log group again.',
    )
  return { events, malformed }
}

/** Samples in headroom's file format (docs/file-format.md): one row per metric, statistic and period. */
export interface SampleRow {
  metric: string
  stat: string
  timestamp: number
  value: number
}

/**
 * Per period (start time, epoch ms): invocations and cold starts per second (zero for periods with none between the
 * first and the last, as a log says that no invocation happened; CloudWatch omits such periods), mean, longest and p99
 * duration, mean and longest init of the cold starts, the most memory used.
 */
export function reportSamples(events: readonly ReportEvent[], periodSec = 300): SampleRow[] {
  const p = periodSec * 1000
  const buckets = new Map<number, Report[]>()
  for (const e of events) {
    const b = Math.floor(e.ts / p) * p
    const list = buckets.get(b)
    if (list) list.push(e.report)
    else buckets.set(b, [e.report])
  }
  const starts = [...buckets.keys()].sort((a, b) => a - b)
  const rows: SampleRow[] = []
  if (!starts.length) return rows
  for (let t = starts[0]!; t <= starts[starts.length - 1]!; t += p) {
    const rs = buckets.get(t) ?? []
    const colds = rs.filter((r) => r.initMs !== null)
    rows.push({ metric: 'lambda.invocations_per_s', stat: 'sum', timestamp: t, value: rs.length / periodSec })
    rows.push({ metric: 'lambda.cold_starts_per_s', stat: 'sum', timestamp: t, value: colds.length / periodSec })
    if (!rs.length) continue
    const d = rs.map((r) => r.durationMs).sort((a, b) => a - b)
    rows.push({ metric: 'lambda.duration_ms', stat: 'avg', timestamp: t, value: d.reduce((a, b) => a + b, 0) / d.length })
    rows.push({ metric: 'lambda.duration_ms', stat: 'max', timestamp: t, value: d[d.length - 1]! })
    rows.push({ metric: 'lambda.duration_ms', stat: 'p99', timestamp: t, value: quantileLinear(d, 0.99) })
    rows.push({ metric: 'lambda.memory_used_mb', stat: 'max', timestamp: t, value: Math.max(...rs.map((r) => r.maxMemoryUsedMB)) })
    if (colds.length) {
      const init = colds.map((r) => r.initMs!)
      rows.push({ metric: 'lambda.init_duration_ms', stat: 'avg', timestamp: t, value: init.reduce((a, b) => a + b, 0) / init.length })
      rows.push({ metric: 'lambda.init_duration_ms', stat: 'max', timestamp: t, value: Math.max(...init) })
    }
  }
  return rows
}
