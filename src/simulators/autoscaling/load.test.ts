import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { InputError } from '../../core/errors.js'
import { parsePolicyText, readAlarms, readPolicyDocument } from './load.js'

const read = (file: string, text: string) => {
  const data = parsePolicyText(file, text)
  return readPolicyDocument(file, data, readAlarms(file, data))
}
const fails = (file: string, text: string): InputError => {
  try {
    read(file, text)
  } catch (e) {
    expect(e).toBeInstanceOf(InputError)
    return e as InputError
  }
  throw new Error('expected an InputError')
}

describe('policy documents', () => {
  it('loads the CloudFormation snippet from the product document as is', () => {
    const doc = read('asg-policy.json', readFileSync(new URL('../../../data/demo/asg-policy.json', import.meta.url), 'utf8'))
    expect(doc.groups).toEqual([{ name: 'WebServerGroup', minSize: 1, maxSize: 5, desiredCapacity: 2 }])
    expect(doc.policies).toEqual([
      {
        group: 'WebServerGroup',
        predefinedMetric: 'ASGAverageCPUUtilization',
        policy: {
          type: 'TargetTracking',
          name: 'CPUScalingPolicy',
          targetValue: 70,
          disableScaleIn: false,
          scaleOutDatapoints: 3,
          scaleInDatapoints: 15,
          scaleInRatio: 0.9,
        },
      },
    ])
  })

  it('reads CloudFormation YAML with short-form tags, step policies with their alarms, scheduled actions and Parameters', () => {
    const doc = read(
      't.yaml',
      `
Parameters:
  Max: { Type: Number, Default: 8 }
Resources:
  Asg:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties: { MinSize: 2, MaxSize: !Ref Max }
  Out:
    Type: AWS::AutoScaling::ScalingPolicy
    Properties:
      AutoScalingGroupName: !Ref Asg
      PolicyType: StepScaling
      AdjustmentType: PercentChangeInCapacity
      MinAdjustmentMagnitude: 1
      StepAdjustments:
        - { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 10 }
        - { MetricIntervalLowerBound: 20, ScalingAdjustment: 30 }
  High:
    Type: AWS::CloudWatch::Alarm
    Properties: { Threshold: 60, ComparisonOperator: GreaterThanOrEqualToThreshold, EvaluationPeriods: 3, DatapointsToAlarm: 2, Period: 60, AlarmActions: [!Ref Out], MetricName: CPUUtilization }
  Morning:
    Type: AWS::AutoScaling::ScheduledAction
    Properties: { AutoScalingGroupName: !Ref Asg, Recurrence: "0 8 * * 1-5", MinSize: 4 }
`,
    )
    expect(doc.groups).toEqual([{ name: 'Asg', minSize: 2, maxSize: 8 }])
    expect(doc.policies.map((p) => p.policy)).toEqual([
      {
        type: 'StepScaling',
        name: 'Out',
        adjustmentType: 'PercentChangeInCapacity',
        minAdjustmentMagnitude: 1,
        alarm: { threshold: 60, comparison: 'GreaterThanOrEqualToThreshold', evaluationPeriods: 3, datapointsToAlarm: 2, periodSec: 60 },
        steps: [
          { lower: 0, upper: 20, adjustment: 10 },
          { lower: 20, upper: null, adjustment: 30 },
        ],
      },
      { type: 'Scheduled', name: 'Morning', recurrence: '0 8 * * 1-5', minSize: 4 },
    ])
  })

  it('reads aws autoscaling describe-policies with describe-alarms output', () => {
    const text = JSON.stringify({
      ScalingPolicies: [
        {
          AutoScalingGroupName: 'web',
          PolicyName: 'tt',
          PolicyType: 'TargetTrackingScaling',
          Enabled: true,
          TargetTrackingConfiguration: {
            PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' },
            TargetValue: 55.0,
            DisableScaleIn: true,
          },
          EstimatedInstanceWarmup: 180,
          Alarms: [{ AlarmName: 'TargetTracking-web-AlarmHigh-1' }],
        },
        {
          AutoScalingGroupName: 'web',
          PolicyName: 'add-one',
          PolicyType: 'SimpleScaling',
          AdjustmentType: 'ChangeInCapacity',
          ScalingAdjustment: 1,
          Cooldown: 120,
          Alarms: [{ AlarmName: 'cpu-high' }],
        },
      ],
      MetricAlarms: [{ AlarmName: 'cpu-high', Threshold: 80, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2, Period: 300 }],
    })
    const doc = read('describe.json', text)
    expect(doc.policies.map((p) => [p.group, p.policy])).toEqual([
      [
        'web',
        {
          type: 'TargetTracking',
          name: 'tt',
          targetValue: 55,
          disableScaleIn: true,
          warmupSec: 180,
          scaleOutDatapoints: 3,
          scaleInDatapoints: 15,
          scaleInRatio: 0.9,
        },
      ],
      [
        'web',
        {
          type: 'SimpleScaling',
          name: 'add-one',
          adjustmentType: 'ChangeInCapacity',
          adjustment: 1,
          cooldownSec: 120,
          alarm: { threshold: 80, comparison: 'GreaterThanThreshold', evaluationPeriods: 2, datapointsToAlarm: 2, periodSec: 300 },
        },
      ],
    ])
  })
})

describe('bad policy input: one clear error naming the field', () => {
  const cfn = (props: object, extra: object = {}) =>
    JSON.stringify({
      Resources: {
        Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: 1, MaxSize: 3 } },
        P: { Type: 'AWS::AutoScaling::ScalingPolicy', Properties: { AutoScalingGroupName: { Ref: 'Asg' }, ...props } },
        ...extra,
      },
    })
  it('unknown policy type', () => {
    const e = fails('p.json', cfn({ PolicyType: 'MagicScaling' }))
    expect([e.location.column, e.message]).toEqual([
      'Resources.P.Properties.PolicyType',
      "p.json, column 'Resources.P.Properties.PolicyType': unknown policy type 'MagicScaling'",
    ])
  })
  it('missing target value', () => {
    const e = fails(
      'p.json',
      cfn({
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' } },
      }),
    )
    expect(e.location.column).toBe('Resources.P.Properties.TargetTrackingConfiguration.TargetValue')
    expect(e.message).toMatch(/TargetValue is missing/)
  })
  it('circular references in the template', () => {
    const e = fails(
      'p.json',
      JSON.stringify({
        Resources: {
          A: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: 1, MaxSize: 2, LaunchConfigurationName: { Ref: 'B' } } },
          B: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: { UserData: { 'Fn::GetAtt': ['C', 'Arn'] } } },
          C: { Type: 'AWS::IAM::Role', DependsOn: 'A', Properties: {} },
        },
      }),
    )
    expect(e.message).toMatch(/circular reference: A -> B -> C -> A/)
  })
  it('a step policy without an alarm, a metric that cannot be simulated, bad numbers and syntax', () => {
    expect(fails('p.json', cfn({ PolicyType: 'StepScaling', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] })).message).toMatch(
      /StepScaling policy 'P' has no CloudWatch alarm/,
    )
    expect(
      fails(
        'p.json',
        cfn({
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingConfiguration: { TargetValue: 5e6, PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageNetworkIn' } },
        }),
      ).message,
    ).toMatch(/metric 'ASGAverageNetworkIn' cannot be simulated/)
    expect(
      fails('p.json', JSON.stringify({ Resources: { Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: 'one', MaxSize: 3 } } } }))
        .message,
    ).toMatch(/MinSize is "one", not a whole number/)
    expect(fails('p.json', '{"Resources": {').message).toMatch(/not valid JSON/)
    expect(fails('p.json', JSON.stringify({ hello: 1 })).message).toMatch(/not a recognised policy document \(top-level keys: hello\)/)
    expect(fails('p.json', JSON.stringify({ policies: [{ PolicyType: 'Scheduled', Recurrence: '0 25 * * *' }] })).message).toMatch(
      /field 2 of '0 25 \* \* \*': '25' is outside 0-23/,
    )
  })
})
