import type { InstanceType } from '../../catalog/types.js'
import type { Evidence, Issue, Recommendation } from '../../core/report.js'
import {
  assess,
  chooseOptions,
  Ec2RightsizeOptionsSchema,
  findOptions,
  measureDemands,
  overallRisk,
  publicOption,
  sustainedVcpus,
} from '../ec2-rightsize/index.js'
import { recommendationId, round } from '../kit.js'
import { defineAnalyzer } from '../types.js'
import { hostPresent } from './present.js'

/** A host as the sizing code sees it: its cores and memory, nothing else known (no price, no EC2 family). */
export function hostAsType(id: string, vcpus: number, memoryGiB: number, arch = 'x86_64'): InstanceType {
  return {
    name: `host ${id}`,
    family: 'host',
    generation: 0,
    size: '',
    familyGroup: 'host',
    vcpus,
    memoryGiB,
    architectures: [arch],
    processorManufacturer: 'host',
    physicalProcessor: '',
    sustainedClockGhz: null,
    burstable: false,
    burstBaselinePct: null,
    currentGeneration: true,
    bareMetal: false,
    hypervisor: '',
    networkBaselineGbps: null,
    networkPeakGbps: null,
    networkLabel: '',
    ebsBaselineMbps: null,
    ebsMaxMbps: null,
    ebsBaselineIops: null,
    ebsMaxIops: null,
    instanceStorageGb: null,
    gpuCount: 0,
    gpuManufacturer: null,
    gpuModel: null,
    gpuMemoryMiB: null,
    neuronDevice: null,
    regions: [],
    pricePerHour: {},
  }
}

/**
 * Migration sizing: which EC2 types would carry a host (on-prem, other cloud, Kubernetes node) measured by
 * node_exporter, with the same method, headroom and risk formula as ec2.rightsize. Demand is absolute (cores x
 * utilization, GiB x memory used), so the host's own size only converts percentages.
 */
export const hostSizing = defineAnalyzer({
  meta: {
    id: 'host.ec2-sizing',
    title: 'Host -> EC2 sizing (migration)',
    resourceKinds: ['host'],
    requires: ['cpu.utilization', 'mem.utilization'],
    since: '0.1.0',
    docs: 'docs/prometheus.md',
    recommended: true,
    bestPractices: ['PERF02-BP01', 'PERF02-BP04', 'PERF01-BP07'],
  },
  options: Ec2RightsizeOptionsSchema,
  present: hostPresent,
  analyze({ usage: u, catalog }, o) {
    const analyzer = 'host.ec2-sizing'
    const issues: Issue[] = []
    const r = u.resource
    const region = r.region ?? o.defaultRegion
    const vcpus = Number(r.attributes.vcpus)
    const mem = Number(r.attributes.memoryGiB)
    // A host with GPUs (DCGM exporter) is sized by gpu.rightsize, onto EC2 types with its GPU model.
    if (Number(r.attributes.gpuCount) > 0) return { recommendations: [], issues: [] }
    const base = {
      id: recommendationId(analyzer, r.id, u.window),
      analyzer,
      resource: r,
      window: u.window,
      bestPractices: ['PERF02-BP01', 'PERF02-BP04', 'PERF01-BP07'],
      currentPerformanceRisk: 'Unknown' as const,
      estimatedMonthlySavings: null,
    }
    const current = { vcpus: vcpus > 0 ? vcpus : null, memoryGiB: mem > 0 ? mem : null, region, monthlyCost: null }
    const insufficient = (reason: string, summary: string): Recommendation => ({
      ...base,
      finding: 'InsufficientData',
      reasons: [reason],
      current,
      currentDimensions: [],
      options: [],
      evidence: [],
      summary,
      memoryBlind: !u.metrics['mem.utilization'],
    })
    if (!(vcpus > 0)) return { recommendations: [insufficient('HostSizeUnknown', 'Core count unknown (no node_cpu_seconds_total).')], issues }
    const cpu = u.metrics['cpu.utilization']?.max ?? u.metrics['cpu.utilization']?.avg
    if (!cpu || cpu.hours < o.minHours)
      return { recommendations: [insufficient('InsufficientData', `${round(cpu?.hours ?? 0, 1)} h of CPU data; at least ${o.minHours} h are needed.`)], issues }
    // Without a measured memory size, keep what the host has: an unknown memory is never sized down.
    const host = hostAsType(r.id, vcpus, mem > 0 ? mem : 0)
    const { demands, memoryBlind, notes } = measureDemands(u, host, o)
    const options = chooseOptions(
      findOptions({
        demands,
        current: host,
        memoryBlind,
        catalog,
        region,
        o: { ...o, memoryBlind: 'keep' },
        sustained: sustainedVcpus(u, host),
        currentMonthly: null,
      }),
      host,
      o.maxOptions,
    )
    options.forEach((x, i) => (x.rank = i + 1))
    const currentDims = assess(demands, host, host, memoryBlind)
    const evidence: Evidence[] = demands.flatMap((d) => d.evidence)
    const top = options[0]
    const need = (dim: string) => demands.find((d) => d.dimension === dim)
    const cpuNeed = need('cpu')
    const memNeed = need('memory')
    const summary = top
      ? `${vcpus} cores${mem > 0 ? `, ${round(mem, 1)} GiB` : ''}: fits ${top._type.name}${top.monthlyCost === null ? ` (price unknown in ${region})` : ` for $${round(top.monthlyCost, 2)}/month`} (${top.performanceRisk} risk): needs ${round(cpuNeed?.need ?? 0, 2)} vCPU${memNeed ? ` and ${round(memNeed.need, 1)} GiB` : '; memory not measured, kept at the host’s size'}.`
      : `No EC2 type offered in ${region} covers the measured need (${round(cpuNeed?.need ?? 0, 2)} vCPU${memNeed ? `, ${round(memNeed.need, 1)} GiB` : ''}).`
    return {
      recommendations: [
        {
          ...base,
          finding: top ? 'Sized' : 'Underprovisioned',
          reasons: top ? ['MigrationSizing'] : ['NoTypeFits'],
          current,
          currentPerformanceRisk: overallRisk(currentDims, host, host, memoryBlind),
          currentDimensions: currentDims,
          options: options.map(publicOption).map((rest) => ({
            ...rest,
            monthlySavings: null,
            migrationEffort: 'Medium',
            notes: [
              ...rest.notes.filter((n) => !n.startsWith('CPU compared')),
              'A host core is compared 1:1 with a vCPU; benchmark the workload on the candidate before moving.',
            ],
          })),
          evidence,
          summary: notes.length ? `${summary} ${notes.join(' ')}` : summary,
          memoryBlind,
        },
      ],
      issues,
    }
  },
})
