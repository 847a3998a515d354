import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ReviewSchema, type Review } from '../../src/review/review.js'
import { LensSchema } from '../../src/review/lens.js'
import { readAnswers } from '../../src/app/review.js'
import { runCli } from '../utils/run-cli.js'
import { tmpProject } from '../utils/tmp.js'

/**
 * `headroom review` as a user runs it: the built CLI over the demo workspace (real traces), a load test against a
 * real local server as evidence, the stored trend, the lens export and every bad-input path.
 */
const tmp = tmpProject('headroom-e2e-review-')
let server: Server
let target = ''
/** The last review the tests stored for workload "shop": failed runs must not replace it. */
let lastShop: Review
const at = (iso: string) => ({ SOURCE_DATE_EPOCH: String(Date.parse(iso) / 1000) })
const bp = (r: Review, id: string) => r.questions.flatMap((q) => q.bestPractices).find((b) => b.id === id)!
const review = async (args: string[], env: Record<string, string> = {}) => {
  const r = await runCli(['review', '-f', 'json', ...args], { cwd: tmp.dir, env })
  expect(r.code, r.stderr).toBe(0)
  return ReviewSchema.parse(JSON.parse(r.stdout))
}

beforeAll(async () => {
  server = createServer((_, res) => res.end('ok'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const demo = await runCli(['demo'], { cwd: tmp.dir })
  expect(demo.code, demo.stderr).toBe(0)
}, 120_000)
afterAll(() => server.close())

describe('headroom review (built CLI, demo workspace)', () => {
  it('judges the measured practices from the workspace, leaves the rest not evidenced, and stores the review', async () => {
    const r = await review([], at('2026-11-01T00:00:00Z'))
    expect(r.questions.flatMap((q) => q.bestPractices)).toHaveLength(32)
    // The demo's 108 Azure VMs have CPU only (no memory, no network): partly.
    expect(bp(r, 'PERF02-BP03')).toMatchObject({ status: 'partly', decidedBy: 'measured' })
    expect(bp(r, 'PERF02-BP03').evidence[0]).toMatch(/^108 running EC2 instances: 108 with enough CPU data to size, 0 with memory/)
    expect(bp(r, 'PERF02-BP04').status).toBe('not met')
    expect(bp(r, 'PERF03-BP03')).toMatchObject({ status: 'met', evidence: ['RDS instances and DynamoDB tables with enough metrics to be judged: 2 of 2.'] })
    // The demo has an Auto Scaling group but no scaling result was passed: not evidenced, and the hint says how.
    expect(bp(r, 'PERF02-BP05').status).toBe('not evidenced')
    expect(bp(r, 'PERF02-BP05').evidence[0]).toMatch(/nab-asg-misconfiguration.*headroom simulate scaling/)
    expect(bp(r, 'PERF01-BP01')).toMatchObject({ status: 'not evidenced', decidedBy: 'unanswered' })
    expect(r.previousAt).toBeNull()
    expect(r.workload).toBe(tmp.dir.split('/').at(-1))
  })

  it('evidence and answers: a load test passed recently is met; the next review shows what improved; --no-store keeps none', async () => {
    const scenario = (p99: number) =>
      tmp.file(
        `lt-${p99}.yml`,
        `config:\n  target: ${target}\n  phases: [{ duration: 1, arrivalRate: 10 }]\n  ensure: { p99: ${p99} }\nscenarios:\n  - flow:\n      - get: { url: / }\n`,
      )
    const pass = await runCli(['loadtest', scenario(60_000), '-o', 'pass.json', '--quiet'], { cwd: tmp.dir })
    expect(pass.code, pass.stderr).toBe(0)
    const fail = await runCli(['loadtest', scenario(0.001), '-o', 'fail.json', '--quiet'], { cwd: tmp.dir })
    expect(fail.code).toBe(5)
    const answers = tmp.file('answers.yaml', 'workload: shop\nanswers:\n  PERF05-BP02: { status: not met, note: only default metrics }\n')
    const first = await review(['--answers', answers, '--evidence', 'fail.json'])
    expect(bp(first, 'PERF05-BP04')).toMatchObject({ status: 'not met', decidedBy: 'measured' })
    expect(bp(first, 'PERF05-BP04').evidence[0]).toMatch(/^Latest load test fail\.json: .*ensure failed: http\.response_time\.p99 < 0\.001/)
    expect(bp(first, 'PERF05-BP02')).toMatchObject({ status: 'not met', decidedBy: 'answered', answer: { note: 'only default metrics' } })
    expect(first.workload).toBe('shop')
    writeFileSync(answers, 'workload: shop\nanswers:\n  PERF05-BP02: met\n')
    const second = await review(['--answers', answers, '--evidence', 'pass.json', '--no-store'])
    expect(second.previousAt).toBe(first.generatedAt)
    expect(second.summary.improved).toEqual(['PERF05-BP02', 'PERF05-BP04'])
    expect(second.questions.find((q) => q.id === 'PERF05')!.risk).toBe('unanswered')
    // --no-store: the next review still compares with the first.
    const third = await review(['--answers', answers])
    expect(third.previousAt).toBe(first.generatedAt)
    lastShop = third
    // Without the answers file PERF05-BP02 has no evidence: not worse, not better, but changed, and said so.
    const md = await runCli(['review', '--workload', 'shop', '--no-store', '-f', 'md'], { cwd: tmp.dir })
    expect(md.stdout).toMatch(/^\| PERF05-BP02 \| not evidenced \| unanswered \| changed \(was met\) \| \[Use monitoring/m)
  })

  it('--fail-on high-risk exits 4 naming the questions; --export-lens writes a lens the format accepts and its answers', async () => {
    const r = await runCli(['review', '--fail-on', 'high-risk', '--no-store', '--export-lens', 'lens'], { cwd: tmp.dir })
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/--fail-on high-risk: PERF02 \(high\)/)
    const lens = LensSchema.parse(JSON.parse(readFileSync(tmp.path('lens/headroom-performance-lens.json'), 'utf8')))
    expect(lens.pillars[0]!.questions).toHaveLength(5)
    const answers = JSON.parse(readFileSync(tmp.path('lens/lens-answers.json'), 'utf8')) as { answers: { questionId: string; selectedChoices: string[] }[] }
    expect(answers.answers.map((a) => a.questionId)).toEqual(['perf01', 'perf02', 'perf03', 'perf04', 'perf05'])
    expect(answers.answers[2]!.selectedChoices).toEqual(['perf03_bp03', 'perf03_bp05'])
    expect(r.stderr).toMatch(/aws wellarchitected import-lens --json-string file:\/\/.*headroom-performance-lens\.json/)
  })

  it('--answers-template prints a file that reads back once a line is answered', async () => {
    const t = await runCli(['review', '--answers-template', '--workload', 'shop'], { cwd: tmp.dir })
    expect(t.code).toBe(0)
    expect(t.stdout).toMatch(/^ {2}# PERF01-BP01: {4}# met \| partly \| not met \| not applicable$/m)
    expect(t.stdout).toMatch(/^ {2}# PERF02-BP04: {4}# judged from measurements/m)
    const filled = tmp.file('filled.yaml', t.stdout.replace('  # PERF01-BP01:    # met | partly | not met | not applicable', '  PERF01-BP01: met'))
    expect(readAnswers(filled)).toEqual({ workload: 'shop', answers: { 'PERF01-BP01': 'met' } })
    // Untouched, it answers nothing and is still a valid file.
    expect(readAnswers(tmp.file('untouched.yaml', t.stdout)).answers).toBeNull()
  })

  it('bad input exits 2 naming the file, the key and its line, and the valid ids; nothing is stored', async () => {
    const unknown = tmp.file('unknown.yaml', 'answers:\n  PERF01-BP01: met\n  PERF09-BP01: met\n')
    const u = await runCli(['review', '--answers', unknown], { cwd: tmp.dir })
    expect(u.code).toBe(2)
    expect(u.stderr).toMatch(/unknown\.yaml:3.*answers\.PERF09-BP01.*'PERF09-BP01' is not a best practice of the Performance Efficiency pillar/)
    expect(u.stderr).toMatch(/Valid ids: PERF01-BP01, PERF01-BP02, .*PERF05-BP07\./)
    const wrong = tmp.file('wrong.yaml', 'answers:\n  PERF01-BP01: maybe\n')
    const w = await runCli(['review', '--answers', wrong], { cwd: tmp.dir })
    expect(w.code).toBe(2)
    expect(w.stderr).toMatch(/wrong\.yaml:2.*answers\.PERF01-BP01/)
    const notDoc = tmp.file('not-doc.json', '{"hello": 1}')
    const n = await runCli(['review', '--evidence', notDoc], { cwd: tmp.dir })
    expect([n.code, n.stderr]).toEqual([2, expect.stringMatching(/not-doc\.json.*not a headroom document/)])
    const analysis = await runCli(['analyze', '-f', 'json', '-o', 'analysis.json'], { cwd: tmp.dir })
    expect(analysis.code).toBe(0)
    const a = await runCli(['review', '--evidence', 'analysis.json'], { cwd: tmp.dir })
    expect([a.code, a.stderr]).toEqual([2, expect.stringMatching(/an analysis document is not evidence for a review/)])
    const none = await runCli(['review', '-w', tmp.path('nowhere')], { cwd: tmp.dir })
    expect([none.code, none.stderr]).toEqual([2, expect.stringMatching(/No workspace at .*nowhere/)])
    expect(existsSync(tmp.path('nowhere'))).toBe(false)
    // None of the failed runs stored a review: the latest is still the one of the test before.
    const last = await review(['--workload', 'shop', '--no-store'])
    expect(last.previousAt).toBe(lastShop.generatedAt)
  })
})
