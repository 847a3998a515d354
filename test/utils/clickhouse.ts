import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, waitFor } from './prometheus.js'

/**
 * A real two-shard ClickHouse cluster for tests: two `clickhouse-server` processes (Debian's package, 18.16.1 in
 * bookworm; .ci/run installs it) on 127.0.0.1, free ports, temp data dirs, each knowing the cluster `headroom` of both
 * shards, so a Distributed table on either spreads rows over the two. Runs unprivileged: the config is ours, not
 * /etc/clickhouse-server's (which points at /var/lib/clickhouse). Without the binary, tests are skipped with a
 * reason outside CI and fail in CI.
 */
const SERVER = '/usr/sbin/clickhouse-server'
export const skipWithoutClickHouse = !existsSync(SERVER) && process.env.CI !== 'true'

interface Shard {
  http: number
  tcp: number
  child: ChildProcess
  dir: string
}

export interface Cluster {
  /** clickhouse://127.0.0.1:HTTP/DB of the first shard (the one headroom talks to). */
  url(db: string): string
  shards: Shard[]
  /** Stops one shard (a shard down mid-query); stop() still cleans up. */
  kill(i: number): Promise<void>
  /** Starts a killed shard again on its ports and data. */
  restart(i: number): Promise<void>
  stop(): Promise<void>
}

function config(dir: string, http: number, tcp: number, interserver: number, shards: { tcp: number }[]): string {
  const remote = shards.map((s) => `<shard><replica><host>127.0.0.1</host><port>${s.tcp}</port></replica></shard>`).join('')
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <interserver_http_port>${interserver}</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <max_connections>256</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <remote_servers><headroom>${remote}</headroom></remote_servers>
</yandex>
`
}

const USERS = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><load_balancing>random</load_balancing></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`

const ping = (s: { http: number; child: ChildProcess; dir: string }) =>
  waitFor(`http://127.0.0.1:${s.http}/ping`, 90_000, () =>
    s.child.exitCode === null ? undefined : `clickhouse-server exited with ${s.child.exitCode} at start; see ${s.dir}/server.err.log`,
  )

async function stopShard(s: Shard): Promise<void> {
  if (s.child.exitCode === null && s.child.signalCode === null) {
    const exited = new Promise((r) => s.child.once('exit', r))
    s.child.kill('SIGKILL')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
  }
}

const launch = (dir: string) => spawn(SERVER, [`--config-file=${join(dir, 'config.xml')}`], { stdio: 'ignore', cwd: dir })

export async function startCluster(n = 2): Promise<Cluster> {
  const ports = []
  for (let i = 0; i < n; i++) ports.push({ http: await freePort(), tcp: await freePort(), interserver: await freePort() })
  const shards: Shard[] = []
  try {
    for (const p of ports) {
      const dir = mkdtempSync(join(tmpdir(), 'headroom-ch-'))
      for (const d of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, d))
      writeFileSync(join(dir, 'config.xml'), config(dir, p.http, p.tcp, p.interserver, ports))
      writeFileSync(join(dir, 'users.xml'), USERS)
      shards.push({ http: p.http, tcp: p.tcp, child: launch(dir), dir })
    }
    for (const s of shards) await ping(s)
  } catch (err) {
    for (const s of shards) await stopShard(s)
    throw err
  }
  return {
    shards,
    url: (db) => `clickhouse://127.0.0.1:${shards[0]!.http}/${db}`,
    kill: (i) => stopShard(shards[i]!),
    async restart(i) {
      const s = shards[i]!
      await stopShard(s)
      s.child = launch(s.dir)
      await ping(s)
    },
    async stop() {
      for (const s of shards) {
        await stopShard(s)
        rmSync(s.dir, { recursive: true, force: true })
      }
    },
  }
}
