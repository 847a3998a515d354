import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { documentJsonSchema } from './document.js'

describe('the document model', () => {
  it('schema/document.schema.json is the one generated from the union of document kinds', () => {
    const checkedIn = JSON.parse(readFileSync(new URL('../../schema/document.schema.json', import.meta.url), 'utf8')) as {
      oneOf?: { properties: { kind: { const: string } } }[]
      anyOf?: { properties: { kind: { const: string } } }[]
    }
    expect(checkedIn).toEqual(documentJsonSchema())
    expect((checkedIn.oneOf ?? checkedIn.anyOf ?? []).map((s) => s.properties.kind.const)).toEqual(['analysis', 'scaling', 'loadtest', 'cache', 'review'])
  })
})
