import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { REPORT_SCHEMA_VERSION, ReportSchema, ScalingReportSchema, type ScalingReport } from '../core/report.js'
import { encode, newHistogram } from '../loadtest/histogram.js'
import type { DisplaySeries } from '../store/types.js'
import { inlineJson } from './page.js'
import { analysisPayload, percentileCurve, scalingPayload, shownResources, times } from './payload.js'

/** The NAB golden analysis (real CloudWatch traces): what the page is given for it. */
const report = ReportSchema.parse(JSON.parse(readFileSync(new URL('../../test/golden/nab/expected/report.json', import.meta.url), 'utf8')))
const series = (resourceId: string, stat: DisplaySeries['stat'], v: number[]): DisplaySeries => ({
  resourceId,
  metric: 'cpu.utilization',
  stat,
  periodSec: 300,
  t: v.map((_, i) => 1_393_000_000_000 + i * 300_000),
  v,
})

describe('analysisPayload', () => {
  it('draws the lines in the series’ own unit: today’s percent of the current type (worked example, nab-ec2-24ae8d)', () => {
    // m5.2xlarge, 8 vCPU: demand 0.0212552 vCPU (p99.5 of 5-minute averages), need 0.0255062 vCPU (+20%);
    // in today's percent: 0.0212552 / 8 = 0.2657%, 0.0255062 / 8 = 0.3188%; the current type's 8 vCPU = 100%;
    // option 1 x8i.large (2 vCPU) = 2 / 8 = 25%, option 2 r5a.xlarge (4) = 50%, option 3 x2gd.large (2) = 25%.
    const p = analysisPayload(report, [series('nab-ec2-24ae8d', 'max', [1, 2, 3]), series('nab-ec2-24ae8d', 'avg', [0.1, 0.2, 0.3])])
    const page = p.resources.find((r) => r.id === 'nab-ec2-24ae8d')!
    expect(page.charts).toHaveLength(1)
    const [c] = page.charts
    // The sizing read averages, so the averages are drawn, not the maxima.
    expect(c!.stat).toBe('avg')
    expect(c!.v).toEqual([0.1, 0.2, 0.3])
    expect(c!.used).toBe('p99.5 of 5-minute averages')
    expect(c!.lines.map((l) => [l.role, l.label, l.value])).toEqual([
      ['demand', 'demand: p99.5 of 5-minute averages', 0.266],
      ['need', 'need (demand + headroom)', 0.319],
      ['current', 'capacity of m5.2xlarge', 100],
      ['option', 'capacity of option 1: x8i.large', 25],
      ['option', 'capacity of option 2: r5a.xlarge', 50],
      ['option', 'capacity of option 3: x2gd.large', 25],
    ])
    expect(page.why).toBe('x8i.large: cpu decides the size; performance risk VeryLow; saves $120.57/month.')
    // Every recommendation is a table row whatever has a page; the money columns are the document's.
    expect(p.rows).toHaveLength(report.recommendations.length)
    const row = p.rows.find((r) => r[0] === 'nab-ec2-24ae8d')!
    expect(row.slice(3)).toEqual(['Overprovisioned', 'VeryLow', 'm5.2xlarge', 'x8i.large', 280.32, 120.57])
    expect(p.unshown).toBe(report.recommendations.length - 1)
  })

  it('gives pages to resources to resize first, largest monthly change either way first', () => {
    const ids = shownResources(report, 50)
    const recs = ids.map((id) => report.recommendations.find((r) => r.resource.id === id)!)
    const actionable = recs.filter((r) => r.finding === 'Underprovisioned' || r.finding === 'Overprovisioned')
    expect(recs.slice(0, actionable.length)).toEqual(actionable)
    const size = actionable.map((r) => Math.abs(r.finding === 'Underprovisioned' ? r.options[0]!.monthlySavings! : r.estimatedMonthlySavings!))
    expect(size).toEqual([...size].sort((a, b) => b - a))
    expect(shownResources(report, 2)).toEqual(ids.slice(0, 2))
  })
})

describe('scalingPayload', () => {
  it('keeps every breach minute’s bucket shaded when it reduces a long timeline, and at most 3 points a bucket', () => {
    const n = 14 * 1440
    const breach = Array.from({ length: n }, (_, i): number => (i % 997 === 0 || (i > 5000 && i < 5003) ? 1 : 0))
    const tl = {
      startMs: 0,
      stepSec: 60,
      desired: Array<number>(n).fill(2),
      serving: Array<number>(n).fill(2),
      demand: Array.from({ length: n }, (_, i) => 1 + Math.sin(i / 50)),
      utilizationPct: Array.from({ length: n }, (_, i) => 50 + 40 * Math.sin(i / 50)),
      breach,
    }
    const doc: ScalingReport = ScalingReportSchema.parse({
      schemaVersion: REPORT_SCHEMA_VERSION,
      kind: 'scaling',
      meta: { tool: 'headroom', version: '0', generatedAt: 0, options: {} },
      simulations: [
        {
          kind: 'autoscaling',
          group: 'g',
          window: { start: 0, end: n * 60_000 },
          demandSource: 'test',
          instanceTypes: ['m5.large'],
          launchDelaySec: 300,
          utilizationLimitPct: 100,
          outcomes: [
            {
              policySet: 'current',
              description: 'd',
              instanceHours: 1,
              cost: 1,
              breachMinutes: breach.reduce((a, b) => a + b, 0),
              peakUtilizationPct: 90,
              peakDemandPct: 90,
              scalingActions: 0,
              minInstances: 2,
              maxInstances: 2,
              timeline: tl,
            },
          ],
          current: 'current',
          evidence: [],
          bestPractices: [],
          summary: 's',
        },
      ],
      issues: [],
    })
    const out = scalingPayload(doc).simulations[0]!.outcomes[0]!.timeline!
    const t = out.t.d.reduce<number[]>((acc, d) => [...acc, (acc.at(-1) ?? out.t.t0 / 1000) + d], [])
    const width = Math.ceil(n / 1500)
    const buckets = new Set(t.map((s) => Math.floor(s / 60 / width)))
    expect(t.length).toBeLessThanOrEqual(3 * buckets.size)
    const shaded = new Set(t.filter((_, i) => out.breach[i] === 1).map((s) => Math.floor(s / 60 / width)))
    const wanted = new Set(breach.flatMap((b, i) => (b ? [Math.floor(i / width)] : [])))
    expect(shaded).toEqual(wanted)
  })
})

describe('percentileCurve', () => {
  it('reads the HDR histogram at 1/(1-p) steps, five a decade, up to the count, ending at the max (worked example)', () => {
    // 1,000 requests at 1, 2, ..., 1000 ms: the median is 500 ms, p90 900 ms, p99 990 ms, the max 1000 ms.
    const h = newHistogram()
    for (let ms = 1; ms <= 1000; ms++) h.recordValue(ms * 1000)
    const c = percentileCurve(encode(h))
    expect(c.x.slice(0, 6)).toEqual([1, 1.5849, 2.5119, 3.9811, 6.3096, 10])
    const at = (x: number) => c.ms[c.x.indexOf(x)]!
    expect(at(10)).toBeCloseTo(900, -1) // within 0.1%, the histogram's precision
    expect(at(100)).toBeCloseTo(990, -1)
    expect(c.x.at(-1)).toBe(1000)
    expect(c.ms.at(-1)).toBeCloseTo(1000, -1)
    expect(c.ms).toEqual([...c.ms].sort((a, b) => a - b))
  })
})

describe('page data', () => {
  it('times() delta-encodes epoch ms in seconds; inlineJson cannot end its script block', () => {
    const ms = [1_700_000_000_000, 1_700_000_300_000, 1_700_000_900_000]
    const t = times(ms)
    expect(t).toEqual({ t0: 1_700_000_000_000, d: [0, 300, 600] })
    const back = t.d.reduce<number[]>((acc, d) => [...acc, (acc.at(-1) ?? t.t0) + d * 1000], [])
    expect(back).toEqual(ms)
    const evil = { id: '</script><script>alert(1)</script>', s: 'a\u2028b<!--' }
    const j = inlineJson(evil)
    expect(j).not.toMatch(/<|\u2028/)
    expect(JSON.parse(j)).toEqual(evil)
  })
})
