import { readFileSync } from 'node:fs'
import { loadWorkspaceCatalog } from '../catalog/load.js'
import type { Effects } from '../core/effects.js'
import { InputError, UsageError } from '../core/errors.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import { METRIC_NAMES, type MetricName } from '../core/metrics.js'
import { REPORT_SCHEMA_VERSION, type Evidence, type Report, type SimulationResult } from '../core/report.js'
import { VERSION } from '../core/version.js'
import { RENDERERS, type ReportFormat } from '../reporters/registry.js'
import { minuteDemand } from '../simulators/autoscaling/demand.js'
import { parsePolicyText, readAlarms, readPolicyDocument, type PolicyDocument } from '../simulators/autoscaling/load.js'
import { runScalingWhatIf } from '../simulators/autoscaling/run.js'
import type { GroupSpec, PolicySet, ScalingPolicy } from '../simulators/autoscaling/types.js'
import { DuckDbStore } from '../store/duckdb/store.js'
import { writeOutput } from './output.js'

export interface SimulateOptions {
  workspace: string
  group: string
  policyFiles: string[]
  search: boolean
  instanceType?: string
  region?: string
  launchDelaySec: number
  minSize?: number
  maxSize?: number
  desiredCapacity?: number
  recordedInstances?: number
  metric: string
  perInstanceCapacity?: number
  limitPct: number
  days: number
  asOf?: number
  timeline: boolean
  format: ReportFormat
  out?: string
  failOnBreach: boolean
  color: boolean
}

/** Reads policy files (describe-alarms output first, so describe-policies can find its thresholds). */
export function readPolicyFiles(paths: readonly string[]): PolicyDocument {
  const parsed = paths.map((p) => {
    let text: string
    try {
      text = readFileSync(p, 'utf8')
    } catch {
      throw new InputError({ file: p }, 'no such file', 'Check the --policy-file path.')
    }
    if (text.trim() === '') throw new InputError({ file: p }, 'the file is empty', 'Give a CloudFormation template or `aws autoscaling describe-policies` output.')
    return { p, data: parsePolicyText(p, text) }
  })
  const alarms = new Map(parsed.flatMap(({ p, data }) => [...readAlarms(p, data)]))
  const doc: PolicyDocument = { groups: [], policies: [] }
  for (const { p, data } of parsed) {
    const d = readPolicyDocument(p, data, alarms)
    doc.groups.push(...d.groups)
    doc.policies.push(...d.policies)
  }
  return doc
}

export async function runSimulateScaling(o: SimulateOptions, effects: Effects): Promise<ExitCode> {
  if (!(METRIC_NAMES as readonly string[]).includes(o.metric)) throw new UsageError(`--metric '${o.metric}' is not a headroom metric`, `Use one of: ${METRIC_NAMES.join(', ')}.`)
  const metric = o.metric as MetricName
  const cpu = metric === 'cpu.utilization'
  if (!cpu && o.perInstanceCapacity === undefined)
    throw new UsageError(`--metric ${metric} needs --per-instance-capacity`, `Say how much ${metric === 'lb.requests_per_s' ? 'requests per minute' : `${metric} per minute`} one instance serves at 100%, e.g. --per-instance-capacity 6000.`)
  const doc = readPolicyFiles(o.policyFiles)
  if (o.policyFiles.length === 0 && !o.search) throw new UsageError('Nothing to simulate', 'Give --policy-file (a CloudFormation template or describe-policies output), --search, or both.')

  const store = await DuckDbStore.open(o.workspace, { readOnly: true })
  let load
  try {
    load = await store.groupLoad({ group: o.group, metric, lookbackDays: o.days, ...(o.asOf === undefined ? {} : { asOf: o.asOf }) })
  } finally {
    store.close()
  }
  if (!load)
    throw new UsageError(`No ${metric} samples for group '${o.group}' in ${o.workspace}`,
      `Import the group's own series under the id '${o.group}' (kind asg), or member instances tagged aws:autoscaling:groupName=${o.group}; run \`headroom status\` to see what is stored.`)
  const catalog = loadWorkspaceCatalog(o.workspace)
  const own = load.source === 'group' ? load.series[0]!.resource : undefined
  const attr = (k: string) => (own && typeof own.attributes[k] === 'number' ? own.attributes[k] : own && typeof own.attributes[k] === 'string' ? Number(own.attributes[k]) : undefined)
  // One type, or a mixed group launched round robin in the order given (--instance-type m5.large,m5a.large).
  const typeNames = (o.instanceType ?? String((own ?? load.series[0]!.resource).attributes.instanceType ?? '')).split(',').map((x) => x.trim()).filter(Boolean)
  const types = typeNames.map((n) => catalog.get(n))
  const unknown = typeNames.filter((_, i) => !types[i])
  if (typeNames.length === 0 || unknown.length > 0)
    throw new UsageError(typeNames.length ? `Instance type '${unknown.join(', ')}' is not in the catalog` : `The group's instance type is unknown`, 'Pass --instance-type (e.g. m5.large, or m5.large,m5a.large for a mixed group), or set instanceType in the resources manifest.')
  const type = types[0]!
  const region = o.region ?? own?.region ?? load.series[0]!.resource.region ?? 'us-east-1'
  const perInstance = cpu ? type.vcpus : o.perInstanceCapacity!
  if (!cpu && types.length > 1) throw new UsageError('A mixed group needs CPU load to weigh its types', 'Use --metric cpu.utilization, or a single --instance-type with --per-instance-capacity.')

  // The group as the template, the manifest or the flags describe it (flags win).
  const templateGroups = doc.groups
  const tg = templateGroups.find((g) => g.name === o.group) ?? (templateGroups.length === 1 ? templateGroups[0] : undefined)
  if (templateGroups.length > 1 && !tg) throw new UsageError(`The templates define ${templateGroups.length} Auto Scaling groups and none is named '${o.group}'`, `Groups: ${templateGroups.map((g) => g.name).join(', ')}; name the stored group like one of them, or keep one per template.`)
  const minSize = o.minSize ?? tg?.minSize ?? attr('minSize')
  const maxSize = o.maxSize ?? tg?.maxSize ?? attr('maxSize')
  if (minSize === undefined || maxSize === undefined) throw new UsageError(`Min and max size of group '${o.group}' are unknown`, 'Give a template with the AutoScalingGroup, set minSize/maxSize attributes in the manifest, or pass --min and --max.')
  if (minSize > maxSize) throw new UsageError(`Min size ${minSize} is larger than max size ${maxSize}`, 'Fix --min/--max or the template.')
  const desired = o.desiredCapacity ?? tg?.desiredCapacity ?? attr('desiredCapacity') ?? minSize
  const group: GroupSpec = {
    name: o.group, minSize, maxSize, desiredCapacity: Math.min(Math.max(desired, minSize), maxSize),
    instanceTypes: types.map((t) => ({ name: t!.name, capacity: cpu ? t!.vcpus : perInstance, pricePerHour: catalog.priceUsd(t!.name, region) ?? null })),
    launchDelaySec: o.launchDelaySec,
  }

  // Load -> demand in capacity units per minute.
  const evidence: Evidence[] = []
  let demandSource: string
  let weightOf: (i: number) => number
  if (load.source === 'group' && cpu) {
    const recorded = o.recordedInstances ?? attr('recordedInstances') ?? attr('desiredCapacity')
    if (recorded === undefined) throw new UsageError(`The stored series of '${o.group}' is the group's average CPU, but how many instances ran is unknown`, 'Pass --recorded-instances N (or set recordedInstances/desiredCapacity in the manifest) to turn the average into load.')
    weightOf = () => (recorded * type.vcpus) / 100
    demandSource = `group average CPU (${load.stat}) x ${recorded} recorded ${type.name} instances x ${type.vcpus} vCPU`
  } else if (cpu) {
    const vcpus = load.series.map((s) => catalog.get(String(s.resource.attributes.instanceType ?? ''))?.vcpus)
    const missing = load.series.filter((_, i) => vcpus[i] === undefined).map((s) => s.resource.id)
    if (missing.length) throw new UsageError(`Members without a known instance type: ${missing.slice(0, 5).join(', ')}`, 'Add instance_type for them in a resources manifest.')
    weightOf = (i) => vcpus[i]! / 100
    demandSource = `sum over ${load.series.length} members of CPU (${load.stat}) x their vCPUs`
  } else {
    const perMinute = metric.endsWith('_per_s') ? 60 : 1
    weightOf = () => perMinute
    demandSource = `${load.source === 'group' ? 'group' : `sum over ${load.series.length} members of`} ${metric} (${load.stat})${perMinute === 60 ? ' x 60 per minute' : ''}`
  }
  const { demand, startMs, gapMinutes } = minuteDemand(load.series.map((s, i) => ({ ts: s.ts, values: s.values, periodSec: s.periodSec, weight: weightOf(i) })), load.window)
  if (demand.length === 0 || load.series.every((s) => s.values.length === 0))
    throw new UsageError(`Group '${o.group}' has no ${metric} samples in the ${o.days}-day window`, 'Widen --days, move --as-of, or import data for the window.')
  evidence.push({ metric, stat: `${load.stat} per ${load.series[0]!.periodSec} s, held per minute`, value: load.series.reduce((a, s) => a + s.values.length, 0), unit: 'samples', samples: demand.length, note: demandSource })
  if (cpu) {
    const saturated = load.series.reduce((a, s) => a + s.values.filter((v) => v >= 99.5).length, 0)
    if (saturated > 0)
      evidence.push({ metric, stat: 'samples at 99.5% CPU or more', value: saturated, unit: 'samples', samples: demand.length, note: 'the load there may have been higher than recorded (CPU cannot show more than 100%), so breach minutes are a lower bound' })
  }
  if (gapMinutes > 0) evidence.push({ metric, stat: 'minutes without a sample (last value held)', value: gapMinutes, unit: 'minutes', samples: demand.length })
  if (load.stat !== 'avg') evidence.push({ metric, stat: `load from ${load.stat} values`, value: 0, unit: '', samples: demand.length, note: 'no averages stored: maxima overstate the load the group served' })

  // Current policies: those for this group, or for the template's only group, or untied ones.
  const mine = doc.policies.filter((p) => !p.group || p.group === o.group || p.group === tg?.name)
  const policies: ScalingPolicy[] = mine.map((p) => {
    if (p.predefinedMetric === 'ALBRequestCountPerTarget' && p.policy.type === 'TargetTracking') {
      if (cpu) throw new UsageError(`Policy '${p.policy.name}' tracks ALBRequestCountPerTarget but the load is CPU`, 'Pass --metric lb.requests_per_s --per-instance-capacity N (requests per minute one instance serves).')
      return { ...p.policy, targetValue: (p.policy.targetValue / perInstance) * 100 }
    }
    if (p.predefinedMetric === 'ASGAverageCPUUtilization' && !cpu) throw new UsageError(`Policy '${p.policy.name}' tracks CPU but --metric is ${metric}`, 'Use --metric cpu.utilization for CPU policies.')
    return p.policy
  })
  const current: PolicySet | undefined = o.policyFiles.length ? { name: 'current', policies } : undefined
  const result = runScalingWhatIf({ group, demand, startMs, utilizationLimitPct: o.limitPct, demandSource, evidence, ...(current ? { current } : {}), search: o.search, timeline: o.timeline })
  const report = simulationReport([result], { ...o, instanceType: typeNames.join(','), region }, effects.now())
  const text = RENDERERS[o.format](report, { color: o.color && !o.out })
  if (o.out) {
    writeOutput(o.out, text)
    effects.stderr.write(`wrote ${o.format} simulation report to ${o.out}\n`)
  } else effects.stdout.write(text)
  const cur = result.outcomes.find((x) => x.policySet === 'current')
  if (o.failOnBreach && cur && cur.breachMinutes > 0) {
    effects.stderr.write(`headroom: --fail-on-breach: the current policy breached ${cur.breachMinutes} minute(s)\n`)
    return EXIT.GATE
  }
  return EXIT.OK
}

export function simulationReport(simulations: SimulationResult[], o: Partial<SimulateOptions> & { instanceType?: string; region?: string }, now: number): Report {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    meta: {
      tool: 'headroom', version: VERSION, generatedAt: now,
      options: {
        lookbackDays: o.days ?? 14, asOf: o.asOf ?? null, analyzers: {},
        simulation: { group: o.group ?? null, launchDelaySec: o.launchDelaySec ?? null, limitPct: o.limitPct ?? null, days: o.days ?? null, instanceType: o.instanceType ?? null, region: o.region ?? null, search: o.search ?? false },
      },
      catalogSources: [],
    },
    summary: { resources: 0, analyzed: 0, currentMonthlyCost: 0, recommendedMonthlyCost: 0, monthlySavings: 0, upsizingMonthlyCost: 0, unpricedResources: 0, byFinding: {}, byRisk: {} },
    recommendations: [],
    simulations,
    issues: [],
  }
}

