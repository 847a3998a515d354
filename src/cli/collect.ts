import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Effects } from '../core/effects.js'
import { isoMinute } from '../core/time.js'
import { catalogChecks } from '../app/import-checks.js'
import { loadWorkspaceCatalog } from '../catalog/load.js'
import { importFiles, type FileImportOptions } from '../store/duckdb/import-files.js'
import { DuckDbStore } from '../store/duckdb/store.js'
import type { MergeResult } from '../store/types.js'
import { copyWorkspace } from '../store/clickhouse/copy.js'
import { ClickHouseStore } from '../store/clickhouse/store.js'
import { isStoreUrl, parseStoreUrl, type ClickHouseTarget } from '../store/clickhouse/url.js'
import { openStore } from '../store/open.js'

export async function runCollectFile(workspace: string, paths: string[], opts: FileImportOptions, effects: Effects, storeUrl?: string): Promise<void> {
  if (isStoreUrl(storeUrl)) return collectFileInto(parseStoreUrl(storeUrl), workspace, paths, opts, effects)
  const started = effects.now()
  const store = await DuckDbStore.open(workspace)
  try {
    const r = await importFiles(store, paths, { ...opts, ...catalogChecks(loadWorkspaceCatalog(workspace)) })
    reportImport(effects, r, r.merge, effects.now() - started, store.path)
  } finally {
    store.close()
  }
}

/**
 * `collect file --store clickhouse://...`: the files are checked and read by the same import as a workspace's (into a
 * scratch DuckDB file, deleted after), then copied into the store as one batch: a file that fails its checks writes
 * nothing anywhere, and the store only ever sees whole imports.
 */
async function collectFileInto(target: ClickHouseTarget, workspace: string, paths: string[], opts: FileImportOptions, effects: Effects): Promise<void> {
  const started = effects.now()
  const store = await ClickHouseStore.open(target) // first: an unreachable store fails before the files are read
  const scratch = mkdtempSync(join(tmpdir(), 'headroom-import-'))
  try {
    const local = await DuckDbStore.open(scratch)
    let r
    let copied
    try {
      r = await importFiles(local, paths, { ...opts, ...catalogChecks(loadWorkspaceCatalog(workspace)) })
      copied = await copyWorkspace(local, store, { source: 'file', detail: paths.join(', ') })
    } finally {
      local.close()
    }
    // What reached the store (the scratch import found nothing stored), with the files and resources the import read.
    reportImport(effects, r, { ...copied.merge, resourcesCreated: r.merge.resourcesCreated }, effects.now() - started, store.path)
  } finally {
    store.close()
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** The lines `collect file` prints: each file read, what was added to `path`, and warnings about conflicts and bare ids. */
function reportImport(
  effects: Effects,
  r: { files: { type: string; path: string; rows: number }[]; resourcesUpserted: number },
  m: MergeResult,
  ms: number,
  path: string,
): void {
  for (const f of r.files)
    effects.stderr.write(`  ${f.type === 'samples' ? 'samples ' : 'manifest'}  ${f.path}  (${plural(f.rows, f.type === 'samples' ? 'row' : 'resource')})\n`)
  effects.stdout.write(
    `imported ${plural(m.rowsAdded, 'new sample')} (${m.alreadyStored.toLocaleString('en-US')} already stored), ` +
      `${plural(r.resourcesUpserted, 'resource')} from manifests, ${m.resourcesCreated} created from samples, in ${(ms / 1000).toFixed(1)} s into ${path}\n`,
  )
  if (m.conflicting > 0)
    effects.stderr.write(`warning: ${m.conflicting} samples differ from the values already stored for the same time; the stored values were kept.\n`)
  if (m.resourcesCreated > 0)
    effects.stderr.write(
      `note: ${m.resourcesCreated} resource(s) appear only in samples; add them to a resources manifest with their instance_type and region to get sizing recommendations.\n`,
    )
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`

export async function runStatus(workspace: string, effects: Effects, storeUrl?: string): Promise<void> {
  const store = await openStore({ workspace, store: storeUrl, readOnly: true })
  try {
    const c = await store.counts()
    const o = await store.overview()
    effects.stdout.write(
      `${store instanceof DuckDbStore ? 'workspace' : 'store'} ${store.path}\n  resources ${c.resources} (${o.kinds.map((k) => `${k.kind} ${k.count}`).join(', ') || 'none'})\n` +
        `  samples   ${c.samples.toLocaleString('en-US')} in ${c.series} series${o.firstTs !== null && o.lastTs !== null ? `, ${isoMinute(o.firstTs)} to ${isoMinute(o.lastTs)} UTC` : ''}\n  imports   ${c.imports}\n`,
    )
  } finally {
    store.close()
  }
}
