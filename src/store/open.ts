import { ClickHouseStore } from './clickhouse/store.js'
import { isStoreUrl, parseStoreUrl } from './clickhouse/url.js'
import { DuckDbStore } from './duckdb/store.js'

/** A workspace store: the DuckDB file in the workspace folder, or a ClickHouse store named by --store. */
export type Store = DuckDbStore | ClickHouseStore

/** Opens `store` (a clickhouse:// URL) when given, else the workspace folder's DuckDB file. */
export async function openStore(o: { workspace: string; store?: string | undefined; readOnly?: boolean }): Promise<Store> {
  if (isStoreUrl(o.store)) return ClickHouseStore.open(parseStoreUrl(o.store), { readOnly: o.readOnly ?? false })
  return DuckDbStore.open(o.workspace, { readOnly: o.readOnly ?? false })
}
