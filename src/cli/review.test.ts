import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { readAnswers } from '../app/review.js'
import { resolveConfig } from '../app/config.js'
import type { Effects } from '../core/effects.js'
import { ReviewSchema } from '../review/review.js'
import { DuckDbStore } from '../store/duckdb/store.js'
import { runReview } from './review.js'

/**
 * --ask, in process: a terminal cannot be spawned here, so the keyboard is a stream of typed lines (the same
 * readline reads process.stdin in a TTY). The workspace is a real, empty DuckDB store.
 */
describe('headroom review --ask', () => {
  it('asks each practice neither measured nor answered; skips, re-asks on a bad key, keeps the answers in the workspace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-ask-'))
    const ws = join(dir, '.headroom')
    ;(await DuckDbStore.open(ws)).close()
    let out = ''
    let err = ''
    const effects: Effects = {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      now: () => Date.UTC(2026, 11, 1),
      env: {},
      cwd: dir,
    }
    // PERF01-BP01: met, with a note; PERF01-BP02: Enter skips; PERF01-BP03: "x" is no answer, then not met, no note.
    const typed = Readable.from(['m\n', 'vendor training in Q3\n', '\n', 'x\n', 'n\n', '\n'])
    const code = await runReview(
      { config: resolveConfig({ cwd: dir, file: false }), evidence: [], store: true, ask: true, format: 'json', color: false },
      effects,
      { input: typed },
    )
    expect(code).toBe(0)
    const r = ReviewSchema.parse(JSON.parse(out))
    const bp = (id: string) => r.questions[0]!.bestPractices.find((b) => b.id === id)!
    expect(bp('PERF01-BP01')).toMatchObject({ status: 'met', decidedBy: 'answered', answer: { status: 'met', note: 'vendor training in Q3' } })
    expect(bp('PERF01-BP02')).toMatchObject({ status: 'not evidenced', decidedBy: 'unanswered' })
    expect(bp('PERF01-BP03')).toMatchObject({ status: 'not met', answer: { status: 'not met', note: null } })
    // PERF01-BP03 was asked twice (after "x"); the prompts went to stderr, the review alone to stdout.
    expect(err.match(/PERF01-BP03 Factor cost into architectural decisions/g)).toHaveLength(2)
    // Named after the workload: the folder the workspace is in.
    const kept = join(ws, `review-answers-${dir.split('/').at(-1)}.yaml`)
    expect(r.workload).toBe(dir.split('/').at(-1))
    expect(err).toContain(`answers kept in ${kept}`)
    expect(existsSync(kept)).toBe(true)
    expect(readAnswers(kept).answers).toEqual({ 'PERF01-BP01': { status: 'met', note: 'vendor training in Q3' }, 'PERF01-BP03': 'not met' })
    expect(readFileSync(kept, 'utf8')).toMatch(/^workload: /)
  })

  it('without a terminal, --ask says so (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-ask-'))
    ;(await DuckDbStore.open(join(dir, '.headroom'))).close()
    const effects: Effects = { stdout: { write: () => true }, stderr: { write: () => true }, now: () => 0, env: {}, cwd: dir }
    await expect(
      runReview({ config: resolveConfig({ cwd: dir, file: false }), evidence: [], store: false, ask: true, format: 'json', color: false }, effects),
    ).rejects.toMatchObject({ message: '--ask needs a terminal', exitCode: 2 })
  })
})
