import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { expect, it } from 'vitest'
import type * as Headroom from '../../src/index.js'
import { tmpProject } from '../utils/tmp.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const tmp = tmpProject('headroom-lib-')

it('the README library example runs against the built package entry', async () => {
  const lib = (await import(pathToFileURL(join(ROOT, 'dist/index.js')).href)) as typeof Headroom
  const { DuckDbStore, importFiles, loadCatalog, runAnalysis, renderMarkdown } = lib
  const store = await DuckDbStore.open(tmp.path('.headroom'))
  await importFiles(store, [join(ROOT, 'data/demo/samples.parquet'), join(ROOT, 'data/demo/resources.json')])
  const report = runAnalysis(await store.usage({ lookbackDays: 14 }), loadCatalog(), { ec2: {}, lookbackDays: 14, now: Date.now(), version: '0.1.0' })
  expect(renderMarkdown(report)).toMatch(/^# headroom report/)
  expect(report.summary.analyzed).toBe(108)
  expect(lib.ReportSchema.safeParse(report).success).toBe(true)
  store.close()
})
