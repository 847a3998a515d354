import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import type { ResolvedConfig } from '../app/config.js'
import { stringify as stringifyYaml } from 'yaml'
import { gatherReviewEvidence, readAnswers, workloadName } from '../app/review.js'
import { VERSION } from '../core/version.js'
import { loadWorkspaceCatalog } from '../catalog/load.js'
import type { Effects } from '../core/effects.js'
import { ToolError, UsageError } from '../core/errors.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import { renderDocument, type ReportFormat } from '../reporters/registry.js'
import { LENS_MAX_BYTES, LensSchema, lensAnswers, performanceLens } from '../review/lens.js'
import { QUESTIONS } from '../review/pillar.js'
import { ReviewSchema, buildReview, type Answers, type Review } from '../review/review.js'
import { EVIDENCED } from '../review/rules.js'
import { DuckDbStore } from '../store/duckdb/store.js'
import { emitRendered } from './output.js'

export interface ReviewCommandOptions {
  config: ResolvedConfig
  workload?: string
  answers?: string
  evidence: string[]
  exportLens?: string
  failOn?: 'high-risk' | 'medium-risk'
  store: boolean
  ask: boolean
  format: ReportFormat
  out?: string
  color: boolean
}

/** A terminal's keyboard, for --ask; tests pass a stream of typed lines. */
export interface Keyboard {
  input: NodeJS.ReadableStream
}

const KEYS: Record<string, NonNullable<Answers['answers']>[string]> = { m: 'met', p: 'partly', n: 'not met', a: 'not applicable' }

/**
 * --ask: each practice neither measured nor answered, asked on stderr (stdout stays the report). Enter or s skips: an
 * unanswered practice stays not evidenced, never guessed.
 */
async function ask(review: Review, keyboard: Keyboard, effects: Effects): Promise<NonNullable<Answers['answers']>> {
  const rl = createInterface({ input: keyboard.input, output: effects.stderr as NodeJS.WritableStream, terminal: false })
  const lines = rl[Symbol.asyncIterator]()
  const out: NonNullable<Answers['answers']> = {}
  try {
    for (const q of review.questions)
      for (const b of q.bestPractices) {
        if (b.decidedBy !== 'unanswered') continue
        for (;;) {
          effects.stderr.write(`${b.id} ${b.title}\n  ${b.url}\n  [m]et, [p]artly, [n]ot met, not [a]pplicable, [s]kip: `)
          const next = await lines.next()
          if (next.done) return out
          const k = String(next.value).trim().toLowerCase().slice(0, 1)
          if (k === '' || k === 's') break
          const status = KEYS[k]
          if (status === undefined) continue
          const note = (effects.stderr.write('  note (Enter for none): '), await lines.next())
          out[b.id] = note.done || !String(note.value).trim() ? status : { status: status as 'met', note: String(note.value).trim() }
          break
        }
      }
  } finally {
    rl.close()
  }
  return out
}

/** `headroom review`: the library's reviewWorkspace, rendered, stored for the next trend, exported as a lens on request. */
export async function runReview(o: ReviewCommandOptions, effects: Effects, keyboard?: Keyboard): Promise<ExitCode> {
  const workspace = o.config.workspace
  if (!existsSync(workspace))
    throw new UsageError(`No workspace at ${workspace}`, 'Collect data first (headroom collect ..., or headroom demo), or pass --workspace.')
  // Answers are read before the workspace, and the evidence documents before the analysis: a bad file exits 2 first.
  const answers = o.answers === undefined ? undefined : readAnswers(o.answers)
  const evidenceFiles = o.evidence
  const workload = workloadName(workspace, o.workload, answers)
  let review: Review
  const store = await DuckDbStore.open(workspace, { readOnly: !o.store })
  try {
    const prior = await store.latestReview(workload, effects.now())
    const evidence = await gatherReviewEvidence({
      reader: store,
      catalog: loadWorkspaceCatalog(workspace),
      config: o.config,
      workspace,
      evidenceFiles,
      now: effects.now(),
    })
    const build = (given: NonNullable<Answers['answers']>, answersFile: string | null) =>
      buildReview({
        evidence,
        answers: given,
        workload,
        workspace,
        evidenceFiles,
        answersFile,
        previous: prior === undefined ? null : ReviewSchema.parse(JSON.parse(prior)),
        version: VERSION,
      })
    review = build(answers?.answers ?? {}, o.answers ?? null)
    if (o.ask) {
      if (!keyboard) throw new UsageError('--ask needs a terminal', 'Run it in a terminal, or answer in a file with --answers (--answers-template prints one).')
      const typed = await ask(review, keyboard, effects)
      if (Object.keys(typed).length) {
        const kept = join(workspace, `review-answers-${workload.replace(/[^A-Za-z0-9_.-]/g, '_')}.yaml`)
        const all = { ...(answers?.answers ?? {}), ...typed }
        writeFileSync(kept, stringifyYaml({ workload, answers: all }))
        effects.stderr.write(`answers kept in ${kept} (pass it with --answers next time)\n`)
        review = build(all, kept)
      }
    }
    if (o.store) await store.saveReview(review.workload, review.generatedAt, JSON.stringify(review))
  } finally {
    store.close()
  }
  const text = await renderDocument(review, o.format, { color: o.color && !o.out })
  emitRendered(text, o.out, `wrote ${o.format} review to ${o.out}`, effects)
  if (o.exportLens !== undefined) exportLens(review, o.exportLens, effects)
  if (o.failOn) {
    const levels = o.failOn === 'high-risk' ? ['high'] : ['high', 'medium']
    const hits = review.questions.filter((q) => levels.includes(q.risk))
    if (hits.length) {
      effects.stderr.write(`headroom: --fail-on ${o.failOn}: ${hits.map((q) => `${q.id} (${q.risk})`).join(', ')}\n`)
      return EXIT.GATE
    }
  }
  return EXIT.OK
}

/** --export-lens DIR: the custom lens (checked against the format's limits) and the review's answers for it. */
function exportLens(review: Review, dir: string, effects: Effects): void {
  const lens = performanceLens()
  const checked = LensSchema.safeParse(lens)
  const text = JSON.stringify(lens, null, 2) + '\n'
  if (!checked.success || Buffer.byteLength(text) > LENS_MAX_BYTES)
    throw new ToolError('INTERNAL', `the lens breaks the Well-Architected lens format: ${checked.error?.issues[0]?.message ?? 'over 500 KB'}`)
  mkdirSync(dir, { recursive: true })
  const lensFile = join(dir, 'headroom-performance-lens.json')
  const answersFile = join(dir, 'lens-answers.json')
  writeFileSync(lensFile, text)
  writeFileSync(answersFile, JSON.stringify({ workload: review.workload, lensName: lens.name, answers: lensAnswers(review) }, null, 2) + '\n')
  effects.stderr.write(
    [
      `wrote ${lensFile} (${QUESTIONS.length} questions, ${QUESTIONS.reduce((a, q) => a + q.bestPractices.length, 0)} best practices; ${Object.keys(EVIDENCED).length} judged from measurements) and ${answersFile}`,
      `import and publish it:   aws wellarchitected import-lens --json-string file://${lensFile}`,
      `                         aws wellarchitected create-lens-version --lens-alias LENS_ARN --lens-version 1.0`,
      `answer a question:       aws wellarchitected update-answer --workload-id ID --lens-alias LENS_ARN --question-id perf02 --selected-choices ... --notes ...  (values in ${answersFile}; docs/review.md)`,
      '',
    ].join('\n'),
  )
}
