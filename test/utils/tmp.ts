import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

/** A temp folder removed after the test file; `file(name, text)` writes into it and returns the path. */
export function tmpProject(prefix = 'headroom-test-') {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return {
    dir,
    path: (name: string) => join(dir, name),
    file(name: string, content: string | Buffer) {
      const p = join(dir, name)
      writeFileSync(p, content)
      return p
    },
  }
}

/** CSV text from a header and rows. */
export const csv = (header: string, rows: readonly string[]) => [header, ...rows].join('\n') + '\n'
