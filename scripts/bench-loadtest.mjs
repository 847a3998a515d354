// npm run bench:loadtest [-- --seconds 10 --rounds 2 --no-rss --no-nginx]
// headroom's load generator against peers on this machine, in one run (issue 5, goals in docs/benchmarks.md):
//  1. closed model, same connections and duration: headroom vs autocannon (npm) vs wrk (Debian wrk, if installed),
//     against one local Node http server (scripts/bench-target.mjs), and against nginx when it is installed;
//  2. open model: achieved vs requested rate at 5,000 and 20,000 req/s;
//  3. a server that stalls 50 ms every second: p99 from the intended start vs the schedule's true p99, and what the
//     closed-model tools report;
//  4. peak RSS over 1 M requests.
// Needs `npm run build` first (npm test does it).
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(ROOT, 'bin/headroom.js')
const AUTOCANNON = join(ROOT, 'node_modules/autocannon/autocannon.js')
const argv = process.argv.slice(2)
const arg = (k, d) => (argv.includes(`--${k}`) ? Number(argv[argv.indexOf(`--${k}`) + 1]) : d)
const SECONDS = arg('seconds', 10)
const ROUNDS = arg('rounds', 2)
const CONNECTIONS = arg('connections', 50)

const has = (cmd) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    p.stdout.on('data', (d) => (out += d))
    p.stderr.on('data', (d) => (err += d))
    p.on('error', reject)
    p.on('close', (code) => (code === 0 || code === 5 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(0, 400)}`))))
  })
}

function startTarget(mode = 'fast') {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'scripts/bench-target.mjs'), '0', mode, '50', '1000'], { stdio: ['ignore', 'pipe', 'inherit'] })
    p.stdout.once('data', (d) => resolve({ url: `http://127.0.0.1:${/listening (\d+)/.exec(String(d))[1]}/`, stop: () => p.kill() }))
  })
}

function startNginx() {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-nginx-'))
  const port = 18000 + Math.floor(Math.random() * 1000)
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; client_body_temp_path ${dir}/b; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  server { listen 127.0.0.1:${port}; location / { default_type application/json; return 200 '{"products":[{"id":"p1"}]}'; } } }`,
  )
  const p = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' })
  return new Promise((r) => setTimeout(() => r({ url: `http://127.0.0.1:${port}/`, stop: () => p.kill() }), 500))
}

const headroom = async (url, extra) => JSON.parse(await run(process.execPath, [BIN, 'loadtest', url, '-f', 'json', '--quiet', ...extra]))
const autocannon = async (url, extra) => JSON.parse(await run(process.execPath, [AUTOCANNON, '-j', ...extra, url]))
const wrk = async (url, extra) => {
  const out = await run('wrk', [...extra, '--latency', url])
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out)
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]), p99: p99 ? Number(p99[1]) * (p99[2] === 'us' ? 0.001 : p99[2] === 's' ? 1000 : 1) : null }
}
const fmt = (x) => Math.round(x).toLocaleString('en-US')
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length

console.log(`machine: ${cpus()[0]?.model ?? '?'} x ${availableParallelism()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`)
console.log(`closed model: ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds, tools alternated\n`)

async function closedRound(label, target) {
  const all = availableParallelism()
  const rows = {
    [`headroom (default: ${Math.max(1, all - 1)} worker${all - 1 > 1 ? 's' : ''}, local target)`]: [],
    [`headroom --workers ${all}`]: [],
    autocannon: [],
    ...(has('wrk') ? { 'wrk -t1': [] } : {}),
  }
  for (let r = 0; r < ROUNDS; r++) {
    const [def, every] = Object.keys(rows)
    rows[def].push((await headroom(target.url, ['-c', String(CONNECTIONS), '-d', String(SECONDS)])).rate.requestsPerSec)
    rows[every].push((await headroom(target.url, ['-c', String(CONNECTIONS), '-d', String(SECONDS), '--workers', String(all)])).rate.requestsPerSec)
    rows.autocannon.push((await autocannon(target.url, ['-c', String(CONNECTIONS), '-d', String(SECONDS)])).requests.average)
    if (rows['wrk -t1']) rows['wrk -t1'].push((await wrk(target.url, ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`])).rps)
  }
  const ac = mean(rows.autocannon)
  console.log(`${label}`)
  for (const [tool, xs] of Object.entries(rows))
    console.log(
      `  ${tool.padEnd(34)} ${xs.map(fmt).join(' / ').padStart(20)} req/s   mean ${fmt(mean(xs)).padStart(7)}   x autocannon ${(mean(xs) / ac).toFixed(2)}`,
    )
  console.log('')
}

const node = await startTarget('fast')
try {
  await closedRound(`1. Node http server (one process, 26-byte JSON):`, node)
  if (has('nginx') && !argv.includes('--no-nginx')) {
    const ngx = await startNginx()
    try {
      await closedRound('   nginx (1 worker, return 200): the generator, not the target, is the limit', ngx)
    } finally {
      ngx.stop()
    }
  }
  console.log('2. open model, Node http server, latency from the intended start:')
  for (const rate of [5000, 20000]) {
    const r = await headroom(node.url, ['-R', String(rate), '-d', String(SECONDS), '-c', '64'])
    console.log(
      `  requested ${fmt(rate)}/s: achieved ${r.rate.achieved}/s (${((r.rate.achieved / rate) * 100).toFixed(2)}%), schedule lag p99 ${r.latency.scheduleLag.p99} ms, p50 ${r.latency.corrected.p50} ms, p99 ${r.latency.corrected.p99} ms, ${r.generator.saturated ? 'SATURATED: ' + r.generator.reasons.join('; ') : 'not saturated'}`,
    )
  }
} finally {
  node.stop()
}

const stall = await startTarget('stall')
try {
  // Stall 50 ms every 1,000 ms: 5% of arrivals land in a stall and wait 0..50 ms (uniform), so the share waiting at
  // least v ms is (50 - v) / 1,000; the schedule's true p99 is where that share is 1%: v = 40 ms (+ service time).
  console.log(`\n3. server stalls 50 ms every second; the schedule's true p99 is about 40 ms (+ service time):`)
  const o = await headroom(stall.url, ['-R', '2000', '-d', String(SECONDS), '-c', '64'])
  console.log(
    `  headroom -R 2000 (open):              p99 ${o.latency.corrected.p99} ms from the intended start; ${o.latency.uncorrected.p99} ms from the send`,
  )
  const c = await headroom(stall.url, ['-c', '10', '-d', String(SECONDS)])
  console.log(`  headroom -c 10 (closed):              p99 ${c.latency.corrected.p99} ms at ${fmt(c.rate.requestsPerSec)} req/s`)
  const a = await autocannon(stall.url, ['-c', '10', '-d', String(SECONDS)])
  console.log(`  autocannon -c 10 (closed):            p99 ${a.latency.p99} ms at ${fmt(a.requests.average)} req/s`)
  const ar = await autocannon(stall.url, ['-c', '10', '-R', '2000', '-d', String(SECONDS)])
  console.log(`  autocannon -c 10 -R 2000 (corrected): p99 ${ar.latency.p99} ms (its correction uses a 1 ms interval: reference/loadtest.md §3)`)
  if (has('wrk')) {
    const w = await wrk(stall.url, ['-t1', '-c10', `-d${SECONDS}s`])
    console.log(`  wrk -c 10 (closed):                   p99 ${w.p99} ms at ${fmt(w.rps)} req/s`)
  }
} finally {
  stall.stop()
}

if (!argv.includes('--no-rss')) {
  const t = await startTarget('fast')
  try {
    console.log(`\n4. peak RSS over 1 M requests (whole headroom process, --workers ${availableParallelism()}):`)
    const c = await headroom(t.url, ['-c', '50', '-a', '1000000', '-d', '600', '--workers', String(availableParallelism())])
    console.log(
      `  closed, -c 50 -a 1000000:   ${fmt(c.counters['http.requests'])} requests in ${(c.durationMs / 1000).toFixed(1)} s, peak RSS ${c.generator.maxRssMB} MB`,
    )
    const o = await headroom(t.url, ['-R', '20000', '-d', '50', '-c', '64', '--workers', String(availableParallelism())])
    console.log(
      `  open, -R 20000 for 50 s:    ${fmt(o.counters['http.requests'])} requests, achieved ${o.rate.achieved}/s, peak RSS ${o.generator.maxRssMB} MB`,
    )
  } finally {
    t.stop()
  }
}
