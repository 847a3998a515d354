import type { Review } from '../review/review.js'
import type { Status } from '../review/rules.js'
import { cell } from './csv.js'
import type { KindRenderer } from './registry.js'
import type { Inline, Section, Tone, View } from './view.js'

const STATUS_TONE: Record<Status, Tone | undefined> = { met: 'good', partly: 'warn', 'not met': 'warn', 'not applicable': 'dim', 'not evidenced': 'dim' }
const RISK_TEXT = { high: 'HIGH RISK', medium: 'medium risk', none: 'no risk', unanswered: 'unanswered' } as const
const status = (s: Status): Inline => [{ text: s, ...(STATUS_TONE[s] ? { tone: STATUS_TONE[s] } : {}) }]
const change = (b: Review['questions'][number]['bestPractices'][number]) =>
  b.change === 'new' ? '' : b.change === 'same' ? 'same' : `${b.change} (was ${b.previous})`

/** Why each practice has its status: the measurements, or the answer and its note. */
function reasons(q: Review['questions'][number]): Inline[] {
  return q.bestPractices.flatMap((b) => {
    if (b.decidedBy === 'answered') return [`${b.id}: answered ${b.answer!.status}${b.answer!.note ? `: ${b.answer!.note}` : ''}`]
    if (b.decidedBy === 'measured')
      return [`${b.id}: ${b.evidence.join(' ')}${b.answer && b.answer.status !== b.status ? ` (Answered ${b.answer.status}; the measurement decides.)` : ''}`]
    return b.evidence.length ? [`${b.id}: ${b.evidence.join(' ')} Not answered either.`] : []
  })
}

function view(r: Review, full: boolean): View {
  const trend = r.previousAt !== null
  const sections: Section[] = [{ blocks: [{ type: 'text', text: r.summary.text }] }]
  for (const q of r.questions) {
    const head = ['ID', 'STATUS', 'BY', ...(trend ? ['CHANGE'] : []), 'BEST PRACTICE']
    sections.push({
      title: `${q.id} ${q.title} (${RISK_TEXT[q.risk]})`,
      level: 2,
      blocks: [
        {
          type: 'table',
          head,
          rows: q.bestPractices.map((b) => [b.id, status(b.status), b.decidedBy, ...(trend ? [change(b)] : []), full ? `[${b.title}](${b.url})` : b.title]),
        },
        ...(reasons(q).length ? [{ type: 'list' as const, items: reasons(q) }] : []),
      ],
    })
  }
  sections.push({
    title: 'How to read it',
    level: 2,
    blocks: [
      {
        type: 'list',
        items: [
          'measured: judged by a rule from the workspace and the --evidence documents (docs/review.md lists every rule); answered: from --answers; unanswered: neither, so not evidenced. Nothing is guessed.',
          'A question is at high risk when any practice is not met, medium when any is partly, no risk when all are met or not applicable, and unanswered otherwise.',
          `Pillar text: ${r.pillar.version}.`,
        ],
      },
    ],
  })
  return {
    title: `headroom ${r.version}: Well-Architected review, ${r.pillar.name}, ${r.workload}`,
    lead: [
      `${new Date(r.generatedAt).toISOString().slice(0, 16)}Z; workspace ${r.inputs.workspace ?? '-'}; evidence ${r.inputs.evidenceFiles.length ? r.inputs.evidenceFiles.map((f) => f.split('/').at(-1)).join(', ') : 'none'}; answers ${r.inputs.answersFile ?? 'none'}${trend ? `; compared with the review of ${new Date(r.previousAt!).toISOString().slice(0, 10)}` : ''}`,
    ],
    sections,
  }
}

export const reviewRenderer: KindRenderer<Review> = {
  summary: (r) => view(r, false),
  full: (r) => view(r, true),
  csv: (r) =>
    [
      'question,question_risk,best_practice,title,status,decided_by,previous,evidence,answer_note',
      ...r.questions.flatMap((q) =>
        q.bestPractices.map((b) =>
          [q.id, q.risk, b.id, b.title, b.status, b.decidedBy, b.previous ?? '', b.evidence.join(' '), b.answer?.note ?? ''].map(cell).join(','),
        ),
      ),
    ].join('\n') + '\n',
}
