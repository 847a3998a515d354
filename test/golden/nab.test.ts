import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAnalysis } from '../../src/analyzers/run.js'
import { loadCatalog, loadServiceCatalogs } from '../../src/catalog/load.js'
import type { Report } from '../../src/core/report.js'
import { ReportSchema } from '../../src/core/report.js'
import { savingsOf } from '../../src/reporters/format.js'
import { renderDocument, REPORT_FORMATS } from '../../src/reporters/registry.js'
import { importFiles } from '../../src/store/duckdb/import-files.js'
import { DuckDbStore } from '../../src/store/duckdb/store.js'
import { csv, tmpProject } from '../utils/tmp.js'

/**
 * Golden tests on the real NAB CloudWatch series (data/traces/nab, MIT). Expected values are worked out by
 * hand or by an independent sort-and-interpolate over the raw CSV, never copied from headroom's output.
 */
const NAB = join(import.meta.dirname, '../../data/traces/nab')
const tmp = tmpProject()
const HEADER = 'resource_id,metric,timestamp,value,stat,period'
let store: DuckDbStore

function readNab(file: string): { ts: string; value: number }[] {
  return readFileSync(join(NAB, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [ts, v] = l.split(',')
      return { ts: ts!, value: Number(v) }
    })
}
/** The samples file a user would write for a NAB series (CloudWatch Average, 5-minute). */
function nabAsSamples(file: string, id: string): string {
  return tmp.file(
    `${id}.csv`,
    csv(
      HEADER,
      readNab(file).map((r) => `${id},CPUUtilization,${r.ts},${r.value},Average,300`),
    ),
  )
}
/** Independent of DuckDB: sort, then interpolate linearly at (n - 1) x p. */
function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b)
  const pos = (s.length - 1) * p
  const lo = Math.floor(pos)
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo)
}

beforeAll(async () => {
  store = await DuckDbStore.open(tmp.path('ws'))
})
afterAll(() => store.close())

describe('NAB ec2_cpu_utilization_fe7f93 (real CloudWatch, 2014-02-14..28)', () => {
  beforeAll(async () => {
    await importFiles(store, [
      nabAsSamples('ec2_cpu_utilization_fe7f93.csv', 'nab-fe7f93'),
      tmp.file('fe7f93.json', JSON.stringify([{ id: 'nab-fe7f93', region: 'us-east-1', instanceType: 'r5.large' }])),
    ])
  })

  it('the first hour, by hand', async () => {
    // Rows 1-12: 2.296 2.144 2.274 2.066 2.35 2.136 2.366 2.252 2.4 2.18 2.352 3.434 (14:27..15:22; the file
    // writes the last as 3.4339999999999997).
    // Sorted: 2.066 2.136 2.144 2.18 2.252 2.274 | 2.296 2.35 2.352 2.366 2.4 3.434
    // p50  at 11 x 0.5   = 5.5    -> (2.274 + 2.296) / 2                = 2.285
    // p90  at 11 x 0.9   = 9.9    -> 2.366 + 0.9 x (2.4 - 2.366)        = 2.3966
    // p99.5 at 11 x 0.995 = 10.945 -> 2.4 + 0.945 x (3.434 - 2.4)       = 3.37713
    // mean = 28.25 / 12 = 2.354166..., max = 3.434
    const [u] = await store.usage({ lookbackDays: 1 / 24, asOf: Date.UTC(2014, 1, 14, 15, 22) })
    const m = u!.metrics['cpu.utilization']!.avg!
    expect(m.samples).toBe(12)
    expect(m.p50).toBeCloseTo(2.285, 9)
    expect(m.p90).toBeCloseTo(2.3966, 9)
    expect(m.p995).toBeCloseTo(3.37713, 9)
    expect(m.avg).toBeCloseTo(28.25 / 12, 9)
    expect(m.max).toBe(3.4339999999999997) // row 12 exactly as the file writes it
    expect(m.hours).toBe(1)
  })

  it('the full 14 days match an independent percentile over the raw CSV', async () => {
    const raw = readNab('ec2_cpu_utilization_fe7f93.csv').map((r) => r.value)
    expect(raw.length).toBe(4032) // 14 days x 288
    const m = (await store.usage({ lookbackDays: 14 }))[0]!.metrics['cpu.utilization']!.avg!
    expect(m.samples).toBe(4032)
    expect(m.coverage).toBeCloseTo(1, 9)
    for (const [p, got] of [
      [0.5, m.p50],
      [0.9, m.p90],
      [0.95, m.p95],
      [0.99, m.p99],
      [0.995, m.p995],
    ] as const)
      expect(got).toBeCloseTo(percentile(raw, p), 9)
    expect(m.max).toBe(Math.max(...raw))
  })

  it('right-sizes r5.large as worked out by hand', async () => {
    const raw = readNab('ec2_cpu_utilization_fe7f93.csv').map((r) => r.value)
    const p995 = percentile(raw, 0.995)
    expect(p995).toBeCloseTo(68.1, 1) // 68.1% of r5.large's 2 vCPU
    // demand = 0.681 x 2 = 1.362 vCPU; need = 1.362 x 1.2 = 1.634 vCPU -> 2 vCPU. Memory is not measured, so
    // options keep r5.large's 16 GiB. The instance is x86_64, so x86 options rank first: the cheapest x86 type with
    // >= 2 vCPU, >= 16 GiB is r5a.large, $0.113/h, vs r5.large $0.126/h: (0.126 - 0.113) x 730 = $9.49/month. The
    // cheapest overall, r6g.large (Graviton, $0.1008/h): (0.126 - 0.1008) x 730 = $18.40/month, is shown beside it,
    // $8.91 more. Neither vCPUs nor (unmeasured) memory shrink, so the finding is Optimized, with cheaper equal-size
    // options (as Compute Optimizer does).
    const report = runAnalysis(await store.usage({ lookbackDays: 14 }), loadCatalog(), {
      services: loadServiceCatalogs(),
      lookbackDays: 14,
      now: 0,
      version: 'test',
    })
    const rec = report.recommendations.find((r) => r.analyzer === 'ec2.rightsize')!
    expect(rec.finding).toBe('Optimized')
    expect(rec.options[0]!.change.instanceType).toBe('r5a.large')
    expect(rec.options[0]!.monthlySavings).toBe(9.49)
    const graviton = rec.options.find((o) => o.change.instanceType === 'r6g.large')!
    expect([graviton.monthlySavings, graviton.migrationEffort]).toEqual([18.4, 'Medium'])
    expect(graviton.notes).toContain('Saves $8.91/month more than r5a.large (rank 1), at Medium migration effort.')
    const cpu = rec.options[0]!.dimensions.find((d) => d.dimension === 'cpu')!
    expect(cpu.demand!).toBeCloseTo((p995 / 100) * 2, 9)
    expect(cpu.projectedUtilization!).toBeCloseTo(p995, 9) // same vCPU count: projected = today's
    expect(rec.summary).toMatch(/only 5-minute averages|Only 5-minute averages/)
    expect(rec.memoryBlind).toBe(true)
  })
})

describe('report golden files: the 8 NAB EC2 CPU series', () => {
  const EXPECTED = join(import.meta.dirname, 'nab/expected')
  const TYPES: Record<string, string> = {
    '24ae8d': 'm5.2xlarge',
    '53ea38': 'm5.xlarge',
    '5f5533': 'c5.2xlarge',
    '77c1ca': 'c5.xlarge',
    '825cc2': 'r5.xlarge',
    ac20cd: 'r5.xlarge',
    c6585a: 'm5.large',
    fe7f93: 'r5.large',
  }
  let report: Report

  beforeAll(async () => {
    const s = await DuckDbStore.open(tmp.path('ws-golden'))
    const files = Object.keys(TYPES).map((k) => nabAsSamples(`ec2_cpu_utilization_${k}.csv`, `nab-ec2-${k}`))
    files.push(tmp.file('nab.json', JSON.stringify(Object.entries(TYPES).map(([k, t]) => ({ id: `nab-ec2-${k}`, region: 'us-east-1', instanceType: t })))))
    await importFiles(s, files)
    report = runAnalysis(await s.usage({ lookbackDays: 14 }), loadCatalog(), {
      services: loadServiceCatalogs(),
      lookbackDays: 14,
      now: Date.UTC(2026, 10, 23),
      version: '0.0.0-golden',
    })
    s.close()
  })

  it('is a valid report', () => {
    expect(ReportSchema.safeParse(report).success).toBe(true)
    // Fleet savings never count two actions on one resource: one rightsizing recommendation per resource here.
    const ids = report.recommendations.filter((r) => (r.estimatedMonthlySavings ?? 0) > 0).map((r) => r.resource.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(report.summary.monthlySavings).toBeCloseTo(
      ids.reduce((a, id) => a + report.recommendations.find((r) => r.resource.id === id)!.estimatedMonthlySavings!, 0),
      6,
    )
  })

  it("shows the same money in every format: a resource's savings (negative: costs more) agree across terminal, Markdown, CSV and JSON", async () => {
    const parse = (cell: string) => (cell === 'n/a' ? null : Number(cell.replace(/[$,]/g, '')))
    const md = await renderDocument(report, 'md')
    const term = await renderDocument(report, 'terminal', { top: 10, color: true }) // coloured: the widths must still line up
    const csvRows = (await renderDocument(report, 'csv'))
      .trim()
      .split('\n')
      .map((l) => l.split(','))
    const col = csvRows[0]!.indexOf('option1_savings_usd')
    let under = 0
    for (const r of report.recommendations.filter((x) => x.analyzer === 'ec2.rightsize')) {
      const json = savingsOf(r)
      const mdRow = md.split('\n').find((l) => l.startsWith(`| ${r.resource.id} | ${r.finding} |`))!
      expect(parse(mdRow.split(' | ').at(-1)!.replace(/ \|$/, '')), `${r.resource.id} in Markdown`).toBe(json)
      const csvRow = csvRows.find((x) => x[0] === r.resource.id)!
      if (r.options.length > 0 && (r.finding === 'Underprovisioned' || (r.estimatedMonthlySavings ?? 0) > 0))
        expect(Number(csvRow[col]), `${r.resource.id} in CSV`).toBe(json)

      const termRow = term
        .replace(/\u001b\[[0-9;]*m/g, '')
        .split('\n')
        .find((l) => l.startsWith(`${r.resource.id} `))
      if (termRow) expect(parse(termRow.trim().split(/\s+/).at(-1)!), `${r.resource.id} in the terminal`).toBe(json)
      if (r.finding === 'Underprovisioned') {
        under++
        expect(json!).toBeLessThan(0) // each fix here costs more, and every format says so
        expect(mdRow).toMatch(/\| -\$\d+\.\d\d \|$/)
      }
    }
    expect(under).toBe(3)
    // Coloured cells take no columns: the summary's right-aligned money column lines up with colour on.

    const summary = term
      .replace(/\u001b\[[0-9;]*m/g, '')
      .split('\n')
      .filter((l) => /^(Monthly cost|Savings|Upsizing)/.test(l))
    expect(summary).toHaveLength(4)
    expect(new Set(summary.map((l) => l.length)).size).toBe(1)
  })

  // HTML inlines uPlot and the page script: its golden is the data the page draws (payload.json, test/golden/html.test.ts).
  for (const format of REPORT_FORMATS.filter((f) => f !== 'html'))
    it(`renders ${format} as in test/golden/nab/expected`, async () => {
      const ext = format === 'terminal' ? 'txt' : format
      const path = join(EXPECTED, `report.${ext}`)
      const actual = await renderDocument(report, format, { top: 10, color: false })
      if (!existsSync(path)) {
        // Regenerate locally when missing (delete the file on purpose to update it); never in CI.
        expect(process.env.CI, `missing golden file ${path}`).toBeFalsy()
        mkdirSync(EXPECTED, { recursive: true })
        writeFileSync(path, actual)
      }
      expect(actual).toBe(readFileSync(path, 'utf8'))
    })
})
