import type { Recommendation } from '../../core/report.js'
import { savingsOf, usd } from '../../reporters/format.js'
import { shownOf } from '../../reporters/sections.js'
import type { Presenter } from '../types.js'

const LABEL: Record<string, string> = { STANDARD_IA: 'Standard-IA', GLACIER_IR: 'Glacier IR', INTELLIGENT_TIERING: 'Intelligent-Tiering' }
const rule = (r: Recommendation) => {
  const c = r.options[0]?.change
  return c ? `${LABEL[String(c.storageClass)] ?? String(c.storageClass)} ${Number(c.afterDays) > 0 ? `after ${String(c.afterDays)} d` : 'at once'}` : '-'
}

/** Buckets with a lifecycle rule to propose: size, what is in Standard, the rule (its JSON via --lifecycle-dir), the saving. */
export const s3Present: Presenter = {
  shows: (r) => r.finding === 'Overprovisioned',
  sections: (recs, { top }) => {
    const shown = recs.filter((r) => r.finding === 'Overprovisioned')
    if (!shown.length) return []
    return [
      {
        title: `S3 lifecycle rules (${shownOf(shown.length, top)} buckets; \`analyze --lifecycle-dir DIR\` writes them)`,
        blocks: [
          {
            type: 'table',
            head: ['BUCKET', 'GIB', 'IN STANDARD', 'NOW/MO', 'RULE', 'RISK', 'SAVES/MO'],
            align: ['l', 'r', 'r', 'r', 'l', 'l', 'r'],
            rows: shown
              .slice(0, top)
              .map((r) => [
                r.resource.id,
                String(r.current.storageGiB),
                String(r.current.standardGiB),
                usd(r.current.monthlyCost as number),
                rule(r),
                r.options[0]?.performanceRisk ?? '',
                usd(savingsOf(r)),
              ]),
          },
        ],
      },
    ]
  },
}
