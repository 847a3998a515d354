import { table } from './format.js'

/**
 * The view model every human-readable format renders: a document (analysis, scaling simulation, load test, later a
 * review) is turned into a View once, and the terminal, Markdown (and HTML) renderers only lay out blocks. They know
 * nothing of analyzers: an analyzer's own summary section comes from its `present` hook (src/analyzers/types.ts).
 */
export type Tone = 'strong' | 'dim' | 'good' | 'warn'
export type Align = 'l' | 'r'
export interface Span {
  text: string
  tone?: Tone
}
/** Plain text, or spans with tones (bold, dim, green, yellow on a terminal; **bold** in Markdown). */
export type Inline = string | readonly Span[]

export type Block =
  | { type: 'text'; text: Inline; tone?: Tone }
  | { type: 'table'; head: readonly string[]; rows: readonly (readonly Inline[])[]; align?: readonly Align[] }
  /** Label-value pairs; the terminal prints them as a two-column table without a header. */
  | { type: 'pairs'; head?: readonly [string, string]; rows: readonly (readonly [string, Inline])[] }
  | { type: 'list'; items: readonly Inline[] }

export interface Section {
  title?: string
  /** 2: a top-level section (Markdown `##`); 3: one item's details (`###`). */
  level?: 2 | 3
  blocks: Block[]
}

export interface View {
  title: string
  /** Lines under the title: what ran and with which settings. */
  lead: Inline[]
  sections: Section[]
}

const ANSI: Record<Tone, string> = { strong: '1', dim: '2', good: '32', warn: '33' }

/** The terminal layout: a bold title, dim lead lines, sections apart by a blank line, tables aligned by visible width. */
export function renderTerminalView(v: View, color: boolean): string {
  const paint = (s: string, tone: Tone | undefined) => (color && tone ? `\u001b[${ANSI[tone]}m${s}\u001b[0m` : s)
  const inline = (x: Inline, tone?: Tone) => (typeof x === 'string' ? paint(x, tone) : x.map((s) => paint(s.text, s.tone ?? tone)).join(''))
  const lines = [paint(v.title, 'strong'), ...v.lead.map((l) => inline(l, 'dim'))]
  for (const s of v.sections) {
    lines.push('')
    if (s.title !== undefined) lines.push(paint(s.title, 'strong'))
    for (const b of s.blocks) {
      if (b.type === 'text') lines.push(inline(b.text, b.tone))
      else if (b.type === 'list') lines.push(...b.items.map((i) => `  ${inline(i)}`))
      else if (b.type === 'pairs')
        lines.push(
          table(
            b.rows.map(([k, x]) => [k, inline(x)]),
            ['l', 'r'],
          ),
        )
      else lines.push(table([b.head, ...b.rows.map((r) => r.map((c) => inline(c)))], b.align))
    }
  }
  return lines.join('\n') + '\n'
}

// A cell is one line: `|` would end the cell and a newline the row.
const mdEscape = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
const mdInline = (x: Inline) => (typeof x === 'string' ? x : x.map((s) => (s.tone === 'strong' ? `**${s.text}**` : s.text)).join(''))
/** A Markdown (GFM) table; `|` inside a cell is escaped. */
const mdTable = (head: readonly string[], rows: readonly (readonly Inline[])[]): string =>
  [
    `| ${head.map(mdEscape).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((c) => mdEscape(mdInline(c))).join(' | ')} |`),
  ].join('\n')

/** The Markdown layout: `#` title, lead paragraphs, `##`/`###` sections, every block a paragraph of its own. */
export function renderMarkdownView(v: View): string {
  const out = [`# ${v.title}`, '']
  for (const l of v.lead) out.push(mdInline(l), '')
  for (const s of v.sections) {
    if (s.title !== undefined) out.push(`${s.level === 3 ? '###' : '##'} ${s.title}`, '')
    for (const b of s.blocks) {
      if (b.type === 'text') out.push(b.tone === 'strong' ? `**${mdInline(b.text)}**` : mdInline(b.text))
      else if (b.type === 'list') out.push(...b.items.map((i) => `- ${mdInline(i)}`))
      else if (b.type === 'pairs') out.push(mdTable(b.head ?? ['', ''], b.rows))
      else out.push(mdTable(b.head, b.rows))
      out.push('')
    }
  }
  return out.join('\n')
}
