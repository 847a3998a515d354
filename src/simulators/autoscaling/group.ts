import type { Catalog } from '../../catalog/catalog.js'
import { UsageError } from '../../core/errors.js'
import { METRIC_NAMES, type MetricName } from '../../core/metrics.js'
import { REPORT_SCHEMA_VERSION, type Evidence, type ScalingReport } from '../../core/report.js'
import { VERSION } from '../../core/version.js'
import type { GroupLoad } from '../../store/types.js'
import { minuteDemand } from './demand.js'
import type { PolicyDocument } from './load.js'
import { runScalingWhatIf } from './run.js'
import type { GroupSpec, PolicySet, ScalingPolicy } from './types.js'

export interface ScalingWhatIfOptions {
  /** The group's id in the workspace (its own series, kind asg, or its members' tag aws:autoscaling:groupName). */
  group: string
  /** CloudFormation templates and/or `aws autoscaling describe-policies` / `describe-alarms` output. */
  policyFiles: readonly string[]
  /** Also search candidate policy sets for the cheapest with zero breach minutes. */
  search: boolean
  /** One type, or a mixed group's types in launch order: 'm5.large,m5a.large' (default: the stored instanceType). */
  instanceType?: string
  region?: string
  launchDelaySec: number
  minSize?: number
  maxSize?: number
  desiredCapacity?: number
  /** How many instances ran while the group's own average CPU was recorded. */
  recordedInstances?: number
  /** A headroom metric name; load other than CPU needs perInstanceCapacity. */
  metric: string
  perInstanceCapacity?: number
  limitPct: number
  days: number
  asOf?: number
  /** Keep the per-minute desired/serving/demand series in each outcome. */
  timeline: boolean | 'all'
  /** The workspace folder, to name it in messages. */
  workspace?: string
}

/** The load metric of a what-if, checked: a headroom metric name, and CPU unless one instance's capacity is given. */
export function scalingMetric(o: Pick<ScalingWhatIfOptions, 'metric' | 'perInstanceCapacity'>): MetricName {
  if (!(METRIC_NAMES as readonly string[]).includes(o.metric))
    throw new UsageError(`--metric '${o.metric}' is not a headroom metric`, `Use one of: ${METRIC_NAMES.join(', ')}.`)
  const metric = o.metric as MetricName
  if (metric !== 'cpu.utilization' && o.perInstanceCapacity === undefined)
    throw new UsageError(
      `--metric ${metric} needs --per-instance-capacity`,
      `Say how much ${metric === 'lb.requests_per_s' ? 'requests per minute' : `${metric} per minute`} one instance serves at 100%, e.g. --per-instance-capacity 6000.`,
    )
  return metric
}

export interface ScalingWhatIfInput {
  /** The group's recorded load over the window (GroupLoadReader.groupLoad), undefined when nothing is stored. */
  load: GroupLoad | undefined
  /** The policy files read (readPolicyFiles in src/app/simulate.ts). */
  doc: PolicyDocument
  catalog: Catalog
  options: ScalingWhatIfOptions
  /** The report's generatedAt (epoch ms). */
  now: number
  version?: string
}

/**
 * The what-if, pure: the recorded load turned into per-minute demand, the group as its template, manifest or options
 * describe it (options win), its current policies and, with `search`, candidate policy sets replayed against that
 * demand, as a scaling document.
 */
export function scalingWhatIf({ load, doc, catalog, options: o, now, version }: ScalingWhatIfInput): ScalingReport {
  const metric = scalingMetric(o)
  const cpu = metric === 'cpu.utilization'
  if (!load)
    throw new UsageError(
      `No ${metric} samples for group '${o.group}'${o.workspace ? ` in ${o.workspace}` : ''}`,
      `Import the group's own series under the id '${o.group}' (kind asg), or member instances tagged aws:autoscaling:groupName=${o.group}; run \`headroom status\` to see what is stored.`,
    )
  const own = load.source === 'group' ? load.series[0]!.resource : undefined
  const attr = (k: string) =>
    own && typeof own.attributes[k] === 'number' ? own.attributes[k] : own && typeof own.attributes[k] === 'string' ? Number(own.attributes[k]) : undefined
  // One type, or a mixed group launched round robin in the order given (--instance-type m5.large,m5a.large).
  const typeNames = (o.instanceType ?? String((own ?? load.series[0]!.resource).attributes.instanceType ?? ''))
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
  const types = typeNames.map((n) => catalog.get(n))
  const unknown = typeNames.filter((_, i) => !types[i])
  if (typeNames.length === 0 || unknown.length > 0)
    throw new UsageError(
      typeNames.length ? `Instance type '${unknown.join(', ')}' is not in the catalog` : `The group's instance type is unknown`,
      'Pass --instance-type (e.g. m5.large, or m5.large,m5a.large for a mixed group), or set instanceType in the resources manifest.',
    )
  const type = types[0]!
  const region = o.region ?? own?.region ?? load.series[0]!.resource.region ?? 'us-east-1'
  const perInstance = cpu ? type.vcpus : o.perInstanceCapacity!
  if (!cpu && types.length > 1)
    throw new UsageError(
      'A mixed group needs CPU load to weigh its types',
      'Use --metric cpu.utilization, or a single --instance-type with --per-instance-capacity.',
    )

  // The group as the template, the manifest or the flags describe it (flags win).
  const templateGroups = doc.groups
  const tg = templateGroups.find((g) => g.name === o.group) ?? (templateGroups.length === 1 ? templateGroups[0] : undefined)
  if (templateGroups.length > 1 && !tg)
    throw new UsageError(
      `The templates define ${templateGroups.length} Auto Scaling groups and none is named '${o.group}'`,
      `Groups: ${templateGroups.map((g) => g.name).join(', ')}; name the stored group like one of them, or keep one per template.`,
    )
  const minSize = o.minSize ?? tg?.minSize ?? attr('minSize')
  const maxSize = o.maxSize ?? tg?.maxSize ?? attr('maxSize')
  if (minSize === undefined || maxSize === undefined)
    throw new UsageError(
      `Min and max size of group '${o.group}' are unknown`,
      'Give a template with the AutoScalingGroup, set minSize/maxSize attributes in the manifest, or pass --min and --max.',
    )
  if (minSize > maxSize) throw new UsageError(`Min size ${minSize} is larger than max size ${maxSize}`, 'Fix --min/--max or the template.')
  const desired = o.desiredCapacity ?? tg?.desiredCapacity ?? attr('desiredCapacity') ?? minSize
  const group: GroupSpec = {
    name: o.group,
    minSize,
    maxSize,
    desiredCapacity: Math.min(Math.max(desired, minSize), maxSize),
    instanceTypes: types.map((t) => ({ name: t!.name, capacity: cpu ? t!.vcpus : perInstance, pricePerHour: catalog.priceUsd(t!.name, region) ?? null })),
    launchDelaySec: o.launchDelaySec,
  }

  // Load -> demand in capacity units per minute.
  const evidence: Evidence[] = []
  let demandSource: string
  let weightOf: (i: number) => number
  if (load.source === 'group' && cpu) {
    const recorded = o.recordedInstances ?? attr('recordedInstances') ?? attr('desiredCapacity')
    if (recorded === undefined)
      throw new UsageError(
        `The stored series of '${o.group}' is the group's average CPU, but how many instances ran is unknown`,
        'Pass --recorded-instances N (or set recordedInstances/desiredCapacity in the manifest) to turn the average into load.',
      )
    weightOf = () => (recorded * type.vcpus) / 100
    demandSource = `group average CPU (${load.stat}) x ${recorded} recorded ${type.name} instances x ${type.vcpus} vCPU`
  } else if (cpu) {
    const vcpus = load.series.map((s) => catalog.get(String(s.resource.attributes.instanceType ?? ''))?.vcpus)
    const missing = load.series.filter((_, i) => vcpus[i] === undefined).map((s) => s.resource.id)
    if (missing.length)
      throw new UsageError(`Members without a known instance type: ${missing.slice(0, 5).join(', ')}`, 'Add instance_type for them in a resources manifest.')
    weightOf = (i) => vcpus[i]! / 100
    demandSource = `sum over ${load.series.length} members of CPU (${load.stat}) x their vCPUs`
  } else {
    const perMinute = metric.endsWith('_per_s') ? 60 : 1
    weightOf = () => perMinute
    demandSource = `${load.source === 'group' ? 'group' : `sum over ${load.series.length} members of`} ${metric} (${load.stat})${perMinute === 60 ? ' x 60 per minute' : ''}`
  }
  const { demand, startMs, gapMinutes } = minuteDemand(
    load.series.map((s, i) => ({ ts: s.ts, values: s.values, periodSec: s.periodSec, weight: weightOf(i) })),
    load.window,
  )
  if (demand.length === 0 || load.series.every((s) => s.values.length === 0))
    throw new UsageError(
      `Group '${o.group}' has no ${metric} samples in the ${o.days}-day window`,
      'Widen --days, move --as-of, or import data for the window.',
    )
  evidence.push({
    metric,
    stat: `${load.stat} per ${load.series[0]!.periodSec} s, held per minute`,
    value: load.series.reduce((a, s) => a + s.values.length, 0),
    unit: 'samples',
    samples: demand.length,
    note: demandSource,
  })
  if (cpu) {
    const saturated = load.series.reduce((a, s) => a + s.values.filter((v) => v >= 99.5).length, 0)
    if (saturated > 0)
      evidence.push({
        metric,
        stat: 'samples at 99.5% CPU or more',
        value: saturated,
        unit: 'samples',
        samples: demand.length,
        note: 'the load there may have been higher than recorded (CPU cannot show more than 100%), so breach minutes are a lower bound',
      })
  }
  if (gapMinutes > 0) evidence.push({ metric, stat: 'minutes without a sample (last value held)', value: gapMinutes, unit: 'minutes', samples: demand.length })
  if (load.stat !== 'avg')
    evidence.push({
      metric,
      stat: `load from ${load.stat} values`,
      value: 0,
      unit: '',
      samples: demand.length,
      note: 'no averages stored: maxima overstate the load the group served',
    })

  // Current policies: those for this group, or for the template's only group, or untied ones.
  const mine = doc.policies.filter((p) => !p.group || p.group === o.group || p.group === tg?.name)
  const policies: ScalingPolicy[] = mine.map((p) => {
    if (p.predefinedMetric === 'ALBRequestCountPerTarget' && p.policy.type === 'TargetTracking') {
      if (cpu)
        throw new UsageError(
          `Policy '${p.policy.name}' tracks ALBRequestCountPerTarget but the load is CPU`,
          'Pass --metric lb.requests_per_s --per-instance-capacity N (requests per minute one instance serves).',
        )
      return { ...p.policy, targetValue: (p.policy.targetValue / perInstance) * 100 }
    }
    if (p.predefinedMetric === 'ASGAverageCPUUtilization' && !cpu)
      throw new UsageError(`Policy '${p.policy.name}' tracks CPU but --metric is ${metric}`, 'Use --metric cpu.utilization for CPU policies.')
    return p.policy
  })
  const current: PolicySet | undefined = o.policyFiles.length ? { name: 'current', policies } : undefined
  const result = runScalingWhatIf({
    group,
    demand,
    startMs,
    utilizationLimitPct: o.limitPct,
    demandSource,
    evidence,
    ...(current ? { current } : {}),
    search: o.search,
    timeline: o.timeline,
  })
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'scaling',
    meta: {
      tool: 'headroom',
      version: version ?? VERSION,
      generatedAt: now,
      options: {
        group: o.group,
        lookbackDays: o.days,
        asOf: o.asOf ?? null,
        launchDelaySec: o.launchDelaySec,
        limitPct: o.limitPct,
        instanceType: typeNames.join(','),
        region,
        metric,
        search: o.search,
      },
    },
    simulations: [result],
    issues: [],
  }
}
