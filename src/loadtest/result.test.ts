import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadTestJsonSchema } from './result.js'

describe('load-test result contract', () => {
  it('schema/loadtest-result.schema.json is the one generated from the zod schema (run `npm run generate` after changing it)', () => {
    const checkedIn = JSON.parse(readFileSync(new URL('../../schema/loadtest-result.schema.json', import.meta.url), 'utf8')) as unknown
    expect(checkedIn).toEqual(loadTestJsonSchema())
  })
})
