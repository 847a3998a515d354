import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Effects } from '../core/effects.js'
import { UsageError } from '../core/errors.js'
import { readReportLog, reportSamples, type ReportEvent } from '../sources/file/lambda-logs.js'
import { importFiles, type FileImportOptions } from '../store/duckdb/import-files.js'
import { DuckDbStore } from '../store/duckdb/store.js'

export interface LambdaLogsFlags {
  function: string
  region?: string
  arch: string
  period: number
}

/**
 * `headroom collect lambda-logs report.json --function NAME`: a function's REPORT lines (exported logs) as its
 * invocations, durations, memory used and cold starts. The samples and the function go through the file import (the
 * same checks, one transaction: on any error nothing is written), as a CSV and a manifest written to a temporary folder.
 */
export async function runCollectLambdaLogs(workspace: string, paths: string[], f: LambdaLogsFlags, opts: FileImportOptions, effects: Effects): Promise<void> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(f.function))
    throw new UsageError(
      `--function '${f.function}' is not a Lambda function name`,
      'Give the name, e.g. --function checkout (the log group is /aws/lambda/checkout).',
    )
  if (f.arch !== 'x86_64' && f.arch !== 'arm64') throw new UsageError(`--arch '${f.arch}' is not x86_64 or arm64`)
  const events: ReportEvent[] = []
  let malformed = 0
  for (const p of paths) {
    const r = readReportLog(p)
    events.push(...r.events)
    malformed += r.malformed
  }
  events.sort((a, b) => a.ts - b.ts)
  // The memory the function ran with: the latest REPORT line's (a change within the window is said, not averaged).
  const memories = [...new Set(events.map((e) => e.report.memoryMB))]
  const memoryMB = events[events.length - 1]!.report.memoryMB
  const id = f.region ? `${f.region}:${f.function}` : f.function
  const rows = reportSamples(events, f.period)
  const dir = mkdtempSync(join(tmpdir(), 'headroom-lambda-logs-'))
  const store = await DuckDbStore.open(workspace)
  try {
    const csv = join(dir, `${f.function}-report-samples.csv`)
    writeFileSync(
      csv,
      'resource_id,metric,timestamp,value,stat,period\n' +
        rows.map((r) => `${id},${r.metric},${new Date(r.timestamp).toISOString()},${r.value},${r.stat},${f.period}`).join('\n') +
        '\n',
    )
    const manifest = join(dir, `${f.function}-function.json`)
    writeFileSync(
      manifest,
      JSON.stringify([
        {
          id,
          kind: 'lambda-function',
          ...(f.region ? { region: f.region } : {}),
          provider: 'aws',
          attributes: { memorySizeMB: memoryMB, architecture: f.arch },
        },
      ]),
    )
    const r = await importFiles(store, [csv, manifest], { ...opts, defaultKind: 'lambda-function' })
    const colds = events.filter((e) => e.report.initMs !== null).length
    effects.stderr.write(
      `  ${events.length.toLocaleString('en-US')} REPORT lines (${colds.toLocaleString('en-US')} cold starts) from ${paths.length} file${paths.length === 1 ? '' : 's'}, ${new Date(events[0]!.ts).toISOString()} to ${new Date(events[events.length - 1]!.ts).toISOString()}\n`,
    )
    if (malformed) effects.stderr.write(`warning: ${malformed} REPORT line(s) without a Duration were left out\n`)
    if (memories.length > 1)
      effects.stderr.write(
        `warning: the memory size changed within the logs (${memories.join(', ')} MB); the function is recorded at the latest, ${memoryMB} MB\n`,
      )
    effects.stdout.write(
      `imported ${r.merge.rowsAdded.toLocaleString('en-US')} new samples (${r.merge.alreadyStored.toLocaleString('en-US')} already stored) for Lambda function ${id} (${memoryMB} MB, ${f.arch}) into ${store.path}\n`,
    )
  } finally {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
