import { isMap, LineCounter, parseDocument, type Node } from 'yaml'
import { ToolError } from '../core/errors.js'

export type DocPath = readonly (string | number)[]

/** A parsed YAML (or JSON: YAML is its superset) document that can tell the line of a key path, for error messages. */
export interface LocatedDocument {
  data: unknown
  /** 1-based line of the deepest part of `path` present in the document. */
  lineOf(path: DocPath): number | undefined
  /** 1-based line of the key that ends `path` (for an unknown key: where it is written, not its value). */
  keyLineOf(path: DocPath): number | undefined
}

/** Parses YAML; a syntax error is CONFIG_INVALID naming `file:line` (exit 2). */
export function parseLocated(text: string, file: string): LocatedDocument {
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false })
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!
    const line = e.linePos?.[0]?.line
    throw new ToolError('CONFIG_INVALID', `${file}${line ? `:${line}` : ''}: not valid YAML: ${e.message.split('\n')[0]}`, {
      hint: 'Check indentation (spaces, not tabs) and quoting around this line.',
    })
  }
  return {
    data: doc.toJS() as unknown,
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true) as Node | undefined
        if (node?.range) return lc.linePos(node.range[0]).line
        const parent = n > 0 ? doc.getIn(path.slice(0, n - 1), true) : undefined
        if (isMap(parent)) {
          // A key whose value is empty (or the key of a scalar): the key's own line.
          const pair = (parent as unknown as { items: { key: Node & { value?: unknown } }[] }).items.find((p) => p.key.value === path[n - 1])
          if (pair?.key.range) return lc.linePos(pair.key.range[0]).line
        }
      }
      return undefined
    },
    keyLineOf(path) {
      const parent = doc.getIn(path.slice(0, -1), true)
      if (path.length > 0 && isMap(parent)) {
        const pair = (parent as unknown as { items: { key: Node & { value?: unknown } }[] }).items.find((p) => p.key.value === path[path.length - 1])
        if (pair?.key.range) return lc.linePos(pair.key.range[0]).line
      }
      return this.lineOf(path)
    },
  }
}

/** `a.b[0].c` from a path (ids with dots, like `ec2.rightsize`, stay as they are). */
export const pathText = (p: DocPath): string => p.map((x, i) => (typeof x === 'number' ? `[${x}]` : i === 0 ? x : `.${x}`)).join('')
