import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DuckDBInstance } from '@duckdb/node-api'
import { tmpProject } from '../utils/tmp.js'

/** Generated files are derived by scripts, never by hand: regenerate into a temp dir and compare. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SHARED = join(ROOT, '../shared/data')
const tmp = tmpProject('headroom-gen-')
const tsx = (script: string, args: string[]) =>
  execFileSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'scripts', script), ...args], { cwd: ROOT, stdio: 'pipe' })

describe('generated data is what its script makes', () => {
  it.skipIf(!existsSync(join(SHARED, 'aws-catalog')))('data/catalog/ec2.json from ../shared/data/aws-catalog (skipped where shared/ is absent)', () => {
    const out = tmp.path('ec2.json')
    tsx('build-catalog.ts', [SHARED, out])
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(ROOT, 'data/catalog/ec2.json'), 'utf8'))
  })

  it.skipIf(!existsSync(join(SHARED, 'aws-catalog')))('data/catalog/rds.json from ../shared/data/aws-catalog (skipped where shared/ is absent)', () => {
    const out = tmp.path('rds.json')
    tsx('build-rds-catalog.ts', [SHARED, out])
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(ROOT, 'data/catalog/rds.json'), 'utf8'))
  })

  it('data/demo from data/traces', async () => {
    tsx('build-demo-data.ts', [tmp.dir])
    expect(readFileSync(join(tmp.dir, 'resources.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'data/demo/resources.json'), 'utf8'))
    // Parquet bytes carry the writer's version, so compare contents.
    const db = await DuckDBInstance.create(':memory:')
    const c = await db.connect()
    const diff = await c.runAndReadAll(`SELECT count(*)::INT AS n FROM (
      (SELECT * FROM '${join(tmp.dir, 'samples.parquet')}' EXCEPT ALL SELECT * FROM '${join(ROOT, 'data/demo/samples.parquet')}')
      UNION ALL
      (SELECT * FROM '${join(ROOT, 'data/demo/samples.parquet')}' EXCEPT ALL SELECT * FROM '${join(tmp.dir, 'samples.parquet')}'))`)
    expect(diff.getRowObjectsJson()).toEqual([{ n: 0 }])
    c.closeSync()
    db.closeSync()
  })
})
