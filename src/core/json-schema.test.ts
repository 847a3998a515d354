import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { reportJsonSchema } from './json-schema.js'
import { EXIT_CODE_TABLE } from './exit-codes.js'

describe('public contracts', () => {
  it('schema/report.schema.json is the one generated from the zod schema (run `npm run generate` after changing it)', () => {
    const checkedIn = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8')) as unknown
    expect(checkedIn).toEqual(reportJsonSchema())
  })

  it('docs/exit-codes.md lists every exit code of the one table', () => {
    const doc = readFileSync(new URL('../../docs/exit-codes.md', import.meta.url), 'utf8')
    for (const e of EXIT_CODE_TABLE) expect(doc).toContain(`| ${e.code} | \`${e.name}\` | ${e.meaning} |`)
  })
})
