import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { readAccessLogs } from './access-logs.js'

const dir = mkdtempSync(join(tmpdir(), 'headroom-logs-'))
const file = (name: string, text: string | Buffer) => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}
const keysOf = (r: Awaited<ReturnType<typeof readAccessLogs>>) => Array.from(r.trace.keys)

describe('readAccessLogs', () => {
  it("ALB access logs: the request URL's path (and query), sent bytes, quoted fields with spaces", async () => {
    // Fields as the ALB user guide lists them: type time elb client:port target:port 3 timings, 2 statuses, received, sent, "request", "user agent", ...
    const line = (t: string, req: string, status = 200, sent = 512) =>
      `https ${t} app/web/50dc6c495c0c9188 192.0.2.10:46532 10.0.0.5:80 0.000 0.001 0.000 ${status} ${status} 34 ${sent} "${req}" "curl/8.5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "example.com" "arn:aws:acm:us-east-1:123456789012:certificate/12345678" 0 2026-11-01T10:00:00.000000Z "forward" "-" "-" "10.0.0.5:80" "200" "-" "-"`
    const p = file(
      'alb.log',
      [
        line('2026-11-01T10:00:01.000000Z', 'GET https://example.com:443/a?x=1 HTTP/1.1'),
        line('2026-11-01T10:00:02.000000Z', 'GET https://example.com:443/a?x=2 HTTP/1.1'),
        line('2026-11-01T10:00:03.000000Z', 'POST https://example.com:443/a HTTP/1.1'),
        line('2026-11-01T10:00:04.000000Z', 'GET https://example.com:443/b HTTP/1.1', 503),
      ].join('\n'),
    )
    const byQuery = await readAccessLogs([p], 'alb', 'path+query')
    expect([keysOf(byQuery), byQuery.skipped, Array.from(byQuery.trace.sizes)]).toEqual([[0, 1], { method: 1, status: 1 }, [512, 512]])
    expect([byQuery.first, byQuery.cacheable]).toEqual([Date.parse('2026-11-01T10:00:01Z'), 2])
    expect(keysOf(await readAccessLogs([p], 'alb', 'path'))).toEqual([0, 0])
  })

  it('CloudFront standard logs: columns from the #Fields header, gzip input, "-" for no query', async () => {
    const text = [
      '#Version: 1.0',
      '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query',
      ['2026-11-01', '10:00:00', 'IAD89-C1', '2048', '192.0.2.1', 'GET', 'd111111abcdef8.cloudfront.net', '/img/a.png', '200', '-', 'Mozilla/5.0', '-'].join(
        '\t',
      ),
      ['2026-11-01', '10:00:05', 'IAD89-C1', '2048', '192.0.2.2', 'GET', 'd111111abcdef8.cloudfront.net', '/img/a.png', '304', '-', 'Mozilla/5.0', 'v=2'].join(
        '\t',
      ),
    ].join('\n')
    const r = await readAccessLogs([file('cf.log.gz', gzipSync(text))], 'cloudfront', 'path')
    expect([keysOf(r), r.lines, r.trace.distinct]).toEqual([[0, 0], 2, 1])
    expect([r.first, r.last]).toEqual([Date.parse('2026-11-01T10:00:00Z'), Date.parse('2026-11-01T10:00:05Z')])
  })

  it('CSV ts,key,size: seconds, milliseconds or ISO times; a few malformed lines are counted with their line numbers, not fatal', async () => {
    const rows = ['ts,key,size', '1762000000,/a,100', '1762000000500,/b,200', '2026-11-01T10:00:00Z,/a,100']
    for (let i = 0; i < 30; i++) rows.push(`1762000001,/c${i},10`)
    rows.push('not,a,number-size', 'just-one-field')
    const r = await readAccessLogs([file('req.csv', rows.join('\n'))], 'csv', 'path')
    expect([r.trace.keys.length, r.malformed.count]).toEqual([33, 2])
    expect(r.malformed.first.map((m) => m.line)).toEqual([35, 36])
    // Times in seconds, milliseconds and ISO read alike: the earliest is 1762000000 s, the latest ISO 2026-11-01T10:00:00Z.
    expect([r.first, r.last]).toEqual([1762000000_000, Date.parse('2026-11-01T10:00:00Z')])
  })

  it("a size-less response (a 304) takes the object's last known size", async () => {
    const log = [
      '192.0.2.1 - - [01/Nov/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 700 "-" "x"',
      '192.0.2.1 - - [01/Nov/2026:10:00:01 +0000] "GET /a HTTP/1.1" 304 - "-" "x"',
    ].join('\n')
    const r = await readAccessLogs([file('c.log', log)], 'combined', 'path')
    expect(Array.from(r.trace.sizes)).toEqual([700, 700])
  })
})
