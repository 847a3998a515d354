// npm run bench:scaling [-- --groups N --workers W] : 1,000 groups x 14 days x 1-minute x 10 policy sets through the
// built simulator, split across worker threads (one per core by default). Prints wall time, simulations/s,
// group-minutes/s, and the same run's floor: one bare pass over the same demand arrays per policy set.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'

const MINUTES = 14 * 24 * 60

/** Deterministic demand for group g: a daily cycle, a weekly dip, noise and occasional bursts, in vCPUs. */
function demandOf(g) {
  let seed = (g * 2654435761) >>> 0
  const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32
  const base = 2 + rnd() * 10
  const d = new Float64Array(MINUTES)
  for (let t = 0; t < MINUTES; t++) {
    const day = Math.sin((2 * Math.PI * (t % 1440)) / 1440 - Math.PI / 2) * 0.5 + 0.5
    const weekend = Math.floor(t / 1440) % 7 >= 5 ? 0.6 : 1
    const burst = rnd() < 0.002 ? 1.8 : 1
    d[t] = Math.max(0, base * (0.2 + day) * weekend * burst * (0.9 + rnd() * 0.2))
  }
  return d
}

function policySets() {
  const tt = (v) => ({
    type: 'TargetTracking',
    name: `tt${v}`,
    targetValue: v,
    disableScaleIn: false,
    scaleOutDatapoints: 3,
    scaleInDatapoints: 15,
    scaleInRatio: 0.9,
  })
  const step = (th) => [
    {
      type: 'StepScaling',
      name: 'out',
      adjustmentType: 'ChangeInCapacity',
      alarm: { threshold: th, comparison: 'GreaterThanOrEqualToThreshold', evaluationPeriods: 3, datapointsToAlarm: 2, periodSec: 60 },
      steps: [
        { lower: 0, upper: 10, adjustment: 1 },
        { lower: 10, upper: null, adjustment: 3 },
      ],
    },
    {
      type: 'StepScaling',
      name: 'in',
      adjustmentType: 'PercentChangeInCapacity',
      alarm: { threshold: th - 30, comparison: 'LessThanThreshold', evaluationPeriods: 5, datapointsToAlarm: 5, periodSec: 300 },
      steps: [{ lower: null, upper: 0, adjustment: -20 }],
    },
  ]
  return [
    ...[40, 50, 60, 70, 80].map((v) => ({ name: `tt${v}`, policies: [tt(v)] })),
    ...[60, 70, 80].map((v) => ({ name: `step${v}`, policies: step(v) })),
    {
      name: 'simple70',
      policies: [
        {
          type: 'SimpleScaling',
          name: 's',
          adjustmentType: 'ChangeInCapacity',
          adjustment: 2,
          cooldownSec: 300,
          alarm: { threshold: 70, comparison: 'GreaterThanThreshold', evaluationPeriods: 2, datapointsToAlarm: 2, periodSec: 60 },
        },
      ],
    },
    {
      name: 'tt60+sched',
      policies: [
        tt(60),
        { type: 'Scheduled', name: 'am', recurrence: '0 7 * * 1-5', minSize: 4 },
        { type: 'Scheduled', name: 'pm', recurrence: '0 20 * * *', minSize: 1 },
      ],
    },
  ]
}

if (isMainThread) {
  const arg = (n, d) => {
    const i = process.argv.indexOf(`--${n}`)
    return i >= 0 ? Number(process.argv[i + 1]) : d
  }
  const groups = arg('groups', 1000)
  const workers = arg('workers', cpus().length)
  const per = Math.ceil(groups / workers)
  const t0 = performance.now()
  const results = await Promise.all(
    Array.from(
      { length: workers },
      (_, w) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { from: w * per, to: Math.min(groups, (w + 1) * per) } })
          worker.once('message', resolve)
          worker.once('error', reject)
        }),
    ),
  )
  const wall = (performance.now() - t0) / 1000
  const sum = (k) => results.reduce((a, r) => a + r[k], 0)
  const sims = sum('sims')
  const sets = policySets().length
  console.log(
    `${groups} groups x 14 days x 1-minute x ${sets} policy sets = ${sims.toLocaleString('en-US')} simulations, ${((sims * MINUTES) / 1e6).toFixed(1)} M group-minutes, ${workers} worker threads`,
  )
  console.log(`wall time: ${wall.toFixed(2)} s (goal <= 10 s); demand generation inside it: ${(sum('genMs') / workers / 1000).toFixed(2)} s per worker`)
  console.log(
    `simulate: ${(sum('simMs') / workers / 1000).toFixed(2)} s per worker, ${Math.round(sims / wall).toLocaleString('en-US')} simulations/s, ${((sims * MINUTES) / wall / 1e6).toFixed(1)} M group-minutes/s`,
  )
  console.log(
    `floor (one bare pass over the same arrays per set): ${(sum('floorMs') / workers / 1000).toFixed(3)} s per worker; simulate / floor = ${(sum('simMs') / sum('floorMs')).toFixed(1)}x`,
  )
  console.log(`check: total instance-hours ${sum('hours').toFixed(0)}, breach minutes ${sum('breach')}`)
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}`)
} else {
  const { simulateScaling } = await import('../dist/simulators/autoscaling/simulate.js')
  const { from, to } = workerData
  const sets = policySets()
  const group = {
    name: 'g',
    minSize: 1,
    maxSize: 20,
    desiredCapacity: 2,
    instanceTypes: [{ name: 'm5.large', capacity: 2, pricePerHour: 0.096 }],
    launchDelaySec: 300,
  }
  let genMs = 0,
    simMs = 0,
    floorMs = 0,
    sims = 0,
    hours = 0,
    breach = 0,
    sink = 0
  for (let g = from; g < to; g++) {
    let t = performance.now()
    const demand = demandOf(g)
    genMs += performance.now() - t
    t = performance.now()
    for (const set of sets) {
      const r = simulateScaling({ group, demand, startMs: Date.UTC(2026, 0, 5), utilizationLimitPct: 100 }, set)
      hours += r.instanceHours
      breach += r.breachMinutes
      sims++
    }
    simMs += performance.now() - t
    t = performance.now()
    for (let k = 0; k < sets.length; k++) for (let i = 0; i < demand.length; i++) sink += demand[i] > 4 ? 1 : 0
    floorMs += performance.now() - t
  }
  parentPort.postMessage({ genMs, simMs, floorMs, sims, hours, breach, sink })
}
