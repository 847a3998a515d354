import { collectAws, type CollectAwsOptions } from '../app/collect-aws.js'
import { updateCatalog } from '../app/catalog-update.js'
import type { Effects } from '../core/effects.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import { sdkApis, sdkRegion } from '../sources/aws/clients.js'
import { GET_METRIC_DATA_USD_PER_1000_METRICS } from '../sources/aws/plan.js'
import { openStore } from '../store/open.js'
import { groupIssues } from '../reporters/format.js'

export interface AwsCollectFlags extends Omit<CollectAwsOptions, 'homeRegion'> {
  workspace: string
  /** A clickhouse:// store to write to instead of the workspace. */
  store?: string | undefined
  dryRun: boolean
}

const n = (x: number) => x.toLocaleString('en-US')

/** `headroom collect aws`: the collectAws orchestrator with the SDK's clients, its progress on stderr, the totals on stdout. */
export async function runCollectAws(o: AwsCollectFlags, effects: Effects): Promise<ExitCode> {
  const out = (s: string) => effects.stderr.write(s)
  const tty = effects.stderr.isTTY === true
  // The progress line (a terminal only) is cleared before any other line, and at the end, so the two never mix.
  let drawn = false
  const line = (s: string) => {
    if (drawn) out('\r\u001b[2K')
    drawn = false
    out(s)
  }
  const t0 = Date.now()
  let lastPrinted = t0
  let firstCall: number | undefined
  const apis = sdkApis(o.profile) // before the workspace is opened: a bad endpoint setting creates nothing
  const store = o.dryRun ? undefined : await openStore({ workspace: o.workspace, store: o.store })
  try {
    const r = await collectAws({
      options: { ...o, homeRegion: effects.env.AWS_REGION || effects.env.AWS_DEFAULT_REGION || (await sdkRegion(o.profile)) || 'us-east-1' },
      apis,
      ...(store ? { store } : {}),
      now: () => effects.now(),
      onEvent(e) {
        if (e.type === 'region') line(`${e.region}: ${e.resources} resources, ${e.series} series (${e.discoveryCalls} discovery calls)\n`)
        else if (e.type === 'region-failed') line(`${e.region}: discovery failed: ${e.error}; other regions continue\n`)
        else if (e.type === 'plan')
          line(
            `plan: ${n(e.plan.series)} series x ${e.plan.days} days at ${e.plan.periodSec} s = ${n(e.plan.points)} data points at most, in ${n(e.plan.calls)} GetMetricData calls (minimum possible ${n(e.plan.minimumCalls)}); ` +
              `estimated CloudWatch cost $${centsToFirstDigit(e.plan.costUsd)} ($${GET_METRIC_DATA_USD_PER_1000_METRICS} per 1,000 metrics requested, CloudWatch pricing page)\n`,
          )
        else if (e.type === 'resume') line(`resuming an interrupted run: ${e.skipped} calls already stored are skipped\n`)
        else if (e.type === 'calls') {
          firstCall ??= e.done - 1
          const el = (Date.now() - t0) / 1000
          const eta = e.done > firstCall ? (el / (e.done - firstCall)) * (e.total - e.done) : 0
          const progress = `calls ${e.done}/${e.total}  datapoints ${n(e.datapoints)}  ${el.toFixed(0)} s elapsed, ETA ${eta.toFixed(0)} s`
          if (tty) {
            drawn = true
            out(`\r\u001b[2K${progress}`)
          } else if (Date.now() - lastPrinted >= PROGRESS_EVERY_MS || e.done === e.total) {
            // Without a terminal (CI logs, pipes): a plain line every few seconds, so a long run is seen to move.
            lastPrinted = Date.now()
            out(`${progress}\n`)
          }
        } else if (e.type === 'compute-optimizer') {
          line(`${e.region}: ${e.recommendations} Compute Optimizer recommendations (${e.calls} calls); \`headroom analyze\` shows them beside headroom's\n`)
        }
      },
    })
    line('')
    if (r.dryRun) {
      for (const x of r.plan.regions)
        effects.stdout.write(
          `${x.region}\t${
            Object.entries(x.resourcesByKind)
              .map(([k, c]) => `${k} ${c}`)
              .join(', ') || 'no resources'
          }\tseries ${x.series}\tcalls ${x.calls}\t$${x.costUsd.toFixed(4)}\n`,
        )
      effects.stdout.write(`dry run: nothing fetched or stored\n`)
      for (const i of r.issues) effects.stderr.write(`${i.severity}: ${i.message}\n`)
      return r.issues.some((i) => i.severity === 'error') && r.regionsRead === 0 ? EXIT.SOURCE : EXIT.OK
    }
    effects.stdout.write(
      `collected ${r.resources} resources and ${n(r.datapoints)} data points from ${r.regionsRead} region(s) in ${r.stats.calls} GetMetricData calls (${r.stats.retries} retries, ${r.stats.skipped} already stored, ${r.stats.failed} failed) into ${o.store && store ? store.path : o.workspace}\n`,
    )
    for (const g of groupIssues(r.issues)) effects.stderr.write(`${g.severity}: ${g.count > 1 ? `${g.count} x ${g.code}, e.g. ` : ''}${g.example}\n`)
    return EXIT.OK
  } finally {
    store?.close()
  }
}

/** `headroom catalog update`: specs, offerings and prices from the live APIs into the workspace's catalog overlay. */
export async function runCatalogUpdate(o: { workspace: string; regions: string[]; profile?: string }, effects: Effects): Promise<ExitCode> {
  const r = await updateCatalog({
    workspace: o.workspace,
    regions: o.regions,
    apis: sdkApis(o.profile),
    now: effects.now(),
    onProgress: (s) => effects.stderr.write(`${s}\n`),
  })
  effects.stdout.write(
    `catalog updated: ${r.types} instance types offered in ${o.regions.join(', ')}, ${r.priced} with on-demand prices, written to ${r.path} (it overrides the bundled catalog for this workspace)\n`,
  )
  // Under half priced means the Pricing API answered little (a partial answer, a stub endpoint): say so, since
  // unpriced types are ranked but their costs and savings are unknown.
  if (r.types > 0 && r.priced < r.types / 2)
    effects.stderr.write(
      `warning: only ${r.priced} of ${r.types} instance types got an on-demand price from the Pricing API; the others have no cost or savings in this workspace. Check that the Pricing API (pricing.us-east-1.amazonaws.com) answers for your credentials, then run \`headroom catalog update\` again.\n`,
    )
  return EXIT.OK
}

/** Dollars with cents, or to the first significant digit below a cent ($0.0002, not $0.00): a small plan costs something. */
export function centsToFirstDigit(x: number): string {
  return x === 0 || x >= 0.01 ? x.toFixed(2) : x.toFixed(Math.min(8, Math.ceil(-Math.log10(x))))
}

/** Progress lines without a terminal: one every this many milliseconds, and the last call's. */
const PROGRESS_EVERY_MS = 5_000
