import { z } from 'zod'
import type { DimensionAssessment, Evidence, Finding } from '../../core/report.js'
import { shareAbove } from '../risk.js'
import { recommendationId } from '../kit.js'
import { defineAnalyzer } from '../types.js'
import { k8sPresent } from './present.js'

/**
 * Container requests and limits, krr-compatible by default (robusta-dev/krr "simple" strategy): CPU request =
 * the 95th percentile of CPU usage, no CPU limit; memory request = memory limit = peak usage + 15%. Usage points
 * are headroom's 5-minute averages (CPU) and maxima (memory) of the busiest replica. Workloads under a
 * HorizontalPodAutoscaler are flagged and not sized: the HPA changes replicas against these very requests.
 */
export const K8sOptionsSchema = z.object({
  cpuPercentile: z.enum(['p90', 'p95', 'p99']).default('p95'),
  memoryBufferPct: z.number().min(0).max(100).default(15),
  /** Current requests within this share of the recommendation count as Optimized. */
  tolerancePct: z.number().min(0).max(100).default(10),
  minHours: z.number().min(0).default(24),
})

const cores = (x: number) => `${Math.max(1, Math.ceil(x * 1000))}m`
const mib = (bytes: number) => `${Math.max(1, Math.ceil(bytes / 2 ** 20))}Mi`

export const k8sRightsize = defineAnalyzer({
  meta: {
    id: 'k8s.rightsize',
    title: 'Container requests and limits (krr-compatible)',
    resourceKinds: ['k8s-workload'],
    requires: ['cpu.cores', 'mem.used.bytes'],
    since: '0.1.0',
    docs: 'docs/prometheus.md',
    recommended: true,
    bestPractices: ['PERF02-BP04', 'PERF02-BP03'],
  },
  options: K8sOptionsSchema,
  present: k8sPresent,
  analyze({ usage: u }, o) {
    const analyzer = 'k8s.rightsize'
    const r = u.resource
    const a = r.attributes
    const num = (k: string) => (typeof a[k] === 'number' ? a[k] : undefined)
    const cur = {
      cpuRequestCores: num('cpuRequestCores') ?? null,
      cpuLimitCores: num('cpuLimitCores') ?? null,
      memRequestBytes: num('memRequestBytes') ?? null,
      memLimitBytes: num('memLimitBytes') ?? null,
      pods: num('pods') ?? null,
    }
    const base = {
      id: recommendationId(analyzer, r.id, u.window),
      analyzer,
      resource: r,
      window: u.window,
      bestPractices: ['PERF02-BP04', 'PERF02-BP03'],
      current: cur,
      estimatedMonthlySavings: null,
      memoryBlind: false,
    }
    if (typeof a.hpa === 'string' && a.hpa)
      return {
        recommendations: [
          {
            ...base,
            finding: 'Flagged',
            reasons: ['HPAControlled'],
            currentPerformanceRisk: 'Unknown',
            currentDimensions: [],
            options: [],
            evidence: [],
            summary: `Scaled by HorizontalPodAutoscaler ${a.hpa}; its requests set the HPA's utilization, so they are not resized here.`,
          },
        ],
        issues: [],
      }
    const cpuSeries = u.metrics['cpu.cores']?.avg ?? u.metrics['cpu.cores']?.max
    const memSeries = u.metrics['mem.used.bytes']?.max ?? u.metrics['mem.used.bytes']?.avg
    if (!cpuSeries || !memSeries || Math.min(cpuSeries.hours, memSeries.hours) < o.minHours)
      return {
        recommendations: [
          {
            ...base,
            finding: 'InsufficientData',
            reasons: ['InsufficientData'],
            currentPerformanceRisk: 'Unknown',
            currentDimensions: [],
            options: [],
            evidence: [],
            summary: `${cpuSeries && memSeries ? `${Math.min(cpuSeries.hours, memSeries.hours).toFixed(1)} h of data; at least ${o.minHours} h are needed` : 'CPU or memory usage missing'}.`,
          },
        ],
        issues: [],
      }
    const cpuReq = o.cpuPercentile === 'p90' ? cpuSeries.p90 : o.cpuPercentile === 'p99' ? cpuSeries.p99 : cpuSeries.p95
    const memLimit = memSeries.max * (1 + o.memoryBufferPct / 100)
    const recCpu = Math.ceil(cpuReq * 1000) / 1000
    const recMem = Math.ceil(memLimit / 2 ** 20) * 2 ** 20
    // Risk: CPU above its request only competes for spare node CPU (no limit, no throttling): Low at the percentile.
    // Memory above the limit is an OOM kill: share of intervals whose peak would exceed the new limit.
    const memShare = shareAbove(memSeries, recMem)
    const dims: DimensionAssessment[] = [
      {
        dimension: 'cpu',
        measured: true,
        demand: cpuReq,
        need: recCpu,
        capacity: recCpu,
        unit: 'cores',
        projectedUtilization: recCpu > 0 ? (cpuSeries.p50 / recCpu) * 100 : null,
        exceedanceShare: shareAbove(cpuSeries, recCpu),
        risk: 'Low',
        note: `usage above the request ${(shareAbove(cpuSeries, recCpu) * 100).toFixed(1)}% of the time, as ${o.cpuPercentile} sizing intends; no CPU limit, so no throttling`,
      },
      {
        dimension: 'memory',
        measured: true,
        demand: memSeries.max,
        need: recMem,
        capacity: recMem,
        unit: 'bytes',
        projectedUtilization: (memSeries.max / recMem) * 100,
        exceedanceShare: memShare,
        risk: memShare > 0 ? 'High' : 'VeryLow',
        note: `limit = peak ${mib(memSeries.max)} + ${o.memoryBufferPct}%`,
      },
    ]
    const reasons: string[] = []
    const tol = 1 + o.tolerancePct / 100
    let finding: Finding = 'Optimized'
    if (cur.cpuRequestCores === null && cur.memRequestBytes === null) finding = 'Sized'
    else {
      if (cur.memLimitBytes !== null && cur.memLimitBytes < memSeries.max) reasons.push('MemoryUnderprovisioned')
      else if (cur.memRequestBytes !== null && cur.memRequestBytes * tol < recMem) reasons.push('MemoryUnderprovisioned')
      if (cur.cpuRequestCores !== null && cur.cpuRequestCores * tol < recCpu) reasons.push('CPUUnderprovisioned')
      if (reasons.length) finding = 'Underprovisioned'
      else {
        if (cur.cpuRequestCores !== null && cur.cpuRequestCores > recCpu * tol) reasons.push('CPUOverprovisioned')
        if (cur.memRequestBytes !== null && cur.memRequestBytes > recMem * tol) reasons.push('MemoryOverprovisioned')
        if (reasons.length) finding = 'Overprovisioned'
      }
    }
    const evidence: Evidence[] = [
      {
        metric: 'cpu.cores',
        stat: `${o.cpuPercentile} of 5-minute ${u.metrics['cpu.cores']?.avg ? 'averages' : 'maxima'} (busiest replica)`,
        value: Math.round(cpuReq * 1e4) / 1e4,
        unit: 'cores',
        samples: cpuSeries.samples,
      },
      { metric: 'mem.used.bytes', stat: 'peak working set (busiest replica)', value: memSeries.max, unit: 'bytes', samples: memSeries.samples },
    ]
    const was = (x: number | null, f: (v: number) => string) => (x === null ? 'unset' : f(x))
    return {
      recommendations: [
        {
          ...base,
          finding,
          reasons,
          currentPerformanceRisk: cur.memLimitBytes !== null && cur.memLimitBytes < memSeries.max ? 'High' : 'Unknown',
          currentDimensions: [],
          options: [
            {
              rank: 1,
              change: { cpuRequest: cores(recCpu), cpuLimit: 'none', memoryRequest: mib(recMem), memoryLimit: mib(recMem) },
              performanceRisk: memShare > 0 ? 'High' : 'Low',
              bindingDimension: 'memory',
              dimensions: dims,
              monthlyCost: null,
              monthlySavings: null,
              migrationEffort: 'VeryLow',
              platformDifferences: [],
              notes: [
                `krr-compatible "simple" strategy: CPU request = ${o.cpuPercentile}, no CPU limit, memory request = limit = peak + ${o.memoryBufferPct}%.`,
              ],
            },
          ],
          evidence,
          summary: `CPU request ${was(cur.cpuRequestCores, cores)} -> ${cores(recCpu)}, memory ${was(cur.memRequestBytes, mib)} -> ${mib(recMem)} (limit ${was(cur.memLimitBytes, mib)} -> ${mib(recMem)}).`,
        },
      ],
      issues: [],
    }
  },
})
