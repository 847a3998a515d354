import { z } from 'zod'
import { QUESTIONS } from './pillar.js'
import type { Review } from './review.js'

/**
 * The Well-Architected Tool's custom lens format (schemaVersion "2021-11-01",
 * https://docs.aws.amazon.com/wellarchitected/latest/userguide/lenses-format-specification.html), with its limits as
 * zod checks: ids of 3-128 letters, digits and _, names and titles up to 128 characters, descriptions and display texts
 * up to 2048, 1-15 choices per question, an improvement plan on every choice but a "None of these" one (id ending
 * `_no`), 1-3 risk rules of which exactly one is `default`, http(s) URLs, and the whole lens under ImportLens's 500 KB.
 */
const Id = z.string().regex(/^[A-Za-z0-9_]{3,128}$/)
const Resource = z.object({ displayText: z.string().min(1).max(2048), url: z.string().regex(/^https?:\/\//) })
const Choice = z.object({ id: Id, title: z.string().min(1).max(128), helpfulResource: Resource.optional(), improvementPlan: Resource.optional() })
const RISK_VALUES = ['HIGH_RISK', 'MEDIUM_RISK', 'NO_RISK'] as const
const Question = z
  .object({
    id: Id,
    title: z.string().min(1).max(128),
    description: z.string().max(2048).optional(),
    helpfulResource: Resource.optional(),
    choices: z.array(Choice).min(1).max(15),
    riskRules: z
      .array(z.object({ condition: z.string().min(1), risk: z.enum(RISK_VALUES) }))
      .min(1)
      .max(3),
  })
  .superRefine((q, ctx) => {
    if (q.riskRules.filter((r) => r.condition === 'default').length !== 1) ctx.addIssue({ code: 'custom', message: `${q.id}: exactly one default risk rule` })
    for (const c of q.choices)
      if (!c.id.endsWith('_no') && !c.improvementPlan) ctx.addIssue({ code: 'custom', message: `${q.id}/${c.id}: an improvement plan is required` })
    const ids = new Set(q.choices.map((c) => c.id))
    for (const r of q.riskRules)
      for (const ref of r.condition.match(/[A-Za-z0-9_]+/g) ?? [])
        if (ref !== 'default' && !ids.has(ref)) ctx.addIssue({ code: 'custom', message: `${q.id}: risk rule names unknown choice ${ref}` })
  })
export const LensSchema = z.object({
  schemaVersion: z.literal('2021-11-01'),
  name: z.string().min(1).max(128),
  description: z.string().max(2048),
  pillars: z
    .array(z.object({ id: Id, name: z.string().min(1).max(128), questions: z.array(Question).min(1).max(20) }))
    .min(1)
    .max(10),
})
export type Lens = z.infer<typeof LensSchema>

/** ImportLens rejects a lens over 500 KB. */
export const LENS_MAX_BYTES = 500 * 1024

/** Lens question and choice ids: PERF02 -> perf02, PERF02-BP03 -> perf02_bp03. */
const lensId = (id: string) => id.toLowerCase().replace(/-/g, '_')

/**
 * The pillar as a custom lens: one question per PERF question, one choice per best practice (selected = in place), and
 * "None of these". Risk rules in the lens's own terms, which cannot say "partly": no risk when every practice is
 * selected, medium when any is, high otherwise.
 */
export function performanceLens(): Lens {
  return {
    schemaVersion: '2021-11-01',
    name: 'headroom Performance Efficiency',
    description:
      'The Performance Efficiency pillar of the AWS Well-Architected Framework, answered from measurements by headroom (utilization, right-sizing, scaling replays, cache simulation, load tests). Each answer note names the evidence.',
    pillars: [
      {
        id: 'performance',
        name: 'Performance Efficiency',
        questions: QUESTIONS.map((q) => {
          const ids = q.bestPractices.map((b) => lensId(b.id))
          return {
            id: lensId(q.id),
            title: q.title.slice(0, 128),
            description: `${q.id} of the Performance Efficiency pillar.`,
            helpfulResource: { displayText: `${q.id} in the Well-Architected Framework`, url: q.url },
            choices: [
              ...q.bestPractices.map((b) => ({
                id: lensId(b.id),
                title: `${b.id} ${b.title}`.slice(0, 128),
                helpfulResource: { displayText: `${b.id}: ${b.title}`, url: b.url },
                improvementPlan: { displayText: `Put ${b.id} in place: ${b.title}. headroom review says what is missing.`, url: b.url },
              })),
              { id: `${lensId(q.id)}_no`, title: 'None of these' },
            ],
            riskRules: [
              { condition: ids.join(' && '), risk: 'NO_RISK' as const },
              { condition: ids.join(' || '), risk: 'MEDIUM_RISK' as const },
              { condition: 'default', risk: 'HIGH_RISK' as const },
            ],
          }
        }),
      },
    ],
  }
}

/**
 * The review as Well-Architected Tool answers for the lens: per question the choices to select (practices met or not
 * applicable; "None of these" when all were judged and none is) and notes with the evidence, cut to the API's 2,084 characters, ready for `aws wellarchitected update-answer`.
 */
export function lensAnswers(r: Review): { questionId: string; selectedChoices: string[]; notes: string }[] {
  return r.questions.map((q) => {
    const selected = q.bestPractices.filter((b) => b.status === 'met' || b.status === 'not applicable').map((b) => lensId(b.id))
    const notes = q.bestPractices
      .map(
        (b) =>
          `${b.id} ${b.status}${b.decidedBy === 'answered' && b.answer?.note ? `: ${b.answer.note}` : b.evidence.length ? `: ${b.evidence.join(' ')}` : ''}`,
      )
      .join('\n')
    // "None of these" only when every practice was judged and none is in place: an unjudged one is not claimed absent.
    const none = !selected.length && q.bestPractices.every((b) => b.status !== 'not evidenced')
    return {
      questionId: lensId(q.id),
      selectedChoices: none ? [`${lensId(q.id)}_no`] : selected,
      notes: notes.length > 2084 ? `${notes.slice(0, 2081)}...` : notes,
    }
  })
}
