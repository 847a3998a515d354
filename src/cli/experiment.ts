import { existsSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { loadCatalog } from '../catalog/load.js'
import type { Effects } from '../core/effects.js'
import { ToolError, UsageError } from '../core/errors.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import { parseDurationMs } from '../core/duration.js'
import { experimentView } from '../experiment/render.js'
import { runExperiment, type Arm } from '../experiment/run.js'
import { peakArrivalRate } from '../experiment/capacity.js'
import { probeTarget } from '../loadtest/probe.js'
import { totalDurationMs } from '../loadtest/phases.js'
import { loadScript } from '../loadtest/script.js'
import { renderMarkdownView, renderTerminalView } from '../reporters/view.js'
import { stopOnSignal, writeOutput } from './output.js'
import { checkExperimentFormat, parseConfidence, parseNumber } from './parse.js'

export interface ExperimentFlags {
  arm: string[]
  rounds: string
  duration: string
  connections?: string
  rate?: string
  method: string
  slo?: string
  confidence: string
  region?: string
  failOn?: string
  format: string
  out?: string
  workers?: string
  color?: boolean
  findCapacity?: boolean
  warmup?: boolean
  startRate?: string
  maxRate: string
  lambda?: string
  memory: string
  arch?: string
  invocations: string
  payload: string
  payloadFile?: string
  strategy: string
  balancedWeight: string
  profile?: string
}

const ARM = /^([A-Za-z0-9_.-]+)=(https?:\/\/[^,]+)((?:,[a-z]+=[^,]+)*)$/

/** `--arm name=URL[,type=m5.large]`, each checked: a usable name, a URL, a type the catalog knows. */
function parseArms(values: readonly string[], known: (type: string) => boolean): Arm[] {
  if (values.length < 2)
    throw new UsageError(
      `an experiment needs two --arm or more (got ${values.length})`,
      'Example: --arm x86=http://10.0.0.1:8080/,type=m5.large --arm arm=http://10.0.0.2:8080/,type=m6g.large (or, for a Lambda function: --lambda NAME --memory 256,512,1024)',
    )
  const arms: Arm[] = []
  for (const v of values) {
    const m = ARM.exec(v)
    if (!m) throw new UsageError(`--arm '${v}' is not name=URL[,type=TYPE]`, 'Example: --arm x86=http://10.0.0.1:8080/products,type=m5.large')
    const [, name, url, rest] = m
    const arm: Arm = { name: name!, target: url! }
    for (const kv of rest!.split(',').filter(Boolean)) {
      const [k, t] = kv.split('=') as [string, string]
      if (k !== 'type') throw new UsageError(`--arm ${name}: unknown key '${k}'`, 'The keys are: type (an EC2 instance type, for its price).')
      if (!known(t))
        throw new UsageError(
          `--arm ${name}: type '${t}' is not in the catalog`,
          'List types with: headroom catalog --vcpus 2 (names like m5.large, m6g.large).',
        )
      arm.type = t
    }
    if (arms.some((a) => a.name === arm.name)) throw new UsageError(`--arm ${arm.name} is given twice`, 'Give each arm its own name.')
    arms.push(arm)
  }
  return arms
}

const SLO = /^(p50|p90|p95|p99)\s*<\s*([\d.]+)\s*ms$/

/** `headroom experiment [scenario.yml] --arm a=URL,type=T --arm b=URL,type=T`: see docs/experiment.md. */
export async function runExperimentCommand(input: string | undefined, f: ExperimentFlags, effects: Effects): Promise<ExitCode> {
  if (f.lambda !== undefined) return (await import('./experiment-lambda.js')).runLambdaExperimentCommand(f, effects)
  const catalog = loadCatalog()
  const arms = parseArms(f.arm, (t) => catalog.get(t) !== undefined)
  const rounds = parseNumber('--rounds', f.rounds, { min: 2, max: 100, integer: true })
  const level = parseConfidence(f.confidence)
  let slo: { metric: 'p50' | 'p90' | 'p95' | 'p99'; thresholdMs: number } | undefined
  if (f.slo !== undefined) {
    const m = SLO.exec(f.slo.trim())
    if (!m) throw new UsageError(`--slo '${f.slo}' is not a latency objective`, "Write it like --slo 'p99<200ms' (p50, p90, p95 or p99).")
    slo = { metric: m[1] as 'p50', thresholdMs: Number(m[2]) }
  }
  if (f.failOn !== undefined && f.failOn !== 'regression') throw new UsageError(`--fail-on '${f.failOn}' is not known`, 'Use --fail-on regression.')
  checkExperimentFormat(f.format)
  const durationMs = parseDurationMs(f.duration)
  if (durationMs === undefined || durationMs <= 0) throw new UsageError(`--duration '${f.duration}' is not a duration`, 'Write 10 (seconds), 10s or 1m.')
  const connections = f.connections === undefined ? undefined : parseNumber('--connections', f.connections, { min: 1, integer: true })
  const rate = f.rate === undefined ? undefined : parseNumber('--rate', f.rate, { min: 0.001 })
  const workers = f.workers === undefined ? undefined : parseNumber('--workers', f.workers, { min: 1, integer: true })

  let plan
  let what: string
  // A scenario file (relative, or absolute and there), else a path every arm's URL gets ('/products').
  const scenario =
    input !== undefined && (!input.startsWith('/') || (/\.(ya?ml|json)$/i.test(input) && existsSync(input))) ? resolve(effects.cwd, input) : undefined
  if (scenario !== undefined) {
    // Scenario mode: one script, each arm its target.
    plan = loadScript(scenario, { env: effects.env, target: arms[0]!.target })
    what = relative(effects.cwd, scenario) || scenario
  } else {
    // URL mode: every arm gets the same request; a path argument is appended to each arm's URL.
    for (const a of arms) if (input !== undefined) a.target = new URL(input, a.target).href
    const key = (a: Arm) => {
      const u = new URL(a.target)
      return `${u.pathname}${u.search}`
    }
    const other = arms.find((a) => key(a) !== key(arms[0]!))
    if (other)
      throw new UsageError(
        `the arms send different requests: ${arms[0]!.name} ${key(arms[0]!)}, ${other.name} ${key(other)}; an experiment compares configurations under the same load`,
        'Give every arm the same path (or give the path once as the argument: headroom experiment /products --arm a=http://h1:8080 ...).',
      )
    what = `${f.method.toUpperCase()} ${key(arms[0]!)}`
  }
  if (f.findCapacity) {
    if (!slo) throw new UsageError('--find-capacity needs --slo: the capacity is the highest rate at which it holds', "Add e.g. --slo 'p99<200ms'.")
    if (rate !== undefined || connections !== undefined) throw new UsageError('--find-capacity chooses the rates itself: drop -R and -c')
  }
  // A scenario starts at its own peak rate (its load as written); one request starts at 50/s.
  const startRate =
    f.startRate !== undefined ? parseNumber('--start-rate', f.startRate, { min: 0.1 }) : plan && f.findCapacity ? peakArrivalRate(plan.phases) : 50
  if (plan && f.findCapacity && !(peakArrivalRate(plan.phases) > 0))
    throw new UsageError(`${what} has no arrivals (only pauses) to scale`, 'Give it a phase with arrivalRate or arrivalCount.')
  const maxRate = parseNumber('--max-rate', f.maxRate, { min: startRate })
  const runMs = plan ? totalDurationMs(plan.phases) : durationMs
  effects.stderr.write(
    f.findCapacity
      ? `experiment: ${what} against ${arms.map((a) => a.name).join(', ')}: the highest ${plan ? 'peak arrival rate (the scenario scaled)' : 'rate'} at which ${f.slo} holds, from ${startRate}/s, ${(runMs / 1000).toFixed(1)} s a step\n`
      : `experiment: ${what} against ${arms.map((a) => a.name).join(', ')}, ${rounds} rounds x ${(runMs / 1000).toFixed(1)} s each (about ${Math.ceil((rounds * arms.length * runMs) / 1000)} s)\n`,
  )
  for (const a of arms) {
    const fail = await probeTarget(a.target)
    if (fail)
      throw new ToolError('SOURCE_UNAVAILABLE', `arm ${a.name}: ${a.target} cannot be reached: ${fail.message}; no load was sent to any arm`, {
        hint: 'Start the server, or check the arm’s host and port.',
      })
  }
  const stop = { requested: false }
  const offSignal = stopOnSignal(stop, effects, ['\nstopping after the runs in flight (Ctrl-C again to quit now)\n'])
  let result
  try {
    result = await runExperiment({
      arms,
      ...(plan
        ? { plan }
        : {
            // Open model: no busy warm-up (it floods the arm just before the run, and a queue would carry it into the run).
            quick: { method: f.method.toUpperCase(), headers: {}, ...(rate !== undefined ? { rate, warmRepeat: false } : {}), durationMs, pipelining: 1 },
          }),
      rounds,
      warmup: f.warmup !== false,
      confidence: level,
      region: f.region ?? 'us-east-1',
      catalog,
      ...(slo ? { slo } : {}),
      ...(f.findCapacity ? { capacity: { runMs, startRate, maxRate, precision: 0.1 } } : {}),
      onStep: (arm, st) =>
        effects.stderr.write(
          `  ${arm}: ${st.rate}/s ${st.held ? 'held' : 'failed'} (${slo!.metric} ${st.latencyMs.toFixed(1)} ms${st.errorsPct ? `, ${st.errorsPct}% errors` : ''}${st.generatorSaturated ? ', generator saturated' : ''})\n`,
        ),
      ...(workers ? { workers } : {}),
      ...(connections ? { connections } : plan || rate !== undefined ? {} : { connections: 10 }),
      now: () => effects.now(),
      stop,
      onRun: (arm, round, r) =>
        effects.stderr.write(
          `  round ${round + 1}/${rounds} ${arm}: ${r.rate.requestsPerSec.toFixed(0)} req/s, p99 ${r.latency.corrected.p99.toFixed(2)} ms${r.generator.saturated ? ' (generator saturated)' : ''}\n`,
        ),
    })
  } finally {
    offSignal()
  }
  if (plan) {
    result.load.runMs = runMs
    result.load.what = what
  }
  if (f.out) writeOutput(f.out, JSON.stringify(result, null, 2) + '\n')
  const view = experimentView(result)
  effects.stdout.write(
    f.format === 'json'
      ? JSON.stringify(result, null, 2) + '\n'
      : f.format === 'md'
        ? renderMarkdownView(view)
        : f.format === 'html'
          ? (await import('../html/page.js')).experimentHtml(result)
          : renderTerminalView(view, f.color === true),
  )
  if (f.failOn === 'regression' && result.verdict.worse.length) {
    effects.stderr.write(`headroom: --fail-on regression: ${result.verdict.worse.join(', ')} worse than ${result.arms[0]!.name} (${result.verdict.metric})\n`)
    return EXIT.GATE
  }
  return EXIT.OK
}

export interface PlanFlags {
  types?: string
  amiX86?: string
  amiArm?: string
  region?: string
  subnet?: string
  securityGroup: string[]
  keyName?: string
  port: string
  stack: string
  as: string
}

/** `headroom experiment plan`: prints (never runs) how to launch the arms and tear them down, with their cost per hour. */
export async function runExperimentPlan(f: PlanFlags, effects: Effects): Promise<ExitCode> {
  const { planArms, planCloudFormation, planCli } = await import('../experiment/plan.js')
  if (!f.types)
    throw new UsageError('experiment plan needs --types', 'Example: headroom experiment plan --types m5.large,m6g.large --ami-x86 ami-... --ami-arm ami-...')
  if (f.as !== 'cloudformation' && f.as !== 'cli') throw new UsageError(`--as '${f.as}' is not one of cloudformation, cli`)
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(f.stack))
    throw new UsageError(`--stack '${f.stack}' is not a stack name`, 'Letters, digits and hyphens, starting with a letter.')
  const o = {
    types: f.types
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    amis: { ...(f.amiX86 ? { x86_64: f.amiX86 } : {}), ...(f.amiArm ? { arm64: f.amiArm } : {}) },
    region: f.region ?? 'us-east-1',
    ...(f.subnet ? { subnet: f.subnet } : {}),
    securityGroups: f.securityGroup,
    ...(f.keyName ? { keyName: f.keyName } : {}),
    port: parseNumber('--port', f.port, { min: 1, max: 65535, integer: true }),
    stack: f.stack,
  }
  const arms = planArms(loadCatalog(), o)
  effects.stdout.write(f.as === 'cli' ? planCli(arms, o) : planCloudFormation(arms, o))
  return EXIT.OK
}
