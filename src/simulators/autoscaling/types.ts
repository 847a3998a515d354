/**
 * Auto Scaling what-if: the group, its policies and the simulated outcome. Plain data; the simulator is a pure
 * function of these and a demand series. Semantics follow the EC2 Auto Scaling User Guide (docs/simulate.md).
 */

export type ComparisonOperator = 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold'
export type AdjustmentType = 'ChangeInCapacity' | 'ExactCapacity' | 'PercentChangeInCapacity'

/** A CloudWatch alarm on the group's metric: M of N periods breaching puts it in ALARM. */
export interface AlarmSpec {
  threshold: number
  comparison: ComparisonOperator
  evaluationPeriods: number
  datapointsToAlarm: number
  /** 60 or a multiple of 60; the alarm sees the average of the group metric over each period. */
  periodSec: number
}

/** Bounds are relative to the alarm threshold, as in the API (null = infinity). */
export interface StepAdjustment {
  lower: number | null
  upper: number | null
  adjustment: number
}

export interface TargetTrackingPolicy {
  type: 'TargetTracking'
  name: string
  targetValue: number
  disableScaleIn: boolean
  /** Seconds a new instance is excluded from the metric and from current capacity. Default: the group's launch delay. */
  warmupSec?: number
  /** The alarms AWS creates for target tracking are not documented; defaults observed on AWS: 3 of 3 one-minute points above target. */
  scaleOutDatapoints: number
  /** ... and 15 of 15 one-minute points below scaleInRatio x target. */
  scaleInDatapoints: number
  scaleInRatio: number
}

interface StepScalingPolicy {
  type: 'StepScaling'
  name: string
  alarm: AlarmSpec
  adjustmentType: AdjustmentType
  steps: readonly StepAdjustment[]
  minAdjustmentMagnitude?: number
  warmupSec?: number
}

interface SimpleScalingPolicy {
  type: 'SimpleScaling'
  name: string
  alarm: AlarmSpec
  adjustmentType: AdjustmentType
  adjustment: number
  minAdjustmentMagnitude?: number
  /** Default 300 s (the group's default cooldown). */
  cooldownSec: number
}

/** Scheduled action: a cron recurrence (UTC, 5 fields) or a one-time start. */
export interface ScheduledAction {
  type: 'Scheduled'
  name: string
  recurrence?: string
  startTime?: number
  minSize?: number
  maxSize?: number
  desiredCapacity?: number
}

/** Predictive scaling (ForecastAndScale): capacity floor from the same minute of previous days. */
interface PredictivePolicy {
  type: 'Predictive'
  name: string
  targetValue: number
  lookbackDays: number
  /** Launch this many seconds before the forecast time (AWS SchedulingBufferTime); default: the launch delay. */
  bufferSec?: number
}

export type ScalingPolicy = TargetTrackingPolicy | StepScalingPolicy | SimpleScalingPolicy | ScheduledAction | PredictivePolicy

export interface GroupSpec {
  name: string
  minSize: number
  maxSize: number
  desiredCapacity: number
  /** Launch order for mixed groups (round robin); capacity is in demand units per instance (vCPUs for CPU). */
  instanceTypes: readonly { name: string; capacity: number; pricePerHour: number | null }[]
  /** Boot plus warm-up: a new instance serves load this many seconds after launch. */
  launchDelaySec: number
}

/** A named set of policies that act together on one group, as on AWS. */
export interface PolicySet {
  name: string
  policies: readonly ScalingPolicy[]
  /** Optional overrides of the group's min/max (for searches). */
  minSize?: number
  maxSize?: number
  launchDelaySec?: number
}

export interface SimulationInput {
  group: GroupSpec
  /** Demand per minute, in capacity units (vCPUs in use for CPU, requests/min for request count). */
  demand: Float64Array
  startMs: number
  /** Demand that one instance serves at 100%: the metric is demand / (capacity x counted instances) x 100. */
  utilizationLimitPct: number
}

export interface SimulationOutcome {
  policySet: string
  instanceHours: number
  /** USD; null when a type has no price. */
  cost: number | null
  /** Minutes in which demand exceeded serving capacity x the utilization limit. */
  breachMinutes: number
  /** Highest group metric (percent of serving capacity, capped at 100: CPU cannot exceed it). */
  peakUtilizationPct: number
  /** Highest demand as a percent of serving capacity (over 100 = overloaded). */
  peakDemandPct: number
  scalingActions: number
  minInstances: number
  maxInstances: number
  /** Per-minute series when requested: desired count, serving count, demand, utilization (percent). */
  /** breach: 1 in a minute counted in breachMinutes. */
  timeline?: { desired: Uint16Array; serving: Uint16Array; demand: Float64Array; utilization: Float32Array; breach: Uint8Array }
}
