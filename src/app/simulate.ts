import { readFileSync } from 'node:fs'
import type { Catalog } from '../catalog/catalog.js'
import { InputError, UsageError } from '../core/errors.js'
import type { ScalingReport } from '../core/report.js'
import { scalingMetric, scalingWhatIf, type ScalingWhatIfOptions } from '../simulators/autoscaling/group.js'
import { parsePolicyText, readAlarms, readPolicyDocument, type PolicyDocument } from '../simulators/autoscaling/load.js'
import type { GroupLoadReader } from '../store/types.js'

/** Reads policy files (describe-alarms output first, so describe-policies can find its thresholds). */
export function readPolicyFiles(paths: readonly string[]): PolicyDocument {
  const parsed = paths.map((p) => {
    let text: string
    try {
      text = readFileSync(p, 'utf8')
    } catch {
      throw new InputError({ file: p }, 'no such file', 'Check the --policy-file path.')
    }
    if (text.trim() === '')
      throw new InputError({ file: p }, 'the file is empty', 'Give a CloudFormation template or `aws autoscaling describe-policies` output.')
    return { p, data: parsePolicyText(p, text) }
  })
  const alarms = new Map(parsed.flatMap(({ p, data }) => [...readAlarms(p, data)]))
  const doc: PolicyDocument = { groups: [], policies: [] }
  for (const { p, data } of parsed) {
    const d = readPolicyDocument(p, data, alarms)
    doc.groups.push(...d.groups)
    doc.policies.push(...d.policies)
  }
  return doc
}

export interface SimulateScalingInput {
  /** The workspace's store (DuckDbStore.open(dir, { readOnly: true }) implements it). */
  reader: GroupLoadReader
  /** loadWorkspaceCatalog(dir): instance types and prices. */
  catalog: Catalog
  options: ScalingWhatIfOptions
  /** The report's generatedAt (epoch ms). */
  now: number
  version?: string
}

/**
 * `headroom simulate scaling` as a library call: checks the options, reads the policy files and the group's recorded
 * load, and runs the pure what-if (src/simulators/autoscaling/group.ts). The CLI calls this and only renders.
 */
export async function simulateScaling({ reader, catalog, options: o, now, version }: SimulateScalingInput): Promise<ScalingReport> {
  const metric = scalingMetric(o)
  const doc = readPolicyFiles(o.policyFiles)
  if (o.policyFiles.length === 0 && !o.search)
    throw new UsageError('Nothing to simulate', 'Give --policy-file (a CloudFormation template or describe-policies output), --search, or both.')
  const load = await reader.groupLoad({ group: o.group, metric, lookbackDays: o.days, ...(o.asOf === undefined ? {} : { asOf: o.asOf }) })
  return scalingWhatIf({ load, doc, catalog, options: o, now, ...(version === undefined ? {} : { version }) })
}
