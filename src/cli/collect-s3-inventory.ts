import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { S3_CLASSES, S3_GB } from '../catalog/s3.js'
import type { Effects } from '../core/effects.js'
import { importFiles, type FileImportOptions } from '../store/duckdb/import-files.js'
import { readInventoryManifest, summariseInventory } from '../store/duckdb/s3-inventory.js'
import { DuckDbStore } from '../store/duckdb/store.js'

const gib = (b: number) => (b / S3_GB).toLocaleString('en-US', { maximumFractionDigits: 1 })

/**
 * `headroom collect s3-inventory manifest.json`: an S3 Inventory report summarised (bytes and objects by storage class
 * and age) for s3.storage-class, and its bytes per class and object count as the bucket's samples at the report's
 * date. Samples and summary are written in one transaction, through the file import (its checks); a bad file or row
 * is named and nothing is written.
 */
export async function runCollectS3Inventory(workspace: string, manifestPath: string, opts: FileImportOptions, effects: Effects): Promise<void> {
  const m = readInventoryManifest(manifestPath)
  const dir = mkdtempSync(join(tmpdir(), 'headroom-s3-inventory-'))
  const store = await DuckDbStore.open(workspace)
  try {
    const read = await summariseInventory(store, manifestPath, m)
    const byClass = S3_CLASSES.map((c) => {
      const k = read.summary.classes[c.id]
      return { c, bytes: k ? k.bytes.reduce((a, b) => a + b, 0) + k.smallBytes : 0, objects: k ? k.objects.reduce((a, b) => a + b, 0) + k.smallObjects : 0 }
    })
    const unknown = Object.keys(read.summary.classes).filter((k) => !S3_CLASSES.some((c) => c.id === k))
    const objects = Object.values(read.summary.classes).reduce((a, k) => a + k.objects.reduce((x, y) => x + y, 0) + k.smallObjects, 0)
    const t = new Date(m.creationTimestamp).toISOString()
    const csv = join(dir, 'inventory-samples.csv')
    writeFileSync(
      csv,
      'resource_id,metric,timestamp,value,stat,period\n' +
        [
          ...byClass.filter((x) => x.bytes > 0).map((x) => `${m.sourceBucket},${x.c.metric},${t},${x.bytes},avg,86400`),
          `${m.sourceBucket},s3.objects,${t},${objects},avg,86400`,
        ].join('\n') +
        '\n',
    )
    const r = await importFiles(store, [csv], {
      ...opts,
      defaultKind: 's3-bucket',
      alsoInTransaction: () => store.upsertS3Inventory(m.sourceBucket, read.summary, manifestPath),
    })
    const std = read.summary.classes.STANDARD
    effects.stderr.write(
      `  ${read.rows.toLocaleString('en-US')} rows in ${m.files.length} ${m.fileFormat} file(s), taken ${t}; ${objects.toLocaleString('en-US')} current objects\n` +
        byClass
          .filter((x) => x.bytes > 0)
          .map((x) => `  ${x.c.label.padEnd(38)} ${gib(x.bytes).padStart(10)} GiB  ${x.objects.toLocaleString('en-US').padStart(12)} objects\n`)
          .join('') +
        (std
          ? `  Standard objects of 128 KB or more by age: ${['<30', '30-90', '90-180', '180+'].map((a, i) => `${a} d ${gib(std.bytes[i]!)} GiB`).join(', ')}\n`
          : ''),
    )
    if (read.noncurrent.objects)
      effects.stderr.write(
        `note: ${read.noncurrent.objects.toLocaleString('en-US')} noncurrent versions (${gib(read.noncurrent.bytes)} GiB) are left out: lifecycle Transitions move current versions (NoncurrentVersionTransitions the others)\n`,
      )
    if (unknown.length) effects.stderr.write(`note: storage classes headroom does not price: ${unknown.join(', ')}\n`)
    effects.stdout.write(
      `imported the S3 Inventory of ${m.sourceBucket} (${r.merge.rowsAdded} new samples, ${r.merge.alreadyStored} already stored) into ${store.path}\n`,
    )
  } finally {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
