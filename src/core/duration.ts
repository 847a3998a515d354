/**
 * Durations as Artillery and autocannon users write them: a number of seconds (`60`, `"60"`) or a string with a unit
 * (`"500ms"`, `"30s"`, `"2m"`, `"1h"`, `"1m30s"`). Returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDurationMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v * 1000 : undefined
  if (typeof v !== 'string') return undefined
  const s = v.trim()
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000
  const re = /(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)/gy
  let total = 0
  let matched = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(s)) !== null) {
    const n = Number(m[1])
    total += m[2] === 'ms' ? n : m[2] === 's' || m[2] === 'sec' ? n * 1000 : m[2] === 'h' ? n * 3_600_000 : n * 60_000
    matched = re.lastIndex
  }
  return matched === s.length && matched > 0 ? total : undefined
}
