import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csv, tmpProject } from '../../../test/utils/tmp.js'
import { runAnalysis } from '../../analyzers/run.js'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import { InputError } from '../../core/errors.js'
import { DuckDbStore } from '../../store/duckdb/store.js'
import { importFiles } from '../../store/duckdb/import-files.js'

/**
 * Issue 20's property: appending one row with a random timestamp to a valid import either fails with exit 2 (an
 * implausible time) or leaves every other resource's finding unchanged; and a row far after a resource's data leaves
 * that resource's own finding unchanged too, with a SAMPLES_AFTER_WINDOW issue saying so.
 */
const tmp = tmpProject()
const catalog = loadCatalog()
const HEADER = 'resource_id,metric,timestamp,value,stat,period'
const NOW = Date.UTC(2026, 11, 2)
const T0 = Date.UTC(2026, 9, 1)
const DAYS = 3
const base = ['i-a', 'i-b'].flatMap((id, k) =>
  Array.from({ length: DAYS * 288 }, (_, i) => `${id},cpu.utilization,${new Date(T0 + i * 300_000).toISOString()},${(k ? 70 : 10) + ((i * 7) % 20)},max,300`),
)
const manifest = JSON.stringify([
  { id: 'i-a', region: 'us-east-1', instanceType: 'm5.xlarge' },
  { id: 'i-b', region: 'us-east-1', instanceType: 'm5.large' },
])
const dataEnd = T0 + (DAYS * 288 - 1) * 300_000

async function analyzeWith(extra: string | undefined, run: number) {
  const store = await DuckDbStore.open(tmp.path(`ws-${run}`))
  try {
    const files = [tmp.file(`base-${run}.csv`, csv(HEADER, base)), tmp.file(`m-${run}.json`, manifest)]
    if (extra !== undefined) files.push(tmp.file(`extra-${run}.csv`, csv(HEADER, [extra])))
    await importFiles(store, files, { notAfter: NOW + 5 * 60_000 })
    const report = runAnalysis(await store.usage({ lookbackDays: 14 }), catalog, { services: loadServiceCatalogs(), lookbackDays: 14, now: 0, version: 'test' })
    const byId = Object.fromEntries(
      report.recommendations
        .filter((r) => r.analyzer === 'ec2.rightsize')
        .map((r) => [r.resource.id, { finding: r.finding, top: r.options[0]?.change.instanceType ?? null }]),
    )
    return { byId, issues: report.issues }
  } finally {
    store.close()
  }
}

describe('one implausible or stray row', () => {
  it("either fails with exit 2 or changes no other resource's finding (and a stray far after the data changes none)", async () => {
    const reference = await analyzeWith(undefined, 0)
    expect(Object.keys(reference.byId).sort()).toEqual(['i-a', 'i-b'])
    let run = 1
    let rejected = 0
    let stray = 0
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: Date.UTC(1960, 0, 1), max: Date.UTC(2200, 0, 1) }).map((t) => Math.floor(t / 1000) * 1000),
        fc.constantFrom('i-a', 'i-b', 'i-new'),
        fc.integer({ min: 0, max: 100 }),
        async (ts, id, value) => {
          const r = run++
          const row = `${id},cpu.utilization,${new Date(ts).toISOString()},${value},max,300`
          const got = await analyzeWith(row, r).catch((e: unknown) => e)
          if (got instanceof InputError) {
            expect(got.exitCode).toBe(2)
            expect(got.location.column).toBe('timestamp')
            expect(ts > NOW || ts < Date.UTC(2006, 0, 1)).toBe(true)
            rejected++
            return
          }
          if (got instanceof Error) throw got
          const res = got as Awaited<ReturnType<typeof analyzeWith>>
          for (const other of ['i-a', 'i-b'].filter((x) => x !== id))
            expect(res.byId[other], `${other} after a row for ${id} at ${row}`).toEqual(reference.byId[other])
          if ((id === 'i-a' || id === 'i-b') && ts >= Math.floor(dataEnd / 86_400_000 + 2) * 86_400_000) {
            stray++
            expect(res.byId[id], `${id} after a stray row at ${row}`).toEqual(reference.byId[id])
            expect(res.issues.find((i) => i.code === 'SAMPLES_AFTER_WINDOW' && i.resourceId === id)?.message).toMatch(
              /1 isolated sample .* lies after its latest dense data/,
            )
          }
        },
      ),
      {
        numRuns: 25,
        examples: [
          [Date.UTC(9999, 0, 1), 'i-a', 5],
          [Date.UTC(2026, 10, 20), 'i-a', 5],
          [0, 'i-b', 5],
        ],
      },
    )
    expect(rejected).toBeGreaterThan(0)
    expect(stray).toBeGreaterThan(0)
  }, 120_000)
})
