import { UsageError } from '../core/errors.js'
import { CONFIDENCE_LEVELS } from '../experiment/stats.js'

/** "4" exact, "4-8" inclusive range, "4+" at least, "-8" at most. */
export function parseRange(flag: string, v: string): { min?: number; max?: number } {
  const m = /^\s*(\d+(?:\.\d+)?)?\s*(-|\+)?\s*(\d+(?:\.\d+)?)?\s*$/.exec(v)
  const bad = () => new UsageError(`${flag} '${v}' is not a number or range`, `Write ${flag} 4 (exactly), 4-8 (range), 4+ (at least) or -8 (at most).`)
  if (!m || (!m[1] && !m[3])) throw bad()
  const a = m[1] === undefined ? undefined : Number(m[1])
  const b = m[3] === undefined ? undefined : Number(m[3])
  if (m[2] === undefined) {
    if (a === undefined || b !== undefined) throw bad()
    return { min: a, max: a }
  }
  if (m[2] === '+') {
    if (a === undefined || b !== undefined) throw bad()
    return { min: a }
  }
  if (a !== undefined && b !== undefined && a > b) throw bad()
  return { ...(a === undefined ? {} : { min: a }), ...(b === undefined ? {} : { max: b }) }
}

export function parseNumber(flag: string, v: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
  const n = Number(v)
  const ok =
    v.trim() !== '' &&
    Number.isFinite(n) &&
    (!opts.integer || Number.isInteger(n)) &&
    (opts.min === undefined || n >= opts.min) &&
    (opts.max === undefined || n <= opts.max)
  if (!ok) {
    const range =
      opts.min !== undefined && opts.max !== undefined ? ` between ${opts.min} and ${opts.max}` : opts.min !== undefined ? ` of at least ${opts.min}` : ''
    throw new UsageError(`${flag} '${v}' is not ${opts.integer ? 'a whole number' : 'a number'}${range}`, `Example: ${flag} ${opts.min ?? 1}`)
  }
  return n
}

/** Percent flags accept "20" or "20%". */
export function parsePercent(flag: string, v: string): number {
  return parseNumber(flag, v.replace(/%$/, ''), { min: 0, max: 100 })
}

export function parseDate(flag: string, v: string): number {
  const t = Date.parse(/Z|[+-]\d\d:?\d\d$/.test(v) || /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : `${v}Z`)
  if (!Number.isFinite(t)) throw new UsageError(`${flag} '${v}' is not a date`, `Write ${flag} 2024-05-01 or 2024-05-01T12:00:00Z (UTC).`)
  return t
}

/**
 * `--as-of` as a window end: a date up to now (5 minutes of clock skew allowed). A future end would ask the sources for
 * data that cannot exist yet and size windows that hold none of it.
 */
export function parseAsOf(v: string, now: number): number {
  const t = parseDate('--as-of', v)
  if (t > now + 5 * 60_000)
    throw new UsageError(
      `--as-of '${v}' is in the future (now ${new Date(now).toISOString().slice(0, 16)}Z)`,
      'Give a time up to now, or leave --as-of out to end at the latest data.',
    )
  return t
}

/** `--regions us-east-1,eu-west-1`: each an AWS region name (checked by shape; AWS answers for the rest). */
export function parseRegions(raw: string, allowAll: boolean): string[] | 'all' {
  const v = raw.trim()
  if (allowAll && v === 'all') return 'all'
  const regions = v
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)
  for (const r of regions)
    if (!/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(r))
      throw new UsageError(`--regions: '${r}' is not an AWS region name`, `Write e.g. us-east-1,eu-west-1${allowAll ? ' or all' : ''}.`)
  return regions
}

/** `--confidence` of an experiment: 0.9, 0.95 or 0.99, also written as a percent (95, 95%). */
export function parseConfidence(v: string): number {
  const n = parseNumber('--confidence', v.replace(/%$/, ''), { min: 0 })
  const level = n > 1 ? n / 100 : n
  if (!(CONFIDENCE_LEVELS as readonly number[]).includes(level))
    throw new UsageError(`--confidence ${v} is not one of ${CONFIDENCE_LEVELS.join(', ')}`, 'Use 0.9, 0.95 (the default) or 0.99.')
  return level
}

/** An experiment's `--format`: terminal, json, md or html. */
export function checkExperimentFormat(format: string): void {
  if (!['terminal', 'json', 'md', 'html'].includes(format)) throw new UsageError(`--format '${format}' is not one of terminal, json, md, html`)
}
