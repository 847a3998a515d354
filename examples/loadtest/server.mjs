// A small shop API for trying `headroom loadtest` locally: GET /products, GET /products/:id, POST /cart.
// Usage: node examples/loadtest/server.mjs [port]   (default 8080; 0 picks a free port and prints it)
import { createServer } from 'node:http'

const products = Array.from({ length: 20 }, (_, i) => ({ id: `p${i + 1}`, name: `Product ${i + 1}`, price: 5 + i }))
const carts = { posted: 0 }
const server = createServer((req, res) => {
  const json = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (req.method === 'GET' && url.pathname === '/products') return json(200, { products })
  const m = /^\/products\/([^/]+)$/.exec(url.pathname)
  if (req.method === 'GET' && m) {
    const p = products.find((x) => x.id === m[1])
    return p ? json(200, p) : json(404, { error: `no product ${m[1]}` })
  }
  if (req.method === 'POST' && url.pathname === '/cart') {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      try {
        const item = JSON.parse(body)
        if (!products.some((x) => x.id === item.productId)) return json(400, { error: 'unknown productId' })
        carts.posted++
        json(201, { ok: true, items: carts.posted })
      } catch {
        json(400, { error: 'body is not JSON' })
      }
    })
    return
  }
  json(404, { error: 'not found' })
})
server.listen(Number(process.argv[2] ?? 8080), '127.0.0.1', () => console.log(`example shop API on http://127.0.0.1:${server.address().port}`))
