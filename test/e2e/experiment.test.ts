import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadCatalog } from '../../src/catalog/load.js'
import { ExperimentResultSchema, type ExperimentResult } from '../../src/experiment/result.js'
import { runExperiment } from '../../src/experiment/run.js'
import { runCli } from '../utils/run-cli.js'
import { tmpProject } from '../utils/tmp.js'

/**
 * `headroom experiment` against real servers on 127.0.0.1, each its own process: "a" spends 2 ms of CPU per answer,
 * "same" is an identical copy of it, "slow" spends 2.6 ms (30% more work). The load goes to one server at a time, so
 * each has a core; the generator has the other.
 */
const SERVER = fileURLToPath(new URL('../fixtures/experiment/cpu-server.mjs', import.meta.url))
const tmp = tmpProject('headroom-e2e-experiment-')
const children: ChildProcess[] = []
const url: Record<string, string> = {}

function start(workUs: number, perSecond = 0, twin = false): Promise<string> {
  const child = spawn(process.execPath, [SERVER, '0', String(workUs), String(perSecond), twin ? 'twin' : ''], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /listening (\d+)/.exec(out)
      const t = /twin (\d+)/.exec(out)
      if (m && !twin) resolve(`http://127.0.0.1:${m[1]}/`)
      if (m && t) {
        url.twin = `http://127.0.0.1:${t[1]}/`
        resolve(`http://127.0.0.1:${m[1]}/`)
      }
    })
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)))
  })
}

beforeAll(async () => {
  ;[url.a, url.same, url.slow, url.cap400, url.cap600] = await Promise.all([start(2000, 0, true), start(2000), start(2600), start(0, 400), start(0, 600)])
})
afterAll(() => children.forEach((c) => c.kill()))

/** The arm's capacity search found the server's own limit, within the search's 10%. */
function knownLimit(x: ExperimentResult, arm: string, truth: number, unit: string) {
  const c = x.arms.find((a) => a.name === arm)!.capacity!
  expect(c.limitedBy, `${arm}: steps ${JSON.stringify(c.steps)}`).toBe('server')
  expect(c.rate / truth, `${arm}: ${c.rate} ${unit}`).toBeGreaterThan(0.9)
  expect(c.rate / truth, `${arm}: ${c.rate} ${unit}`).toBeLessThan(1.1)
  return c
}

describe('headroom experiment (built CLI, real servers)', () => {
  it('finds 30% more work per request in every run: throughput and cost per request differ, the interval holds the truth', async () => {
    for (let run = 0; run < 3; run++) {
      const r = await runCli(
        [
          'experiment',
          '--arm',
          `a=${url.a},type=m5.large`,
          '--arm',
          `slow=${url.slow},type=m5.large`,
          '--rounds',
          '5',
          '-d',
          '500ms',
          '-c',
          '4',
          '--fail-on',
          'regression',
          '-f',
          'json',
        ],
        { cwd: tmp.dir },
      )
      // Same price, less throughput: dearer per request, a regression.
      expect(r.code, r.stderr).toBe(4)
      expect(r.stderr).toMatch(/--fail-on regression: slow worse than a \(costPerMillion\)/)
      const x = ExperimentResultSchema.parse(JSON.parse(r.stdout))
      const rps = x.comparisons.find((c) => c.metric === 'requestsPerSec')!.ratio
      expect(rps.significant).toBe(true)
      // Throughput ratio: (2 ms + overhead) / (2.6 ms + overhead); with 0-0.5 ms of HTTP overhead per answer, 0.77-0.81.
      expect(rps.lo).toBeLessThan(0.83)
      expect(rps.hi).toBeGreaterThan(0.75)
      expect(x.verdict.metric).toBe('costPerMillion')
      expect(x.verdict.worse).toEqual(['slow'])
      expect(x.verdict.statement).toMatch(/^slow is \d+\.\d% \+- \d+\.\d% dearer per request than a \(95% interval/)
      // The order alternated: a first in rounds 1, 3, 5.
      expect(x.arms[0]!.runs.map((p) => p.position)).toEqual([0, 1, 0, 1, 0])
      expect(x.arms[0]!.pricePerHourUsd).toBe(loadCatalog().priceUsd('m5.large', 'us-east-1'))
    }
  }, 120_000)

  // Identical: one server process answering on two ports (the fixture's `twin`). Two processes of the same code
  // differed by about 1% in throughput on this machine, and 4 of 20 experiments between them claimed a difference in
  // a full run alone (2026-12-03): a real difference the method found, not a false claim.
  it('never claims a difference between two identical servers beyond its confidence (20 experiments)', async () => {
    const catalog = loadCatalog()
    let claims = 0
    for (let e = 0; e < 20; e++) {
      const x = await runExperiment({
        arms: [
          { name: 'a', target: url.a! },
          { name: 'same', target: url.twin! },
        ],
        // Short runs (each also has the engine's 300 ms start lead): 20 experiments x 8 runs in about 90 s.
        quick: { method: 'GET', headers: {}, durationMs: 250, pipelining: 1 },
        connections: 4,
        workers: 1,
        rounds: 4,
        warmup: true,
        confidence: 0.95,
        region: 'us-east-1',
        catalog,
        now: () => Date.now(),
      })
      if (x.verdict.better.length || x.verdict.worse.length) claims++
      expect(x.verdict.metric).toBe('requestsPerSec')
    }
    // At 95% confidence 1 false claim in 20 is expected; 4 or more would happen by chance 1.6% of the time.
    expect(claims).toBeLessThanOrEqual(3)
  }, 300_000)

  it('--find-capacity finds servers’ known limits (400/s and 600/s) within 10%, and says when it stopped at --max-rate', async () => {
    const r = await runCli(
      [
        'experiment',
        '--arm',
        `four=${url.cap400},type=m5.large`,
        '--arm',
        `six=${url.cap600},type=m5.xlarge`,
        '--find-capacity',
        '--slo',
        'p99<50ms',
        '-d',
        '1s',
        '-f',
        'json',
      ],
      { cwd: tmp.dir },
    )
    expect(r.code, r.stderr).toBe(0)
    const x = ExperimentResultSchema.parse(JSON.parse(r.stdout))
    for (const [arm, truth] of [
      ['four', 400],
      ['six', 600],
    ] as const) {
      const c = knownLimit(x, arm, truth, 'req/s')
      // The bracket: the last rate that held and the lowest that failed, within the search's 10% of each other.
      expect(c.failedAt! / c.rate).toBeLessThanOrEqual(1.1)
      expect(c.steps.filter((s) => s.held).every((s) => s.latencyMs < 50)).toBe(true)
    }
    // m5.xlarge costs twice an m5.large: 1.5x the capacity is 25% less per dollar, beyond the brackets.
    expect(x.verdict.metric).toBe('capacityPerDollar')
    expect(x.verdict.worse).toEqual(['six'])
    const capped = await runCli(
      ['experiment', '--arm', `a=${url.cap600}`, '--arm', `b=${url.cap400}`, '--find-capacity', '--slo', 'p99<50ms', '--max-rate', '100', '-d', '500ms'],
      {
        cwd: tmp.dir,
      },
    )
    expect(capped.code, capped.stderr).toBe(0)
    expect(capped.stdout).toMatch(/a: the SLO still held at --max-rate 100 req\/s: its capacity is higher/)
    expect(capped.stdout).toMatch(/no difference in capacity at p99 < 50 ms beyond the search's precision/)
  }, 120_000)

  it('a scenario file: rounds against each arm as its target, and --find-capacity scales its arrival rates (400/s and 600/s found within 10%)', async () => {
    // One request per virtual user, so the scenario's arrival rate is the request rate the servers' limits are in.
    const scenario = tmp.file(
      'one-get.yml',
      ['config:', '  phases:', '    - duration: 1', '      arrivalRate: 100', 'scenarios:', '  - flow:', '      - get:', '          url: "/"', ''].join('\n'),
    )
    const rounds = await runCli(['experiment', 'one-get.yml', '--arm', `a=${url.cap600}`, '--arm', `b=${url.cap400}`, '--rounds', '2', '-f', 'json'], {
      cwd: tmp.dir,
    })
    expect(rounds.code, rounds.stderr).toBe(0)
    const r = ExperimentResultSchema.parse(JSON.parse(rounds.stdout))
    expect(r.load).toMatchObject({ mode: 'scenario', what: 'one-get.yml', runMs: 1000 })
    for (const a of r.arms) {
      expect(a.runs).toHaveLength(2)
      // 100 arrivals/s for 1 s, every request answered by its own arm.
      for (const run of a.runs) expect(run.errorsPct).toBe(0)
    }
    const cap = await runCli(
      [
        'experiment',
        scenario,
        '--arm',
        `four=${url.cap400},type=m5.large`,
        '--arm',
        `six=${url.cap600},type=m5.large`,
        '--find-capacity',
        '--slo',
        'p99<50ms',
        '-f',
        'json',
      ],
      { cwd: tmp.dir },
    )
    expect(cap.code, cap.stderr).toBe(0)
    expect(cap.stderr).toContain('the highest peak arrival rate (the scenario scaled) at which p99<50ms holds, from 100/s')
    const x = ExperimentResultSchema.parse(JSON.parse(cap.stdout))
    expect(x.capacitySearch!.unit).toBe('arrivals/s')
    expect(x.load.mode).toBe('scenario')
    knownLimit(x, 'four', 400, 'arrivals/s')
    knownLimit(x, 'six', 600, 'arrivals/s')
    expect(x.verdict.better).toEqual(['six'])
  }, 120_000)

  it('experiment plan prints a CloudFormation template and a CLI script that launch the arms and tear them down, priced', async () => {
    const amis = ['--ami-x86', 'ami-0abcdef1234567890', '--ami-arm', 'ami-0fedcba9876543210']
    const cfn = await runCli(['experiment', 'plan', '--types', 'm5.large,m6g.large', ...amis, '--subnet', 'subnet-0abc', '--security-group', 'sg-0abc'], {
      cwd: tmp.dir,
    })
    expect(cfn.code, cfn.stderr).toBe(0)
    const catalog = loadCatalog()
    const total = catalog.priceUsd('m5.large', 'us-east-1')! + catalog.priceUsd('m6g.large', 'us-east-1')!
    expect(cfn.stdout).toContain(`#   total $${total.toFixed(4)}/h`)
    const template = parseYaml(cfn.stdout) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>
      Outputs: Record<string, unknown>
    }
    const instances = Object.values(template.Resources)
    expect(instances.map((r) => [r.Type, r.Properties.InstanceType, r.Properties.ImageId])).toEqual([
      ['AWS::EC2::Instance', 'm5.large', 'ami-0abcdef1234567890'],
      ['AWS::EC2::Instance', 'm6g.large', 'ami-0fedcba9876543210'],
    ])
    // Only properties AWS::EC2::Instance documents, and every instance tagged for the teardown.
    const documented = new Set(['ImageId', 'InstanceType', 'SubnetId', 'SecurityGroupIds', 'KeyName', 'Tags'])
    for (const r of instances) {
      expect(Object.keys(r.Properties).every((k) => documented.has(k))).toBe(true)
      expect(r.Properties.Tags).toContainEqual({ Key: 'headroom:experiment', Value: 'headroom-experiment' })
    }
    expect(Object.keys(template.Outputs)).toHaveLength(2)
    expect(cfn.stdout).toMatch(/# delete: {3}aws cloudformation delete-stack --region us-east-1 --stack-name headroom-experiment/)
    const cli = await runCli(['experiment', 'plan', '--types', 'm5.large,m6g.large', ...amis, '--as', 'cli'], { cwd: tmp.dir })
    expect(cli.code, cli.stderr).toBe(0)
    expect(cli.stdout).toMatch(/^trap cleanup EXIT$/m)
    expect(cli.stdout.match(/aws ec2 run-instances/g)).toHaveLength(2)
    const script = tmp.file('plan.sh', cli.stdout)
    expect((await runProcess('bash', ['-n', script])).code).toBe(0)
    const noArm = await runCli(['experiment', 'plan', '--types', 'm5.large,m6g.large', '--ami-x86', 'ami-0abcdef1234567890'], { cwd: tmp.dir })
    expect(noArm.code).toBe(2)
    expect(noArm.stderr).toMatch(/m6g\.large is arm64: give its image with --ami-arm/)
    const badAmi = await runCli(['experiment', 'plan', '--types', 'm5.large,c5.large', '--ami-x86', 'image-1'], { cwd: tmp.dir })
    expect(badAmi.code).toBe(2)
    expect(badAmi.stderr).toMatch(/--ami-x86 'image-1' is not an AMI id/)
  })

  it('bad input: one arm, a type not in the catalog, different requests exit 2; an unreachable arm exits 3, all naming the arm', async () => {
    const cli = (args: string[]) => runCli(['experiment', ...args], { cwd: tmp.dir })
    let r = await cli(['--arm', `a=${url.a}`])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/needs two --arm or more/)
    r = await cli(['--arm', `a=${url.a},type=m5.large`, '--arm', `b=${url.same},type=m9z.huge`])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--arm b: type 'm9z\.huge' is not in the catalog/)
    r = await cli(['--arm', `a=${url.a}products`, '--arm', `b=${url.same}cart`])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/the arms send different requests: a \/products, b \/cart/)
    r = await cli(['--arm', `a=${url.a}`, '--arm', 'down=http://127.0.0.1:1/'])
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/arm down: http:\/\/127\.0\.0\.1:1\/ cannot be reached/)
    r = await cli(['--arm', `a=${url.a}`, '--arm', `b=${url.same}`, '--find-capacity'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--find-capacity needs --slo/)
    r = await cli(['--arm', `a=${url.a}`, '--arm', `b=${url.same}`, '--slo', 'p99 under 200'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--slo 'p99 under 200' is not a latency objective/)
  })
})

function runProcess(cmd: string, args: string[]): Promise<{ code: number | null }> {
  return new Promise((resolve) => spawn(cmd, args, { stdio: 'ignore' }).on('close', (code) => resolve({ code })))
}
