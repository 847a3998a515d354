import { bytesText, ratioPct } from '../simulators/cache/format.js'
import type { CacheReport } from '../simulators/cache/result.js'
import { cell } from './csv.js'
import type { KindRenderer } from './registry.js'
import type { Section, View } from './view.js'

const n = (x: number) => x.toLocaleString('en-US')
const POLICY_NAMES = { lru: 'LRU', fifo: 'FIFO', lfu: 'LFU', s3fifo: 'S3-FIFO' } as const

function inputText(r: CacheReport): string {
  const q = r.requests
  const skipped = q.skippedMethod + q.skippedStatus
  const sample = q.sampleRate < 1 ? `; SHARDS sample of ${ratioPct(q.sampleRate)} of keys: ${n(q.sampled)} requests replayed, sizes estimated` : ''
  return `${n(q.cacheable)} cacheable requests for ${q.sampleRate < 1 ? 'about ' : ''}${n(q.distinctObjects)} objects (${bytesText(q.distinctBytes)}), ${new Date(q.first).toISOString().slice(0, 16)}Z to ${new Date(q.last).toISOString().slice(0, 16)}Z, from ${n(q.lines)} ${r.input.format} lines (key: ${r.input.key}${skipped ? `; ${n(q.skippedMethod)} not GET/HEAD and ${n(q.skippedStatus)} with status >= 400 left out` : ''}${sample})`
}

function sections(r: CacheReport, rowsOf: (rows: { size: string; requests: string; bytes: string }[]) => Section): Section[] {
  const out: Section[] = []
  out.push({ blocks: [{ type: 'text', text: r.summary }] })
  out.push(
    rowsOf(
      r.byBytes
        .map((b) => ({ size: bytesText(b.bytes), requests: ratioPct(b.requestHitRatio), bytes: ratioPct(b.byteHitRatio) }))
        .filter((x, i, a) => i === 0 || a[i - 1]!.requests !== x.requests || i === a.length - 1),
    ),
  )
  out.push({
    title: 'By objects held',
    blocks: [{ type: 'table', head: ['OBJECTS', 'HIT RATIO'], align: ['r', 'r'], rows: r.byObjects.map((o) => [n(o.objects), ratioPct(o.hitRatio)]) }],
  })
  if (r.policies.length) {
    const ttl = r.policies[0]!.ttlSec
    out.push({
      title: `By policy, replayed request by request${ttl === null ? '' : ` with a TTL of ${ttl >= 3600 ? `${ttl / 3600} h` : ttl >= 60 ? `${ttl / 60} min` : `${ttl} s`}`} (request hit ratio)`,
      blocks: [
        {
          type: 'table',
          head: ['OBJECTS', ...r.policies.map((p) => POLICY_NAMES[p.policy])],
          align: ['r', ...r.policies.map(() => 'r' as const)],
          rows: r.byObjects.map((o, i) => [n(o.objects), ...r.policies.map((p) => ratioPct(p.points[i]!.hitRatio))]),
        },
      ],
    })
  }
  const np = r.input.nodePrices
  if (np && r.target.nodes.length)
    out.push({
      title: `ElastiCache ${np.engine} nodes in ${np.region} that hold ${bytesText(r.target.bytes!)} (on demand, primaries only; ${ratioPct(np.reservedMemoryShare)} of memory reserved)`,
      blocks: [
        {
          type: 'table',
          head: ['NODES', 'NODE TYPE', 'USABLE GiB EACH', '$/HOUR EACH', '$/MONTH'],
          align: ['r', 'l', 'r', 'r', 'r'],
          rows: r.target.nodes.map((x) => [n(x.nodes), x.nodeType, x.usableGiB.toFixed(2), x.hourlyUsd.toFixed(4), x.monthlyUsd.toFixed(2)]),
        },
      ],
    })
  const notes = [
    `${ratioPct(r.target.maxHitRatio)} of requests repeat an earlier one: the most any cache can hit (first requests always miss).`,
    r.method,
    ...(np
      ? [`Node prices and memory from ${np.file}. Cached bytes are the log's response sizes; the engine adds per-key overhead on top, so leave room.`]
      : []),
    ...(r.requests.malformed
      ? [`${n(r.requests.malformed)} malformed line(s) skipped, e.g. ${r.requests.malformedExamples.map((m) => `${m.file}:${m.line}`).join(', ')}.`]
      : []),
  ]
  out.push({ title: 'Notes', blocks: [{ type: 'list', items: notes }] })
  return out
}

/** The terminal: the verdict, hit ratio by cache size in bytes (unchanged rows folded), by objects, and the notes. */
function cacheSummaryView(r: CacheReport): View {
  return {
    title: `headroom ${r.version}: cache simulation, LRU, target ${ratioPct(r.target.hitRatio)}`,
    lead: [inputText(r)],
    sections: sections(r, (rows) => ({
      title: 'By cache size (bytes of objects)',
      blocks: [
        { type: 'table', head: ['CACHE SIZE', 'REQUEST HITS', 'BYTE HITS'], align: ['r', 'r', 'r'], rows: rows.map((x) => [x.size, x.requests, x.bytes]) },
      ],
    })),
  }
}

export const cacheRenderer: KindRenderer<CacheReport> = {
  summary: (r) => cacheSummaryView(r),
  full: (r) => ({ ...cacheSummaryView(r), title: `Cache simulation (${r.input.files.join(', ')})` }),
  csv: (r) =>
    [
      'unit,size,request_hit_ratio,byte_hit_ratio',
      ...r.byObjects.map((o) => ['objects', o.objects, o.hitRatio, ''].map(cell).join(',')),
      ...r.byBytes.map((b) => ['bytes', b.bytes, b.requestHitRatio, b.byteHitRatio].map(cell).join(',')),
    ].join('\n') + '\n',
}
