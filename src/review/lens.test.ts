import { describe, expect, it } from 'vitest'
import { LENS_MAX_BYTES, LensSchema, lensAnswers, performanceLens, type Lens } from './lens.js'
import { buildReview } from './review.js'
import type { ReviewEvidence } from './rules.js'

const NOW = Date.UTC(2026, 11, 1)
const empty: ReviewEvidence = { now: NOW, analysis: null, resources: [], cacheMeasurements: [], monitoring: [], scaling: [], loadtests: [], caches: [] }

describe('the custom lens export', () => {
  it('meets the lens format: ids, lengths, choice counts, one default risk rule per question, under 500 KB', () => {
    const lens = performanceLens()
    expect(LensSchema.safeParse(lens).success).toBe(true)
    expect(Buffer.byteLength(JSON.stringify(lens))).toBeLessThan(LENS_MAX_BYTES)
    const qs = lens.pillars[0]!.questions
    expect(qs.map((q) => q.id)).toEqual(['perf01', 'perf02', 'perf03', 'perf04', 'perf05'])
    expect(qs.map((q) => q.choices.length)).toEqual([8, 7, 6, 8, 8])
    for (const q of qs) expect(q.riskRules.filter((r) => r.condition === 'default')).toHaveLength(1)
    expect(qs[1]!.riskRules[0]).toEqual({
      condition: 'perf02_bp01 && perf02_bp02 && perf02_bp03 && perf02_bp04 && perf02_bp05 && perf02_bp06',
      risk: 'NO_RISK',
    })
  })

  it('the check rejects what ImportLens would: a second default rule, a bad id, 16 choices, a choice without a plan, an unknown choice in a rule', () => {
    const bad = (edit: (q: Lens['pillars'][number]['questions'][number]) => void) => {
      const lens = structuredClone(performanceLens())
      edit(lens.pillars[0]!.questions[0]!)
      return LensSchema.safeParse(lens).success
    }
    expect(bad((q) => q.riskRules.push({ condition: 'default', risk: 'NO_RISK' }))).toBe(false)
    expect(bad((q) => (q.id = 'PERF-01'))).toBe(false)
    expect(bad((q) => q.choices.push(...Array.from({ length: 8 }, (_, i) => ({ ...q.choices[0]!, id: `extra_${i}` }))))).toBe(false)
    expect(bad((q) => delete q.choices[0]!.improvementPlan)).toBe(false)
    expect(bad((q) => (q.riskRules[1]!.condition = 'perf01_bp01 || perf09_bp01'))).toBe(false)
    expect(bad(() => undefined)).toBe(true)
  })

  it('answers for the lens: met and not applicable selected; "None of these" only when every practice was judged', () => {
    const base = { workload: 'shop', workspace: null, evidenceFiles: [], answersFile: null, previous: null, version: 'test', evidence: empty }
    const all = (q: string, n: number, s: 'met' | 'not met') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${q}-BP0${i + 1}`, s]))
    const r = buildReview({ ...base, answers: { ...all('PERF01', 7, 'not met'), 'PERF02-BP01': 'met', 'PERF02-BP06': 'not applicable' } })
    const a = lensAnswers(r)
    expect(a[0]).toMatchObject({ questionId: 'perf01', selectedChoices: ['perf01_no'] })
    expect(a[1]!.selectedChoices).toEqual(['perf02_bp01', 'perf02_bp06'])
    expect(a[2]!.selectedChoices).toEqual([])
    expect(a[1]!.notes.split('\n')[0]).toBe('PERF02-BP01 met')
    for (const x of a) expect(x.notes.length).toBeLessThanOrEqual(2084)
  })
})
