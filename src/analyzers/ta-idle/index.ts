import { z } from 'zod'
import type { Issue, Recommendation } from '../../core/report.js'
import type { UsageSummary } from '../../store/types.js'
import { recommendationId } from '../ec2-rightsize/index.js'
import { defineAnalyzer } from '../types.js'

/**
 * Trusted Advisor idle checks, verbatim (aws-facts.md §2, AWS Support User Guide @ca76b05):
 * - Idle Load Balancers (hjLMh88uM8): fewer than 100 requests per day for the last 7 days. (TA's other two triggers,
 *   no active or no healthy back-end instances, need target health data that is not collected yet.)
 * - Amazon RDS Idle DB Instances (Ti39halfu8): an active DB instance has not had a connection in the last 7 days.
 * Unattached EBS volumes are flagged by ebs.rightsize; low-utilization EC2 by ta.ec2-utilization.
 * The rules need 7 UTC days of data; with fewer, the check is reported as not evaluated.
 */
export const TA_IDLE_DAYS = 7
export const TA_IDLE_LB_REQUESTS_PER_DAY = 100

function lastDays(u: UsageSummary, metric: string): { day: string; total: number; max: number }[] {
  const rows = u.daily.filter((d) => d.metric === metric)
  const stat = rows.some((d) => d.stat === 'avg') ? 'avg' : rows.some((d) => d.stat === 'sum') ? 'sum' : 'max'
  return rows.filter((d) => d.stat === stat).sort((a, b) => a.day.localeCompare(b.day)).slice(-TA_IDLE_DAYS).map((d) => ({ day: d.day, total: d.total, max: d.max }))
}

export const taIdle = defineAnalyzer({
  meta: { id: 'ta.idle', title: 'Trusted Advisor idle load balancers and idle RDS instances (verbatim)', resourceKinds: ['load-balancer', 'rds-instance'], requires: ['lb.requests_per_s', 'db.connections'], since: '0.1.0', recommended: true, bestPractices: ['PERF02-BP04', 'PERF01-BP03'] },
  options: z.object({}),
  analyze({ usage: u }) {
    const r = u.resource
    const recommendations: Recommendation[] = []
    const issues: Issue[] = []
    const flag = (analyzer: string, reason: string, summary: string, value: number, stat: string, unit: string, days: number) => recommendations.push({
      id: recommendationId(analyzer, r.id, u.window), analyzer, resource: r, finding: 'Flagged', reasons: [reason], current: {}, currentPerformanceRisk: 'Unknown', currentDimensions: [], options: [],
      evidence: [{ metric: analyzer === 'ta.idle-load-balancer' ? 'lb.requests_per_s' : 'db.connections', stat, value, unit, samples: days, threshold: analyzer === 'ta.idle-load-balancer' ? TA_IDLE_LB_REQUESTS_PER_DAY : 0 }],
      window: u.window, bestPractices: ['PERF02-BP04', 'PERF01-BP03'], summary, memoryBlind: false, estimatedMonthlySavings: null,
    })
    const notEvaluated = (what: string, have: number) => issues.push({ code: 'TA_IDLE_NOT_EVALUATED', severity: 'info', resourceId: r.id, message: `${r.id}: ${what} needs ${TA_IDLE_DAYS} days of data, ${have} present; not evaluated.` })
    if (r.kind === 'load-balancer') {
      const days = lastDays(u, 'lb.requests_per_s')
      if (days.length === 0) return { recommendations, issues }
      if (days.length < TA_IDLE_DAYS) notEvaluated('the idle load balancer check', days.length)
      else if (days.every((d) => d.total < TA_IDLE_LB_REQUESTS_PER_DAY)) {
        const most = Math.max(...days.map((d) => d.total))
        flag('ta.idle-load-balancer', 'TrustedAdvisor:IdleLoadBalancer', `Idle load balancer (Trusted Advisor hjLMh88uM8): at most ${Math.round(most)} requests a day for the last ${TA_IDLE_DAYS} days (threshold ${TA_IDLE_LB_REQUESTS_PER_DAY}); delete it or its listeners if nothing needs it.`, Math.round(most), 'requests per day, highest of the last 7 days', 'requests', days.length)
      }
    }
    if (r.kind === 'rds-instance') {
      const days = lastDays(u, 'db.connections')
      if (days.length === 0) return { recommendations, issues }
      if (days.length < TA_IDLE_DAYS) notEvaluated('the idle RDS instance check', days.length)
      else if (days.every((d) => d.max === 0))
        flag('ta.idle-rds', 'TrustedAdvisor:IdleDBInstance', `Idle DB instance (Trusted Advisor Ti39halfu8): no connection in the last ${TA_IDLE_DAYS} days; snapshot and stop or delete it.`, 0, 'highest DatabaseConnections, last 7 days', 'connections', days.length)
    }
    return { recommendations, issues }
  },
})
