import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { expect, it } from 'vitest'
import type * as Headroom from '../../src/index.js'
import { runCli } from '../utils/run-cli.js'
import { tmpProject } from '../utils/tmp.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const tmp = tmpProject('headroom-lib-')
const load = async () => (await import(pathToFileURL(join(ROOT, 'dist/index.js')).href)) as typeof Headroom

it('the README library example runs against the built package entry', async () => {
  const { DuckDbStore, analyzeWorkspace, importFiles, loadWorkspaceCatalog, renderDocument, resolveConfig, ReportSchema } = await load()
  const config = resolveConfig({ cwd: tmp.dir })
  const store = await DuckDbStore.open(config.workspace)
  await importFiles(store, [join(ROOT, 'data/demo/samples.parquet'), join(ROOT, 'data/demo/resources.json')])
  const report = await analyzeWorkspace({ reader: store, catalog: loadWorkspaceCatalog(config.workspace), config, now: Date.now() })
  store.close()
  expect(await renderDocument(report, 'md')).toMatch(/^# headroom report/)
  expect(report.summary.analyzed).toBe(108)
  expect(ReportSchema.safeParse(report).success).toBe(true)
})

it('analyzeWorkspace() and `headroom analyze --format json` give byte-identical reports on the demo workspace', async () => {
  const dir = tmp.path('demo')
  const demo = await runCli(['demo', '--workspace', dir], { cwd: tmp.dir })
  expect(demo.code, demo.stderr).toBe(0)
  // SOURCE_DATE_EPOCH fixes the CLI's clock (generatedAt is the report's only clock); the library gets the same instant.
  const epoch = 1_795_000_000
  const cli = await runCli(['analyze', '--workspace', dir, '--format', 'json'], { cwd: tmp.dir, env: { SOURCE_DATE_EPOCH: String(epoch) } })
  expect(cli.code, cli.stderr).toBe(0)
  const { DuckDbStore, analyzeWorkspace, loadWorkspaceCatalog, resolveConfig, renderDocument } = await load()
  const config = resolveConfig({ cwd: tmp.dir, flags: { workspace: dir } })
  const store = await DuckDbStore.open(dir, { readOnly: true })
  const report = await analyzeWorkspace({ reader: store, catalog: loadWorkspaceCatalog(dir), config, now: epoch * 1000 })
  store.close()
  expect(await renderDocument(report, 'json')).toBe(cli.stdout)
  expect(report.recommendations.length).toBeGreaterThan(100)
})
