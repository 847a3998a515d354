import { describe, expect, it } from 'vitest'
import { tmpProject } from '../../../test/utils/tmp.js'
import { readReportLog, reportSamples } from './lambda-logs.js'

const tmp = tmpProject('headroom-lambda-logs-')
const report = (ms: number, init?: number) =>
  `REPORT RequestId: 8f5e\tDuration: ${ms.toFixed(2)} ms\tBilled Duration: ${Math.ceil(ms + (init ?? 0))} ms\tMemory Size: 512 MB\tMax Memory Used: 120 MB\t${init ? `Init Duration: ${init.toFixed(2)} ms\t` : ''}`
const T = Date.UTC(2026, 10, 30, 10, 0, 0)

describe('readReportLog', () => {
  it('reads aws logs tail text (microsecond times, offsets), skipping START/END and the function’s own lines', () => {
    const f = tmp.file(
      'tail.log',
      [
        '2026-11-30T10:00:01.250000+00:00 2026/11/30/[$LATEST]abc START RequestId: 8f5e Version: $LATEST',
        '2026-11-30T10:00:01.300000+00:00 2026/11/30/[$LATEST]abc 2026-11-30T10:00:01.300Z\t8f5e\tINFO\thello',
        `2026-11-30T10:00:01.500000+00:00 2026/11/30/[$LATEST]abc ${report(200, 400)}`,
        `2026-11-30T11:00:02.000000+01:00 2026/11/30/[$LATEST]abc ${report(180)}`,
      ].join('\n'),
    )
    const r = readReportLog(f)
    expect(r.malformed).toBe(0)
    expect(r.events.map((e) => [e.ts - T, e.report.durationMs, e.report.initMs])).toEqual([
      [1500, 200, 400],
      [2000, 180, null],
    ])
  })
  it('reads filter-log-events JSON and Logs Insights JSON', () => {
    const a = tmp.file(
      'fle.json',
      JSON.stringify({
        events: [
          { timestamp: T, message: report(50) },
          { timestamp: T + 1, message: 'END RequestId: 8f5e' },
        ],
      }),
    )
    expect(readReportLog(a).events).toHaveLength(1)
    const b = tmp.file('insights.json', JSON.stringify([{ '@timestamp': '2026-11-30 10:00:00.000', '@message': report(60, 300) }]))
    expect(readReportLog(b).events[0]).toMatchObject({ ts: T, report: { durationMs: 60, initMs: 300 } })
  })
  it('refuses what it cannot date or does not know: naming the file, the line and how to export', () => {
    const noTime = tmp.file('bare.log', `START\n${report(10)}\n`)
    expect(() => readReportLog(noTime)).toThrow(/bare\.log.*row 2.*a REPORT line without a time/s)
    const none = tmp.file('other.log', 'just some text\n')
    expect(() => readReportLog(none)).toThrow(/no REPORT lines/)
    const cut = tmp.file('cut.log', Array.from({ length: 5 }, (_, i) => `2026-11-30T10:00:0${i}Z REPORT RequestId: x\tDuration: 1`).join('\n'))
    expect(() => readReportLog(cut)).toThrow(/5 of 5 REPORT lines have no Duration or Billed Duration/)
  })
})

describe('reportSamples', () => {
  it('per 5 minutes: rates per second, durations, init of the cold starts; empty periods between are zero invocations', () => {
    const ev = (s: number, ms: number, init?: number) => ({
      ts: T + s * 1000,
      report: { durationMs: ms, billedMs: Math.ceil(ms), memoryMB: 512, maxMemoryUsedMB: ms / 2, initMs: init ?? null },
    })
    // Period 1: three invocations (one cold, 600 ms init); period 2: none; period 3: one.
    const rows = reportSamples([ev(0, 100, 600), ev(10, 200), ev(20, 300), ev(650, 50)])
    const at = (m: string, s: string, k: number) => rows.find((r) => r.metric === m && r.stat === s && r.timestamp === T + k * 300_000)?.value
    expect(at('lambda.invocations_per_s', 'sum', 0)).toBeCloseTo(3 / 300, 12)
    expect(at('lambda.cold_starts_per_s', 'sum', 0)).toBeCloseTo(1 / 300, 12)
    expect(at('lambda.duration_ms', 'avg', 0)).toBe(200)
    expect(at('lambda.duration_ms', 'max', 0)).toBe(300)
    // p99 of 100, 200, 300 by linear interpolation: 200 + 0.98 x 100 = 298.
    expect(at('lambda.duration_ms', 'p99', 0)).toBeCloseTo(298, 10)
    expect(at('lambda.init_duration_ms', 'avg', 0)).toBe(600)
    expect(at('lambda.memory_used_mb', 'max', 0)).toBe(150)
    expect(at('lambda.invocations_per_s', 'sum', 1)).toBe(0)
    expect(at('lambda.duration_ms', 'avg', 1)).toBeUndefined()
    expect(at('lambda.invocations_per_s', 'sum', 2)).toBeCloseTo(1 / 300, 12)
    expect(at('lambda.init_duration_ms', 'avg', 2)).toBeUndefined()
  })
})
