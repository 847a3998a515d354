import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const SRC = fileURLToPath(new URL('..', import.meta.url))
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  )
// Statements, not words: "SELECT ... FROM", "INSERT INTO", "CREATE [OR REPLACE] [TEMP] TABLE|VIEW", "DROP TABLE|VIEW".
const SQL = /\bSELECT\b[^\n]*\bFROM\b|\bINSERT INTO\b|\bCREATE (OR REPLACE )?(TEMP )?(TABLE|VIEW)\b|\bDROP (TABLE|VIEW)\b/

it('SQL is written only under src/store/ (ESLint keeps @duckdb/* imports there too)', () => {
  const outside = files(SRC).filter((f) => !relative(SRC, f).startsWith('store/') && SQL.test(readFileSync(f, 'utf8')))
  expect(outside.map((f) => relative(SRC, f))).toEqual([])
  // The check itself finds SQL where it is.
  expect(files(join(SRC, 'store')).filter((f) => SQL.test(readFileSync(f, 'utf8'))).length).toBeGreaterThan(1)
})
