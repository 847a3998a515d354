import { z } from 'zod'
import type { Issue, Recommendation } from '../../core/report.js'
import type { UsageSummary } from '../../store/types.js'
import { recommendationId } from '../kit.js'
import { defineAnalyzer } from '../types.js'

/**
 * Trusted Advisor idle checks, verbatim (aws-facts.md §2, AWS Support User Guide @ca76b05):
 * - Idle Load Balancers (hjLMh88uM8): fewer than 100 requests per day for the last 7 days; or no healthy back-end
 *   instances (HealthyHostCount at most 0 throughout the latest stored day: TA checks the current state, the latest day
 *   is the closest the samples get). TA's third trigger, no active back-end instances, needs the target registrations,
 *   which CloudWatch does not carry.
 * - Amazon RDS Idle DB Instances (Ti39halfu8): an active DB instance has not had a connection in the last 7 days.
 * Unattached EBS volumes are flagged by ebs.rightsize; low-utilization EC2 by ta.ec2-utilization.
 * Compute Optimizer's NatGateway idle kind (its own thresholds are not published in a form read here), as a strict
 * rule: no active connection (ActiveConnectionCount) and no packet from the VPC (PacketsInFromSource) in the whole window.
 * The rules need 7 UTC days of data; with fewer, the check is reported as not evaluated.
 */
const TA_IDLE_DAYS = 7
const TA_IDLE_LB_REQUESTS_PER_DAY = 100

function lastDays(u: UsageSummary, metric: string): { day: string; total: number; max: number }[] {
  const rows = u.daily.filter((d) => d.metric === metric)
  const stat = rows.some((d) => d.stat === 'avg') ? 'avg' : rows.some((d) => d.stat === 'sum') ? 'sum' : 'max'
  return rows
    .filter((d) => d.stat === stat)
    .sort((a, b) => a.day.localeCompare(b.day))
    .slice(-TA_IDLE_DAYS)
    .map((d) => ({ day: d.day, total: d.total, max: d.max }))
}

export const taIdle = defineAnalyzer({
  meta: {
    id: 'ta.idle',
    title: 'Trusted Advisor idle load balancers and idle RDS instances (verbatim); idle NAT gateways',
    resourceKinds: ['load-balancer', 'rds-instance', 'nat-gateway'],
    requires: ['lb.requests_per_s', 'db.connections'],
    since: '0.1.0',
    docs: 'docs/analyzers/idle.md',
    recommended: true,
    bestPractices: ['PERF02-BP04', 'PERF01-BP03'],
  },
  options: z.object({}),
  analyze({ usage: u }) {
    const r = u.resource
    const recommendations: Recommendation[] = []
    const issues: Issue[] = []
    const flag = (
      check: 'idle-load-balancer' | 'idle-rds',
      reason: string,
      summary: string,
      value: number,
      stat: string,
      unit: string,
      days: number,
      metric = check === 'idle-load-balancer' ? 'lb.requests_per_s' : 'db.connections',
      threshold = check === 'idle-load-balancer' ? TA_IDLE_LB_REQUESTS_PER_DAY : 0,
    ) =>
      recommendations.push({
        // Ids keep the check's own name (stable across releases); the analyzer is the registry's.
        id: recommendationId(`ta.${check}:${reason}`, r.id, u.window),
        analyzer: 'ta.idle',
        check,
        resource: r,
        finding: 'Flagged',
        reasons: [reason],
        current: {},
        currentPerformanceRisk: 'Unknown',
        currentDimensions: [],
        options: [],
        evidence: [{ metric, stat, value, unit, samples: days, threshold }],
        window: u.window,
        bestPractices: ['PERF02-BP04', 'PERF01-BP03'],
        summary,
        memoryBlind: false,
        estimatedMonthlySavings: null,
      })
    const notEvaluated = (what: string, have: number) =>
      issues.push({
        code: 'TA_IDLE_NOT_EVALUATED',
        severity: 'info',
        resourceId: r.id,
        message: `${r.id}: ${what} needs ${TA_IDLE_DAYS} days of data, ${have} present; not evaluated.`,
      })
    if (r.kind === 'load-balancer') {
      const health = u.daily.filter((d) => d.metric === 'lb.healthy_hosts').sort((a, b) => a.day.localeCompare(b.day))
      const latest = health.filter((d) => d.day === health[health.length - 1]?.day)
      if (latest.length > 0 && latest.every((d) => d.max <= 0))
        flag(
          'idle-load-balancer',
          'TrustedAdvisor:IdleLoadBalancerNoHealthyTargets',
          `Load balancer with no healthy back-end instances (Trusted Advisor hjLMh88uM8): HealthyHostCount was 0 throughout ${latest[0]!.day}; fix the targets' health checks or delete it.`,
          0,
          `highest HealthyHostCount on ${latest[0]!.day}`,
          'targets',
          1,
          'lb.healthy_hosts',
          0,
        )
      const days = lastDays(u, 'lb.requests_per_s')
      if (days.length === 0) return { recommendations, issues }
      if (days.length < TA_IDLE_DAYS) notEvaluated('the idle load balancer check', days.length)
      else if (days.every((d) => d.total < TA_IDLE_LB_REQUESTS_PER_DAY)) {
        const most = Math.max(...days.map((d) => d.total))
        flag(
          'idle-load-balancer',
          'TrustedAdvisor:IdleLoadBalancer',
          `Idle load balancer (Trusted Advisor hjLMh88uM8): at most ${Math.round(most)} requests a day for the last ${TA_IDLE_DAYS} days (threshold ${TA_IDLE_LB_REQUESTS_PER_DAY}); delete it or its listeners if nothing needs it.`,
          Math.round(most),
          'requests per day, highest of the last 7 days',
          'requests',
          days.length,
        )
      }
    }
    if (r.kind === 'rds-instance') {
      const days = lastDays(u, 'db.connections')
      if (days.length === 0) return { recommendations, issues }
      if (days.length < TA_IDLE_DAYS) notEvaluated('the idle RDS instance check', days.length)
      else if (days.every((d) => d.max === 0))
        flag(
          'idle-rds',
          'TrustedAdvisor:IdleDBInstance',
          `Idle DB instance (Trusted Advisor Ti39halfu8): no connection in the last ${TA_IDLE_DAYS} days; snapshot and stop or delete it.`,
          0,
          'highest DatabaseConnections, last 7 days',
          'connections',
          days.length,
        )
    }
    if (r.kind === 'nat-gateway') {
      const conn = u.metrics['nat.active_connections']
      const pk = u.metrics['nat.packets_in_per_s']
      const c = conn?.max ?? conn?.avg
      const p = pk?.sum ?? pk?.avg ?? pk?.max
      if (c && p && c.max === 0 && p.max === 0)
        recommendations.push({
          id: recommendationId('co.idle-nat-gateway', r.id, u.window),
          analyzer: 'ta.idle',
          check: 'idle-nat-gateway',
          resource: r,
          finding: 'Flagged',
          reasons: ['Idle'],
          current: {},
          currentPerformanceRisk: 'Unknown',
          currentDimensions: [],
          options: [],
          evidence: [
            { metric: 'nat.active_connections', stat: 'highest', value: 0, unit: 'connections', samples: c.samples, threshold: 0 },
            { metric: 'nat.packets_in_per_s', stat: 'highest', value: 0, unit: 'packets/s', samples: p.samples, threshold: 0 },
          ],
          window: u.window,
          bestPractices: ['PERF02-BP04', 'PERF01-BP03'],
          memoryBlind: false,
          estimatedMonthlySavings: null,
          summary: `Idle NAT gateway (Compute Optimizer's NatGateway idle kind): no active connection and no packet from the VPC in ${Math.round(c.hours / 24)} days. Delete it if no route needs it; it is billed per hour.`,
        })
    }
    return { recommendations, issues }
  },
})
