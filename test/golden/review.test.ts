import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/app/config.js'
import { runReview } from '../../src/cli/review.js'
import { runSimulateScaling } from '../../src/cli/simulate.js'
import type { Effects } from '../../src/core/effects.js'
import { importFiles } from '../../src/store/duckdb/import-files.js'
import { DuckDbStore } from '../../src/store/duckdb/store.js'
import { tmpProject } from '../utils/tmp.js'

/**
 * Golden files for `headroom review` on real NAB series (data/traces/nab, MIT): an EC2 instance, an RDS instance and
 * an Auto Scaling group, the group's current policy replayed by simulate scaling and passed as evidence, and an
 * answers file for some of the rest. Through the CLI path, with a fixed clock.
 */
const ROOT = join(import.meta.dirname, '../..')
const NAB = join(ROOT, 'data/traces/nab')
const EXPECTED = join(import.meta.dirname, 'review/expected')
const tmp = tmpProject('headroom-review-golden-')
const NOW = Date.UTC(2026, 10, 30)

function capture(): Effects & { out: () => string } {
  let out = ''
  return { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, now: () => NOW, env: {}, cwd: tmp.dir, out: () => out }
}
const series = (file: string, id: string, metric: string) =>
  readFileSync(join(NAB, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((r) => `${id},${metric},${r},Average`)

beforeAll(async () => {
  const store = await DuckDbStore.open(tmp.path('ws'))
  const samples = tmp.file(
    'samples.csv',
    [
      'resource_id,metric,timestamp,value,stat',
      ...series('cpu_utilization_asg_misconfiguration.csv', 'asg-1', 'CPUUtilization'),
      ...series('ec2_cpu_utilization_fe7f93.csv', 'nab-fe7f93', 'CPUUtilization'),
      ...series('rds_cpu_utilization_cc0c53.csv', 'nab-rds-cc0c53', 'CPUUtilization'),
    ].join('\n') + '\n',
  )
  const manifest = tmp.file(
    'resources.json',
    JSON.stringify([
      { id: 'asg-1', kind: 'asg', region: 'us-east-1', instanceType: 'm5.large', attributes: { recordedInstances: 2 } },
      { id: 'nab-fe7f93', kind: 'ec2-instance', region: 'us-east-1', instanceType: 'r5.large' },
      { id: 'nab-rds-cc0c53', kind: 'rds-instance', region: 'us-east-1', instanceType: 'db.m5.large' },
    ]),
  )
  await importFiles(store, [samples, manifest])
  store.close()
  const scaling = capture()
  await runSimulateScaling(
    {
      workspace: tmp.path('ws'),
      group: 'asg-1',
      policyFiles: [join(ROOT, 'data/demo/asg-policy.json')],
      search: false,
      launchDelaySec: 300,
      metric: 'cpu.utilization',
      limitPct: 100,
      days: 14,
      timeline: false,
      format: 'json',
      failOnBreach: false,
      color: false,
    },
    scaling,
  )
  writeFileSync(tmp.path('scaling.json'), scaling.out())
})

describe('review golden output', () => {
  for (const format of ['md', 'terminal'] as const)
    it(`renders ${format} as in test/golden/review/expected`, async () => {
      const effects = capture()
      const code = await runReview(
        {
          config: resolveConfig({ cwd: tmp.dir, file: false, flags: { workspace: tmp.path('ws') } }),
          answers: join(import.meta.dirname, 'review/answers.yaml'),
          evidence: [tmp.path('scaling.json')],
          store: false,
          ask: false,
          format,
          color: false,
        },
        effects,
      )
      expect(code).toBe(0)
      // Paths of this run's temp folder vary: the golden names them by role.
      const out = effects.out().replaceAll(tmp.dir, '<tmp>').replaceAll(ROOT, '<repo>')
      const path = join(EXPECTED, `review.${format === 'terminal' ? 'txt' : 'md'}`)
      if (!existsSync(path)) {
        expect(process.env.CI, `missing golden file ${path}`).toBeFalsy()
        mkdirSync(EXPECTED, { recursive: true })
        writeFileSync(path, out)
      }
      expect(out).toBe(readFileSync(path, 'utf8'))
    })
})
