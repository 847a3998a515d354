import { describe, expect, it } from 'vitest'
import { parseReport } from './lambda-report.js'

describe('parseReport', () => {
  it('reads a warm REPORT line (tab-separated, as Lambda writes it)', () => {
    const log =
      'START RequestId: a0537bcb Version: 3\nEND RequestId: a0537bcb\nREPORT RequestId: a0537bcb\tDuration: 718.65 ms\tBilled Duration: 719 ms\tMemory Size: 128 MB\tMax Memory Used: 14 MB\t\n'
    expect(parseReport(log)).toEqual({ durationMs: 718.65, billedMs: 719, memoryMB: 128, maxMemoryUsedMB: 14, initMs: null })
  })
  it('reads a cold start: Init Duration apart from Duration, and a billed duration that includes the init phase', () => {
    // The line of open-telemetry/opentelemetry-lambda#2011 (2025): billed 662 = ceil(395.99 + 265.72).
    const line = 'REPORT RequestId: bf5f58db Duration: 395.99 ms Billed Duration: 662 ms Memory Size: 512 MB Max Memory Used: 301 MB Init Duration: 265.72 ms'
    expect(parseReport(line)).toEqual({ durationMs: 395.99, billedMs: 662, memoryMB: 512, maxMemoryUsedMB: 301, initMs: 265.72 })
  })
  it('finds the line behind an export’s prefix; a SnapStart restore counts as the cold start, its billed restore apart', () => {
    const tail =
      '2026-12-01T10:00:00.123000+00:00 2026/12/01/[$LATEST]abc REPORT RequestId: x\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB\t'
    expect(parseReport(tail)).toEqual({ durationMs: 12.5, billedMs: 13, memoryMB: 256, maxMemoryUsedMB: 80, initMs: null })
    const snap =
      'REPORT RequestId: y\tDuration: 20.00 ms\tBilled Duration: 21 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tRestore Duration: 310.20 ms\tBilled Restore Duration: 120 ms'
    expect(parseReport(snap)).toEqual({ durationMs: 20, billedMs: 21, memoryMB: 512, maxMemoryUsedMB: 90, initMs: 310.2 })
  })
  it('is undefined when the tail lost the REPORT line (not 0 ms)', () => {
    expect(parseReport('START RequestId: x\nsome log\n')).toBeUndefined()
    expect(parseReport('REPORT RequestId: x\tMemory Size: 128 MB')).toBeUndefined()
  })
})
