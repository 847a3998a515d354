import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import type { Effects } from '../core/effects.js'
import { ToolError, UsageError } from '../core/errors.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import { parseDurationMs } from '../core/duration.js'
import { runLoadTest } from '../loadtest/engine.js'
import { totalDurationMs } from '../loadtest/phases.js'
import { probeTarget } from '../loadtest/probe.js'
import { compareResults, countersUnder, errorRatePct, renderComparison, statusOf } from '../loadtest/render.js'
import { renderDocument, REPORT_FORMATS, type ReportFormat } from '../reporters/registry.js'
import { DEFAULT_EXPECT, parseExpect } from '../loadtest/status.js'
import { LoadTestResultSchema, type LoadTestResult } from '../loadtest/result.js'
import { loadScript } from '../loadtest/script.js'
import { stopOnSignal, writeOutput } from './output.js'
import { parseNumber } from './parse.js'

export interface LoadTestFlags {
  environment?: string
  target?: string
  durationScale?: string
  out?: string
  format?: string
  workers?: string
  connections?: string
  duration?: string
  rate?: string
  pipelining?: string
  amount?: string
  method?: string
  header?: string[]
  body?: string
  timeout?: string
  maxInFlight?: string
  quiet?: boolean
  /** ANSI colours in the terminal summary (the CLI: a TTY without NO_COLOR or --no-color). */
  color?: boolean
  /** Expected statuses, e.g. '2xx,3xx' (default) or '2xx,404'. */
  expect?: string
  /** Exit 5 when the request error rate (errors, timeouts, unexpected statuses) exceeds this percentage. */
  maxErrorRate?: string
}

const isUrl = (s: string) => /^https?:\/\//i.test(s)

/**
 * `headroom loadtest SCRIPT.yml | URL`: Artillery scripts (open model, scenarios) or autocannon-style quick runs
 * (closed model with -c, open model with -R). Prints the summary, writes the JSON result with --out, and exits 5 when
 * an `ensure` check fails, 3 when the target could not be reached at all.
 */
export async function runLoadTestCommand(input: string, f: LoadTestFlags, effects: Effects): Promise<ExitCode> {
  const int = (flag: string, v: string | undefined, min = 1) => (v === undefined ? undefined : parseNumber(flag, v, { min, integer: true }))
  const dur = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined
    const d = parseDurationMs(v)
    if (d === undefined || d <= 0) throw new UsageError(`${flag} '${v}' is not a duration`, `Write ${flag} 30 (seconds), 30s, 2m or 500ms.`)
    return d
  }
  const format = f.format ?? 'terminal'
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format '${format}' is not one of ${REPORT_FORMATS.join(', ')}`)
  const workers = int('--workers', f.workers)
  const connections = int('--connections', f.connections)
  const timeoutMs = dur('--timeout', f.timeout)
  const maxInFlight = int('--max-in-flight', f.maxInFlight)
  let expect = DEFAULT_EXPECT
  if (f.expect !== undefined) {
    try {
      expect = parseExpect(f.expect).expected
    } catch (e) {
      throw new UsageError(
        `--expect: ${(e as Error).message}`,
        'Write status classes, codes or ranges: --expect 2xx,3xx (the default), --expect 2xx,404, --expect 200-299.',
      )
    }
  }
  const maxErrorRate = f.maxErrorRate === undefined ? undefined : parseNumber('--max-error-rate', f.maxErrorRate.replace(/%$/, ''), { min: 0, max: 100 })
  let plan
  let quick
  if (isUrl(input)) {
    if (f.environment || f.target || f.durationScale)
      throw new UsageError('-e, --target and --duration-scale apply to scenario files, not to a URL', 'Drop them, or put the test in a scenario file.')
    const headers: Record<string, string> = {}
    for (const h of f.header ?? []) {
      const i = h.indexOf(':')
      if (i <= 0) throw new UsageError(`-H '${h}' is not a header`, "Write -H 'content-type: application/json'.")
      headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim()
    }
    const rate = f.rate === undefined ? undefined : parseNumber('--rate', f.rate, { min: 0.001 })
    const pipelining = int('--pipelining', f.pipelining) ?? 1
    if (rate !== undefined && pipelining > 1) throw new UsageError('-p (pipelining) applies to the closed model; -R runs an open model', 'Drop one of them.')
    quick = {
      url: input,
      method: (f.method ?? 'GET').toUpperCase(),
      headers,
      ...(f.body !== undefined ? { body: f.body } : {}),
      ...(rate !== undefined ? { rate } : {}),
      durationMs: dur('--duration', f.duration) ?? 10_000,
      ...(f.amount !== undefined ? { amount: int('--amount', f.amount)! } : {}),
      pipelining,
    }
  } else {
    for (const [flag, v] of [
      ['-R', f.rate],
      ['-p', f.pipelining],
      ['-a', f.amount],
      ['-m', f.method],
      ['-b', f.body],
      ['-d', f.duration],
    ] as const)
      if (v !== undefined)
        throw new UsageError(`${flag} applies to a URL (quick mode), not to a scenario file`, 'Set phases and requests in the scenario instead.')
    if (f.header?.length) throw new UsageError('-H applies to a URL (quick mode)', 'Use config.defaults.headers in the scenario.')
    const scale = f.durationScale === undefined ? undefined : parseNumber('--duration-scale', f.durationScale, { min: 0.0001, max: 100 })
    plan = loadScript(input, {
      ...(f.environment ? { environment: f.environment } : {}),
      ...(f.target ? { target: f.target } : {}),
      ...(scale !== undefined ? { durationScale: scale } : {}),
      env: effects.env,
    })
  }
  // Say where the load goes before sending any, and end at once when nobody can answer there.
  const target = plan?.target ?? quick?.url ?? ''
  const from = plan
    ? f.target
      ? '--target'
      : f.environment
        ? `config.environments.${f.environment}`
        : `config.target of ${relative(effects.cwd, input) || input}`
    : 'the URL given'
  const amount = quick?.amount
  const length =
    amount !== undefined
      ? `${amount.toLocaleString('en-US')} requests`
      : `${((plan ? totalDurationMs(plan.phases) : (quick?.durationMs ?? 0)) / 1000).toLocaleString('en-US')} s`
  effects.stderr.write(`loadtest: ${length} against ${target} (${from})\n`)
  const unreachable = await probeTarget(target)
  if (unreachable)
    throw new ToolError('SOURCE_UNAVAILABLE', `the target ${target} cannot be reached: ${unreachable.message}; no load was sent`, {
      hint:
        plan && !f.target
          ? `Start the server, or point the scenario elsewhere with --target URL (it overrides config.target).`
          : 'Start the server, or check the host and port.',
    })
  const stop = { requested: false }
  const offSignal = stopOnSignal(stop, effects, ['\nstopping: waiting for requests in flight (Ctrl-C again to quit now)\n'])
  const tty = effects.stderr.isTTY === true && !f.quiet
  let result: LoadTestResult
  try {
    result = await runLoadTest({
      ...(plan ? { plan } : {}),
      ...(quick ? { quick } : {}),
      ...(workers ? { workers } : {}),
      ...(connections ? { connections } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(maxInFlight ? { maxInFlight } : {}),
      env: { ...effects.env },
      stop,
      now: () => effects.now(),
      expect,
      ...(tty
        ? {
            onProgress: (p) =>
              effects.stderr.write(
                `\r\u001b[2K${(p.elapsedMs / 1000).toFixed(0)}/${(p.totalMs / 1000).toFixed(0)} s  ${Math.round(p.rps).toLocaleString('en-US')} req/s  p50 ${p.p50.toFixed(2)} ms  p99 ${p.p99.toFixed(2)} ms  errors ${p.errors.toLocaleString('en-US')}  in flight ${p.inFlight}`,
              ),
          }
        : {}),
    })
  } finally {
    offSignal()
    if (tty) effects.stderr.write('\r\u001b[2K')
  }
  const responses = result.counters['http.responses'] ?? 0
  const refused = Object.entries(result.counters)
    .filter(([k]) => /^errors\.(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH)$/.test(k))
    .reduce((a, [, v]) => a + v, 0)
  if (responses === 0 && refused > 0) {
    // No table: a throughput of refused connections reads like a result.
    effects.stderr.write(
      `error: the target ${result.target} could not be reached (${Object.keys(countersUnder(result.counters, 'errors.')).join(', ')}).\nhint: Start the server, or check the host and port (--target overrides config.target).\n`,
    )
    return EXIT.SOURCE
  }
  if (f.out) writeOutput(f.out, JSON.stringify(result, null, 2) + '\n')
  effects.stdout.write(await renderDocument(result, format as ReportFormat, { color: f.color === true }))
  if (f.out) {
    const rel = relative(effects.cwd, f.out) || f.out
    effects.stderr.write(`result written to ${rel}; to gate a later run on it: headroom loadtest compare ${rel} NEW.json --max-p99-regression 10%\n`)
  }
  const status = statusOf(result)
  if (responses > 0 && status.unexpected === responses) {
    const codes = Object.entries(status.byCode)
      .map(([c, v]) => `${c}: ${v.toLocaleString('en-US')}`)
      .join(', ')
    effects.stderr.write(
      `error: every response (${responses.toLocaleString('en-US')}) had a status outside ${status.expected} (${codes}): the target answered no request as expected.\nhint: Check the URL and its path, or pass --expect ${Object.keys(status.byCode)[0]} if that status is the answer you are testing.\n`,
    )
    return EXIT.SOURCE
  }
  if (status.unexpected > 0)
    effects.stderr.write(
      `warning: ${status.unexpected.toLocaleString('en-US')} of ${responses.toLocaleString('en-US')} responses had a status outside ${status.expected}; they count as errors (--expect changes the set)\n`,
    )
  const failed: string[] = []
  if (result.ensure && !result.ensure.passed)
    failed.push(
      `ensure failed: ${result.ensure.checks
        .filter((c) => !c.passed)
        .map((c) => c.check)
        .join('; ')}`,
    )
  const errorRate = errorRatePct(result)
  if (maxErrorRate !== undefined && errorRate > maxErrorRate)
    failed.push(
      `error rate ${errorRate.toFixed(3)}% > --max-error-rate ${maxErrorRate}% (network errors, timeouts and statuses outside ${status.expected} over requests)`,
    )
  if (failed.length) {
    effects.stderr.write(failed.map((x) => `${x}\n`).join(''))
    return EXIT.THRESHOLDS
  }
  return EXIT.OK
}

function readResult(file: string): LoadTestResult {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new ToolError('INPUT_INVALID', `${file}: cannot read a load-test result (${(e as Error).message.split('\n')[0]})`, {
      hint: 'Pass files written by `headroom loadtest --out FILE`.',
    })
  }
  const r = LoadTestResultSchema.safeParse(raw)
  if (!r.success) {
    const i = r.error.issues[0]!
    throw new ToolError('INPUT_INVALID', `${file}: not a headroom load-test result: ${i.path.join('.') || '(top)'}: ${i.message}`, {
      hint: 'Pass files written by `headroom loadtest --out FILE` (schemaVersion 1).',
    })
  }
  return r.data
}

/** `headroom loadtest compare BASE NEW`: a table of changes; exits 5 when a limit given is exceeded. */
export async function runLoadTestCompare(
  files: readonly string[],
  f: { maxP99Regression?: string; maxErrorRate?: string; format?: string; allowDifferentTargets?: boolean },
  effects: Effects,
): Promise<ExitCode> {
  if (files.length !== 2)
    throw new UsageError('compare needs two result files: BASE NEW', 'Example: headroom loadtest compare base.json new.json --max-p99-regression 10%')
  const pct = (flag: string, v: string | undefined) => (v === undefined ? undefined : parseNumber(flag, v.replace(/%$/, ''), { min: 0 }))
  const base = readResult(files[0]!)
  const cur = readResult(files[1]!)
  if (base.target !== cur.target && !f.allowDifferentTargets)
    throw new UsageError(
      `${relative(effects.cwd, files[0]!) || files[0]!} ran against ${base.target} and ${relative(effects.cwd, files[1]!) || files[1]!} against ${cur.target}: a comparison of different targets is not a regression check`,
      'Compare runs of the same target, or pass --allow-different-targets to compare them anyway.',
    )
  const limits = {
    ...(f.allowDifferentTargets ? { allowDifferentTargets: true } : {}),
    ...(f.maxP99Regression !== undefined ? { maxP99RegressionPct: pct('--max-p99-regression', f.maxP99Regression)! } : {}),
    ...(f.maxErrorRate !== undefined ? { maxErrorRatePct: pct('--max-error-rate', f.maxErrorRate)! } : {}),
  }
  const c = compareResults(base, cur, limits)
  // The HTML page (uPlot, the payload) is loaded only when asked for: not on every compare's start-up.
  if (f.format === 'html') effects.stdout.write((await import('../html/page.js')).comparisonHtml(base, cur, limits))
  else effects.stdout.write(f.format === 'json' ? JSON.stringify(c, null, 2) + '\n' : renderComparison(c, 'BASE', 'NEW'))
  return c.passed ? EXIT.OK : EXIT.THRESHOLDS
}
