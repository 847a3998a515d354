import { describe, expect, it } from 'vitest'
import type { Recommendation, Report, ResourceKind, ScalingReport } from '../core/report.js'
import type { LoadTestResult } from '../loadtest/result.js'
import { EVIDENCED, questionRisk, type ReviewEvidence } from './rules.js'
import { buildReview } from './review.js'
import { BEST_PRACTICE_IDS } from './pillar.js'

/**
 * Worked examples of every rule (docs/review.md): one small workspace per status of each evidenced best practice.
 * Only the fields a rule reads are filled in; the rest of a Recommendation is irrelevant to it.
 */
const NOW = Date.UTC(2026, 11, 1)
const DAY = 86_400_000

function rec(id: string, kind: ResourceKind, p: Partial<Recommendation> & { cost?: number | null; dims?: string[] }): Recommendation {
  return {
    analyzer: kind === 'ec2-instance' ? 'ec2.rightsize' : 'rds.rightsize',
    resource: { id, kind, provider: 'aws', attributes: {} },
    finding: 'Optimized',
    reasons: [],
    current: { monthlyCost: p.cost === undefined ? 100 : p.cost },
    currentDimensions: (p.dims ?? ['cpu', 'memory', 'network-in']).map((dimension) => ({ dimension, measured: true })),
    bestPractices: ['PERF02-BP04', 'PERF02-BP03'],
    memoryBlind: false,
    ...p,
  } as unknown as Recommendation
}

function evidence(p: Partial<ReviewEvidence> & { recs?: Recommendation[] }): ReviewEvidence {
  const recs = p.recs ?? []
  return {
    now: NOW,
    analysis: { recommendations: recs, summary: { monthlySavings: 0 } } as unknown as Report,
    resources: recs.map((r) => ({ id: r.resource.id, kind: r.resource.kind })),
    cacheMeasurements: [],
    monitoring: [],
    scaling: [],
    loadtests: [],
    caches: [],
    ...p,
  }
}
const judge = (bp: string, e: ReviewEvidence) => EVIDENCED[bp]!(e)

describe('PERF02-BP03 collect compute-related metrics', () => {
  it('met: every running instance has CPU, memory and network; partly: one memory-blind; not met: no CPU data anywhere', () => {
    expect(judge('PERF02-BP03', evidence({ recs: [rec('i-1', 'ec2-instance', {}), rec('i-2', 'ec2-instance', {})] })).status).toBe('met')
    const blind = judge('PERF02-BP03', evidence({ recs: [rec('i-1', 'ec2-instance', {}), rec('i-2', 'ec2-instance', { memoryBlind: true })] }))
    expect(blind).toEqual({
      status: 'partly',
      evidence: ['2 running EC2 instances: 2 with enough CPU data to size, 1 with memory (1 memory-blind or without data), 2 with network.'],
    })
    const none = [rec('i-1', 'ec2-instance', { finding: 'InsufficientData', dims: [] })]
    expect(judge('PERF02-BP03', evidence({ recs: none })).status).toBe('not met')
  })
  it('not evidenced: no running instance (a stopped one is not asked for metrics)', () => {
    const stopped = rec('i-1', 'ec2-instance', { finding: 'InsufficientData', reasons: ['InstanceNotRunning'] })
    expect(judge('PERF02-BP03', evidence({ recs: [stopped] })).status).toBe('not evidenced')
  })
})

describe('PERF02-BP04 right-size: share of sized spend over- or under-provisioned', () => {
  const two = (finding: Recommendation['finding'], off: number) => [
    rec('a', 'ec2-instance', { finding, cost: off }),
    rec('b', 'ec2-instance', { cost: 1000 - off }),
  ]
  it('$100 of $1,000 overprovisioned: 10%, met; $200: 20%, partly; $400 underprovisioned: 40%, not met', () => {
    expect(judge('PERF02-BP04', evidence({ recs: two('Overprovisioned', 100) })).status).toBe('met')
    expect(judge('PERF02-BP04', evidence({ recs: two('Overprovisioned', 200) })).status).toBe('partly')
    const under = judge('PERF02-BP04', evidence({ recs: two('Underprovisioned', 400) }))
    expect(under.status).toBe('not met')
    expect(under.evidence[0]).toBe(
      '2 resources sized: 0 overprovisioned, 1 underprovisioned, 1 optimized; 40.0% of their $1,000.00/month is over- or under-provisioned (met up to 10.0%, not met above 30.0%).',
    )
  })
  it('nothing priced: by count (1 of 2 off: 50%, not met); nothing sized: not evidenced', () => {
    const unpriced = [rec('a', 'ec2-instance', { finding: 'Overprovisioned', cost: null }), rec('b', 'ec2-instance', { cost: null })]
    expect(judge('PERF02-BP04', evidence({ recs: unpriced })).status).toBe('not met')
    expect(judge('PERF02-BP04', evidence({ recs: [rec('a', 'ec2-instance', { finding: 'InsufficientData' })] })).status).toBe('not evidenced')
  })
})

describe('PERF02-BP05 scale dynamically: the current policy replayed (simulate scaling documents)', () => {
  // 14 days = 20,160 minutes.
  const sim = (group: string, breachMinutes: number, current: string | null = 'policies.yaml') =>
    ({
      simulations: [
        {
          group,
          current,
          window: { start: NOW - 14 * DAY, end: NOW },
          utilizationLimitPct: 100,
          outcomes: [{ policySet: 'current', breachMinutes, minInstances: 2, maxInstances: 6 }],
        },
      ],
    }) as unknown as ScalingReport
  const asg = [{ id: 'web', kind: 'asg' as const }]
  const withSim = (minutes: number) => evidence({ resources: asg, scaling: [{ file: '/x/scaling.json', doc: sim('web', minutes) }] })
  it('0 breach minutes: met; 100 (0.5%): partly; 300 (1.5%): not met', () => {
    expect(judge('PERF02-BP05', withSim(0)).status).toBe('met')
    expect(judge('PERF02-BP05', withSim(100)).status).toBe('partly')
    const bad = judge('PERF02-BP05', withSim(300))
    expect(bad.status).toBe('not met')
    expect(bad.evidence[0]).toBe('web: the current policy breached 300 minutes of 14 days (1.5%) at 100% utilization, 2-6 instances (scaling.json).')
  })
  it('a group of the workspace left out: partly; groups but no simulation with a current policy: not evidenced', () => {
    const two = evidence({ resources: [...asg, { id: 'api', kind: 'asg' }], scaling: [{ file: 's.json', doc: sim('web', 0) }] })
    expect(judge('PERF02-BP05', two).status).toBe('partly')
    expect(judge('PERF02-BP05', evidence({ resources: asg, scaling: [{ file: 's.json', doc: sim('web', 0, null) }] })).status).toBe('not evidenced')
  })
})

describe('PERF03-BP03 data store metrics, PERF03-BP05 caching', () => {
  const db = (id: string, finding: Recommendation['finding'] = 'Optimized') => rec(id, 'rds-instance', { finding })
  it('BP03: both databases with data: met; one: partly; none: not met; no database: not evidenced', () => {
    expect(judge('PERF03-BP03', evidence({ recs: [db('a'), db('b')] })).status).toBe('met')
    expect(judge('PERF03-BP03', evidence({ recs: [db('a'), db('b', 'InsufficientData')] })).status).toBe('partly')
    expect(judge('PERF03-BP03', evidence({ recs: [db('a', 'InsufficientData')] })).status).toBe('not met')
    expect(judge('PERF03-BP03', evidence({})).status).toBe('not evidenced')
  })
  it('BP05: no opportunity flagged: met; flagged, hit ratio not measured: not met; measured (simulate cache --for): partly', () => {
    const flag = { ...db('orders'), analyzer: 'cache.opportunity', finding: 'Flagged' } as Recommendation
    expect(judge('PERF03-BP05', evidence({ recs: [db('orders')] })).status).toBe('met')
    expect(judge('PERF03-BP05', evidence({ recs: [flag] })).status).toBe('not met')
    const m = { resourceId: 'orders', hitRatio: 0.8, ttlSec: null, requests: 1000, source: 'access.log', measuredAt: NOW }
    expect(judge('PERF03-BP05', evidence({ recs: [flag], cacheMeasurements: [m] })).status).toBe('partly')
    expect(judge('PERF03-BP05', evidence({})).status).toBe('not evidenced')
  })
})

describe('PERF05-BP04 load test your workload (loadtest results)', () => {
  const lt = (daysAgo: number, ensure: LoadTestResult['ensure']) => ({
    file: '/r/result.json',
    doc: { startedAt: NOW - daysAgo * DAY, ensure } as LoadTestResult,
  })
  const pass = { passed: true, checks: [{ check: 'p99 < 200', value: 150, passed: true }] }
  const fail = { passed: false, checks: [{ check: 'p99 < 200', value: 250, passed: false }] }
  it('passed 10 days ago: met; 40 days ago: partly; no gates: partly; failed: not met; none: not evidenced', () => {
    expect(judge('PERF05-BP04', evidence({ loadtests: [lt(10, pass)] }))).toEqual({
      status: 'met',
      evidence: ['Latest load test result.json: 2026-11-21 (10 days ago), ensure passed (p99 < 200).'],
    })
    expect(judge('PERF05-BP04', evidence({ loadtests: [lt(40, pass)] })).status).toBe('partly')
    expect(judge('PERF05-BP04', evidence({ loadtests: [lt(1, null)] })).status).toBe('partly')
    // The latest decides: an old pass does not hide today's failure.
    expect(judge('PERF05-BP04', evidence({ loadtests: [lt(20, pass), lt(1, fail)] })).status).toBe('not met')
    expect(judge('PERF05-BP04', evidence({})).status).toBe('not evidenced')
  })
})

describe('PERF05-BP02 monitoring (headroom monitor --apply recorded in the workspace)', () => {
  const sized = (id: string, need: number) =>
    rec(id, 'ec2-instance', { currentDimensions: [{ dimension: 'cpu', measured: true, demand: need / 1.2, need, capacity: 2 }] } as never)
  const applied = (alarmed: string[]) => [{ appliedAt: NOW - DAY, region: 'us-east-1', dashboards: 1, alarms: alarmed.length, alarmed }]
  it('every sized resource alarmed: met; some: partly; none: not met; an idle one (need under 5%) is not counted; no apply: not evidenced', () => {
    const recs = [sized('a', 1), sized('b', 1.5), sized('idle', 0.05)]
    expect(judge('PERF05-BP02', evidence({ recs, monitoring: applied(['a', 'b']) }))).toEqual({
      status: 'met',
      evidence: [
        'Latest headroom monitor --apply: 2026-11-30 in us-east-1, 1 dashboard and 2 alarms; 2 of 2 sized resources have an alarm at the level they were sized for.',
      ],
    })
    expect(judge('PERF05-BP02', evidence({ recs, monitoring: applied(['a']) })).status).toBe('partly')
    expect(judge('PERF05-BP02', evidence({ recs, monitoring: applied(['other']) })).status).toBe('not met')
    expect(judge('PERF05-BP02', evidence({ recs })).status).toBe('not evidenced')
  })
})

describe('questions and the review', () => {
  it('risk: high if any not met, medium if any partly, none if all met or not applicable, else unanswered', () => {
    expect(questionRisk(['met', 'not met', 'partly'])).toBe('high')
    expect(questionRisk(['met', 'partly', 'not evidenced'])).toBe('medium')
    expect(questionRisk(['met', 'not applicable'])).toBe('none')
    expect(questionRisk(['met', 'not evidenced'])).toBe('unanswered')
  })

  it('measurements decide where they exist, answers elsewhere, nothing is guessed; the trend compares with the previous review', () => {
    const e = evidence({ recs: [rec('i-1', 'ec2-instance', { finding: 'Underprovisioned', cost: 500 })] })
    const base = { workload: 'shop', workspace: '/w', evidenceFiles: [], answersFile: 'a.yaml', version: 'test' }
    const first = buildReview({
      ...base,
      evidence: e,
      answers: { 'PERF02-BP04': 'met', 'PERF01-BP01': { status: 'partly', note: 'training planned' } },
      previous: null,
    })
    const bp = (r: typeof first, id: string) => r.questions.flatMap((q) => q.bestPractices).find((b) => b.id === id)!
    // PERF02-BP04 is measured (100% underprovisioned): the answer "met" is kept beside it, not used.
    expect(bp(first, 'PERF02-BP04')).toMatchObject({ status: 'not met', decidedBy: 'measured', answer: { status: 'met', note: null } })
    expect(bp(first, 'PERF01-BP01')).toMatchObject({ status: 'partly', decidedBy: 'answered', answer: { note: 'training planned' } })
    // PERF05-BP04 has no load test to judge by and no answer: not evidenced, with why.
    expect(bp(first, 'PERF05-BP04')).toMatchObject({ status: 'not evidenced', decidedBy: 'unanswered' })
    expect(first.questions.flatMap((q) => q.bestPractices).map((b) => b.id)).toEqual(BEST_PRACTICE_IDS)
    expect(first.questions.map((q) => q.risk)).toEqual(['medium', 'high', 'unanswered', 'unanswered', 'unanswered'])
    // A month later the instance was resized and the team answered PERF01-BP01 as met.
    const later = evidence({ now: NOW + 30 * DAY, recs: [rec('i-1', 'ec2-instance', { cost: 250 })] })
    const second = buildReview({ ...base, evidence: later, answers: { 'PERF01-BP01': 'met' }, previous: first })
    expect(second.summary.improved).toEqual(['PERF01-BP01', 'PERF02-BP04'])
    expect(bp(second, 'PERF02-BP04')).toMatchObject({ status: 'met', previous: 'not met', change: 'improved' })
    expect(second.summary.text).toMatch(/Since the review of 2026-12-01: 2 improved \(PERF01-BP01, PERF02-BP04\), 0 regressed\./)
  })
})
