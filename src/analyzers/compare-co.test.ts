import { describe, expect, it } from 'vitest'
import type { Recommendation, Report } from '../core/report.js'
import { compareWithComputeOptimizer } from './compare-co.js'

const rec = (id: string, analyzer: string, finding: Recommendation['finding'], change: Record<string, string | number> | null): Recommendation => ({
  id,
  analyzer,
  resource: { provider: 'aws', kind: 'ec2-instance', id, attributes: {}, tags: {} },
  finding,
  reasons: [],
  current: {},
  currentPerformanceRisk: 'Low',
  currentDimensions: [],
  options: change
    ? [
        {
          rank: 1,
          change,
          performanceRisk: 'Low',
          bindingDimension: 'cpu',
          dimensions: [],
          monthlyCost: 1,
          monthlySavings: 1,
          migrationEffort: 'VeryLow',
          platformDifferences: [],
          notes: [],
        },
      ]
    : [],
  evidence: [],
  window: { start: 0, end: 1 },
  bestPractices: [],
  summary: '',
  memoryBlind: false,
  estimatedMonthlySavings: 10,
})

describe('Compute Optimizer side by side', () => {
  it('counts agreeing findings and top options, normalising the API spellings', () => {
    const report = {
      recommendations: [
        rec('i-1', 'ec2.rightsize', 'Overprovisioned', { instanceType: 'c5.large' }),
        rec('i-2', 'ec2.rightsize', 'Overprovisioned', { instanceType: 'm6g.large' }),
        rec('i-3', 'ec2.rightsize', 'Optimized', { instanceType: 'm5.large' }),
        rec('vol-1', 'ebs.rightsize', 'Overprovisioned', { volumeType: 'gp3' }),
        rec('us-east-1:f', 'lambda.memory', 'Optimized', null),
      ],
    } as unknown as Report
    const c = compareWithComputeOptimizer(report, [
      { resourceId: 'i-1', kind: 'ec2-instance', finding: 'OVER_PROVISIONED', current: 'c5.xlarge', recommended: 'c5.large', monthlySavings: 62 },
      { resourceId: 'i-2', kind: 'ec2-instance', finding: 'OVER_PROVISIONED', current: 'm5.xlarge', recommended: 'm5.large', monthlySavings: 70 },
      { resourceId: 'i-3', kind: 'ec2-instance', finding: 'OPTIMIZED', current: 'm5.large', recommended: 'm5.large', monthlySavings: 0 },
      { resourceId: 'vol-1', kind: 'ebs-volume', finding: 'NotOptimized', current: 'gp2 100 GiB', recommended: 'gp3 100 GiB 3000 IOPS', monthlySavings: 2 },
      { resourceId: 'us-east-1:f', kind: 'lambda-function', finding: 'NotOptimized', current: '1024 MB', recommended: '512 MB', monthlySavings: null },
      { resourceId: 'i-unknown', kind: 'ec2-instance', finding: 'OPTIMIZED', current: 'm5.large', recommended: null, monthlySavings: null },
    ])
    // i-1 agrees fully; i-2 agrees on the finding, not the type; i-3 agrees (Optimized, no option compared);
    // vol-1: Overprovisioned = NotOptimized and gp3 = gp3; the function disagrees; i-unknown has no headroom side.
    expect([c.compared, c.findingAgrees, c.optionCompared, c.optionAgrees]).toEqual([5, 4, 3, 2])
    expect(c.rows.find((r) => r.resourceId === 'i-2')).toMatchObject({
      findingAgrees: true,
      optionAgrees: false,
      headroomOption: 'm6g.large',
      coOption: 'm5.large',
    })
  })
})
