import { afterEach, expect, it } from 'vitest'
import { collectAws, sdkApis, type CollectAwsEvent } from '../../src/index.js'
import { DuckDbStore } from '../../src/store/duckdb/store.js'
import { fakeAwsEnv, setProcessEnv, storeFingerprint } from '../utils/aws-cli.js'
import { fleetOf, startFakeAws, type FakeAws } from '../utils/fake-aws.js'
import { freePort } from '../utils/prometheus.js'
import { runCli } from '../utils/run-cli.js'
import { tmpProject } from '../utils/tmp.js'

/**
 * collectAws() as a library caller runs it, in this process: the real SDK clients (sdkApis) talk to the local
 * AWS-shaped server through AWS_ENDPOINT_URL, which the SDK reads from process.env; the test sets and restores it.
 */
const tmp = tmpProject('headroom-aws-lib-')
let fake: FakeAws | undefined
const restores: (() => void)[] = []
const setEnv = (vars: Record<string, string>) => restores.push(setProcessEnv(vars))
afterEach(async () => {
  // Last set, first restored: each restore puts back what was there before its own set.
  while (restores.length) restores.pop()!()
  await fake?.close()
  fake = undefined
})

const END = Date.parse('2026-11-20T00:00:00Z')
const options = { regions: ['us-east-1'], homeRegion: 'us-east-1', days: 2, kinds: ['ec2' as const, 'ebs' as const], rate: 1000, concurrency: 4, end: END }

it('the library call stores what `headroom collect aws` stores, and reports its steps as events', async () => {
  fake = await startFakeAws(fleetOf(30, { volumes: [{ id: 'vol-1', type: 'gp2', size: 100, attachedTo: 'i-00000000000000000' }] }))
  const cli = await runCli(
    [
      'collect',
      'aws',
      '--regions',
      'us-east-1',
      '--kinds',
      'ec2,ebs',
      '--days',
      '2',
      '--as-of',
      '2026-11-20T00:00:00Z',
      '--rate',
      '1000',
      '--workspace',
      tmp.path('cli'),
    ],
    { cwd: tmp.dir, env: fakeAwsEnv(fake.url, tmp.path) },
  )
  expect(cli.code, cli.stderr).toBe(0)

  setEnv(fakeAwsEnv(fake.url, tmp.path))
  const events: CollectAwsEvent[] = []
  const store = await DuckDbStore.open(tmp.path('lib'))
  const r = await collectAws({ options, apis: sdkApis(), store, now: () => END, onEvent: (e) => events.push(e) }).finally(() => store.close())
  expect(await storeFingerprint(tmp.path('lib'))).toBe(await storeFingerprint(tmp.path('cli')))
  // 30 instances and one volume; the plan's call count is what was fetched, nothing skipped or failed.
  expect(r).toMatchObject({ dryRun: false, regionsRead: 1, resources: 31, stats: { calls: r.plan.calls, skipped: 0, failed: 0 } })
  expect(cli.stdout).toContain(`collected 31 resources and ${r.datapoints.toLocaleString('en-US')} data points`)
  expect(events.map((e) => e.type).filter((t, i, a) => t !== a[i - 1])).toEqual(['region', 'plan', 'calls'])
  expect(events.at(-1)).toEqual({ type: 'calls', done: r.plan.calls, total: r.plan.calls, datapoints: r.datapoints })

  // Without a store it is a dry run: the same plan, nothing fetched.
  const dry = await collectAws({ options, apis: sdkApis(), now: () => END })
  expect(dry).toMatchObject({ dryRun: true, datapoints: 0, plan: r.plan })
})

it("when no region can be read: one error naming each region's failure, and nothing stored", async () => {
  // A closed port on loopback: every discovery call is refused.
  setEnv(fakeAwsEnv(`http://127.0.0.1:${await freePort()}`, tmp.path))
  const store = await DuckDbStore.open(tmp.path('down'))
  const err = await collectAws({ options: { ...options, regions: ['us-east-1', 'eu-west-1'] }, apis: sdkApis(), store, now: () => END })
    .catch((e: unknown) => e)
    .finally(() => store.close())
  expect(err).toMatchObject({
    code: 'SOURCE_UNAVAILABLE',
    message: expect.stringMatching(
      /^no region could be read \(us-east-1: discovery failed: .*ECONNREFUSED.*; eu-west-1: discovery failed: .*\); nothing was stored$/,
    ) as unknown,
  })
  expect(await storeFingerprint(tmp.path('down'))).toBe('0 samples, sum null, 0 series owners, 0 resources')
})
