// Target server for npm run bench:loadtest. Modes: fast (a 26-byte JSON body, as the reference measurements used) and
// stall (the same, but the event loop is blocked for STALL_MS every PERIOD_MS, like a GC pause or a lock).
// Usage: node scripts/bench-target.mjs <port|0> [fast|stall] [stallMs] [periodMs]; prints "listening PORT".
import { createServer } from 'node:http'

const [portArg = '0', mode = 'fast', stallMs = '50', periodMs = '1000'] = process.argv.slice(2)
const body = '{"products":[{"id":"p1"}]}'
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
})
server.keepAliveTimeout = 60_000
if (mode === 'stall')
  setInterval(() => {
    const until = performance.now() + Number(stallMs)
    while (performance.now() < until);
  }, Number(periodMs))
server.listen(Number(portArg), '127.0.0.1', () => console.log(`listening ${server.address().port}`))
