import { configRows, type ResolvedConfig } from '../app/config.js'
import type { Effects } from '../core/effects.js'
import { table } from '../reporters/format.js'

/** `headroom config`: every resolved value and where it came from (default, the config file, an env var, a flag). */
export function runConfig(c: ResolvedConfig, format: 'terminal' | 'json', effects: Effects): void {
  const rows = configRows(c)
  if (format === 'json') {
    effects.stdout.write(
      JSON.stringify(
        {
          file: c.file,
          values: Object.fromEntries(rows.map((r) => [r.path, r.value])),
          sources: Object.fromEntries(rows.map((r) => [r.path, r.source])),
          notes: c.notes,
        },
        null,
        2,
      ) + '\n',
    )
    return
  }
  const out = [
    c.file ? `config file: ${c.file}` : `config file: none (looked for headroom.config.yaml, .yml, .json from ${effects.cwd} up); defaults and flags only`,
    '',
  ]
  out.push(
    table([
      ['SETTING', 'VALUE', 'FROM'],
      ...rows.map((r) => [r.path, r.value === null || r.value === undefined ? '-' : typeof r.value === 'string' ? r.value : JSON.stringify(r.value), r.source]),
    ]),
  )
  for (const n of c.notes) out.push(`note: ${n}`)
  effects.stdout.write(out.join('\n') + '\n')
}
