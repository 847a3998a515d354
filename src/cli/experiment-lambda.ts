import { readFileSync } from 'node:fs'
import { LambdaClient } from '@aws-sdk/client-lambda'
import { LAMBDA } from '../catalog/lambda.js'
import { loadServiceCatalogs } from '../catalog/load.js'
import { PRICES_SOURCE } from '../catalog/unit-prices.js'
import type { Effects } from '../core/effects.js'
import { ToolError, UsageError } from '../core/errors.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import { runLambdaExperiment, restoreCommands, type LambdaArch, type LambdaStrategy } from '../experiment/lambda.js'
import { lambdaView } from '../experiment/render.js'
import { renderMarkdownView, renderTerminalView } from '../reporters/view.js'
import { checkEndpointEnv } from '../sources/aws/clients.js'
import { tagCalls } from '../sources/aws/errors.js'
import type { ExperimentFlags } from './experiment.js'
import { stopOnSignal, writeOutput } from './output.js'
import { checkExperimentFormat, parseConfidence, parseNumber } from './parse.js'

/** A function ARN: arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]. */
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(?::(.+))?$/
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/
/** Lambda's synchronous Invoke takes at most 6 MB of payload (Lambda quotas). */
const PAYLOAD_LIMIT = 6 * 1024 * 1024

/** `headroom experiment --lambda fn --memory 256,512 --arch x86_64,arm64`: see docs/experiment.md ("Lambda mode"). */
export async function runLambdaExperimentCommand(f: ExperimentFlags, effects: Effects): Promise<ExitCode> {
  const fn = f.lambda!.trim()
  const arn = FUNCTION_ARN.exec(fn)
  if (arn?.[4] !== undefined)
    throw new UsageError(
      `--lambda '${fn}' names a qualifier (${arn[4]}); an experiment publishes versions of $LATEST and invokes them through an alias of its own`,
      `Give the function without the qualifier: --lambda ${fn.slice(0, fn.length - arn[4].length - 1)}`,
    )
  if (!arn && !FUNCTION_NAME.test(fn))
    throw new UsageError(
      `--lambda '${fn}' is not a function name or ARN`,
      'Example: --lambda my-function or --lambda arn:aws:lambda:us-east-1:123456789012:function:my-function',
    )
  if (f.arm.length)
    throw new UsageError('--lambda and --arm are two kinds of experiment: give one', 'Drop --arm (Lambda mode compares settings of one function).')
  if (f.findCapacity || f.rate !== undefined || f.connections !== undefined || f.slo !== undefined)
    throw new UsageError(
      '--find-capacity, -R, -c and --slo apply to HTTP arms, not to --lambda',
      'Lambda mode invokes one at a time and compares duration and cost.',
    )
  if (f.failOn !== undefined) throw new UsageError('--fail-on applies to HTTP arms; in Lambda mode read verdict.improvement in the JSON result (-f json)')

  const memories = [
    ...new Set(
      f.memory.split(',').map((m) => {
        const v = parseNumber('--memory', m.trim(), { min: LAMBDA.minMemoryMB, max: LAMBDA.maxMemoryMB, integer: true })
        return v
      }),
    ),
  ]
  const archs = f.arch?.split(',').map((a) => a.trim())
  for (const a of archs ?? []) if (a !== 'x86_64' && a !== 'arm64') throw new UsageError(`--arch '${a}' is not x86_64 or arm64`, 'Example: --arch x86_64,arm64')
  const invocations = parseNumber('--invocations', f.invocations, { min: 2, max: 10_000, integer: true })
  const rounds = parseNumber('--rounds', f.rounds, { min: 1, max: 100, integer: true })
  if (rounds > invocations)
    throw new UsageError(`--rounds ${rounds} is more than --invocations ${invocations}`, 'Each round invokes every setting at least once.')
  const level = parseConfidence(f.confidence)
  const weight = parseNumber('--balanced-weight', f.balancedWeight, { min: 0, max: 1 })
  checkExperimentFormat(f.format)
  let payload = f.payload
  let payloadFrom = '--payload'
  if (f.payloadFile !== undefined) {
    payloadFrom = f.payloadFile
    try {
      payload = readFileSync(f.payloadFile, 'utf8')
    } catch (err) {
      throw new UsageError(`--payload-file ${f.payloadFile} cannot be read: ${(err as Error).message}`)
    }
  }
  try {
    JSON.parse(payload)
  } catch (err) {
    throw new UsageError(`${payloadFrom} is not JSON: ${(err as Error).message}`, 'Lambda events are JSON, e.g. --payload \'{"id": 1}\'.')
  }
  if (Buffer.byteLength(payload) > PAYLOAD_LIMIT) throw new UsageError(`${payloadFrom} is ${Buffer.byteLength(payload)} bytes; Invoke takes at most 6 MB`)

  const region = arn?.[1] ?? f.region ?? (effects.env.AWS_REGION || effects.env.AWS_DEFAULT_REGION || 'us-east-1')
  if (arn && f.region !== undefined && f.region !== arn[1])
    throw new UsageError(`--region ${f.region} differs from the ARN's region ${arn[1]}`, 'Drop --region: the ARN says where the function is.')
  checkEndpointEnv(effects.env)
  if (f.profile) process.env.AWS_PROFILE = f.profile
  const client = tagCalls(new LambdaClient({ region, ...(f.profile ? { profile: f.profile } : {}) }))
  const prices = { ...loadServiceCatalogs().lambda, region: 'us-east-1', source: PRICES_SOURCE }

  effects.stderr.write(
    `experiment: Lambda ${fn} (${region}) at ${memories.join(', ')} MB${archs ? ` on ${archs.join(', ')}` : ''}, ${invocations} invocations each in ${rounds} rounds, strategy ${f.strategy}\n` +
      '  it changes $LATEST to publish a version per setting, puts $LATEST back at once, and deletes what it published at the end (Ctrl-C too)\n',
  )
  const stop = { requested: false }
  const offSignal = stopOnSignal(
    stop,
    effects,
    [
      `\nstopping: putting ${fn} back as it was (deleting headroom's alias and versions) ...\n`,
      `still restoring ${fn}; Ctrl-C once more quits without finishing, and then it is yours to restore\n`,
    ],
    ['SIGINT', 'SIGTERM'],
  )
  let result
  try {
    result = await runLambdaExperiment({
      client,
      function: fn,
      region,
      memories,
      ...(archs ? { archs: archs as LambdaArch[] } : {}),
      invocations,
      rounds,
      payload,
      prices,
      strategy: f.strategy as LambdaStrategy,
      balancedWeight: weight,
      confidence: level,
      now: () => effects.now(),
      stop,
      log: (line) => effects.stderr.write(line + '\n'),
    })
  } finally {
    offSignal()
  }
  if (f.out) writeOutput(f.out, JSON.stringify(result, null, 2) + '\n')
  effects.stdout.write(
    f.format === 'json'
      ? JSON.stringify(result, null, 2) + '\n'
      : f.format === 'md'
        ? renderMarkdownView(lambdaView(result))
        : f.format === 'html'
          ? (await import('../html/page.js')).lambdaExperimentHtml(result)
          : renderTerminalView(lambdaView(result), f.color === true),
  )
  if (!result.restored.ok) {
    const orig = { name: result.function.name, memoryMB: result.current.memoryMB, arch: result.current.arch, packageType: result.function.packageType }
    throw new ToolError('SOURCE_UNAVAILABLE', `${result.function.name} was not fully put back: ${result.restored.problems.join('; ')}`, {
      hint: `Restore it by hand:\n  ${restoreCommands(orig, region, result.restored.left).join('\n  ')}`,
    })
  }
  if (result.stopped) effects.stderr.write(`stopped early; ${fn} was put back as it was\n`)
  return EXIT.OK
}
