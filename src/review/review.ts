import { z } from 'zod'
import { BEST_PRACTICE_IDS, PILLAR_VERSION, QUESTIONS } from './pillar.js'
import { EVIDENCED, RISKS, STATUSES, questionRisk, type ReviewEvidence, type Status } from './rules.js'

const REVIEW_SCHEMA_VERSION = 1

const ANSWER_STATUSES = ['met', 'partly', 'not met', 'not applicable'] as const

/** The answers file (YAML or JSON): a status per best practice no measurement judged, with an optional note. */
export const AnswersSchema = z
  .object({
    workload: z.string().min(1).optional().describe('The workload reviewed; --workload overrides it'),
    answers: z
      .record(
        z.string(),
        z.union([
          z.enum(ANSWER_STATUSES),
          z.object({ status: z.enum(ANSWER_STATUSES), note: z.string().max(2000).optional().describe('What the answer rests on') }).strict(),
        ]),
      )
      .nullish()
      .describe('By best-practice id (PERF01-BP01 .. PERF05-BP07); empty or absent: nothing answered'),
  })
  .strict()
export type Answers = z.infer<typeof AnswersSchema>

/** The answers file's JSON Schema (checked in as schema/review-answers.schema.json), ids listed for editors. */
export function answersJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(AnswersSchema, { target: 'draft-2020-12' }) as unknown as { properties: { answers: Record<string, unknown> } } & Record<
    string,
    unknown
  >
  s.properties.answers = { ...s.properties.answers, propertyNames: { enum: BEST_PRACTICE_IDS } }
  return { ...s, title: 'headroom review answers' }
}

/** improved/regressed between judged statuses; changed: to or from "not evidenced" (no better or worse); new: no earlier review. */
const ChangeSchema = z.enum(['improved', 'regressed', 'same', 'changed', 'new'])

/** `headroom review`: the Performance Efficiency pillar, each best practice judged from evidence or from an answer. */
export const ReviewSchema = z.object({
  schemaVersion: z.literal(REVIEW_SCHEMA_VERSION),
  tool: z.literal('headroom'),
  version: z.string(),
  kind: z.literal('review'),
  generatedAt: z.number().describe('epoch ms'),
  workload: z.string(),
  pillar: z.object({ id: z.literal('performance'), name: z.literal('Performance Efficiency'), version: z.string() }),
  inputs: z.object({
    workspace: z.string().nullable(),
    evidenceFiles: z.array(z.string()).describe('headroom documents passed with --evidence'),
    answersFile: z.string().nullable(),
  }),
  previousAt: z.number().nullable().describe('epoch ms of the last review of this workload stored in the workspace, compared against'),
  questions: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      url: z.string(),
      risk: z.enum(RISKS),
      bestPractices: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          url: z.string(),
          status: z.enum(STATUSES),
          decidedBy: z.enum(['measured', 'answered', 'unanswered']),
          evidence: z.array(z.string()).describe('What headroom measured, even where an answer decided (docs/review.md gives each rule)'),
          answer: z.object({ status: z.enum(ANSWER_STATUSES), note: z.string().nullable() }).nullable(),
          previous: z.enum(STATUSES).nullable(),
          change: ChangeSchema,
        }),
      ),
    }),
  ),
  summary: z.object({
    byStatus: z.record(z.string(), z.number().int()),
    byRisk: z.record(z.string(), z.number().int()),
    improved: z.array(z.string()).describe('Best-practice ids better than in the previous review'),
    regressed: z.array(z.string()),
    text: z.string(),
  }),
})
export type Review = z.infer<typeof ReviewSchema>

/** Better is higher; "not evidenced" has no rank, so a change to or from it is not a trend. */
const RANK: Partial<Record<Status, number>> = { 'not met': 0, partly: 1, met: 2, 'not applicable': 2 }

function changeOf(now: Status, before: Status | null): z.infer<typeof ChangeSchema> {
  if (before === null) return 'new'
  const a = RANK[now]
  const b = RANK[before]
  if (now === before) return 'same'
  if (a === undefined || b === undefined) return 'changed'
  if (a === b) return 'same'
  return a > b ? 'improved' : 'regressed'
}

/**
 * The review: each evidenced practice by its rule (src/review/rules.ts) where the rule finds something to judge, else
 * by the answer, else "not evidenced"; never guessed. Compared with `previous` (the last stored review of the workload).
 */
export function buildReview(i: {
  evidence: ReviewEvidence
  answers: NonNullable<Answers['answers']>
  workload: string
  workspace: string | null
  evidenceFiles: readonly string[]
  answersFile: string | null
  previous: Review | null
  version: string
}): Review {
  const before = new Map(i.previous?.questions.flatMap((q) => q.bestPractices.map((b) => [b.id, b.status] as const)) ?? [])
  const questions = QUESTIONS.map((q) => {
    const bestPractices = q.bestPractices.map((bp) => {
      const verdict = EVIDENCED[bp.id]?.(i.evidence)
      const raw = i.answers[bp.id]
      const answer = raw === undefined ? null : typeof raw === 'string' ? { status: raw, note: null } : { status: raw.status, note: raw.note ?? null }
      const decidedBy = verdict && verdict.status !== 'not evidenced' ? 'measured' : answer ? 'answered' : 'unanswered'
      const status: Status = decidedBy === 'measured' ? verdict!.status : (answer?.status ?? 'not evidenced')
      const previous = before.get(bp.id) ?? null
      return { ...bp, status, decidedBy, evidence: verdict?.evidence ?? [], answer, previous, change: changeOf(status, previous) } as const
    })
    return { id: q.id, title: q.title, url: q.url, risk: questionRisk(bestPractices.map((b) => b.status)), bestPractices }
  })
  const all = questions.flatMap((q) => q.bestPractices)
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, all.filter((b) => b.status === s).length]))
  const byRisk = Object.fromEntries(RISKS.map((r) => [r, questions.filter((q) => q.risk === r).length]))
  const improved = all.filter((b) => b.change === 'improved').map((b) => b.id)
  const regressed = all.filter((b) => b.change === 'regressed').map((b) => b.id)
  const measured = all.filter((b) => b.decidedBy === 'measured').length
  const trend = i.previous
    ? ` Since the review of ${new Date(i.previous.generatedAt).toISOString().slice(0, 10)}: ${improved.length} improved${improved.length ? ` (${improved.join(', ')})` : ''}, ${regressed.length} regressed${regressed.length ? ` (${regressed.join(', ')})` : ''}.`
    : ''
  const unjudged = byStatus['not evidenced']!
  const next = unjudged
    ? ` ${unjudged} practices have no evidence: answer what the team can vouch for with --answers (headroom review --answers-template > answers.yaml) or --ask.`
    : ''
  const text = `${i.workload}: ${byRisk.high} of 5 questions at high risk, ${byRisk.medium} medium, ${byRisk.none} none, ${byRisk.unanswered} unanswered; of ${all.length} best practices ${byStatus.met} met, ${byStatus.partly} partly, ${byStatus['not met']} not met, ${byStatus['not applicable']} not applicable, ${byStatus['not evidenced']} not evidenced (${measured} judged from measurements).${trend}${next}`
  return {
    schemaVersion: REVIEW_SCHEMA_VERSION,
    tool: 'headroom',
    version: i.version,
    kind: 'review',
    generatedAt: i.evidence.now,
    workload: i.workload,
    pillar: { id: 'performance', name: 'Performance Efficiency', version: PILLAR_VERSION },
    inputs: { workspace: i.workspace, evidenceFiles: [...i.evidenceFiles], answersFile: i.answersFile },
    previousAt: i.previous?.generatedAt ?? null,
    questions,
    summary: { byStatus, byRisk, improved, regressed, text },
  }
}
