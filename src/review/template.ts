import { PILLAR_VERSION, QUESTIONS } from './pillar.js'
import { EVIDENCED } from './rules.js'

/**
 * An answers file to fill in (`headroom review --answers-template`): every best practice, the ones no rule judges
 * each commented out: uncomment
 * and answer the ones the team can vouch for. Nothing is pre-filled, so an untouched template answers nothing (an
 * answer to a practice headroom measures counts only where the workspace has nothing to judge it by).
 */
export function answersTemplate(workload: string): string {
  const lines = [
    `# headroom review answers: ${PILLAR_VERSION}`,
    '# Status: met | partly | not met | not applicable; or {status: ..., note: "what it rests on"}.',
    '# Schema: schema/review-answers.schema.json. Uncomment a line and give its status; leave out what you cannot vouch for.',
    `workload: ${JSON.stringify(workload)}`,
    'answers:',
  ]
  for (const q of QUESTIONS) {
    lines.push(`  # ${q.id} ${q.title}`)
    for (const b of q.bestPractices) {
      lines.push(`  # ${b.title} (${b.url})`)
      lines.push(
        EVIDENCED[b.id]
          ? `  # ${b.id}:    # judged from measurements where the workspace has them`
          : `  # ${b.id}:    # met | partly | not met | not applicable`,
      )
    }
  }
  return lines.join('\n') + '\n'
}
