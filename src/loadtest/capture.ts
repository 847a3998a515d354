import { JSONPath } from 'jsonpath-plus'

/** One Artillery capture: `{ json: "$.a[0].b", as }`, `{ header: "x-id", as }` or `{ regexp: "id=(\\d+)", group, flags, as }`. */
export type Capture =
  | { json: string; as: string; strict?: boolean }
  | { header: string; as: string; strict?: boolean }
  | { regexp: string; as: string; group?: number | string; flags?: string; strict?: boolean }

export interface CapturedResponse {
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * Applies captures to a response; returns the captured values, and the first capture that found nothing (a failed
 * capture fails the virtual user when `strict` is not false, as in Artillery).
 */
export function applyCaptures(captures: readonly Capture[], res: CapturedResponse): { values: Record<string, unknown>; failed?: Capture } {
  const values: Record<string, unknown> = {}
  let parsed: unknown
  let parsedOk: boolean | undefined
  for (const c of captures) {
    let v: unknown
    if ('json' in c) {
      if (parsedOk === undefined) {
        try {
          parsed = JSON.parse(res.body)
          parsedOk = true
        } catch {
          parsedOk = false
        }
      }
      if (parsedOk) {
        const r: unknown[] = JSONPath<unknown[]>({ path: c.json, json: parsed as object, wrap: true })
        v = r[0]
      }
    } else if ('header' in c) {
      const h = res.headers[c.header.toLowerCase()]
      v = Array.isArray(h) ? h[0] : h
    } else {
      const m = new RegExp(c.regexp, c.flags ?? '').exec(res.body)
      if (m) v = c.group === undefined ? (m[1] ?? m[0]) : typeof c.group === 'number' ? m[c.group] : m.groups?.[c.group]
    }
    if (v === undefined) {
      if (c.strict !== false) return { values, failed: c }
      continue
    }
    values[c.as] = v
  }
  return { values }
}
