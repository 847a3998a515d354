/**
 * Replays one capacity dimension (reads or writes) of a DynamoDB table minute by minute against provisioned capacity,
 * with or without DynamoDB auto scaling (Application Auto Scaling target tracking). Pure and deterministic.
 *
 * What AWS documents, and how it is modelled (docs/analyzers/dynamodb.md has the sources):
 * - Scale-out: consumption above the target utilization for 2 consecutive minutes (AWS Knowledge Center
 *   "dynamodb-auto-scaling"). New capacity = ceil(consumption / target), applied from the next minute.
 * - Scale-in: consumption 20 or more percentage points below the target for 15 consecutive minutes (same page).
 *   New capacity = ceil(highest consumption of those 15 minutes / target), never below the minimum.
 * - Scale-in limits (Developer Guide, Quotas, "Decreasing provisioned throughput"): 4 decreases at any time in a UTC
 *   day, then one more whenever no decrease happened in the previous hour, at most 27 a day. A blocked decrease keeps
 *   the capacity (and its cost) until a decrease is allowed again: this is what makes spiky tables expensive.
 * - Burst capacity (Developer Guide, "Burst capacity"): up to 300 seconds of unused capacity is kept and spent when
 *   demand exceeds the provisioned rate. Demand beyond capacity plus burst is throttled.
 * - Billing: each clock hour is billed at the highest capacity provisioned in it (an assumption; AWS bills provisioned
 *   capacity per hour).
 * The exact evaluation rules of the alarms AWS creates are not published beyond the above; they are options here.
 */
export interface AutoScalingPolicy {
  targetPct: number
  min: number
  max: number
  scaleOutMinutes: number
  scaleInMinutes: number
  scaleInMarginPts: number
  freeDecreasesPerDay: number
  maxDecreasesPerDay: number
  decreaseGapMinutes: number
}

export const DEFAULT_POLICY: AutoScalingPolicy = {
  targetPct: 70,
  min: 5,
  max: 40_000,
  scaleOutMinutes: 2,
  scaleInMinutes: 15,
  scaleInMarginPts: 20,
  freeDecreasesPerDay: 4,
  maxDecreasesPerDay: 27,
  decreaseGapMinutes: 60,
}

const BURST_SECONDS = 300

export interface SimOutcome {
  /** Sum over clock hours of the highest provisioned capacity in the hour (unit-hours billed). */
  billedUnitHours: number
  /** Mean provisioned capacity over the minutes (for utilization). */
  meanCapacity: number
  maxCapacity: number
  minCapacity: number
  /** Units (unit-seconds) demanded, served and throttled. */
  demandUnits: number
  throttledUnits: number
  throttledMinutes: number
  increases: number
  decreases: number
  /** Minutes in which a scale-in was due but the daily decrease quota blocked it. */
  blockedDecreaseMinutes: number
  /** Consumed / provisioned over the window (unit-seconds over capacity-seconds). */
  utilization: number
}

/**
 * `demand[i]` is the consumption rate (units/s) in minute i; minute 0 starts at `startMs` (epoch ms; used for UTC
 * days and clock hours). `policy` null = fixed capacity `initial` for the whole window.
 */
export function simulateCapacity(demand: ArrayLike<number>, startMs: number, initial: number, policy: AutoScalingPolicy | null): SimOutcome {
  const n = demand.length
  const t = policy ? policy.targetPct / 100 : 1
  const lo = policy ? Math.max(0, policy.targetPct - policy.scaleInMarginPts) / 100 : 0
  let cap = Math.max(policy?.min ?? 0, Math.min(policy?.max ?? Infinity, initial))
  let pending: number | null = null
  let burst = 0
  let above = 0
  let below = 0
  let day = -1
  let decreasesToday = 0
  let lastDecrease = -Infinity
  const out: SimOutcome = {
    billedUnitHours: 0,
    meanCapacity: 0,
    maxCapacity: cap,
    minCapacity: cap,
    demandUnits: 0,
    throttledUnits: 0,
    throttledMinutes: 0,
    increases: 0,
    decreases: 0,
    blockedDecreaseMinutes: 0,
    utilization: 0,
  }
  let hour = Math.floor(startMs / 3_600_000)
  let hourMax = 0
  let capSeconds = 0
  for (let i = 0; i < n; i++) {
    const nowMs = startMs + i * 60_000
    if (pending !== null) {
      cap = pending
      pending = null
    }
    const h = Math.floor(nowMs / 3_600_000)
    if (h !== hour) {
      out.billedUnitHours += hourMax
      hour = h
      hourMax = 0
    }
    hourMax = Math.max(hourMax, cap)
    out.maxCapacity = Math.max(out.maxCapacity, cap)
    out.minCapacity = Math.min(out.minCapacity, cap)
    capSeconds += cap * 60
    const d = Math.max(0, demand[i] ?? 0)
    const need = d * 60
    out.demandUnits += need
    const have = cap * 60
    burst = Math.min(burst, cap * BURST_SECONDS)
    if (need <= have) burst = Math.min(burst + have - need, cap * BURST_SECONDS)
    else {
      const short = need - have
      const use = Math.min(burst, short)
      burst -= use
      if (short - use > 1e-9) {
        out.throttledUnits += short - use
        out.throttledMinutes++
      }
    }
    if (!policy) continue
    const d0 = Math.floor(nowMs / 86_400_000)
    if (d0 !== day) {
      day = d0
      decreasesToday = 0
    }
    above = d > t * cap ? above + 1 : 0
    below = d < lo * cap ? below + 1 : 0
    if (above >= policy.scaleOutMinutes) {
      const next = Math.min(policy.max, Math.ceil(d / t))
      if (next > cap) {
        pending = next
        out.increases++
      }
      above = 0
    } else if (below >= policy.scaleInMinutes) {
      let peak = 0
      for (let k = i - policy.scaleInMinutes + 1; k <= i; k++) peak = Math.max(peak, demand[k] ?? 0)
      const next = Math.max(policy.min, Math.ceil(peak / t))
      if (next < cap) {
        const allowed =
          decreasesToday < policy.freeDecreasesPerDay || (decreasesToday < policy.maxDecreasesPerDay && i - lastDecrease >= policy.decreaseGapMinutes)
        if (allowed) {
          pending = next
          decreasesToday++
          lastDecrease = i
          out.decreases++
          below = 0
        } else out.blockedDecreaseMinutes++
      } else below = 0
    }
  }
  if (n > 0) out.billedUnitHours += hourMax
  out.meanCapacity = n > 0 ? capSeconds / (n * 60) : 0
  out.utilization = capSeconds > 0 ? out.demandUnits / capSeconds : 0
  return out
}

/**
 * Per-minute demand from a stored series (rates per second, oldest first). Coarser samples (CloudWatch's 5-minute
 * Sum / 300) spread their average over each minute they cover, so peaks inside them are invisible; finer samples
 * are averaged per minute. Minutes with no sample count as zero demand and are reported as gaps.
 */
export function perMinute(
  ts: ArrayLike<number>,
  values: ArrayLike<number>,
  periodSec: number,
  windowEndMs: number,
): { startMs: number; demand: Float64Array; covered: number } {
  if (ts.length === 0) return { startMs: windowEndMs, demand: new Float64Array(0), covered: 0 }
  const startMs = Math.floor(ts[0]! / 60_000) * 60_000
  const endMs = Math.max(windowEndMs, ts[ts.length - 1]! + periodSec * 1000)
  const n = Math.max(1, Math.ceil((endMs - startMs) / 60_000))
  const sum = new Float64Array(n)
  const cnt = new Float64Array(n)
  const span = Math.max(1, Math.round(periodSec / 60))
  for (let i = 0; i < ts.length; i++) {
    const m = Math.floor((ts[i]! - startMs) / 60_000)
    for (let k = 0; k < span && m + k < n; k++) {
      sum[m + k] = sum[m + k]! + values[i]!
      cnt[m + k] = cnt[m + k]! + 1
    }
  }
  let covered = 0
  for (let i = 0; i < n; i++)
    if (cnt[i]! > 0) {
      sum[i] = sum[i]! / cnt[i]!
      covered++
    }
  return { startMs, demand: sum, covered }
}
