import { UsageError } from '../../core/errors.js'

/** Where a ClickHouse store lives: `clickhouse://[user[:password]@]host[:port]/database[?shards=h:p,h:p&cluster=name]`. */
export interface ClickHouseTarget {
  /** http://host:port of the node headroom talks to (it holds the Distributed tables and the small tables). */
  http: string
  database: string
  username?: string
  password?: string
  /** The cluster (remote_servers) the Distributed tables spread over; only with shards. */
  cluster: string
  /** http://host:port of every shard, in the cluster's order; empty for a single node. */
  shards: string[]
  /** The URL without credentials, for messages. */
  display: string
}

export const isStoreUrl = (s: string | undefined): s is string => s !== undefined && /^clickhouse:\/\//i.test(s)

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * Parses a --store URL. Shards are listed by their HTTP address because Debian's ClickHouse (18.16) has no ON CLUSTER
 * DDL without ZooKeeper: headroom creates each shard's tables itself and sends the usage query to each shard.
 */
export function parseStoreUrl(s: string): ClickHouseTarget {
  let u: URL
  try {
    u = new URL(s)
  } catch {
    throw new UsageError(`--store '${redact(s)}' is not a URL`, 'Write it as clickhouse://host:8123/database (see docs/clickhouse.md).')
  }
  if (u.protocol !== 'clickhouse:') throw new UsageError(`--store '${redact(s)}' is not a clickhouse:// URL`, 'Write it as clickhouse://host:8123/database.')
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''))
  if (!NAME.test(database))
    throw new UsageError(
      `--store '${redact(s)}' names database '${database}', which is not a plain name`,
      'Give the database after the host, letters, digits and _ only: clickhouse://host:8123/headroom.',
    )
  const host = `${u.hostname}:${u.port || '8123'}`
  const cluster = u.searchParams.get('cluster') ?? 'headroom'
  if (!NAME.test(cluster)) throw new UsageError(`--store: cluster '${cluster}' is not a plain name`, 'Use the name of a cluster in remote_servers.')
  const shards = (u.searchParams.get('shards') ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      if (!/^[A-Za-z0-9.\-[\]:]+:\d+$/.test(x))
        throw new UsageError(`--store: shard '${x}' is not host:port`, "List every shard's HTTP address: ?shards=10.0.0.1:8123,10.0.0.2:8123.")
      return `http://${x}`
    })
  for (const k of u.searchParams.keys())
    if (k !== 'shards' && k !== 'cluster') throw new UsageError(`--store: unknown parameter '${k}'`, 'The URL takes shards= and cluster= only.')
  return {
    http: `http://${host}`,
    database,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    cluster,
    shards,
    display: `clickhouse://${host}/${database}${shards.length ? `?shards=${shards.map((x) => x.slice(7)).join(',')}` : ''}`,
  }
}

/** A URL with any user:password@ removed. */
export function redact(s: string): string {
  return s.replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1')
}
