import { fileURLToPath } from 'node:url'
import type { Effects } from '../core/effects.js'
import { importFiles } from '../store/duckdb/import-files.js'
import { DuckDbStore } from '../store/duckdb/store.js'
import { catalogChecks } from '../app/import-checks.js'
import { loadWorkspaceCatalog } from '../catalog/load.js'

const DEMO_DIR = fileURLToPath(new URL('../../data/demo/', import.meta.url))
export const DEMO_POLICY_FILE = `${DEMO_DIR}asg-policy.json`
export const DEMO_SEED = fileURLToPath(new URL('../../examples/loadtest/seed.yml', import.meta.url))
export const DEMO_SHOP_SERVER = fileURLToPath(new URL('../../examples/loadtest/server.mjs', import.meta.url))

/** The demo's scaling section: the NAB Auto Scaling group against the CloudFormation policy, plus a search. */
export async function runDemoScaling(workspace: string, effects: Effects, color: boolean): Promise<void> {
  const { runSimulateScaling } = await import('./simulate.js')
  const { DEMO_ASG_ID } = await import('../demo/assign.js')
  await runSimulateScaling(
    {
      workspace,
      group: DEMO_ASG_ID,
      policyFiles: [DEMO_POLICY_FILE],
      search: true,
      launchDelaySec: 300,
      metric: 'cpu.utilization',
      limitPct: 100,
      days: 14,
      timeline: false,
      format: 'terminal',
      failOnBreach: false,
      color,
    },
    effects,
  )
}

/** Imports the bundled real traces into the workspace (idempotent: a second run adds nothing). */
export async function runDemo(workspace: string, effects: Effects): Promise<void> {
  const started = effects.now()
  effects.stderr.write(
    'headroom demo: real traces, no cloud account. 100 Azure VMs (Azure Public Dataset V1, CC-BY-4.0, 5-minute avg+max CPU)\n' +
      'and 8 EC2 + 2 RDS CloudWatch CPU series (Numenta NAB, MIT). Current instance types are assigned by a fixed rule\n' +
      '(docs/demo.md); memory is not in the traces, so every recommendation is memory-blind.\n',
  )
  const store = await DuckDbStore.open(workspace)
  try {
    const r = await importFiles(store, [`${DEMO_DIR}resources.json`, `${DEMO_DIR}samples.parquet`], catalogChecks(loadWorkspaceCatalog(workspace)))
    effects.stderr.write(
      `imported ${r.merge.rowsAdded.toLocaleString('en-US')} samples (${r.merge.alreadyStored.toLocaleString('en-US')} already stored) for ${r.resourcesUpserted} resources into ${store.path} in ${((effects.now() - started) / 1000).toFixed(1)} s\n\n`,
    )
  } finally {
    store.close()
  }
}
