import type { Recommendation, Report, ResourceRef } from '../core/report.js'

/**
 * Prometheus recording and alerting rules for the hosts headroom collected from Prometheus (node_exporter metrics, as
 * `collect prometheus` reads them): recording rules for CPU and memory utilization in percent per instance, and per
 * sized host an alert at the level its sizing needs, for 15 minutes (three 5-minute intervals, as the CloudWatch
 * alarms' 3 of 5). The rule file format is Prometheus's (https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/);
 * the tests run `promtool check rules` on what this writes.
 */
export interface RuleGroup {
  name: string
  interval?: string
  rules: (
    { record: string; expr: string } | { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> }
  )[]
}

const CPU = 'headroom:node_cpu_utilization:percent'
const MEM = 'headroom:node_memory_utilization:percent'
/** PromQL string literal for a label value. */
const quote = (s: string) => JSON.stringify(s)

function level(r: Recommendation, dim: 'cpu' | 'memory'): { pct: number; need: number; capacity: number; unit: string } | undefined {
  const d = r.currentDimensions.find((x) => x.dimension === dim && x.measured)
  if (!d || d.need === null || !d.capacity) return undefined
  return { pct: Math.min(100, Math.round((d.need / d.capacity) * 1000) / 10), need: d.need, capacity: d.capacity, unit: d.unit }
}

export function prometheusRules(report: Report, resources: readonly ResourceRef[], only?: readonly string[]): { groups: RuleGroup[]; notes: string[] } {
  const hosts = resources.filter((r) => r.provider === 'prometheus' && r.kind === 'host' && (!only || only.includes(r.id)))
  const notes: string[] = []
  const alerts: RuleGroup['rules'] = []
  for (const h of hosts) {
    const rec = report.recommendations.find((x) => x.resource.id === h.id && x.currentDimensions.some((d) => d.measured && d.need !== null))
    if (!rec) {
      notes.push(`${h.id}: no alert: its analysis has no sized need (too little data).`)
      continue
    }
    for (const [dim, series, title] of [
      ['cpu', CPU, 'CPU'],
      ['memory', MEM, 'Memory'],
    ] as const) {
      const l = level(rec, dim)
      if (!l) continue
      alerts.push({
        alert: `Headroom${title}AboveSizedLevel`,
        expr: `${series}{instance=${quote(h.id)}} > ${l.pct}`,
        for: '15m',
        labels: { severity: 'warning', headroom_resource: h.id },
        annotations: {
          summary: `${title} of ${h.id} above ${l.pct}%, the level it was sized for`,
          description: `headroom ${rec.analyzer}: need ${l.need.toFixed(2)} of ${l.capacity.toFixed(2)} ${l.unit} (demand at the sizing percentile plus headroom); above it for 15 minutes is a sustained excursion, not the tail the sizing tolerated. Value: {{ $value | printf "%.1f" }}%.`,
        },
      })
    }
  }
  if (!hosts.length) return { groups: [], notes: ['No host collected from Prometheus in the workspace: no Prometheus rules.'] }
  return {
    groups: [
      {
        name: 'headroom-recording',
        interval: '1m',
        rules: [
          { record: CPU, expr: '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))' },
          { record: MEM, expr: '100 * (1 - max by (instance) (node_memory_MemAvailable_bytes) / max by (instance) (node_memory_MemTotal_bytes))' },
        ],
      },
      ...(alerts.length ? [{ name: 'headroom-alerts', rules: alerts }] : []),
    ],
    notes,
  }
}
