import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runSimulateScaling, type SimulateOptions } from '../../src/cli/simulate.js'
import type { Effects } from '../../src/core/effects.js'
import { importFiles } from '../../src/store/duckdb/import-files.js'
import { DuckDbStore } from '../../src/store/duckdb/store.js'
import { tmpProject } from '../utils/tmp.js'

/** Golden files for the scaling what-if renderers, on the real NAB Auto Scaling group series, through the CLI path. */
const ROOT = join(import.meta.dirname, '../..')
const EXPECTED = join(import.meta.dirname, 'scaling/expected')
const tmp = tmpProject('headroom-scaling-golden-')

function capture(): Effects & { out: () => string } {
  let out = ''
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: () => true },
    now: () => Date.UTC(2026, 10, 23),
    env: {},
    cwd: tmp.dir,
    out: () => out,
  }
}

beforeAll(async () => {
  const store = await DuckDbStore.open(tmp.path('ws'))
  const rows = readFileSync(join(ROOT, 'data/traces/nab/cpu_utilization_asg_misconfiguration.csv'), 'utf8').trim().split('\n').slice(1)
  const samples = tmp.file('asg.csv', ['resource_id,metric,timestamp,value,stat', ...rows.map((r) => `asg-1,CPUUtilization,${r},Average`)].join('\n') + '\n')
  const manifest = tmp.file(
    'asg.json',
    JSON.stringify([{ id: 'asg-1', kind: 'asg', region: 'us-east-1', instanceType: 'm5.large', attributes: { recordedInstances: 2 } }]),
  )
  await importFiles(store, [samples, manifest])
  store.close()
})

describe('scaling what-if golden output', () => {
  for (const format of ['terminal', 'md'] as const)
    it(`renders ${format} as in test/golden/scaling/expected`, async () => {
      const effects = capture()
      const o: SimulateOptions = {
        workspace: tmp.path('ws'),
        group: 'asg-1',
        policyFiles: [join(ROOT, 'data/demo/asg-policy.json')],
        search: true,
        launchDelaySec: 300,
        metric: 'cpu.utilization',
        limitPct: 100,
        days: 3,
        asOf: Date.UTC(2014, 5, 1),
        timeline: false,
        format,
        failOnBreach: false,
        color: false,
      }
      expect(await runSimulateScaling(o, effects)).toBe(0)
      const path = join(EXPECTED, `simulation.${format === 'terminal' ? 'txt' : 'md'}`)
      if (!existsSync(path)) {
        expect(process.env.CI, `missing golden file ${path}`).toBeFalsy()
        mkdirSync(EXPECTED, { recursive: true })
        writeFileSync(path, effects.out())
      }
      expect(effects.out()).toBe(readFileSync(path, 'utf8'))
    })
})
