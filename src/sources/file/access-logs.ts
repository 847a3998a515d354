import { createReadStream, existsSync, openSync, readSync, closeSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { createGunzip } from 'node:zlib'
import { ToolError } from '../../core/errors.js'
import type { RequestTrace } from '../../simulators/cache/mrc.js'
import { keyHash, sampled } from '../../simulators/cache/shards.js'
import { LOG_FORMATS, type KeyMode, type LogFormat } from '../../simulators/cache/result.js'

/** Above this share of malformed lines the log is taken to be in another format: exit 2, nothing simulated. */
const MAX_MALFORMED_SHARE = 0.1

/** One request as a cache sees it. `size` is null where the log has none ('-', e.g. a 304). */
interface Parsed {
  ts: number
  method: string
  status: number
  path: string
  query: string
  size: number | null
}

const MONTHS: Record<string, string> = {
  Jan: '01',
  Feb: '02',
  Mar: '03',
  Apr: '04',
  May: '05',
  Jun: '06',
  Jul: '07',
  Aug: '08',
  Sep: '09',
  Oct: '10',
  Nov: '11',
  Dec: '12',
}

// host ident user [17/May/2015:10:05:03 +0000] "GET /path?q HTTP/1.1" 200 7697 "referer" "agent" (the last two optional: common log format).
const COMBINED = /^\S+ \S+ .*?\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}:\d{2}:\d{2}) ([+-]\d{4})\] "([^"]*)" (\d{3}) (\d+|-)/

function splitTarget(target: string): { path: string; query: string } {
  const q = target.indexOf('?')
  return q < 0 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) }
}

function parseCombined(line: string): Parsed | undefined {
  const m = COMBINED.exec(line)
  if (!m) return undefined
  const [, dd, mon, yyyy, hms, tz, request, status, bytes] = m
  const month = MONTHS[mon!]
  const ts = Date.parse(`${yyyy!}-${month ?? '??'}-${dd!}T${hms!}${tz!.slice(0, 3)}:${tz!.slice(3)}`)
  const [method, target] = request!.split(' ')
  if (!month || Number.isNaN(ts) || !method || !target) return undefined
  return { ts, method, status: Number(status), ...splitTarget(target), size: bytes === '-' ? null : Number(bytes) }
}

/** Space-separated fields where "double quoted" fields may hold spaces (ALB access logs). */
function fields(line: string): string[] {
  const out: string[] = []
  let i = 0
  while (i < line.length) {
    if (line[i] === ' ') {
      i++
      continue
    }
    if (line[i] === '"') {
      const end = line.indexOf('"', i + 1)
      if (end < 0) return []
      out.push(line.slice(i + 1, end))
      i = end + 1
    } else {
      const end = line.indexOf(' ', i)
      out.push(line.slice(i, end < 0 ? line.length : end))
      i = end < 0 ? line.length : end
    }
  }
  return out
}

// type time elb client:port target:port req_t target_t resp_t elb_status target_status received sent "request" ... (ALB user guide, access log entries).
function parseAlb(line: string): Parsed | undefined {
  const f = fields(line)
  if (f.length < 13) return undefined
  const ts = Date.parse(f[1]!)
  const [method, url] = f[12]!.split(' ')
  if (Number.isNaN(ts) || !method || !url) return undefined
  let target: string
  try {
    const u = new URL(url)
    target = u.pathname + u.search
  } catch {
    return undefined
  }
  const sent = f[11]!
  return { ts, method, status: Number(f[8]), ...splitTarget(target), size: sent === '-' ? null : Number(sent) }
}

/** CloudFront standard logs: tab-separated, columns named by the '#Fields:' header (W3C extended format). */
function cloudFrontParser(): (line: string) => Parsed | undefined | 'header' {
  let col: Record<string, number> | undefined
  return (line) => {
    if (line.startsWith('#Fields:')) {
      col = Object.fromEntries(
        line
          .slice('#Fields:'.length)
          .trim()
          .split(/\s+/)
          .map((n, i) => [n, i]),
      )
      return 'header'
    }
    if (line.startsWith('#')) return 'header'
    const need = ['date', 'time', 'cs-method', 'cs-uri-stem', 'sc-status', 'sc-bytes']
    if (!col || need.some((n) => col![n] === undefined)) return undefined
    const f = line.split('\t')
    const get = (n: string) => f[col![n]!] ?? ''
    const ts = Date.parse(`${get('date')}T${get('time')}Z`)
    if (Number.isNaN(ts) || !get('cs-method')) return undefined
    const query = col['cs-uri-query'] !== undefined && get('cs-uri-query') !== '-' ? get('cs-uri-query') : ''
    return { ts, method: get('cs-method'), status: Number(get('sc-status')), path: get('cs-uri-stem'), query, size: Number(get('sc-bytes')) }
  }
}

/** CSV `ts,key,size` (a header line is optional); ts as epoch seconds, epoch milliseconds or ISO 8601. */
function parseCsv(line: string): Parsed | undefined | 'header' {
  const f = line.split(',')
  if (f.length !== 3) return undefined
  const [t, key, size] = f.map((x) => x.trim()) as [string, string, string]
  if (t.toLowerCase() === 'ts' && key.toLowerCase() === 'key') return 'header'
  const n = Number(t)
  const ts = t === '' ? NaN : Number.isFinite(n) ? (n < 1e11 ? n * 1000 : n) : Date.parse(t)
  const bytes = Number(size)
  if (Number.isNaN(ts) || !key || size === '' || !Number.isFinite(bytes) || bytes < 0) return undefined
  return { ts, method: 'GET', status: 200, path: key, query: '', size: bytes }
}

export interface ParsedLog {
  /** The cacheable requests kept: all of them, or the SHARDS sample's. */
  trace: RequestTrace
  /** Their times (epoch ms), in trace order: for TTLs. */
  times: Float64Array
  /** Cacheable requests read, sampled or not. */
  cacheable: number
  /** First and last cacheable request (epoch ms), and the busiest minute's cacheable requests per second. */
  first: number
  last: number
  peakPerSecond: number
  lines: number
  malformed: { count: number; first: { file: string; line: number; text: string }[] }
  /** Requests a cache would not serve: not GET/HEAD, or status 400 and above. */
  skipped: { method: number; status: number }
}

const isGzip = (path: string): boolean => {
  const fd = openSync(path, 'r')
  try {
    const b = Buffer.alloc(2)
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b
  } finally {
    closeSync(fd)
  }
}

/**
 * Reads access logs (plain or gzip) into a request trace: cacheable requests only (GET and HEAD below status 400),
 * keyed by path or path+query, each with the response size (the key's last known size where the line has none).
 * With `sampleRate` below 1, only the keys of a SHARDS sample are kept (shards.ts), so memory follows the sample.
 * Malformed lines are counted and the first few kept with their line numbers; above MAX_MALFORMED_SHARE, or with no
 * request at all, it is a usage error naming the first bad line and the formats known.
 */
export async function readAccessLogs(paths: readonly string[], format: LogFormat, keyMode: KeyMode, sampleRate = 1): Promise<ParsedLog> {
  const ids = new Map<string, number>()
  const lastSize: number[] = []
  let keys = new Int32Array(1 << 16)
  let sizes = new Float64Array(1 << 16)
  let times = new Float64Array(1 << 16)
  let n = 0
  let cacheable = 0
  let first = Infinity
  let last = -Infinity
  const perMinute = new Map<number, number>()
  let lines = 0
  const malformed: ParsedLog['malformed'] = { count: 0, first: [] }
  const skipped = { method: 0, status: 0 }
  for (const path of paths) {
    if (!existsSync(path)) throw new ToolError('USAGE', `cannot read ${path}: no such file`, { hint: 'Pass the access log files to simulate.' })
    const parse = format === 'combined' ? parseCombined : format === 'alb' ? parseAlb : format === 'csv' ? parseCsv : cloudFrontParser()
    const raw = createReadStream(path)
    const input = isGzip(path) ? raw.pipe(createGunzip()) : raw
    let lineNo = 0
    try {
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        lineNo++
        if (line.trim() === '') continue
        const p = parse(line)
        if (p === 'header') continue
        lines++
        if (!p) {
          malformed.count++
          if (malformed.first.length < 3) malformed.first.push({ file: path, line: lineNo, text: line.length > 160 ? `${line.slice(0, 157)}...` : line })
          continue
        }
        if (p.method !== 'GET' && p.method !== 'HEAD') {
          skipped.method++
          continue
        }
        if (!(p.status < 400)) {
          skipped.status++
          continue
        }
        cacheable++
        first = Math.min(first, p.ts)
        last = Math.max(last, p.ts)
        const minute = Math.floor(p.ts / 60_000)
        perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1)
        const key = keyMode === 'path+query' && p.query ? `${p.path}?${p.query}` : p.path
        if (sampleRate < 1 && !sampled(keyHash(key), sampleRate)) continue
        let id = ids.get(key)
        if (id === undefined) ids.set(key, (id = ids.size))
        const size = p.size ?? lastSize[id] ?? 0
        lastSize[id] = size
        if (n === keys.length) {
          const grow = <T extends Int32Array | Float64Array>(a: T, make: (len: number) => T): T => {
            const b = make(a.length * 2)
            b.set(a)
            return b
          }
          keys = grow(keys, (l) => new Int32Array(l))
          sizes = grow(sizes, (l) => new Float64Array(l))
          times = grow(times, (l) => new Float64Array(l))
        }
        keys[n] = id
        sizes[n] = size
        times[n] = p.ts
        n++
      }
    } catch (err) {
      throw new ToolError('USAGE', `cannot read ${path}: ${(err as Error).message}`, { hint: 'Is it a text access log, or gzip of one?' })
    }
  }
  const bad = malformed.first[0]
  const where = bad ? ` (first: ${bad.file} line ${bad.line}: ${bad.text})` : ''
  if (lines === 0)
    throw new ToolError('USAGE', `no request lines in ${paths.join(', ')}`, { hint: `Pass a non-empty access log; formats known: ${LOG_FORMATS.join(', ')}.` })
  if (malformed.count / lines > MAX_MALFORMED_SHARE)
    throw new ToolError('USAGE', `${malformed.count.toLocaleString('en-US')} of ${lines.toLocaleString('en-US')} lines are not ${format} log lines${where}`, {
      hint: `Pass --format-log with the log's format (one of: ${LOG_FORMATS.join(', ')}); csv is ts,key,size.`,
    })
  if (cacheable === 0)
    throw new ToolError('USAGE', `none of the ${lines} requests is cacheable (${skipped.method} not GET/HEAD, ${skipped.status} with status 400 or above)`, {
      hint: 'A cache serves GET and HEAD responses below status 400: pass the log of the content to be cached.',
    })
  return {
    trace: { keys: keys.subarray(0, n), sizes: sizes.subarray(0, n), distinct: ids.size },
    times: times.subarray(0, n),
    cacheable,
    first,
    last,
    peakPerSecond: [...perMinute.values()].reduce((a, b) => Math.max(a, b), 0) / 60,
    lines,
    malformed,
    skipped,
  }
}
