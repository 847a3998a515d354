import { existsSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { runCli } from '../utils/run-cli.js'
import { tmpProject } from '../utils/tmp.js'

/**
 * `collect lambda-logs` end to end: two days of a function's REPORT lines as `aws logs tail` prints them, imported,
 * then analyzed: the cold-start share and init the analyzer reports are the ones in the log.
 */
const tmp = tmpProject('headroom-e2e-lambda-logs-')
const START = Date.UTC(2026, 10, 28, 0, 0, 0)

/** One invocation every 10 s for two days (200 ms, 120 MB); every 15 minutes the invocation is a cold start of 450 ms. */
function tailLog(): string {
  const lines: string[] = []
  for (let s = 0; s < 2 * 86_400; s += 10) {
    const t = new Date(START + s * 1000).toISOString().replace('Z', '000+00:00')
    const cold = s % 900 === 0
    lines.push(`${t} 2026/11/28/[$LATEST]0f1e START RequestId: r${s} Version: $LATEST`)
    lines.push(`${t} 2026/11/28/[$LATEST]0f1e END RequestId: r${s}`)
    lines.push(
      `${t} 2026/11/28/[$LATEST]0f1e REPORT RequestId: r${s}\tDuration: 200.00 ms\tBilled Duration: ${cold ? 650 : 200} ms\tMemory Size: 1024 MB\tMax Memory Used: 120 MB\t${cold ? 'Init Duration: 450.00 ms\t' : ''}`,
    )
  }
  return lines.join('\n') + '\n'
}

describe('collect lambda-logs', () => {
  it('imports REPORT lines as the function’s samples, and lambda.cold-starts reports the log’s share and init', async () => {
    writeFileSync(tmp.path('checkout.log.gz'), gzipSync(tailLog()))
    const c = await runCli(['collect', 'lambda-logs', 'checkout.log.gz', '--function', 'checkout', '--region', 'eu-west-1', '-w', 'ws'], { cwd: tmp.dir })
    expect(c.code, c.stderr).toBe(0)
    // 17,280 invocations, one cold start per 15 minutes: 192.
    expect(c.stderr).toContain('17,280 REPORT lines (192 cold starts) from 1 file, 2026-11-28T00:00:00.000Z to 2026-11-29T23:59:50.000Z')
    expect(c.stdout).toMatch(/^imported [\d,]+ new samples \(0 already stored\) for Lambda function eu-west-1:checkout \(1024 MB, x86_64\)/)
    const a = await runCli(['analyze', '-w', 'ws', '--format', 'json'], { cwd: tmp.dir })
    expect(a.code, a.stderr).toBe(0)
    const recs = (JSON.parse(a.stdout) as { recommendations: { analyzer: string; finding: string; current: Record<string, unknown>; summary: string }[] })
      .recommendations
    const cold = recs.find((r) => r.analyzer === 'lambda.cold-starts')!
    // 192 / 17,280 = 1.111%: over the 1% threshold; init 450 ms adds 5 ms to the 200 ms mean (2.5%).
    expect(cold.current).toMatchObject({ coldStartPct: 1.111, meanInitMs: 450, memorySizeMB: 1024 })
    expect(cold.finding).toBe('Flagged')
    expect(cold.summary).toMatch(/^1\.11% of invocations start cold, mean init 450 ms \(adds 5 ms to the mean invocation\)/)
    // Imported again: nothing new.
    const again = await runCli(['collect', 'lambda-logs', 'checkout.log.gz', '--function', 'checkout', '--region', 'eu-west-1', '-w', 'ws'], { cwd: tmp.dir })
    expect(again.stdout).toMatch(/^imported 0 new samples/)
  })

  it('bad input names the file and the line, and writes nothing', async () => {
    tmp.file('undated.log', 'REPORT RequestId: x\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\n')
    const r = await runCli(['collect', 'lambda-logs', 'undated.log', '--function', 'f', '-w', 'bad'], { cwd: tmp.dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/undated\.log.*row 1.*a REPORT line without a time/s)
    expect(r.stderr).toContain('aws logs tail /aws/lambda/NAME')
    expect(existsSync(tmp.path('bad/headroom.duckdb'))).toBe(false)
    const bad = await runCli(['collect', 'lambda-logs', 'undated.log', '--function', 'not a name', '-w', 'bad'], { cwd: tmp.dir })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("--function 'not a name' is not a Lambda function name")
  })
})
