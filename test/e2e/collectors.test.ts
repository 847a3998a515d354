import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectAws } from '../../src/app/collect-aws.js'
import { collectPrometheus } from '../../src/app/collect-prometheus.js'
import { ToolError } from '../../src/core/errors.js'
import { EXIT_CODE_TABLE } from '../../src/core/exit-codes.js'
import { sdkApis } from '../../src/sources/aws/clients.js'
import { importFiles } from '../../src/store/duckdb/import-files.js'
import { DuckDbStore } from '../../src/store/duckdb/store.js'
import { fakeAwsEnv, setProcessEnv, storeFingerprint } from '../utils/aws-cli.js'
import { fleetOf, startFakeAws, type FakeAws } from '../utils/fake-aws.js'
import { freePort } from '../utils/prometheus.js'
import { tmpProject } from '../utils/tmp.js'

/**
 * The collector contract, one table, every source (file import, AWS, Prometheus) held to it through its library
 * orchestrator against a real counterpart on 127.0.0.1 (DuckDB files; the real AWS SDK against the AWS-shaped server;
 * an HTTP server answering Prometheus's query API):
 * 1. collecting the same window twice adds nothing the second time (the merge is idempotent);
 * 2. a source that refuses (bad file, denied credentials) fails with a ToolError whose code maps to the exit-code
 *    table and whose hint says what to do, and the store is exactly as it was.
 */
const tmp = tmpProject('headroom-collectors-')
const END = Date.parse('2026-11-20T00:00:00Z')
let aws: FakeAws
let prom: Server
let promUrl = ''
let restoreEnv = () => {}

/** Prometheus's query API for one node_exporter host with 2 cores and 8 GiB: enough for the host queries. */
function promServer(): Server {
  return createServer((req, res) => {
    const u = new URL(req.url ?? '', 'http://x')
    const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    if (u.pathname.startsWith('/denied')) return res.writeHead(401).end('unauthorized')
    const path = u.pathname.replace(/^\/ok/, '')
    if (path === '/api/v1/status/buildinfo') return json({ status: 'success', data: { version: '2.45.0' } })
    const q = u.searchParams.get('query') ?? ''
    if (path === '/api/v1/query') {
      const at = Number(u.searchParams.get('time'))
      if (q.startsWith('count by (instance)'))
        return json({ status: 'success', data: { resultType: 'vector', result: [{ metric: { instance: 'h1:9100' }, value: [at, '2'] }] } })
      if (q.includes('node_memory_MemTotal_bytes'))
        return json({ status: 'success', data: { resultType: 'vector', result: [{ metric: { instance: 'h1:9100' }, value: [at, String(8 * 1024 ** 3)] }] } })
      return json({ status: 'success', data: { resultType: 'vector', result: [] } })
    }
    if (path === '/api/v1/query_range') {
      const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(u.searchParams.get(k)))
      const values: [number, string][] = []
      for (let t = start!; t <= end!; t += step!) values.push([t, String(10 + ((t / step!) % 7))])
      return json({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { instance: 'h1:9100' }, values }] } })
    }
    res.writeHead(404).end()
  })
}

beforeAll(async () => {
  aws = await startFakeAws(fleetOf(4))
  restoreEnv = setProcessEnv(fakeAwsEnv(aws.url, tmp.path))
  prom = promServer()
  const port = await freePort()
  await new Promise<void>((r) => prom.listen(port, '127.0.0.1', r))
  promUrl = `http://127.0.0.1:${port}`
}, 30_000)
afterAll(async () => {
  restoreEnv()
  await aws.close()
  prom.closeAllConnections()
  await new Promise((r) => prom.close(r))
})

const awsOptions = { regions: ['us-east-1'], homeRegion: 'us-east-1', days: 1, kinds: ['ec2' as const], rate: 1000, concurrency: 2, end: END }
const promOptions = (url: string) => ({
  url,
  headers: {},
  timeoutSec: 5,
  days: 1,
  end: END,
  selector: '',
  resolutionSec: 300,
  rateWindow: '2m',
  concurrency: 2,
  hosts: true,
  containers: false,
  shardSize: 100,
})
const CSV =
  'resource_id,metric,timestamp,value\n' +
  Array.from({ length: 12 }, (_, i) => `i-1,cpu.utilization,2026-11-19T00:${String(i * 5).padStart(2, '0')}:00Z,${10 + i}`).join('\n') +
  '\n'

interface Source {
  name: string
  collect: (store: DuckDbStore) => Promise<unknown>
  refused: (store: DuckDbStore) => Promise<unknown>
  /** The refusal's code, as the exit-code table's name. */
  exit: string
}
const SOURCES: Source[] = [
  {
    name: 'file import',
    exit: 'USAGE',
    collect: (s) => importFiles(s, [tmp.file('good.csv', CSV)]),
    refused: (s) =>
      importFiles(s, [
        tmp.file('good2.csv', CSV.replace(/i-1,/g, 'i-2,')),
        tmp.file('bad.csv', 'resource_id,metric,timestamp,value\ni-3,cpu.utilization,not-a-time,1\n'),
      ]),
  },
  {
    name: 'AWS (CloudWatch)',
    exit: 'SOURCE',
    collect: (s) => collectAws({ options: awsOptions, apis: sdkApis(), store: s, now: () => END }),
    refused: async (s) => {
      aws.faults.deny = ['ec2:DescribeInstances']
      try {
        return await collectAws({ options: { ...awsOptions, end: END - 86_400_000 }, apis: sdkApis(), store: s, now: () => END })
      } finally {
        aws.faults.deny = []
      }
    },
  },
  {
    name: 'Prometheus',
    exit: 'SOURCE',
    collect: (s) => collectPrometheus({ options: promOptions(`${promUrl}/ok`), writer: () => Promise.resolve(s), now: () => END }),
    refused: (s) => collectPrometheus({ options: promOptions(`${promUrl}/denied`), writer: () => Promise.resolve(s), now: () => END }),
  },
]

describe.each(SOURCES)('the collector contract: $name', (src) => {
  const ws = () => tmp.path(`ws-${src.name.replace(/\W+/g, '-')}`)
  const withStore = async <T>(fn: (s: DuckDbStore) => Promise<T>): Promise<T> => {
    const s = await DuckDbStore.open(ws())
    try {
      return await fn(s)
    } finally {
      s.close()
    }
  }

  it('collecting the same window twice adds nothing the second time', async () => {
    await withStore(src.collect)
    const once = await storeFingerprint(ws())
    expect(once).not.toMatch(/^0 samples/)
    await withStore(src.collect)
    expect(await storeFingerprint(ws())).toBe(once)
  })

  it('a refusal is a ToolError with a hint and an exit code from the table, and the store is as it was', async () => {
    const before = await storeFingerprint(ws())
    const err = await withStore(src.refused).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ToolError)
    const e = err as ToolError
    expect(e.hint ?? '').not.toBe('')
    expect(EXIT_CODE_TABLE.find((r) => r.code === e.exitCode)?.name).toBe(src.exit)
    expect(await storeFingerprint(ws())).toBe(before)
  })
})
