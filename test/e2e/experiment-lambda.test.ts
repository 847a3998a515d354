import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadServiceCatalogs } from '../../src/catalog/load.js'
import { choose } from '../../src/experiment/lambda.js'
import { LambdaExperimentResultSchema, type LambdaExperimentResult } from '../../src/experiment/result.js'
import { fakeAwsEnv } from '../utils/aws-cli.js'
import { fleetOf, startFakeAws, type FakeAws } from '../utils/fake-aws.js'
import type { FakeFunctionModel } from '../utils/fake-lambda.js'
import { BIN, runCli } from '../utils/run-cli.js'
import { tmpProject } from '../utils/tmp.js'

/**
 * `headroom experiment --lambda` end to end: the built CLI, the real AWS SDK, and the AWS-shaped test server speaking
 * Lambda's REST protocol (test/utils/fake-lambda.ts). The function is simulated there (its REPORT lines carry modelled
 * durations), since no Lambda runtime can run here; everything headroom does to the function is checked on the
 * server's state: memory, architecture and code put back, its alias and versions gone, the versions that were there
 * before kept.
 */
const RESIZE: FakeFunctionModel = { cpuMs: 120, ioMs: 15, initMs: 300, memoryUsedMB: 150, armFactor: 1.1 }
const NATIVE: FakeFunctionModel = { cpuMs: 40, ioMs: 5, initMs: 200, memoryUsedMB: 90, archs: ['x86_64'], packageType: 'image' }

let fake: FakeAws
const tmp = tmpProject('headroom-exp-lambda-')
let before: { memory: number; arch: string; codeSha256: string }

afterEach(async () => {
  await fake.close()
})

async function start(faults: Parameters<typeof startFakeAws>[1] = {}) {
  fake = await startFakeAws(
    fleetOf(0, {
      functions: [
        { name: 'resize', memory: 1024, model: RESIZE, versions: 2 },
        { name: 'native', memory: 512, model: NATIVE },
      ],
    }),
    faults,
  )
  before = fake.lambda.state('resize')
}
const env = () => fakeAwsEnv(fake.url, tmp.path)

/** The function is exactly as before the run: $LATEST's memory, architecture and code, and only the versions and alias it had. */
function expectRestored(name = 'resize', was = before) {
  const now = fake.lambda.state(name)
  expect({ memory: now.memory, arch: now.arch, codeSha256: now.codeSha256 }).toEqual({ memory: was.memory, arch: was.arch, codeSha256: was.codeSha256 })
  if (name === 'resize') {
    expect(now.versions).toEqual(['1', '2'])
    expect(now.aliases).toEqual(['live'])
  } else {
    expect(now.versions).toEqual([])
    expect(now.aliases).toEqual([])
  }
}

describe('experiment --lambda', () => {
  it('invokes every memory size on both architectures, prices them, picks as Power Tuning does, and puts the function back', async () => {
    await start()
    const args = ['experiment', '--lambda', 'resize', '--memory', '128,256,512,2048', '--arch', 'x86_64,arm64', '--invocations', '10', '--rounds', '5']
    const r = await runCli([...args, '-f', 'json'], { cwd: tmp.dir, env: env() })
    expect(r.stderr).toContain('puts $LATEST back at once')
    expect(r.code).toBe(0)
    const res = LambdaExperimentResultSchema.parse(JSON.parse(r.stdout))
    // The current configuration is the baseline and comes first; then every setting asked for, once.
    expect(res.settings.map((s) => s.name)).toEqual([
      'x86_64/1024',
      'x86_64/128',
      'x86_64/256',
      'x86_64/512',
      'x86_64/2048',
      'arm64/128',
      'arm64/256',
      'arm64/512',
      'arm64/2048',
    ])
    expect(res.settings[0]!.current).toBe(true)
    expect(fake.calls.get('lambda:InvokeFunction')).toBe(90)
    for (const s of res.settings) {
      expect(s.invocations).toBe(10)
      // Each version starts cold once (invocations are sequential: one environment per version).
      expect(s.cold.count).toBe(1)
      expect(new Set(s.samples.map((x) => x.round))).toEqual(new Set([0, 1, 2, 3, 4]))
    }
    // 128 MB is below what the function uses: every invocation runs out of memory, and it is never chosen.
    const oom = res.settings.filter((s) => s.memoryMB === 128)
    expect(oom.map((s) => [s.errors, s.errorTypes])).toEqual([
      [10, ['Runtime.OutOfMemory']],
      [10, ['Runtime.OutOfMemory']],
    ])
    expect(Object.values(res.choices)).not.toContain('x86_64/128')
    expect(res.warnings.join('\n')).toContain('x86_64/128: 10 of 10 invocations failed (Runtime.OutOfMemory): not a candidate')

    // Worked arithmetic on the current setting: cost = GB x billed s x $/GB-s + $/request, per warm invocation.
    const p = loadServiceCatalogs().lambda
    const cur = res.settings[0]!
    const warm = cur.samples.filter((x) => !x.cold && !x.error)
    const costs = warm.map((x) => (1024 / 1024) * (x.billedMs! / 1000) * p.gbSecondUsd.x86_64 + p.requestUsd)
    expect(cur.costPerInvocationUsd!.mean).toBeCloseTo(costs.reduce((a, b) => a + b, 0) / costs.length, 15)
    expect(cur.warm.count).toBe(9)
    // The simulated function: 15 ms + 120 ms x 1769/1024 = 222.3 ms warm (+-2%); arm64 10% slower in its CPU part.
    expect(cur.warm.durationMs!.mean).toBeGreaterThan(222.3 * 0.98)
    expect(cur.warm.durationMs!.mean).toBeLessThan(222.3 * 1.02)
    const cold = cur.samples.find((x) => x.cold)!
    expect(cold.initMs).toBeGreaterThan(290)
    expect(cur.cold.billedMs).toBe(cold.billedMs)
    expect(cold.billedMs).toBe(Math.ceil(cold.durationMs! + cold.initMs!))

    // The choices are Power Tuning's on the measured means.
    const candidates = res.settings
      .filter((s) => !s.errors)
      .map((s) => ({ name: s.name, cost: s.costPerInvocationUsd!.mean, duration: s.warm.durationMs!.mean }))
    expect(res.choices).toEqual({
      cost: choose(candidates, 'cost')!.name,
      speed: choose(candidates, 'speed')!.name,
      balanced: choose(candidates, 'balanced', 0.5)!.name,
    })
    // The model's answers: cheapest at the smallest memory that runs, on arm64 (20% cheaper GB-s, 10% slower CPU); fastest at 2048 MB x86.
    expect(res.choices.cost).toBe('arm64/256')
    expect(res.choices.speed).toBe('x86_64/2048')
    expect(res.verdict.improvement).toBe(true)
    expect(res.verdict.statement).toMatch(/^cost: arm64\/256: \d+\.\d% cheaper per invocation \(95% interval .*\) than the current x86_64\/1024$/)
    const arm256 = res.settings.find((s) => s.name === 'arm64/256')!
    expect(arm256.vsCurrent.cost!.significant).toBe(true)
    expect(arm256.vsCurrent.cost!.hi).toBeLessThan(1)

    // Put back: memory, architecture (the package re-uploaded as it was: the same SHA-256), no alias, only the old versions.
    expect(res.restored).toMatchObject({ ok: true, memoryMB: 1024, arch: 'x86_64', codeSha256Unchanged: true, aliasDeleted: true, problems: [] })
    // Version 2 is what PublishVersion returned for the unchanged configuration: invoked, not deleted.
    expect(res.settings[0]!.version).toBe('2')
    expect(res.restored.versionsDeleted).toHaveLength(8)
    expect(res.warnings.join('\n')).toContain('version 2 already existed')
    expectRestored()
    // Updates were waited for: the fake answers 409 to a publish or update while one is in progress, and none happened.
    expect(fake.calls.get('lambda:UpdateFunctionCode')).toBe(2)

    // The terminal form says the same in words.
    const t = await runCli(args, { cwd: tmp.dir, env: env() })
    expect(t.code).toBe(0)
    expect(t.stdout).toContain('x86_64/1024 (current)')
    expect(t.stdout).toContain('cost: arm64/256 (lowest mean cost of a warm invocation)')
    expect(t.stdout).toContain('resize is as it was: 1024 MB, x86_64, code SHA-256 unchanged')
    expectRestored()
  })

  it('on Ctrl-C stops between invocations, deletes its alias and versions, and exits 0 with what it measured', async () => {
    await start()
    const out = join(tmp.dir, 'stopped.json')
    const child = spawn(
      process.execPath,
      [BIN, 'experiment', '--lambda', 'resize', '--memory', '512', '--invocations', '400', '--rounds', '5', '-o', out, '-f', 'json'],
      {
        cwd: tmp.dir,
        env: { ...process.env, NO_COLOR: '1', ...env() },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stderr = ''
    child.stdout.resume() // the JSON goes to -o; an unread pipe would block the child's final write
    const done = new Promise<number | null>((resolve) => child.on('close', resolve))
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString()
        if (stderr.includes('round 1/5')) resolve()
      }),
    )
    child.kill('SIGINT')
    const code = await done
    expect(stderr).toContain('stopping: putting resize back as it was')
    expect(stderr).toContain('stopped early; resize was put back as it was')
    expect(code).toBe(0)
    const res = JSON.parse(readFileSync(out, 'utf8')) as LambdaExperimentResult
    expect(res.stopped).toBe(true)
    expect(res.restored.ok).toBe(true)
    const invoked = fake.calls.get('lambda:InvokeFunction')!
    // Round 1 ran (80 invocations of each setting); not all 5 rounds did.
    expect(invoked).toBeGreaterThanOrEqual(80 * 2)
    expect(invoked).toBeLessThan(800)
    expect(res.settings.reduce((a, s) => a + s.invocations, 0)).toBe(invoked)
    expectRestored()
  })

  it('switches an image function to arm64 by its own image; a package that cannot run there is reported, not chosen', async () => {
    await start()
    const was = fake.lambda.state('native')
    const r = await runCli(
      ['experiment', '--lambda', 'native', '--memory', '256,512', '--arch', 'x86_64,arm64', '--invocations', '4', '--rounds', '2', '-f', 'json'],
      {
        cwd: tmp.dir,
        env: env(),
      },
    )
    expect(r.code).toBe(0)
    const res = JSON.parse(r.stdout) as LambdaExperimentResult
    expect(res.function.packageType).toBe('Image')
    expect(res.settings.filter((s) => s.arch === 'arm64').map((s) => s.errorTypes)).toEqual([['Runtime.InvalidEntrypoint'], ['Runtime.InvalidEntrypoint']])
    expect(res.choices.cost).toMatch(/^x86_64\//)
    expectRestored('native', was)
  })

  it('an action the policy denies: exit 3 naming the IAM action and the policy file, the function put back', async () => {
    await start({ deny: ['lambda:PublishVersion'] })
    const r = await runCli(['experiment', '--lambda', 'resize', '--memory', '512', '--invocations', '4', '--rounds', '2'], { cwd: tmp.dir, env: env() })
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('Lambda PublishVersion on resize failed')
    expect(r.stderr).toContain('(resize was put back as it was)')
    expect(r.stderr).toContain('Allow "lambda:PublishVersion"')
    expect(r.stderr).toContain('docs/iam-policy-experiment-lambda.json')
    expect(r.stdout).toBe('')
    expectRestored()
  })

  it('a denied architecture switch changed nothing, so nothing needs undoing: exit 3, the function as it was', async () => {
    await start({ deny: ['lambda:UpdateFunctionCode'] })
    const r = await runCli(['experiment', '--lambda', 'resize', '--memory', '512', '--arch', 'x86_64,arm64', '--invocations', '4', '--rounds', '2'], {
      cwd: tmp.dir,
      env: env(),
    })
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('Lambda UpdateFunctionCode on resize failed')
    expect(r.stderr).toContain('(resize was put back as it was)')
    expect(r.stderr).toContain('Allow "lambda:UpdateFunctionCode"')
    expectRestored()
  })

  it('what cannot be deleted is reported with the commands to delete it by hand (exit 3), $LATEST still put back', async () => {
    await start({ deny: ['lambda:DeleteFunction'] })
    const r = await runCli(['experiment', '--lambda', 'resize', '--memory', '512', '--invocations', '4', '--rounds', '2'], { cwd: tmp.dir, env: env() })
    expect(r.code).toBe(3)
    expect(r.stdout).toContain('NOT fully restored: version 3 not deleted')
    expect(r.stderr).toContain('resize was not fully put back')
    expect(r.stderr).toContain('aws lambda delete-function --region us-east-1 --function-name resize --qualifier 3')
    const now = fake.lambda.state('resize')
    expect([now.memory, now.arch, now.codeSha256]).toEqual([before.memory, before.arch, before.codeSha256])
    expect(now.aliases).toEqual(['live'])
  })

  it('bad input: exit 2 (or 3 for a function that does not exist) naming the value, nothing sent or changed', async () => {
    await start()
    const bad: [string[], number, string][] = [
      [['--lambda', 'arn:aws:lambda:us-east-1:123456789012:function:resize:live'], 2, 'names a qualifier (live)'],
      [['--lambda', 'resize', '--memory', '64'], 2, '--memory'],
      [['--lambda', 'resize', '--arch', 'sparc'], 2, "--arch 'sparc' is not x86_64 or arm64"],
      [['--lambda', 'resize', '--payload', '{not json'], 2, '--payload is not JSON'],
      [['--lambda', 'resize', '--arm', 'a=http://127.0.0.1:1/'], 2, '--lambda and --arm'],
      [['--lambda', 'arn:aws:lambda:eu-west-1:123456789012:function:resize', '--region', 'us-east-1'], 2, "differs from the ARN's region eu-west-1"],
      [['--lambda', 'nosuch'], 3, 'Lambda GetFunctionConfiguration on nosuch failed: Function not found'],
    ]
    for (const [args, code, text] of bad) {
      const r = await runCli(['experiment', ...args], { cwd: tmp.dir, env: env() })
      expect(r.stderr, args.join(' ')).toContain(text)
      expect(r.code, args.join(' ')).toBe(code)
    }
    expect(fake.calls.get('lambda:UpdateFunctionConfiguration') ?? 0).toBe(0)
    expect(fake.calls.get('lambda:InvokeFunction') ?? 0).toBe(0)
    expectRestored()
  })
})
