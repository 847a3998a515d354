/**
 * A small matcher for the five-field cron expressions of scheduled actions (minute hour day-of-month month
 * day-of-week, UTC), with lists, ranges and steps. Hand-written: it is 40 lines and a dependency would bring a
 * full scheduler. Names (MON, JAN) and the non-standard L/W/# fields are not supported and are rejected.
 */
const RANGES: readonly [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
]

function parseField(field: string, [lo, hi]: [number, number]): Set<number> | string {
  const out = new Set<number>()
  for (const part of field.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part)
    if (!m) return `'${part}' is not a number, range, * or step`
    const start = m[1] === '*' ? lo : Number(m[2])
    const end = m[1] === '*' ? hi : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? hi : start
    const step = m[4] !== undefined ? Number(m[4]) : 1
    if (start < lo || end > hi || start > end || step < 1) return `'${part}' is outside ${lo}-${hi}`
    for (let v = start; v <= end; v += step) out.add(v)
  }
  return out
}

export type CronMatcher = (epochMs: number) => boolean

/** Returns a matcher, or an error message naming the bad field. */
export function parseCron(expr: string): CronMatcher | string {
  const fields = expr.trim().split(/\s+/)
  if (fields.length !== 5) return `'${expr}' has ${fields.length} fields; a recurrence has 5 (minute hour day month weekday)`
  const sets: Set<number>[] = []
  for (let i = 0; i < 5; i++) {
    const s = parseField(fields[i]!, RANGES[i]!)
    if (typeof s === 'string') return `field ${i + 1} of '${expr}': ${s}`
    sets.push(s)
  }
  const [mi, h, dom, mon, dow] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>]
  if (dow.has(7)) dow.add(0)
  const domAny = fields[2] === '*'
  const dowAny = fields[4] === '*'
  return (ms) => {
    const d = new Date(ms)
    if (!mi.has(d.getUTCMinutes()) || !h.has(d.getUTCHours()) || !mon.has(d.getUTCMonth() + 1)) return false
    // Standard cron: when both day fields are restricted, either may match.
    const a = dom.has(d.getUTCDate())
    const b = dow.has(d.getUTCDay())
    return domAny && dowAny ? true : domAny ? b : dowAny ? a : a || b
  }
}
