import { parse as parseYaml, type Tags } from 'yaml'
import { InputError } from '../../core/errors.js'
import { parseCron } from './cron.js'
import type { AdjustmentType, AlarmSpec, ComparisonOperator, ScalingPolicy, StepAdjustment } from './types.js'

/** What a policy file says: group settings (from CloudFormation) and policies, each tied to a group name when known. */
export interface PolicyDocument {
  groups: { name: string; minSize?: number; maxSize?: number; desiredCapacity?: number }[]
  policies: { group?: string; policy: ScalingPolicy; predefinedMetric?: string }[]
}

const COMPARISONS: readonly ComparisonOperator[] = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold']
const ADJUSTMENTS: readonly AdjustmentType[] = ['ChangeInCapacity', 'ExactCapacity', 'PercentChangeInCapacity']
const SIMULATED_METRICS = ['ASGAverageCPUUtilization', 'ALBRequestCountPerTarget']

type Obj = Record<string, unknown>
/** A template value as text: strings as they are, numbers printed, objects (unresolved intrinsics) as JSON. */
const str = (v: unknown, dflt = ''): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === undefined || v === null ? dflt : JSON.stringify(v)
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** CloudFormation short-form tags (!Ref X, !GetAtt A.B, !Sub ...) read as their long forms. */
const CFN_TAGS: Tags = [
  'Ref',
  'GetAtt',
  'Sub',
  'Join',
  'Select',
  'Split',
  'FindInMap',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'ImportValue',
  'Base64',
  'GetAZs',
  'Condition',
].flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`
  const resolve = (v: unknown) => ({ [key]: name === 'GetAtt' && typeof v === 'string' ? v.split('.') : v })
  return [
    { tag: `!${name}`, resolve: (v: string) => resolve(v) },
    { tag: `!${name}`, collection: 'seq' as const, resolve: (v: { toJSON(): unknown }) => resolve(v.toJSON()) },
    { tag: `!${name}`, collection: 'map' as const, resolve: (v: { toJSON(): unknown }) => resolve(v.toJSON()) },
  ]
})

export function parsePolicyText(file: string, text: string): unknown {
  try {
    return file.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text, { customTags: CFN_TAGS })
  } catch (cause) {
    throw new InputError(
      { file },
      `not valid ${file.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML'}: ${(cause as Error).message.split('\n')[0] ?? ''}`,
      'Fix the syntax; a CloudFormation template, `aws autoscaling describe-policies` output or a headroom policy file is expected (docs/simulate.md).',
    )
  }
}

/** Reads any supported document into policies. Alarm thresholds for describe-policies come from `alarms` (describe-alarms). */
export function readPolicyDocument(file: string, data: unknown, alarms: ReadonlyMap<string, AlarmSpec> = new Map()): PolicyDocument {
  if (!isObj(data)) throw new InputError({ file }, 'expected an object at the top level', 'See docs/simulate.md for the accepted formats.')
  if (isObj(data.Resources)) return readCloudFormation(file, data)
  if (Array.isArray(data.ScalingPolicies) || Array.isArray(data.ScheduledUpdateGroupActions))
    return readDescribeOutput(file, data, new Map([...alarms, ...readAlarms(file, data)]))
  if (Array.isArray(data.MetricAlarms)) return { groups: [], policies: [] }
  if (Array.isArray(data.policies)) return readNative(file, data.policies)
  throw new InputError(
    { file },
    `not a recognised policy document (top-level keys: ${Object.keys(data).join(', ') || 'none'})`,
    'Give a CloudFormation template (Resources), `aws autoscaling describe-policies` output (ScalingPolicies), `aws cloudwatch describe-alarms` output (MetricAlarms), or {"policies": [...]}.',
  )
}

/** Alarms from `aws cloudwatch describe-alarms` output, by name. */
export function readAlarms(file: string, data: unknown): Map<string, AlarmSpec> {
  const out = new Map<string, AlarmSpec>()
  if (!isObj(data) || !Array.isArray(data.MetricAlarms)) return out
  data.MetricAlarms.forEach((a: unknown, i) => {
    if (!isObj(a)) return
    out.set(str(a.AlarmName), alarmFrom(file, `MetricAlarms[${i}]`, a))
  })
  return out
}

function num(file: string, path: string, v: unknown, opts: { required?: boolean; min?: number; integer?: boolean } = {}): number | undefined {
  if (v === undefined || v === null || v === '') {
    if (opts.required) throw new InputError({ file, column: path }, `${path} is missing`, 'Add the value; see docs/simulate.md for each policy type’s fields.')
    return undefined
  }
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN
  if (!Number.isFinite(n) || (opts.min !== undefined && n < opts.min) || (opts.integer && !Number.isInteger(n)))
    throw new InputError(
      { file, column: path, value: JSON.stringify(v) },
      `${path} is ${JSON.stringify(v)}, not ${opts.integer ? 'a whole number' : 'a number'}${opts.min !== undefined ? ` >= ${opts.min}` : ''}`,
      isObj(v) ? 'Intrinsic functions other than Ref to a Parameter with a Default cannot be evaluated here: write the value.' : 'Write a plain number.',
    )
  return n
}

function alarmFrom(file: string, path: string, a: Obj): AlarmSpec {
  const comparison = str(a.ComparisonOperator, '')
  if (!COMPARISONS.includes(comparison as ComparisonOperator))
    throw new InputError(
      { file, column: `${path}.ComparisonOperator`, value: comparison },
      `ComparisonOperator '${comparison}' is not one of ${COMPARISONS.join(', ')}`,
      'Use a CloudWatch comparison operator (anomaly-detection bands cannot be simulated).',
    )
  const evaluationPeriods = num(file, `${path}.EvaluationPeriods`, a.EvaluationPeriods, { required: true, min: 1, integer: true })!
  if (evaluationPeriods > 30)
    throw new InputError(
      { file, column: `${path}.EvaluationPeriods` },
      `EvaluationPeriods ${evaluationPeriods} is over 30`,
      'The simulator supports up to 30 evaluation periods.',
    )
  const periodSec = num(file, `${path}.Period`, a.Period, { min: 60, integer: true }) ?? 300
  if (periodSec % 60 !== 0)
    throw new InputError(
      { file, column: `${path}.Period` },
      `Period ${periodSec} is not a multiple of 60 s`,
      'The simulator steps by minutes; use 60, 300, ...',
    )
  return {
    threshold: num(file, `${path}.Threshold`, a.Threshold, { required: true })!,
    comparison: comparison as ComparisonOperator,
    evaluationPeriods,
    datapointsToAlarm: num(file, `${path}.DatapointsToAlarm`, a.DatapointsToAlarm, { min: 1, integer: true }) ?? evaluationPeriods,
    periodSec,
  }
}

function adjustmentType(file: string, path: string, v: unknown): AdjustmentType {
  const t = str(v, 'ChangeInCapacity')
  if (!ADJUSTMENTS.includes(t as AdjustmentType))
    throw new InputError({ file, column: path, value: t }, `AdjustmentType '${t}' is not one of ${ADJUSTMENTS.join(', ')}`, 'Fix the adjustment type.')
  return t as AdjustmentType
}

function stepsFrom(file: string, path: string, v: unknown): StepAdjustment[] {
  if (!Array.isArray(v) || v.length === 0)
    throw new InputError(
      { file, column: path },
      `${path} is missing or empty`,
      'A step scaling policy needs StepAdjustments with MetricIntervalLowerBound/UpperBound and ScalingAdjustment.',
    )
  return v.map((s: unknown, i) => {
    const o = isObj(s) ? s : {}
    return {
      lower: num(file, `${path}[${i}].MetricIntervalLowerBound`, o.MetricIntervalLowerBound) ?? null,
      upper: num(file, `${path}[${i}].MetricIntervalUpperBound`, o.MetricIntervalUpperBound) ?? null,
      adjustment: num(file, `${path}[${i}].ScalingAdjustment`, o.ScalingAdjustment, { required: true, integer: true })!,
    }
  })
}

/** One AWS-shaped policy (CloudFormation Properties and describe-policies items share field names). */
function policyFrom(file: string, path: string, name: string, p: Obj, alarm: AlarmSpec | undefined): { policy: ScalingPolicy; predefinedMetric?: string } {
  const type = str(p.PolicyType, 'SimpleScaling')
  const warmupSec = num(file, `${path}.EstimatedInstanceWarmup`, p.EstimatedInstanceWarmup, { min: 0 })
  const needAlarm = () => {
    if (!alarm)
      throw new InputError(
        { file, column: path },
        `${type} policy '${name}' has no CloudWatch alarm with a threshold`,
        'In a template, add an AWS::CloudWatch::Alarm whose AlarmActions Ref the policy; with describe-policies, also pass `aws cloudwatch describe-alarms` output as another --policy-file.',
      )
    return alarm
  }
  switch (type) {
    case 'TargetTrackingScaling': {
      const c = isObj(p.TargetTrackingConfiguration) ? p.TargetTrackingConfiguration : undefined
      if (!c)
        throw new InputError(
          { file, column: `${path}.TargetTrackingConfiguration` },
          'TargetTrackingConfiguration is missing',
          'Add {"TargetValue": 70, "PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"}}.',
        )
      const predefined = isObj(c.PredefinedMetricSpecification)
        ? str(c.PredefinedMetricSpecification.PredefinedMetricType, '')
        : c.CustomizedMetricSpecification
          ? 'Customized'
          : ''
      if (predefined && !SIMULATED_METRICS.includes(predefined))
        throw new InputError(
          { file, column: `${path}.TargetTrackingConfiguration.PredefinedMetricSpecification.PredefinedMetricType`, value: predefined },
          `metric '${predefined}' cannot be simulated from the stored load`,
          `Simulated metrics: ${SIMULATED_METRICS.join(', ')} (the latter with --metric and --per-instance-capacity).`,
        )
      return {
        policy: {
          type: 'TargetTracking',
          name,
          targetValue: num(file, `${path}.TargetTrackingConfiguration.TargetValue`, c.TargetValue, { required: true, min: 0 })!,
          disableScaleIn: c.DisableScaleIn === true || c.DisableScaleIn === 'true',
          ...(warmupSec === undefined ? {} : { warmupSec }),
          scaleOutDatapoints: 3,
          scaleInDatapoints: 15,
          scaleInRatio: 0.9,
        },
        ...(predefined ? { predefinedMetric: predefined } : {}),
      }
    }
    case 'StepScaling':
      return {
        policy: {
          type: 'StepScaling',
          name,
          alarm: needAlarm(),
          adjustmentType: adjustmentType(file, `${path}.AdjustmentType`, p.AdjustmentType),
          steps: stepsFrom(file, `${path}.StepAdjustments`, p.StepAdjustments),
          ...(p.MinAdjustmentMagnitude === undefined
            ? {}
            : { minAdjustmentMagnitude: num(file, `${path}.MinAdjustmentMagnitude`, p.MinAdjustmentMagnitude, { min: 0, integer: true })! }),
          ...(warmupSec === undefined ? {} : { warmupSec }),
        },
      }
    case 'SimpleScaling':
      return {
        policy: {
          type: 'SimpleScaling',
          name,
          alarm: needAlarm(),
          adjustmentType: adjustmentType(file, `${path}.AdjustmentType`, p.AdjustmentType),
          adjustment: num(file, `${path}.ScalingAdjustment`, p.ScalingAdjustment, { required: true, integer: true })!,
          cooldownSec: num(file, `${path}.Cooldown`, p.Cooldown, { min: 0 }) ?? 300,
          ...(p.MinAdjustmentMagnitude === undefined
            ? {}
            : { minAdjustmentMagnitude: num(file, `${path}.MinAdjustmentMagnitude`, p.MinAdjustmentMagnitude, { min: 0, integer: true })! }),
        },
      }
    case 'PredictiveScaling': {
      const c = isObj(p.PredictiveScalingConfiguration) ? p.PredictiveScalingConfiguration : {}
      const spec = Array.isArray(c.MetricSpecifications) && isObj(c.MetricSpecifications[0]) ? c.MetricSpecifications[0] : {}
      return {
        policy: {
          type: 'Predictive',
          name,
          targetValue: num(file, `${path}.PredictiveScalingConfiguration.MetricSpecifications[0].TargetValue`, spec.TargetValue, { required: true, min: 0 })!,
          lookbackDays: 7,
          ...(c.SchedulingBufferTime === undefined
            ? {}
            : { bufferSec: num(file, `${path}.PredictiveScalingConfiguration.SchedulingBufferTime`, c.SchedulingBufferTime, { min: 0 })! }),
        },
      }
    }
    default:
      throw new InputError(
        { file, column: `${path}.PolicyType`, value: type },
        `unknown policy type '${type}'`,
        'Use TargetTrackingScaling, StepScaling, SimpleScaling or PredictiveScaling.',
      )
  }
}

function scheduledFrom(file: string, path: string, name: string, p: Obj): ScalingPolicy {
  const recurrence = p.Recurrence === undefined ? undefined : str(p.Recurrence)
  if (recurrence !== undefined) {
    const m = parseCron(recurrence)
    if (typeof m === 'string')
      throw new InputError({ file, column: `${path}.Recurrence`, value: recurrence }, m, 'Write a 5-field cron expression in UTC, e.g. "0 8 * * 1-5".')
  }
  const start = p.StartTime === undefined ? undefined : Date.parse(str(p.StartTime))
  if (start !== undefined && !Number.isFinite(start))
    throw new InputError(
      { file, column: `${path}.StartTime`, value: str(p.StartTime) },
      'StartTime is not a date',
      'Write ISO 8601, e.g. 2024-05-01T08:00:00Z.',
    )
  if (recurrence === undefined && start === undefined)
    throw new InputError({ file, column: path }, `scheduled action '${name}' has neither Recurrence nor StartTime`, 'Add one of them.')
  const size = (k: string) => num(file, `${path}.${k}`, p[k], { min: 0, integer: true })
  return {
    type: 'Scheduled',
    name,
    ...(recurrence === undefined ? {} : { recurrence }),
    ...(start === undefined ? {} : { startTime: start }),
    ...(size('MinSize') === undefined ? {} : { minSize: size('MinSize')! }),
    ...(size('MaxSize') === undefined ? {} : { maxSize: size('MaxSize')! }),
    ...(size('DesiredCapacity') === undefined ? {} : { desiredCapacity: size('DesiredCapacity')! }),
  }
}

/** CloudFormation: Refs to Parameters resolve to their Default; cycles among resources are an error. */
function readCloudFormation(file: string, t: Obj): PolicyDocument {
  const resources = t.Resources as Obj
  const params = isObj(t.Parameters) ? t.Parameters : {}
  // Dependency graph from Ref / Fn::GetAtt / DependsOn, to refuse circular templates as CloudFormation does.
  const edges = new Map<string, Set<string>>()
  const collect = (from: string, v: unknown) => {
    if (Array.isArray(v)) v.forEach((x) => collect(from, x))
    else if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'Ref' && typeof x === 'string' && x in resources) edges.get(from)!.add(x)
        else if (k === 'Fn::GetAtt') {
          const target: unknown = Array.isArray(x) ? (x as unknown[])[0] : typeof x === 'string' ? x.split('.')[0] : undefined
          if (typeof target === 'string' && target in resources) edges.get(from)!.add(target)
        } else collect(from, x)
      }
    }
  }
  for (const [id, r] of Object.entries(resources)) {
    edges.set(id, new Set())
    if (!isObj(r)) throw new InputError({ file, column: `Resources.${id}` }, `resource ${id} is not an object`, 'Each resource needs Type and Properties.')
    collect(id, r.Properties)
    for (const d of [r.DependsOn].flat()) if (typeof d === 'string' && d in resources) edges.get(id)!.add(d)
  }
  const state = new Map<string, 1 | 2>()
  const visit = (id: string, trail: string[]) => {
    if (state.get(id) === 2) return
    if (state.get(id) === 1) {
      const cycle = [...trail.slice(trail.indexOf(id)), id]
      throw new InputError(
        { file, column: `Resources.${id}` },
        `circular reference: ${cycle.join(' -> ')}`,
        'CloudFormation rejects templates whose resources reference each other in a loop; remove one of the references.',
      )
    }
    state.set(id, 1)
    for (const next of edges.get(id) ?? []) visit(next, [...trail, id])
    state.set(id, 2)
  }
  for (const id of edges.keys()) visit(id, [])

  const value = (v: unknown): unknown => {
    if (isObj(v) && typeof v.Ref === 'string') {
      const p = params[v.Ref]
      if (isObj(p) && p.Default !== undefined) return p.Default
      if (v.Ref in resources) return v.Ref
    }
    return v
  }
  const props = (id: string): Obj => {
    const r = resources[id] as Obj
    const p = isObj(r.Properties) ? r.Properties : {}
    return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, value(v)]))
  }
  const ofType = (type: string) =>
    Object.entries(resources)
      .filter(([, r]) => isObj(r) && r.Type === type)
      .map(([id]) => id)
  const groupOf = (v: unknown) => (typeof v === 'string' ? v : undefined)

  const doc: PolicyDocument = { groups: [], policies: [] }
  for (const id of ofType('AWS::AutoScaling::AutoScalingGroup')) {
    const p = props(id)
    const path = `Resources.${id}.Properties`
    doc.groups.push({
      name: id,
      minSize: num(file, `${path}.MinSize`, p.MinSize, { required: true, min: 0, integer: true })!,
      maxSize: num(file, `${path}.MaxSize`, p.MaxSize, { required: true, min: 0, integer: true })!,
      ...(p.DesiredCapacity === undefined ? {} : { desiredCapacity: num(file, `${path}.DesiredCapacity`, p.DesiredCapacity, { min: 0, integer: true })! }),
    })
  }
  const alarmsByPolicy = new Map<string, AlarmSpec>()
  for (const id of ofType('AWS::CloudWatch::Alarm')) {
    const p = props(id)
    const alarm = alarmFrom(file, `Resources.${id}.Properties`, p)
    for (const action of Array.isArray(p.AlarmActions) ? p.AlarmActions : []) {
      const target = typeof action === 'string' ? action : isObj(action) && typeof action.Ref === 'string' ? action.Ref : undefined
      if (target) alarmsByPolicy.set(target, alarm)
    }
  }
  for (const id of ofType('AWS::AutoScaling::ScalingPolicy')) {
    const p = props(id)
    const { policy, predefinedMetric } = policyFrom(file, `Resources.${id}.Properties`, id, p, alarmsByPolicy.get(id))
    doc.policies.push({
      ...(groupOf(p.AutoScalingGroupName) ? { group: groupOf(p.AutoScalingGroupName)! } : {}),
      policy,
      ...(predefinedMetric ? { predefinedMetric } : {}),
    })
  }
  for (const id of ofType('AWS::AutoScaling::ScheduledAction')) {
    const p = props(id)
    doc.policies.push({
      ...(groupOf(p.AutoScalingGroupName) ? { group: groupOf(p.AutoScalingGroupName)! } : {}),
      policy: scheduledFrom(file, `Resources.${id}.Properties`, id, p),
    })
  }
  if (doc.groups.length === 0 && doc.policies.length === 0)
    throw new InputError(
      { file, column: 'Resources' },
      'the template has no AWS::AutoScaling resources',
      'Include the AutoScalingGroup and its ScalingPolicy / ScheduledAction / CloudWatch Alarm resources.',
    )
  return doc
}

function readDescribeOutput(file: string, d: Obj, alarms: ReadonlyMap<string, AlarmSpec>): PolicyDocument {
  const doc: PolicyDocument = { groups: [], policies: [] }
  ;(Array.isArray(d.ScalingPolicies) ? d.ScalingPolicies : []).forEach((p: unknown, i) => {
    if (!isObj(p)) return
    if (p.Enabled === false) return
    const name = str(p.PolicyName, `policy-${i}`)
    const alarmNames = Array.isArray(p.Alarms) ? p.Alarms.map((a) => (isObj(a) ? str(a.AlarmName) : '')) : []
    // Target tracking lists its own AWS-made alarms; step/simple need the user's alarm thresholds.
    const alarm = alarmNames.map((n) => alarms.get(n)).find((a) => a !== undefined)
    const { policy, predefinedMetric } = policyFrom(file, `ScalingPolicies[${i}]`, name, p, alarm)
    doc.policies.push({
      ...(typeof p.AutoScalingGroupName === 'string' ? { group: p.AutoScalingGroupName } : {}),
      policy,
      ...(predefinedMetric ? { predefinedMetric } : {}),
    })
  })
  ;(Array.isArray(d.ScheduledUpdateGroupActions) ? d.ScheduledUpdateGroupActions : []).forEach((a: unknown, i) => {
    if (!isObj(a)) return
    doc.policies.push({
      ...(typeof a.AutoScalingGroupName === 'string' ? { group: a.AutoScalingGroupName } : {}),
      policy: scheduledFrom(file, `ScheduledUpdateGroupActions[${i}]`, str(a.ScheduledActionName, `scheduled-${i}`), a),
    })
  })
  return doc
}

/** headroom's own format: {"policies": [{"PolicyType": ..., AWS field names ...}]}, so AWS docs examples paste in. */
function readNative(file: string, list: unknown[]): PolicyDocument {
  const doc: PolicyDocument = { groups: [], policies: [] }
  list.forEach((p, i) => {
    if (!isObj(p)) throw new InputError({ file, column: `policies[${i}]` }, 'each policy must be an object', 'See docs/simulate.md.')
    const name = str(p.PolicyName ?? p.ScheduledActionName, `policy-${i}`)
    if (p.PolicyType === 'Scheduled' || p.Recurrence !== undefined || p.StartTime !== undefined)
      doc.policies.push({ policy: scheduledFrom(file, `policies[${i}]`, name, p) })
    else {
      const alarm = isObj(p.Alarm) ? alarmFrom(file, `policies[${i}].Alarm`, p.Alarm) : undefined
      const { policy, predefinedMetric } = policyFrom(file, `policies[${i}]`, name, p, alarm)
      doc.policies.push({ policy, ...(predefinedMetric ? { predefinedMetric } : {}) })
    }
  })
  return doc
}
