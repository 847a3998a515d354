import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, runCli } from '../utils/run-cli.js'
import { csv, tmpProject } from '../utils/tmp.js'
import { fakeAwsEnv } from '../utils/aws-cli.js'
import { fleetOf, startFakeAws } from '../utils/fake-aws.js'

/**
 * The HTML pages as a person sees them: the built CLI writes them, Debian's Chromium (driven by playwright-core) opens
 * them from disk. Required in CI (.ci/run installs chromium); elsewhere skipped with the reason when no Chromium is found.
 * Screenshots of every page go to test-results/screens/ for a person to look at.
 */
const CHROMIUM = [process.env.HEADROOM_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p))
const CI = process.env.CI === 'true'
const SCREENS = fileURLToPath(new URL('../../test-results/screens/', import.meta.url))
const XSS_ID = 'i-<img src=x onerror=alert(1)>'
const XSS_TAG = '</script><script>alert(2)</script>'

const tmp = tmpProject('headroom-e2e-html-')
let browser: Browser | undefined
let server: Server
let target = ''

/** Opens a page from disk and records what a user would not want: console errors, script errors, requests, dialogs. */
async function open(file: string, hash = '') {
  const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } })
  const problems: string[] = []
  const requests: string[] = []
  page.on('console', (m) => {
    // The test's own pixel reads (getImageData, below) make Chromium suggest willReadFrequently: not the page's doing.
    if (m.text().startsWith('Canvas2D: Multiple readback operations')) return
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`)
    void d.dismiss()
  })
  page.on('request', (r) => requests.push(r.url()))
  await page.goto(`file://${file}${hash}`)
  return { page, problems, requests: () => requests.filter((u) => u !== `file://${file}${hash}` && u !== `file://${file}`) }
}

/**
 * Every chart canvas on the page (or under `selector`) with how many of its pixels are drawn (not transparent) and how
 * many are red-tinted (breach shading). The code runs in the page: a string, as the tests compile without DOM types.
 */
const canvases = (page: Page, selector = 'canvas') =>
  page.evaluate<{ width: number; height: number; drawn: number; tinted: number }[]>(`
    [...document.querySelectorAll(${JSON.stringify(selector)})].map((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
      let drawn = 0, tinted = 0
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] > 0) drawn++
        if (d[i + 3] > 0 && d[i] > 200 && d[i] - d[i + 2] > 20 && d[i + 1] < 230) tinted++
      }
      return { width: c.width, height: c.height, drawn, tinted }
    })`)

async function shot(page: Page, name: string) {
  mkdirSync(SCREENS, { recursive: true })
  await page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true })
}

const run = async (args: string[]) => {
  const r = await runCli(args, { cwd: tmp.dir })
  expect(r.code, r.stderr).toBe(0)
  return r
}

beforeAll(async () => {
  if (CHROMIUM) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  server = createServer((req, res) => res.end('ok'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  await run(['demo', '-w', 'ws'])
  // A resource whose id and tags are markup: they must show as text and run nothing.
  const rows = Array.from(
    { length: 24 * 12 * 3 },
    (_, i) => `${XSS_ID},cpu.utilization,${1_700_000_000 + i * 300},${(20 + 15 * Math.sin(i / 20)).toFixed(2)},max`,
  )
  tmp.file('xss.csv', csv('resource_id,metric,timestamp,value,stat', rows))
  tmp.file(
    'xss.json',
    JSON.stringify({ resources: [{ id: XSS_ID, kind: 'ec2-instance', region: 'us-east-1', instanceType: 'm5.xlarge', tags: { Name: XSS_TAG } }] }),
  )
  await run(['collect', 'file', 'xss.csv', 'xss.json', '-w', 'ws'])
}, 180_000)
afterAll(async () => {
  await browser?.close()
  server?.close()
})

describe.skipIf(!CHROMIUM && !CI)('HTML pages in Chromium', () => {
  it('CI has a Chromium to test with', () => {
    expect(CHROMIUM, 'CI needs Debian chromium (.ci/run installs it), or HEADROOM_CHROMIUM=/path').toBeDefined()
  })

  it('report: works offline (no request leaves the file), CSP present, markup in ids and tags shows as text and runs nothing', async () => {
    const r = await run(['report', '-w', 'ws', '--out', 'report.html'])
    expect(r.stderr).toMatch(/wrote html report to .*report\.html/)
    const html = readFileSync(tmp.path('report.html'), 'utf8')
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+'; style-src 'sha256-[^']+';/,
    )
    // The markup never appears raw in the file: the data block escapes every '<'.
    expect(html).not.toContain(XSS_TAG)
    expect(html).not.toContain('<img src=x')
    const { page, problems, requests } = await open(tmp.path('report.html'))
    await page.fill('#table-filter', 'onerror')
    expect(await page.locator('#recs tbody tr').count()).toBe(1)
    expect(await page.locator('#recs tbody tr td').first().textContent()).toBe(XSS_ID)
    expect(await page.locator('img').count()).toBe(0)
    await page.goto(`file://${tmp.path('report.html')}#r/${encodeURIComponent(XSS_ID)}`)
    await page.waitForSelector('canvas')
    expect(await page.locator('h2').first().textContent()).toContain(XSS_ID)
    expect(await page.locator('.tags').textContent()).toBe(`Name=${XSS_TAG}`)
    expect(await page.locator('img').count()).toBe(0)
    await shot(page, 'report-resource-xss')
    expect(problems).toEqual([])
    expect(requests()).toEqual([])
    await page.close()
  })

  it('report: the fleet table sorts and filters, every resource page draws its charts', async () => {
    const { page, problems, requests } = await open(tmp.path('report.html'), '#fleet')
    await shot(page, 'report-fleet')
    const rows = page.locator('#recs tbody tr')
    const total = await rows.count()
    expect(total).toBeGreaterThan(100)
    // Sorted by saving, largest first, as it opens; a click on the header turns it around.
    const saves = async () =>
      (await page.locator('#recs tbody tr td:nth-child(9)').allTextContents()).map((t) => (t === '—' ? NaN : Number(t.replace(/[$,]/g, ''))))
    const before = (await saves()).filter((x) => !Number.isNaN(x))
    expect(before).toEqual([...before].sort((a, b) => b - a))
    await page.click('#recs th:nth-child(9)')
    const after = (await saves()).filter((x) => !Number.isNaN(x))
    expect(after).toEqual([...after].sort((a, b) => a - b))
    // Filter by finding, then by text: every row left matches.
    await page.selectOption('#table-finding', 'Underprovisioned')
    const findings = await page.locator('#recs tbody tr td:nth-child(4)').allTextContents()
    expect(findings.length).toBeGreaterThan(0)
    expect(new Set(findings)).toEqual(new Set(['Underprovisioned']))
    await page.fill('#table-filter', 'nab-')
    const ids = await page.locator('#recs tbody tr td:first-child').allTextContents()
    expect(ids.length).toBeGreaterThan(0)
    expect(ids.every((id) => id.includes('nab-'))).toBe(true)
    expect(await page.locator('#table-count').textContent()).toMatch(new RegExp(`^${ids.length} of ${total}$`))
    // Every resource page: one chart per stored metric, each canvas drawn.
    await page.click('nav a[data-page="resources"]')
    const links = (await Promise.all((await page.locator('.reslist a').all()).map((a) => a.getAttribute('href')))).map((h) => h!)
    expect(links).toHaveLength(50)
    for (const [i, href] of links.entries()) {
      await page.goto(`file://${tmp.path('report.html')}${href}`)
      const c = await canvases(page)
      expect(c.length, href).toBeGreaterThan(0)
      for (const x of c) expect(x.drawn, `${href}: an empty chart`).toBeGreaterThan(1000)
      if (i < 2) await shot(page, `report-resource-${i}`)
    }
    expect(problems).toEqual([])
    expect(requests()).toEqual([])
    await page.close()
  })

  it('simulate scaling --format html: the Pareto scatter and the timeline with breach minutes shaded; a click picks a point', async () => {
    await run([
      'simulate',
      'scaling',
      '-w',
      'ws',
      '--group',
      'nab-asg-misconfiguration',
      '--policy-file',
      demoPolicy(),
      '--search',
      '-f',
      'html',
      '-o',
      'scaling.html',
    ])
    const { page, problems, requests } = await open(tmp.path('scaling.html'))
    await page.waitForSelector('.timeline canvas')
    expect(await page.locator('select.pick').inputValue()).not.toBe('')
    const selected = await page.locator('select.pick option:checked').textContent()
    expect(selected).toContain('(current)')
    const c = await canvases(page)
    expect(c).toHaveLength(2)
    for (const x of c) expect(x.drawn).toBeGreaterThan(1000)
    // Breach shading: the current policy breached (598 minutes in the demo), so the timeline has red-tinted pixels.
    const [timeline] = await canvases(page, '.timeline canvas')
    expect(timeline!.tinted).toBeGreaterThan(100)
    await shot(page, 'scaling')
    // Clicking the scatter's left end (the cheapest point) selects another policy set and redraws its timeline.
    const over = page.locator('.u-over').first()
    const box = (await over.boundingBox())!
    await page.mouse.move(box.x + 2, box.y + box.height / 2)
    await page.mouse.click(box.x + 2, box.y + box.height / 2)
    expect(await page.locator('select.pick option:checked').textContent()).not.toBe(selected)
    expect(await page.locator('.timeline canvas').count()).toBe(1)
    expect(problems).toEqual([])
    expect(requests()).toEqual([])
    await page.close()
  })

  it('loadtest and loadtest compare --format html: throughput over time, the latency distribution, the gate drawn', async () => {
    await run(['loadtest', target, '-d', '2', '-R', '200', '--quiet', '-o', 'base.json'])
    await run(['loadtest', target, '-d', '2', '-R', '200', '--quiet', '-o', 'new.json'])
    const single = await runCli(['loadtest', 'compare', 'base.json', 'new.json', '--max-p99-regression', '1000%', '-f', 'html'], { cwd: tmp.dir })
    expect(single.code, single.stderr).toBe(0)
    writeFileSync(tmp.path('compare.html'), single.stdout)
    const { page, problems, requests } = await open(tmp.path('compare.html'))
    await page.waitForSelector('canvas')
    const c = await canvases(page)
    expect(c).toHaveLength(2)
    for (const x of c) expect(x.drawn).toBeGreaterThan(1000)
    expect(await page.locator('.u-legend').last().textContent()).toMatch(/gate: p99 <= [\d.]+ ms/)
    await shot(page, 'loadtest-compare')
    expect(problems).toEqual([])
    expect(requests()).toEqual([])
    await page.close()
  })

  it('experiment --format html: each arm round by round', async () => {
    const r = await runCli(['experiment', '--arm', `a=${target}/`, '--arm', `b=${target}/`, '--rounds', '2', '-d', '300ms', '-c', '2', '-f', 'html'], {
      cwd: tmp.dir,
    })
    expect(r.code, r.stderr).toBe(0)
    writeFileSync(tmp.path('experiment.html'), r.stdout)
    const { page, problems, requests } = await open(tmp.path('experiment.html'))
    const c = await canvases(page)
    expect(c).toHaveLength(2)
    for (const x of c) expect(x.drawn).toBeGreaterThan(1000)
    await shot(page, 'experiment')
    expect(problems).toEqual([])
    expect(requests()).toEqual([])
    await page.close()
  })

  it('experiment --lambda --format html: duration and cost by memory, a line per architecture', async () => {
    const fake = await startFakeAws(
      fleetOf(0, { functions: [{ name: 'resize', memory: 1024, model: { cpuMs: 120, ioMs: 15, initMs: 300, memoryUsedMB: 150, armFactor: 1.1 } }] }),
    )
    try {
      const r = await runCli(
        ['experiment', '--lambda', 'resize', '--memory', '256,512,2048', '--arch', 'x86_64,arm64', '--invocations', '4', '--rounds', '2', '-f', 'html'],
        {
          cwd: tmp.dir,
          env: fakeAwsEnv(fake.url, tmp.path),
        },
      )
      expect(r.code, r.stderr).toBe(0)
      writeFileSync(tmp.path('lambda.html'), r.stdout)
    } finally {
      await fake.close()
    }
    const { page, problems, requests } = await open(tmp.path('lambda.html'))
    expect(await page.textContent('nav')).toContain('Lambda settings')
    const c = await canvases(page)
    expect(c).toHaveLength(2)
    for (const x of c) expect(x.drawn).toBeGreaterThan(1000)
    await shot(page, 'experiment-lambda')
    await page.click('nav a[data-page="summary"]')
    expect(await page.textContent('main')).toContain('resize is as it was')
    expect(problems).toEqual([])
    expect(requests()).toEqual([])
    await page.close()
  })

  it('simulate cache and review --format html draw too', async () => {
    const log = fileURLToPath(new URL('../fixtures/weblogs/elastic-examples-apache_logs-2015-05.log.gz', import.meta.url))
    await run(['simulate', 'cache', log, '--policy', 'lru,fifo', '-f', 'html', '-o', 'cache.html'])
    await run(['review', '-w', 'ws', '--no-store', '-f', 'html', '-o', 'review.html'])
    for (const [file, charts] of [
      ['cache.html', 2],
      ['review.html', 0],
    ] as const) {
      const { page, problems, requests } = await open(tmp.path(file))
      const c = await canvases(page)
      expect(c).toHaveLength(charts)
      for (const x of c) expect(x.drawn).toBeGreaterThan(1000)
      if (file === 'review.html') {
        expect(await page.locator('main').textContent()).toContain('PERF02-BP04')
        // Each best practice links to its AWS page (the views' Markdown links become links, https only).
        expect(await page.locator('a[href^="https://docs.aws.amazon.com/wellarchitected/"]').count()).toBe(32)
      }
      await shot(page, file.replace('.html', ''))
      expect(problems).toEqual([])
      expect(requests()).toEqual([])
      await page.close()
    }
  })
})

/** `headroom serve` started as a user starts it; resolves with its URL once it prints it. */
function serve(args: string[]): Promise<{ url: URL; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: tmp.dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out)
      if (m) resolve({ url: new URL(m[0]), child })
    })
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('close', (code) => reject(new Error(`serve exited ${code}: ${err}`)))
  })
}

/** A raw GET with any Host header (fetch will not send a foreign one). */
function get(url: URL, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe.skipIf(!CHROMIUM && !CI)('headroom serve', () => {
  it('serves the page on 127.0.0.1 with a token; the page re-analyzes with another percentile through the API and talks to nothing else', async () => {
    const { url, child } = await serve(['-w', 'ws', '--port', '0'])
    try {
      const token = url.searchParams.get('token')!
      expect(token.length).toBeGreaterThanOrEqual(32)
      // Refused: no token, a wrong token, another Host (DNS rebinding), a write method.
      const bare = new URL(url)
      bare.search = ''
      expect((await get(bare)).status).toBe(401)
      expect((await get(new URL(`${bare.href}?token=${token.slice(0, -1)}x`))).status).toBe(401)
      const api = new URL('/api/analysis', url)
      expect((await get(api)).status).toBe(401)
      expect((await get(api, { 'x-headroom-token': token, host: `rebound.example:${url.port}` })).status).toBe(403)
      expect((await get(url, { host: `rebound.example:${url.port}` })).status).toBe(403)
      expect((await get(url, {}, 'POST')).status).toBe(405)
      const bad = await get(new URL('/api/analysis?percentile=p42', url), { 'x-headroom-token': token })
      expect(bad.status).toBe(400)
      expect(JSON.parse(bad.body)).toEqual({ error: "percentile 'p42' is not one of p90, p95, p99, p99.5, max" })

      const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } })
      const problems: string[] = []
      const requests: string[] = []
      page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : undefined))
      page.on('pageerror', (e) => problems.push(e.message))
      page.on('request', (r) => requests.push(r.url()))
      await page.goto(url.href)
      const savings = async () => (await page.locator('.card').nth(2).locator('.card-value').textContent())!
      const before = await savings()
      expect(await page.locator('#set-percentile').inputValue()).toBe('p99.5')
      await page.selectOption('#set-percentile', 'max')
      await page.fill('#set-headroom', '40')
      await page.click('#analyze-again')
      await page.locator('#analyze-status', { hasText: 'analyzed again' }).waitFor()
      expect(await page.locator('#set-percentile').inputValue()).toBe('max')
      expect(await page.locator('#set-headroom').inputValue()).toBe('40')
      // Sizing for the maximum with 40% headroom saves less than for p99.5 with 20%.
      const money = (s: string) => Number(s.replace(/[$,]|\/month/g, ''))
      expect(money(await savings())).toBeLessThan(money(before))
      await shot(page, 'serve-fleet')
      await page.click('nav a[data-page="resources"]')
      await page.click('.reslist a >> nth=0')
      const c = await canvases(page)
      expect(c.length).toBeGreaterThan(0)
      for (const x of c) expect(x.drawn).toBeGreaterThan(1000)
      expect(problems).toEqual([])
      expect(requests.every((r) => r.startsWith(url.origin + '/'))).toBe(true)
      expect(requests.some((r) => r.startsWith(`${url.origin}/api/analysis?percentile=max&headroom=40`))).toBe(true)
      await page.close()
    } finally {
      child.kill('SIGINT')
    }
  })

  it('refuses an interface beyond loopback without --allow-remote (exit 2)', async () => {
    const r = await runCli(['serve', '-w', 'ws', '--host', '0.0.0.0'], { cwd: tmp.dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--host 0\.0\.0\.0 would serve the workspace beyond this machine/)
    expect(r.stderr).toMatch(/--allow-remote/)
  })
})

describe('report: bad input', () => {
  it('an empty workspace says what to collect first; an unwritable --out names the path; both exit 2', async () => {
    // A workspace that knows its resources (a manifest) but holds no samples yet.
    await run(['collect', 'file', 'xss.json', '-w', 'empty-ws'])
    const empty = await runCli(['report', '-w', 'empty-ws'], { cwd: tmp.dir })
    expect(empty.code).toBe(2)
    expect(empty.stderr).toMatch(/has resources but no samples: nothing to report yet/)
    expect(empty.stderr).toMatch(/headroom collect aws/)
    const bad = await runCli(['report', '-w', 'ws', '--out', '/nonexistent-dir/report.html'], { cwd: tmp.dir })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('/nonexistent-dir/report.html')
  })
})

function demoPolicy(): string {
  return fileURLToPath(new URL('../../data/demo/asg-policy.json', import.meta.url))
}
