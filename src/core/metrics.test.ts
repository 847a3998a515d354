import { describe, expect, it } from 'vitest'
import { METRIC_ALIASES, METRIC_NAMES } from './metrics.js'

describe('metric vocabulary', () => {
  it("headroom's names contain a dot and CloudWatch aliases never do (the file import relies on it)", () => {
    for (const m of METRIC_NAMES) expect(m).toContain('.')
    for (const a of Object.keys(METRIC_ALIASES)) expect(a).not.toContain('.')
  })
})
