import { parseCron } from './cron.js'
import type { AdjustmentType, AlarmSpec, PolicySet, ScheduledAction, SimulationInput, SimulationOutcome, StepAdjustment } from './types.js'

const MIN_MS = 60_000

/** PercentChangeInCapacity rounding as the EC2 Auto Scaling User Guide states it. */
export function roundPercentChange(x: number): number {
  if (x > 1) return Math.floor(x)
  if (x > 0) return 1
  if (x === 0) return 0
  if (x > -1) return -1
  return Math.ceil(x)
}

export function applyAdjustment(type: AdjustmentType, adjustment: number, current: number, minMagnitude = 0): number {
  if (type === 'ExactCapacity') return adjustment
  if (type === 'ChangeInCapacity') return current + adjustment
  let change = roundPercentChange((current * adjustment) / 100)
  if (minMagnitude > 0 && Math.abs(change) < minMagnitude && change !== 0) change = Math.sign(change) * minMagnitude
  return current + change
}

/** The step whose interval holds `diff` (metric - threshold); bounds as the API defines them. */
export function findStep(steps: readonly StepAdjustment[], diff: number): StepAdjustment | undefined {
  for (const s of steps) {
    const lo = s.lower ?? -Infinity
    const hi = s.upper ?? Infinity
    // Above the threshold the lower bound is inclusive and the upper exclusive; below it, the reverse.
    if (diff >= 0 ? diff >= lo && diff < hi : diff > lo && diff <= hi) return s
  }
  return undefined
}

function breaching(a: AlarmSpec, v: number): boolean {
  switch (a.comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return v >= a.threshold
    case 'GreaterThanThreshold':
      return v > a.threshold
    case 'LessThanThreshold':
      return v < a.threshold
    case 'LessThanOrEqualToThreshold':
      return v <= a.threshold
  }
}

/** Alarm state over the group metric: a shift register of the last N datapoints, M of them breaching = ALARM. */
class AlarmState {
  private bits = 0
  private seen = 0
  private acc = 0
  private accN = 0
  readonly periodMin: number
  readonly mask: number
  value = 0
  constructor(readonly spec: AlarmSpec) {
    this.periodMin = Math.max(1, Math.round(spec.periodSec / 60))
    this.mask = spec.evaluationPeriods >= 31 ? 0x7fffffff : (1 << spec.evaluationPeriods) - 1
  }
  /** Feeds one minute of the metric; returns true when a datapoint closed and the alarm is in ALARM. */
  push(metric: number): boolean {
    this.acc += metric
    this.accN++
    if (this.accN < this.periodMin) return false
    this.value = this.acc / this.accN
    this.acc = 0
    this.accN = 0
    this.bits = ((this.bits << 1) | (breaching(this.spec, this.value) ? 1 : 0)) & this.mask
    if (this.seen < this.spec.evaluationPeriods) this.seen++
    return this.seen >= this.spec.datapointsToAlarm && popcount(this.bits) >= this.spec.datapointsToAlarm
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/** Minutes (indices) at which each scheduled action fires. */
function scheduleMinutes(a: ScheduledAction, startMs: number, minutes: number): Int32Array {
  if (a.recurrence) {
    const m = parseCron(a.recurrence)
    if (typeof m === 'string') throw new Error(m) // validated at load; a bug if reached
    const out: number[] = []
    for (let t = 0; t < minutes; t++) if (m(startMs + t * MIN_MS)) out.push(t)
    return Int32Array.from(out)
  }
  if (a.startTime !== undefined) {
    const t = Math.ceil((a.startTime - startMs) / MIN_MS)
    return t >= 0 && t < minutes ? Int32Array.of(t) : new Int32Array(0)
  }
  return new Int32Array(0)
}

/**
 * Replays `input.demand` minute by minute against a policy set. Pure and deterministic.
 *
 * Model (docs/simulate.md): instances serve load `launchDelaySec` after launch; the group metric is demand /
 * serving capacity, capped at 100%; policies see it as CloudWatch would (1-minute points, or the average over
 * the alarm period). Scale-out computes from instances past their warm-up only; scale-in never starts while an
 * instance is warming up, nor inside a simple policy's cooldown. Desired capacity is clamped to [min, max];
 * surplus instances are terminated newest first. Cost counts every launched instance from launch.
 */
export function simulateScaling(input: SimulationInput, set: PolicySet, opts: { timeline?: boolean } = {}): SimulationOutcome {
  const { group, demand, startMs } = input
  const T = demand.length
  const types = group.instanceTypes
  const nTypes = types.length
  let minSize = set.minSize ?? group.minSize
  let maxSize = set.maxSize ?? group.maxSize
  const delayMin = Math.ceil((set.launchDelaySec ?? group.launchDelaySec) / 60)
  const limit = input.utilizationLimitPct / 100

  const dynamic = set.policies.filter((p) => p.type === 'TargetTracking' || p.type === 'StepScaling' || p.type === 'SimpleScaling')
  const warmMin = Math.max(delayMin, ...dynamic.map((p) => ('warmupSec' in p && p.warmupSec !== undefined ? Math.ceil(p.warmupSec / 60) : delayMin)))
  const tt = set.policies.filter((p) => p.type === 'TargetTracking')
  const steps = set.policies.filter((p) => p.type === 'StepScaling').map((p) => ({ p, alarm: new AlarmState(p.alarm) }))
  const simples = set.policies.filter((p) => p.type === 'SimpleScaling').map((p) => ({ p, alarm: new AlarmState(p.alarm), until: -1 }))
  const predictive = set.policies.filter((p) => p.type === 'Predictive')
  const scheduled = set.policies.filter((p) => p.type === 'Scheduled').map((a) => ({ a, at: scheduleMinutes(a, startMs, T), next: 0 }))
  // Target tracking alarms: consecutive 1-minute datapoints above target / below the scale-in threshold.
  const ttHigh = new Int32Array(tt.length)
  const ttLow = new Int32Array(tt.length)

  // Instances as a stack of launch minutes (ascending) with their type; `serving` and `counted` are prefix lengths.
  // Sized for the largest group any scheduled action can make.
  const cap = Math.max(maxSize, group.desiredCapacity, 1, ...scheduled.map((s) => Math.max(s.a.maxSize ?? 0, s.a.desiredCapacity ?? 0))) + 1
  const launchAt = new Int32Array(cap)
  const typeOf = new Int32Array(cap)
  let n = 0
  let serving = 0
  let counted = 0
  let servingCap = 0
  let nextType = 0
  const typeMinutes = new Float64Array(nTypes)
  const typeCount = new Int32Array(nTypes)
  let desired = Math.min(Math.max(group.desiredCapacity, minSize), maxSize)
  for (let i = 0; i < desired; i++) {
    launchAt[n] = -1_000_000
    typeOf[n] = nextType
    typeCount[nextType]!++
    nextType = (nextType + 1) % nTypes
    n++
  }

  let instanceMinutes = 0
  let breachMinutes = 0
  let peakUtil = 0
  let peakDemand = 0
  let actions = 0
  let minInst = n
  let maxInst = n
  const tl = opts.timeline
    ? { desired: new Uint16Array(T), serving: new Uint16Array(T), demand: new Float64Array(T), utilization: new Float32Array(T), breach: new Uint8Array(T) }
    : undefined

  for (let t = 0; t < T; t++) {
    // 1. Scheduled actions at this minute.
    for (const s of scheduled) {
      while (s.next < s.at.length && s.at[s.next]! < t) s.next++
      if (s.next < s.at.length && s.at[s.next] === t) {
        if (s.a.minSize !== undefined) minSize = s.a.minSize
        if (s.a.maxSize !== undefined) maxSize = s.a.maxSize
        if (s.a.desiredCapacity !== undefined) desired = s.a.desiredCapacity
        s.next++
      }
    }
    // 2. Instances whose launch delay / warm-up ended.
    while (serving < n && launchAt[serving]! <= t - delayMin) servingCap += types[typeOf[serving++]!]!.capacity
    while (counted < n && launchAt[counted]! <= t - warmMin) counted++
    // 3. What the group serves and what CloudWatch reports.
    const d = demand[t]!
    const ratio = servingCap > 0 ? d / servingCap : d > 0 ? Infinity : 0
    const metric = ratio >= 1 ? 100 : ratio * 100
    if (ratio > limit) breachMinutes++
    if (metric > peakUtil) peakUtil = metric
    if (ratio * 100 > peakDemand) peakDemand = ratio * 100
    instanceMinutes += n
    for (let k = 0; k < nTypes; k++) typeMinutes[k]! += typeCount[k]!
    const warming = n - counted

    // 4. Dynamic policies. When several fire, EC2 Auto Scaling takes the one giving the largest capacity, for
    // scale-out and scale-in alike; scale-in never starts while a scale-out is warming up (User Guide).
    let out = -1
    let inn = -1
    let ttReadyIn = tt.length > 0
    let ttIn = -1
    for (let i = 0; i < tt.length; i++) {
      const p = tt[i]!
      ttHigh[i] = metric > p.targetValue ? ttHigh[i]! + 1 : 0
      ttLow[i] = metric < p.targetValue * p.scaleInRatio ? ttLow[i]! + 1 : 0
      if (ttHigh[i]! >= p.scaleOutDatapoints && counted > 0) out = Math.max(out, Math.ceil((counted * metric) / p.targetValue))
      if (p.disableScaleIn) continue
      // Several target tracking policies scale in only when all of them (with scale-in on) are ready to.
      if (ttLow[i]! >= p.scaleInDatapoints && servingCap > 0) ttIn = Math.max(ttIn, Math.max(1, Math.ceil((n * metric) / p.targetValue)))
      else ttReadyIn = false
    }
    if (ttReadyIn && ttIn >= 0) inn = Math.max(inn, ttIn)
    for (const s of steps) {
      if (!s.alarm.push(metric)) continue
      const step = findStep(s.p.steps, s.alarm.value - s.p.alarm.threshold)
      if (!step) continue
      // Scale-out counts only instances past warm-up (so breaches in one step add capacity once); scale-in counts all.
      const target = applyAdjustment(s.p.adjustmentType, step.adjustment, step.adjustment > 0 ? counted : n, s.p.minAdjustmentMagnitude)
      if (target > desired) out = Math.max(out, target)
      else if (target < desired) inn = Math.max(inn, target)
    }
    for (const s of simples) {
      if (!s.alarm.push(metric) || t < s.until) continue
      const target = applyAdjustment(s.p.adjustmentType, s.p.adjustment, desired, s.p.minAdjustmentMagnitude)
      if (target > desired) {
        out = Math.max(out, target)
        s.until = t + delayMin + Math.ceil(s.p.cooldownSec / 60) // the activity completes, then the cooldown runs
      } else if (target < desired && warming === 0) {
        inn = Math.max(inn, target)
        s.until = t + Math.ceil(s.p.cooldownSec / 60)
      }
    }
    let next = desired
    if (out > desired) next = out
    else if (inn >= 0 && inn < desired && warming === 0) next = inn
    // 5. Predictive floor: forecast = mean of the same minute on previous days, planned ahead of launch.
    for (const p of predictive) {
      const ahead = t + Math.ceil((p.bufferSec ?? delayMin * 60) / 60)
      let sum = 0
      let k = 0
      for (let day = 1; day <= p.lookbackDays; day++) {
        const j = ahead - day * 1440
        if (j >= 0 && j < t) {
          sum += demand[j]!
          k++
        }
      }
      if (k > 0) {
        const perInstance = types[0]!.capacity * (p.targetValue / 100)
        next = Math.max(next, Math.ceil(sum / k / perInstance))
      }
    }
    // 6. Clamp and reconcile.
    next = Math.min(Math.max(next, minSize), maxSize)
    if (next !== desired) actions++
    desired = next
    while (n < desired) {
      launchAt[n] = t
      typeOf[n] = nextType
      typeCount[nextType]!++
      nextType = (nextType + 1) % nTypes
      n++
    }
    while (n > desired) {
      n--
      typeCount[typeOf[n]!]!--
      if (serving > n) servingCap -= types[typeOf[--serving]!]!.capacity
      if (counted > n) counted = n
    }
    if (n < minInst) minInst = n
    if (n > maxInst) maxInst = n
    if (tl) {
      tl.desired[t] = desired
      tl.serving[t] = serving
      tl.demand[t] = d
      tl.utilization[t] = metric
      tl.breach[t] = ratio > limit ? 1 : 0
    }
  }
  let cost: number | null = 0
  for (let i = 0; i < nTypes; i++) {
    const price = types[i]!.pricePerHour
    if (price === null) {
      if (typeMinutes[i]! > 0) cost = null
    } else if (cost !== null) cost += (typeMinutes[i]! / 60) * price
  }
  return {
    policySet: set.name,
    instanceHours: instanceMinutes / 60,
    cost,
    breachMinutes,
    peakUtilizationPct: peakUtil,
    peakDemandPct: Number.isFinite(peakDemand) ? peakDemand : 1e9,
    scalingActions: actions,
    minInstances: minInst,
    maxInstances: maxInst,
    ...(tl ? { timeline: tl } : {}),
  }
}
