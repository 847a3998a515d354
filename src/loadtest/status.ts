/**
 * Which HTTP statuses count as the answer the test expects. By default 2xx and 3xx (a 404 from a wrong path is an
 * error, not throughput: a run of 247,946 responses, all 404, once printed "errors: none"). `--expect` changes the
 * set: `2xx,404`, `200-299`, `200,201,204`.
 */
export interface StatusSummary {
  /** The expected set as written (normalized), e.g. '2xx,3xx'. */
  expected: string
  /** Responses whose status is outside the expected set. */
  unexpected: number
  /** Those responses by status code. */
  byCode: Record<string, number>
}

export const DEFAULT_EXPECT = '2xx,3xx'

export type StatusMatcher = (code: number) => boolean

/** Parses an expected-status list; throws Error with the bad part named (the CLI turns it into exit 2). */
export function parseExpect(spec: string): { expected: string; matches: StatusMatcher } {
  const parts = spec
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
  if (parts.length === 0) throw new Error(`'${spec}' names no status`)
  const ranges: [number, number][] = []
  for (const p of parts) {
    let m: RegExpExecArray | null
    if ((m = /^([1-5])xx$/.exec(p))) ranges.push([Number(m[1]) * 100, Number(m[1]) * 100 + 99])
    else if ((m = /^(\d{3})-(\d{3})$/.exec(p)) && Number(m[1]) <= Number(m[2])) ranges.push([Number(m[1]), Number(m[2])])
    else if ((m = /^(\d{3})$/.exec(p))) ranges.push([Number(m[1]), Number(m[1])])
    else throw new Error(`'${p}' is not a status, a class (2xx) or a range (200-299)`)
  }
  return { expected: parts.join(','), matches: (c) => ranges.some(([a, b]) => c >= a && c <= b) }
}

/** Responses outside the expected set, from Artillery-named counters (`http.codes.404`). */
export function summarizeStatuses(counters: Readonly<Record<string, number>>, spec: string = DEFAULT_EXPECT): StatusSummary {
  const { expected, matches } = parseExpect(spec)
  const byCode: Record<string, number> = {}
  let unexpected = 0
  for (const [k, v] of Object.entries(counters)) {
    const m = /^http\.codes\.(\d{3})$/.exec(k)
    if (!m || matches(Number(m[1]))) continue
    byCode[m[1]!] = v
    unexpected += v
  }
  return { expected, unexpected, byCode }
}
