import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda'
import { costPerInvocation, type LambdaPrices } from '../catalog/lambda.js'
import { ToolError } from '../core/errors.js'
import { authProblem } from '../sources/aws/collect.js'
import { describeAwsError, FOREIGN_ANSWER_HINT, isForeignAnswer } from '../sources/aws/errors.js'
import { VERSION } from '../core/version.js'
import { EXPERIMENT_SCHEMA_VERSION, type LambdaExperimentResult } from './result.js'
import { bootstrapMean, bootstrapRatio, roundOrder, type RatioInterval } from './stats.js'
import { parseReport } from '../core/lambda-report.js'
import { quantileLinear } from '../core/quantile.js'

export type LambdaArch = 'x86_64' | 'arm64'
export type LambdaStrategy = 'cost' | 'speed' | 'balanced'
interface LambdaSetting {
  memoryMB: number
  arch: LambdaArch
}

export interface Candidate {
  name: string
  /** Mean cost of a warm invocation, USD. */
  cost: number
  /** Mean warm duration, ms. */
  duration: number
}

/**
 * The setting a strategy picks, as Lambda Power Tuning defines them (lambda/analyzer.js): cost, the lowest mean cost
 * (a tie goes to the faster); speed, the lowest mean duration (a tie goes to the cheaper); balanced, the lowest
 * w x cost / max cost + (1 - w) x duration / max duration.
 */
export function choose(cs: readonly Candidate[], strategy: LambdaStrategy, weight = 0.5): Candidate | undefined {
  if (!cs.length) return undefined
  const maxCost = Math.max(...cs.map((c) => c.cost))
  const maxDuration = Math.max(...cs.map((c) => c.duration))
  const key = (c: Candidate): [number, number] =>
    strategy === 'cost'
      ? [c.cost, c.duration]
      : strategy === 'speed'
        ? [c.duration, c.cost]
        : [(weight * c.cost) / maxCost + ((1 - weight) * c.duration) / maxDuration, c.cost]
  return [...cs].sort((a, b) => {
    const [a1, a2] = key(a)
    const [b1, b2] = key(b)
    return a1 - b1 || a2 - b2
  })[0]
}

export interface LambdaExperimentOptions {
  client: LambdaClient
  /** Name or ARN, without a qualifier. */
  function: string
  region: string
  memories: readonly number[]
  /** Default: the function's own architecture only. */
  archs?: readonly LambdaArch[]
  invocations: number
  rounds: number
  payload: string
  prices: LambdaPrices & { region: string; source: string }
  strategy: LambdaStrategy
  balancedWeight: number
  confidence: number
  now: () => number
  stop?: { requested: boolean }
  /** Progress lines (what is being changed, each setting's round). */
  log?: (line: string) => void
  /** Downloads a package for an architecture switch (tests and the CLI pass fetch). */
  download?: (url: string) => Promise<Uint8Array>
  /** Poll interval while an update is in progress, ms. */
  pollMs?: number
}

interface Original {
  name: string
  arn: string
  memoryMB: number
  arch: LambdaArch
  codeSha256: string
  packageType: 'Zip' | 'Image'
}

const settingName = (s: LambdaSetting) => `${s.arch}/${s.memoryMB}`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** The ZipFile limit of UpdateFunctionCode (50 MB zipped, Lambda quotas); a larger package must go through S3. */
const ZIP_LIMIT = 50 * 1024 * 1024

/** The error that ended a run, saying whether the function was put back (and how to do it by hand when not). */
function withRestore(err: unknown, orig: Original, restored: LambdaExperimentResult['restored'], region: string): Error {
  const e = err instanceof ToolError ? err : new ToolError('INTERNAL', (err as Error).message ?? String(err), { cause: err })
  if (restored.ok) return new ToolError(e.code, `${e.message} (${orig.name} was put back as it was)`, { ...(e.hint ? { hint: e.hint } : {}), cause: err })
  return new ToolError(e.code, `${e.message}; and ${orig.name} was NOT fully put back: ${restored.problems.join('; ') || 'its state could not be read'}`, {
    hint: `Restore it by hand:\n  ${restoreCommands(orig, region, restored.left).join('\n  ')}`,
    cause: err,
  })
}

/** The manual commands that put the function back as it was: printed when a restore step fails. */
export function restoreCommands(
  o: Pick<Original, 'name' | 'memoryMB' | 'arch' | 'packageType'>,
  region: string,
  left: { alias: string | null; versions: readonly string[] },
): string[] {
  const fn = `--region ${region} --function-name ${o.name}`
  return [
    `aws lambda update-function-configuration ${fn} --memory-size ${o.memoryMB}`,
    `(if the architecture changed) aws lambda update-function-code ${fn} --architectures ${o.arch} ${o.packageType === 'Image' ? '--image-uri <the image>' : '--zip-file fileb://<the package>'}`,
    ...(left.alias ? [`aws lambda delete-alias ${fn} --name ${left.alias}`] : []),
    ...left.versions.map((v) => `aws lambda delete-function ${fn} --qualifier ${v}`),
  ]
}

/**
 * Invokes one function at each memory size and architecture and compares them with its current configuration.
 *
 * How it changes the function, and how it puts it back: each setting is applied to $LATEST (UpdateFunctionCode with
 * the function's own package for an architecture, UpdateFunctionConfiguration for memory; each waited for until
 * LastUpdateStatus is Successful) and published as a version; $LATEST is then restored at once, before anything is
 * invoked, so callers of the unqualified function see a changed configuration only during the setup. The settings are
 * invoked through an alias of headroom's own that is pointed at each version in turn, interleaved in rounds (A B C,
 * C B A, ...) as the HTTP arms are. At the end (and on Ctrl-C, or an error) the alias and every version headroom
 * published are deleted; a version that already existed (PublishVersion returns it when nothing changed) is kept.
 */
export async function runLambdaExperiment(o: LambdaExperimentOptions): Promise<LambdaExperimentResult> {
  const startedAt = o.now()
  const log = o.log ?? (() => undefined)
  const orig = await original(o)
  const archs = o.archs?.length ? o.archs : [orig.arch]
  // The current configuration first (the baseline), then the rest grouped by architecture (one code switch each way).
  const current: LambdaSetting = { memoryMB: orig.memoryMB, arch: orig.arch }
  const settings: LambdaSetting[] = [current]
  for (const arch of [...archs].sort((a, b) => Number(b === orig.arch) - Number(a === orig.arch)))
    for (const memoryMB of o.memories) if (!settings.some((s) => s.arch === arch && s.memoryMB === memoryMB)) settings.push({ memoryMB, arch })
  const existing = await listVersions(o)
  const versions = new Map<string, string>()
  const restored: LambdaExperimentResult['restored'] = {
    ok: false,
    memoryMB: null,
    arch: null,
    codeSha256Unchanged: null,
    aliasDeleted: false,
    versionsDeleted: [],
    left: { alias: null, versions: [] },
    problems: [],
  }
  const warnings: string[] = []
  const needsCode = settings.some((s) => s.arch !== orig.arch)
  const code = needsCode ? await packageOf(o, orig) : undefined
  const alias = `headroom-experiment-${startedAt.toString(36)}`
  let aliasCreated = false
  const samples = new Map<string, LambdaExperimentResult['settings'][number]['samples']>(settings.map((s) => [settingName(s), []]))
  let failure: unknown
  try {
    // 1. Publish a version per setting; $LATEST restored right after, whatever happened.
    let arch = orig.arch
    let memory = orig.memoryMB
    try {
      for (const s of settings) {
        if (o.stop?.requested) break
        if (s.arch !== arch) {
          log(`  ${orig.name}: architecture ${arch} -> ${s.arch} (its own package, re-uploaded)`)
          arch = s.arch
          await update(o, orig, new UpdateFunctionCodeCommand({ FunctionName: orig.arn, ...code!, Architectures: [s.arch] }))
        }
        log(`  ${orig.name}: memory ${s.memoryMB} MB (${s.arch}), publishing a version`)
        if (s.memoryMB !== memory) await update(o, orig, new UpdateFunctionConfigurationCommand({ FunctionName: orig.arn, MemorySize: s.memoryMB }))
        memory = s.memoryMB
        const v = await call(o, 'PublishVersion', () =>
          o.client.send(new PublishVersionCommand({ FunctionName: orig.arn, Description: `headroom experiment ${settingName(s)}` })),
        )
        versions.set(settingName(s), v.Version!)
      }
    } finally {
      await restoreLatest(o, orig, code, restored)
    }
    const published = settings.filter((s) => versions.has(settingName(s)))
    if (published.length) {
      await call(o, 'CreateAlias', () =>
        o.client.send(
          new CreateAliasCommand({
            FunctionName: orig.arn,
            Name: alias,
            FunctionVersion: versions.get(settingName(published[0]!)),
            Description: 'headroom experiment (deleted at the end)',
          }),
        ),
      )
      aliasCreated = true
    }
    // 2. Rounds: every setting in turn, through the alias.
    const per = splitEvenly(o.invocations, o.rounds)
    for (let round = 0; round < o.rounds && !o.stop?.requested; round++) {
      for (const s of roundOrder(published, round)) {
        if (o.stop?.requested) break
        const v = versions.get(settingName(s))!
        await call(o, 'UpdateAlias', () => o.client.send(new UpdateAliasCommand({ FunctionName: orig.arn, Name: alias, FunctionVersion: v })))
        for (let i = 0; i < per[round]! && !o.stop?.requested; i++) samples.get(settingName(s))!.push({ round, ...(await invokeOnce(o, orig, alias)) })
      }
      log(`  round ${round + 1}/${o.rounds}: ${published.length} settings x ${per[round]} invocations`)
    }
  } catch (err) {
    failure = err
  } finally {
    // 3. Delete what headroom made: the alias, then its versions (a version an alias points at cannot be deleted).
    if (aliasCreated)
      try {
        await o.client.send(new DeleteAliasCommand({ FunctionName: orig.arn, Name: alias }))
        restored.aliasDeleted = true
      } catch (err) {
        restored.problems.push(`alias ${alias} not deleted: ${(err as Error).message}`)
        restored.left.alias = alias
      }
    for (const v of new Set(versions.values())) {
      if (existing.has(v)) continue
      try {
        await o.client.send(new DeleteFunctionCommand({ FunctionName: orig.arn, Qualifier: v }))
        restored.versionsDeleted.push(v)
      } catch (err) {
        restored.problems.push(`version ${v} not deleted: ${(err as Error).message}`)
        restored.left.versions.push(v)
      }
    }
    restored.ok = restored.problems.length === 0 && restored.memoryMB === orig.memoryMB && restored.arch === orig.arch && restored.codeSha256Unchanged !== false
  }
  if (failure) throw withRestore(failure, orig, restored, o.region)
  const kept = [...new Set(versions.values())].filter((v) => existing.has(v))
  if (kept.length)
    warnings.push(
      `version ${kept.join(', ')} already existed (PublishVersion returns the last version when nothing changed): it was invoked as is and kept, and its environments may have been warm`,
    )
  return summarize(o, startedAt, orig, settings, versions, samples, restored, warnings)
}

/** `total` invocations over `rounds` rounds, as evenly as possible (the first rounds take the remainder). */
export function splitEvenly(total: number, rounds: number): number[] {
  return Array.from({ length: rounds }, (_, i) => Math.floor(total / rounds) + (i < total % rounds ? 1 : 0))
}

/** Names the API and the function in an SDK error, and the IAM action on an access denial (docs/iam-policy-experiment-lambda.json). */
async function call<T>(o: LambdaExperimentOptions, api: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f()
  } catch (err) {
    const e = err as Error & { name?: string; $metadata?: { httpStatusCode?: number } }
    const auth = authProblem(err)
    const denied = auth === 'access denied' || e.$metadata?.httpStatusCode === 403
    const action = api === 'Invoke' ? 'lambda:InvokeFunction' : `lambda:${api}`
    const foreign = isForeignAnswer(err)
    throw new ToolError('SOURCE_UNAVAILABLE', `Lambda ${api} on ${o.function} failed: ${foreign ? describeAwsError(err) : e.message.split('\n')[0]}`, {
      hint: foreign
        ? FOREIGN_ANSWER_HINT
        : denied
          ? `Allow "${action}" on the function; docs/iam-policy-experiment-lambda.json is the policy an experiment needs (it changes the function and puts it back).`
          : auth
            ? `${auth.charAt(0).toUpperCase() + auth.slice(1)}: set credentials (aws configure, AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and try again.`
            : e.name === 'ResourceNotFoundException'
              ? 'Check the function name or ARN and the region (--region, or the ARN’s).'
              : 'Check the network, the region (--region, or the ARN’s) and the function, and try again.',
    })
  }
}

async function original(o: LambdaExperimentOptions): Promise<Original> {
  const c = await call(o, 'GetFunctionConfiguration', () => o.client.send(new GetFunctionConfigurationCommand({ FunctionName: o.function })))
  const arch = c.Architectures?.[0] ?? 'x86_64'
  if (c.LastUpdateStatus === 'InProgress' || c.State === 'Pending')
    throw new ToolError(
      'SOURCE_UNAVAILABLE',
      `Lambda function ${c.FunctionName} is being updated (${c.State}, ${c.LastUpdateStatus}); an experiment would race that update`,
      {
        hint: 'Wait until the update has finished (aws lambda get-function-configuration shows LastUpdateStatus Successful) and run again.',
      },
    )
  return {
    name: c.FunctionName!,
    arn: c.FunctionArn!,
    memoryMB: c.MemorySize ?? 128,
    arch,
    codeSha256: c.CodeSha256 ?? '',
    packageType: c.PackageType === 'Image' ? 'Image' : 'Zip',
  }
}

async function listVersions(o: LambdaExperimentOptions): Promise<Set<string>> {
  const out = new Set<string>()
  let marker: string | undefined
  do {
    const r = await call(o, 'ListVersionsByFunction', () =>
      o.client.send(new ListVersionsByFunctionCommand({ FunctionName: o.function, ...(marker ? { Marker: marker } : {}) })),
    )
    for (const v of r.Versions ?? []) if (v.Version && v.Version !== '$LATEST') out.add(v.Version)
    marker = r.NextMarker
  } while (marker)
  return out
}

/** What UpdateFunctionCode needs to run the function's own code on another architecture: its package or its image. */
async function packageOf(o: LambdaExperimentOptions, orig: Original): Promise<{ ZipFile: Uint8Array } | { ImageUri: string }> {
  const f = await call(o, 'GetFunction', () => o.client.send(new GetFunctionCommand({ FunctionName: orig.arn })))
  if (orig.packageType === 'Image') {
    if (!f.Code?.ImageUri) throw new ToolError('SOURCE_UNAVAILABLE', `Lambda GetFunction on ${orig.name} named no image`, { hint: 'Run without --arch.' })
    return { ImageUri: f.Code.ImageUri }
  }
  if (!f.Code?.Location)
    throw new ToolError('SOURCE_UNAVAILABLE', `Lambda GetFunction on ${orig.name} gave no package location`, { hint: 'Run without --arch.' })
  const download = o.download ?? (async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer()))
  let zip: Uint8Array
  try {
    zip = await download(f.Code.Location)
  } catch (err) {
    throw new ToolError('SOURCE_UNAVAILABLE', `cannot download ${orig.name}'s package to run it on another architecture: ${(err as Error).message}`, {
      hint: 'Run without --arch (the function’s own architecture only), or from a network that reaches S3.',
    })
  }
  if (zip.length > ZIP_LIMIT)
    throw new ToolError('USAGE', `${orig.name}'s package is ${(zip.length / 1048576).toFixed(1)} MB; UpdateFunctionCode takes at most 50 MB directly`, {
      hint: 'Compare architectures with two functions deployed apart (two experiments), or run without --arch.',
    })
  return { ZipFile: zip }
}

/** Sends an update of $LATEST, then waits for LastUpdateStatus Successful (an update in progress makes the next call a 409). */
async function update(o: LambdaExperimentOptions, orig: Original, cmd: UpdateFunctionCodeCommand | UpdateFunctionConfigurationCommand): Promise<void> {
  const api = cmd instanceof UpdateFunctionCodeCommand ? 'UpdateFunctionCode' : 'UpdateFunctionConfiguration'
  await call(o, api, () => o.client.send(cmd))
  await settled(o, orig, api)
}

/**
 * Polls GetFunctionConfiguration until the update is done. Written here rather than the SDK's waitUntilFunctionUpdatedV2
 * because that waiter retries on every error (an access denial too) until its maximum wait, where a user needs the
 * denial at once; the poll is 250 ms, growing to 2 s, for at most 5 minutes.
 */
async function settled(o: LambdaExperimentOptions, orig: Original, api: string): Promise<void> {
  const deadline = o.now() + 300_000
  let delay = o.pollMs ?? 250
  for (;;) {
    const c = await call(o, 'GetFunctionConfiguration', () => o.client.send(new GetFunctionConfigurationCommand({ FunctionName: orig.arn })))
    if (c.LastUpdateStatus === 'Successful' || c.LastUpdateStatus === undefined) return
    if (c.LastUpdateStatus === 'Failed')
      throw new ToolError(
        'SOURCE_UNAVAILABLE',
        `Lambda ${api} on ${orig.name} failed: ${c.LastUpdateStatusReason ?? c.LastUpdateStatusReasonCode ?? 'no reason given'}`,
        {
          hint: 'The function was put back as it was; see the reason above.',
        },
      )
    if (o.now() > deadline)
      throw new ToolError('SOURCE_UNAVAILABLE', `Lambda ${api} on ${orig.name} was still in progress after 5 minutes`, { hint: 'Try again later.' })
    await sleep(delay)
    delay = Math.min(2000, delay * 2)
  }
}

/** Puts $LATEST back (architecture with its own package, then memory) and checks it, into `restored`. Never throws. */
async function restoreLatest(
  o: LambdaExperimentOptions,
  orig: Original,
  code: { ZipFile: Uint8Array } | { ImageUri: string } | undefined,
  restored: LambdaExperimentResult['restored'],
): Promise<void> {
  try {
    // An update left in progress (a failure while waiting for it) would make the first restore step a 409: wait it out.
    await settled(o, orig, 'the last update').catch(() => undefined)
    // Decided by what $LATEST is now, not by what was attempted: a denied or failed update changed nothing to undo.
    const was = await call(o, 'GetFunctionConfiguration', () => o.client.send(new GetFunctionConfigurationCommand({ FunctionName: orig.arn })))
    if (code && (was.Architectures?.[0] !== orig.arch || was.CodeSha256 !== orig.codeSha256))
      await update(o, orig, new UpdateFunctionCodeCommand({ FunctionName: orig.arn, ...code, Architectures: [orig.arch] }))
    const now = await call(o, 'GetFunctionConfiguration', () => o.client.send(new GetFunctionConfigurationCommand({ FunctionName: orig.arn })))
    if (now.MemorySize !== orig.memoryMB) await update(o, orig, new UpdateFunctionConfigurationCommand({ FunctionName: orig.arn, MemorySize: orig.memoryMB }))
    const c = await call(o, 'GetFunctionConfiguration', () => o.client.send(new GetFunctionConfigurationCommand({ FunctionName: orig.arn })))
    restored.memoryMB = c.MemorySize ?? null
    restored.arch = c.Architectures?.[0] ?? null
    restored.codeSha256Unchanged = c.CodeSha256 === orig.codeSha256
    if (restored.memoryMB !== orig.memoryMB) restored.problems.push(`memory is ${restored.memoryMB} MB, was ${orig.memoryMB} MB`)
    if (restored.arch !== orig.arch) restored.problems.push(`architecture is ${restored.arch}, was ${orig.arch}`)
    if (!restored.codeSha256Unchanged) restored.problems.push(`the code's SHA-256 is ${c.CodeSha256}, was ${orig.codeSha256}`)
  } catch (err) {
    restored.problems.push(`$LATEST not restored: ${(err as Error).message}`)
  }
}

async function invokeOnce(
  o: LambdaExperimentOptions,
  orig: Original,
  alias: string,
): Promise<Omit<LambdaExperimentResult['settings'][number]['samples'][number], 'round'>> {
  const t0 = performance.now()
  const r = await call(o, 'Invoke', () =>
    o.client.send(new InvokeCommand({ FunctionName: orig.arn, Qualifier: alias, LogType: 'Tail', Payload: new TextEncoder().encode(o.payload) })),
  )
  const clientMs = Math.round((performance.now() - t0) * 100) / 100
  const rep = r.LogResult ? parseReport(Buffer.from(r.LogResult, 'base64').toString('utf8')) : undefined
  let error: string | null = null
  if (r.FunctionError) {
    error = r.FunctionError
    try {
      const p = JSON.parse(new TextDecoder().decode(r.Payload)) as { errorType?: string }
      if (p.errorType) error = p.errorType
    } catch {
      // a payload that is not JSON: the FunctionError header is the type
    }
  }
  return {
    cold: rep?.initMs != null,
    durationMs: rep?.durationMs ?? null,
    billedMs: rep?.billedMs ?? null,
    initMs: rep?.initMs ?? null,
    maxMemoryUsedMB: rep?.maxMemoryUsedMB ?? null,
    clientMs,
    error,
  }
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d
const meanOf = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null)

function summarize(
  o: LambdaExperimentOptions,
  startedAt: number,
  orig: Original,
  settings: readonly LambdaSetting[],
  versions: Map<string, string>,
  samples: Map<string, LambdaExperimentResult['settings'][number]['samples']>,
  restored: LambdaExperimentResult['restored'],
  warnings: string[],
): LambdaExperimentResult {
  const costOf = (s: LambdaSetting, billedMs: number) => costPerInvocation(s.memoryMB, billedMs, s.arch, o.prices)
  const rows = settings.map((s) => {
    const all = samples.get(settingName(s))!
    const ok = all.filter((x) => !x.error && x.durationMs !== null)
    const warm = ok.filter((x) => !x.cold)
    const warmDurations = warm.map((x) => x.durationMs!)
    const warmSorted = [...warmDurations].sort((a, b) => a - b)
    const cold = ok.filter((x) => x.cold)
    const iv = (xs: number[]) => (xs.length ? bootstrapMean(xs, o.confidence) : null)
    const warmCosts = warm.map((x) => costOf(s, x.billedMs!))
    const coldBilled = meanOf(cold.map((x) => x.billedMs!))
    const cost = iv(warmCosts)
    return {
      name: settingName(s),
      memoryMB: s.memoryMB,
      arch: s.arch,
      current: s.memoryMB === orig.memoryMB && s.arch === orig.arch,
      version: versions.get(settingName(s)) ?? null,
      invocations: all.length,
      errors: all.filter((x) => x.error).length,
      errorTypes: [...new Set(all.map((x) => x.error).filter((x): x is string => x !== null))],
      cold: {
        count: all.filter((x) => x.cold).length,
        initMs: meanOf(cold.map((x) => x.initMs!)),
        billedMs: coldBilled,
        costUsd: coldBilled === null ? null : costOf(s, coldBilled),
      },
      warm: {
        count: warm.length,
        durationMs: iv(warmDurations),
        billedMs: iv(warm.map((x) => x.billedMs!)),
        p50Ms: warm.length ? round(quantileLinear(warmSorted, 0.5), 2) : null,
        p99Ms: warm.length ? round(quantileLinear(warmSorted, 0.99), 2) : null,
        clientMs: iv(warm.map((x) => x.clientMs)),
        maxMemoryUsedMB: warm.length ? Math.max(...warm.map((x) => x.maxMemoryUsedMB ?? 0)) : null,
      },
      costPerInvocationUsd: cost,
      costPerMillionUsd: cost ? round(cost.mean * 1e6, 4) : null,
      vsCurrent: { cost: null as RatioInterval | null, duration: null as RatioInterval | null },
      samples: all,
      warmCosts,
      warmDurations,
    }
  })
  const base = rows[0]!
  for (const r of rows.slice(1)) {
    r.vsCurrent.cost = bootstrapRatio(base.warmCosts, r.warmCosts, o.confidence) ?? null
    r.vsCurrent.duration = bootstrapRatio(base.warmDurations, r.warmDurations, o.confidence) ?? null
  }
  const eligible = rows.filter((r) => r.errors === 0 && r.costPerInvocationUsd && r.warm.durationMs)
  const candidates = eligible.map((r) => ({ name: r.name, cost: r.costPerInvocationUsd!.mean, duration: r.warm.durationMs!.mean }))
  const pick = (s: LambdaStrategy) => choose(candidates, s, o.balancedWeight)?.name ?? null
  const choices = { cost: pick('cost'), speed: pick('speed'), balanced: pick('balanced') }
  for (const r of rows.filter((x) => x.errors))
    warnings.push(`${r.name}: ${r.errors} of ${r.invocations} invocations failed (${r.errorTypes.join(', ')}): not a candidate`)
  for (const r of rows.filter((x) => x.invocations && x.samples.some((s) => s.durationMs === null && !s.error)))
    warnings.push(`${r.name}: some invocations' log tails had no REPORT line (a long log pushes it out of the 4 KB tail); they are not counted`)
  if (o.prices.region !== o.region) warnings.push(`prices are ${o.prices.region}'s (the bundled table); ${o.region}'s differ by a few percent`)
  const verdict = verdictOf(o, rows, choices[o.strategy])
  return {
    schemaVersion: EXPERIMENT_SCHEMA_VERSION,
    tool: 'headroom',
    version: VERSION,
    kind: 'lambda-experiment',
    startedAt,
    function: { name: orig.name, arn: orig.arn, region: o.region, packageType: orig.packageType },
    current: { memoryMB: orig.memoryMB, arch: orig.arch },
    invocationsPerSetting: o.invocations,
    rounds: o.rounds,
    payloadBytes: Buffer.byteLength(o.payload),
    confidence: o.confidence,
    strategy: o.strategy,
    balancedWeight: o.balancedWeight,
    prices: { requestUsd: o.prices.requestUsd, gbSecondUsd: o.prices.gbSecondUsd, region: o.prices.region, source: o.prices.source },
    settings: rows.map(({ warmCosts: _c, warmDurations: _d, ...r }) => r),
    choices,
    verdict,
    restored,
    stopped: o.stop?.requested === true,
    warnings,
  }
}

const f1 = (x: number) => x.toFixed(1)
const change = (r: RatioInterval, up: string, down: string) => `${f1(Math.abs(r.mean - 1) * 100)}% ${r.mean > 1 ? up : down}`
const span = (r: RatioInterval, level: number) => `${(level * 100).toFixed(0)}% interval ${f1((r.lo - 1) * 100)}% .. ${f1((r.hi - 1) * 100)}%`

type Row = LambdaExperimentResult['settings'][number]
function verdictOf(o: LambdaExperimentOptions, rows: readonly Row[], choice: string | null): LambdaExperimentResult['verdict'] {
  const base = rows[0]!
  const pick = rows.find((r) => r.name === choice)
  const head = `${o.strategy}${o.strategy === 'balanced' ? ` (weight ${o.balancedWeight} on cost)` : ''}`
  if (!pick) return { strategy: o.strategy, choice: null, statement: `${head}: no setting ran without errors, nothing to choose`, improvement: false }
  if (pick === base)
    return { strategy: o.strategy, choice, statement: `${head}: the current configuration ${base.name} is the best measured`, improvement: false }
  const cost = pick.vsCurrent.cost
  const duration = pick.vsCurrent.duration
  const metric = o.strategy === 'speed' ? duration : cost
  const significant = metric?.significant === true && metric.mean < 1
  const parts = [
    cost ? `${change(cost, 'dearer', 'cheaper')} per invocation (${span(cost, o.confidence)})` : 'cost not compared (too few warm invocations)',
    duration ? `warm duration ${change(duration, 'longer', 'shorter')} (${span(duration, o.confidence)})` : '',
  ].filter(Boolean)
  const vs = base.errors ? `the current ${base.name} (which failed ${base.errors} times)` : `the current ${base.name}`
  return {
    strategy: o.strategy,
    choice,
    statement: significant
      ? `${head}: ${pick.name}: ${parts.join(', ')} than ${vs}`
      : `${head}: ${pick.name} measured best, but not significantly better than ${vs} (${parts.join(', ')})`,
    improvement: significant,
  }
}
