import { z } from 'zod'
import type { DailyUsage, UsageSummary } from '../../store/types.js'
import type { Evidence, Issue, Recommendation } from '../../core/report.js'
import { recommendationId } from '../kit.js'
import { defineAnalyzer } from '../types.js'

/**
 * Trusted Advisor's EC2 utilization checks, verbatim (aws-facts.md §2, from the AWS Support User Guide):
 * - Low Utilization Amazon EC2 Instances (Qch7DwouX1): daily average CPU <= 10% and network I/O <= 5 MB
 *   on at least 4 of the previous 14 days.
 * - High Utilization Amazon EC2 Instances (ZRxQlPsb6c): daily average CPU > 90% on at least 4 of the
 *   previous 14 days.
 * "5 MB" is taken as 5,000,000 bytes of NetworkIn + NetworkOut per day.
 */
const TA_LOW_CPU_PCT = 10
const TA_LOW_NETWORK_BYTES = 5_000_000
const TA_HIGH_CPU_PCT = 90
const TA_MIN_DAYS = 4
const TA_LOOKBACK_DAYS = 14

const TaOptionsSchema = z.object({})

export interface DayVerdict {
  day: string
  cpuAvg: number
  networkBytes: number | null
}

/** Per-day inputs of the rules: the last 14 UTC days with CPU data, CPU from averages when present. */
function taDays(daily: readonly DailyUsage[]): { days: DayVerdict[]; cpuFromAverages: boolean; networkMeasured: boolean } {
  const cpuAvg = daily.filter((d) => d.metric === 'cpu.utilization' && d.stat === 'avg')
  const cpu = cpuAvg.length > 0 ? cpuAvg : daily.filter((d) => d.metric === 'cpu.utilization' && d.stat === 'max')
  const net = daily.filter((d) => d.metric === 'net.in.bytes_per_s' || d.metric === 'net.out.bytes_per_s')
  const netStat = net.some((d) => d.stat === 'avg') ? 'avg' : net.some((d) => d.stat === 'sum') ? 'sum' : 'max'
  const days = cpu
    .map((d) => d.day)
    .sort()
    .slice(-TA_LOOKBACK_DAYS)
    .map((day) => {
      const c = cpu.find((x) => x.day === day)!
      const n = net.filter((x) => x.day === day && x.stat === netStat)
      return { day, cpuAvg: c.avg, networkBytes: n.length > 0 ? n.reduce((a, x) => a + x.total, 0) : null }
    })
  return { days, cpuFromAverages: cpuAvg.length > 0, networkMeasured: net.length > 0 }
}

function flag(
  u: UsageSummary,
  check: 'high-utilization' | 'low-utilization',
  reason: string,
  summary: string,
  evidence: Evidence[],
  bestPractices: string[],
): Recommendation {
  return {
    // The id keeps the check's own name (ids stay stable across releases); the analyzer is the registry's.
    id: recommendationId(`ta.ec2-${check}`, u.resource.id, u.window),
    analyzer: 'ta.ec2-utilization',
    check,
    resource: u.resource,
    finding: 'Flagged',
    reasons: [reason],
    current: { instanceType: typeof u.resource.attributes.instanceType === 'string' ? u.resource.attributes.instanceType : null },
    currentPerformanceRisk: 'Unknown',
    currentDimensions: [],
    options: [],
    evidence,
    window: u.window,
    bestPractices,
    summary,
    memoryBlind: !u.metrics['mem.utilization'],
    // A flag, not an action: fleet savings come from right-sizing, so nothing is counted twice.
    estimatedMonthlySavings: null,
  }
}

export const taEc2 = defineAnalyzer({
  meta: {
    id: 'ta.ec2-utilization',
    title: 'Trusted Advisor EC2 low/high utilization checks (verbatim)',
    resourceKinds: ['ec2-instance'],
    requires: ['cpu.utilization', 'net.in.bytes_per_s', 'net.out.bytes_per_s'],
    since: '0.1.0',
    docs: 'docs/analyzers/ec2-rightsize.md',
    recommended: true,
    bestPractices: ['PERF02-BP04', 'PERF02-BP05'],
  },
  options: TaOptionsSchema,
  analyze({ usage: u }) {
    const recommendations: Recommendation[] = []
    const issues: Issue[] = []
    const { days, cpuFromAverages, networkMeasured } = taDays(u.daily)
    if (days.length === 0) return { recommendations, issues }
    const cpuNote = cpuFromAverages
      ? 'daily average of CPUUtilization averages'
      : 'daily average of 5-minute maxima (no averages stored; overstates the daily average)'
    const high = days.filter((d) => d.cpuAvg > TA_HIGH_CPU_PCT)
    if (high.length >= TA_MIN_DAYS)
      recommendations.push(
        flag(
          u,
          'high-utilization',
          'TrustedAdvisor:HighUtilization',
          `High utilization (Trusted Advisor ZRxQlPsb6c): daily average CPU above ${TA_HIGH_CPU_PCT}% on ${high.length} of the last ${days.length} days.`,
          [
            {
              metric: 'cpu.utilization',
              stat: `days with ${cpuNote} > ${TA_HIGH_CPU_PCT}%`,
              value: high.length,
              unit: 'days',
              samples: days.length,
              threshold: TA_MIN_DAYS,
              note: high.map((d) => d.day).join(', '),
            },
          ],
          ['PERF02-BP04', 'PERF02-BP05'],
        ),
      )
    const lowCpu = days.filter((d) => d.cpuAvg <= TA_LOW_CPU_PCT)
    if (!networkMeasured) {
      if (lowCpu.length >= TA_MIN_DAYS)
        issues.push({
          code: 'TA_LOW_UTILIZATION_NOT_EVALUATED',
          severity: 'info',
          resourceId: u.resource.id,
          message: `${u.resource.id}: CPU met Trusted Advisor's low-utilization criterion on ${lowCpu.length} days, but network I/O is not measured, so the check (CPU and network) is not evaluated.`,
        })
      return { recommendations, issues }
    }
    const low = days.filter((d) => d.cpuAvg <= TA_LOW_CPU_PCT && d.networkBytes !== null && d.networkBytes <= TA_LOW_NETWORK_BYTES)
    if (low.length >= TA_MIN_DAYS)
      recommendations.push(
        flag(
          u,
          'low-utilization',
          'TrustedAdvisor:LowUtilization',
          `Low utilization (Trusted Advisor Qch7DwouX1): daily average CPU <= ${TA_LOW_CPU_PCT}% and network I/O <= 5 MB on ${low.length} of the last ${days.length} days; consider stopping or downsizing it.`,
          [
            {
              metric: 'cpu.utilization + net',
              stat: `days with ${cpuNote} <= ${TA_LOW_CPU_PCT}% and NetworkIn+NetworkOut <= 5 MB`,
              value: low.length,
              unit: 'days',
              samples: days.length,
              threshold: TA_MIN_DAYS,
              note: low.map((d) => d.day).join(', '),
            },
          ],
          ['PERF02-BP04'],
        ),
      )
    return { recommendations, issues }
  },
})
