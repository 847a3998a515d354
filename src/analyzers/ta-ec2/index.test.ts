import { describe, expect, it } from 'vitest'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import type { DailyUsage, UsageSummary } from '../../store/types.js'
import { taEc2 } from './index.js'

const services = loadServiceCatalogs()

const catalog = loadCatalog()
/** 14 days; `cpu[i]` is day i's average CPU and `net[i]` its NetworkIn + NetworkOut bytes (split evenly). */
function summary(cpu: number[], net?: number[]): UsageSummary {
  const daily: DailyUsage[] = []
  cpu.forEach((c, i) => {
    const day = `2024-01-${String(i + 1).padStart(2, '0')}`
    daily.push({ day, metric: 'cpu.utilization', stat: 'avg', samples: 288, avg: c, max: c, total: c * 86400 })
    if (net)
      for (const m of ['net.in.bytes_per_s', 'net.out.bytes_per_s'] as const)
        daily.push({ day, metric: m, stat: 'avg', samples: 288, avg: 0, max: 0, total: net[i]! / 2 })
  })
  return {
    resource: { provider: 'file', kind: 'ec2-instance', id: 'i-ta', region: 'us-east-1', attributes: { instanceType: 'm5.large' }, tags: {} },
    window: { start: 0, end: 1 },
    metrics: {},
    daily,
  }
}
const run = (u: UsageSummary) => taEc2.analyze({ usage: u, catalog, services }, {})

describe('Trusted Advisor EC2 checks, verbatim thresholds', () => {
  it('low utilization: CPU <= 10% and network <= 5 MB on at least 4 of 14 days', () => {
    // Four qualifying days (CPU exactly 10% counts; network exactly 5,000,000 bytes counts).
    const cpu = [10, 10, 9, 1, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50]
    const net = [5e6, 1e6, 0, 4e6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    const out = run(summary(cpu, net))
    expect(out.recommendations.map((r) => r.reasons[0])).toEqual(['TrustedAdvisor:LowUtilization'])
    expect(out.recommendations[0]!.evidence[0]!.value).toBe(4)
    expect(out.recommendations[0]!.estimatedMonthlySavings).toBeNull() // a flag: fleet savings never count it
    // Three days is not enough; a day with 5,000,001 bytes does not qualify.
    expect(run(summary(cpu, [5_000_001, 1e6, 0, 4e6, ...Array<number>(10).fill(0)])).recommendations).toEqual([])
  })

  it('high utilization: CPU > 90% on at least 4 of 14 days (exactly 90% does not count)', () => {
    expect(run(summary([91, 95, 99, 100, ...Array<number>(10).fill(20)])).recommendations[0]!.reasons).toEqual(['TrustedAdvisor:HighUtilization'])
    expect(run(summary([90, 95, 99, 100, ...Array<number>(10).fill(20)])).recommendations).toEqual([])
  })

  it('uses only the last 14 days', () => {
    // 4 high days at the start, then 14 ordinary days: outside the window, so no flag.
    expect(run(summary([95, 95, 95, 95, ...Array<number>(14).fill(20)])).recommendations).toEqual([])
  })

  it('does not evaluate the low-utilization check without network data, and says so', () => {
    const out = run(summary(Array<number>(14).fill(1)))
    expect(out.recommendations).toEqual([])
    expect(out.issues[0]!.code).toBe('TA_LOW_UTILIZATION_NOT_EVALUATED')
  })
})
