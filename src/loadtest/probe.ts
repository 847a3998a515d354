import { lookup } from 'node:dns/promises'
import { connect } from 'node:net'

export interface ProbeFailure {
  /** ENOTFOUND, EAI_AGAIN, ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ... */
  code: string
  host: string
  port: number
  message: string
}

/**
 * One DNS lookup and one TCP connect to the target before any load is scheduled, so a name that does not resolve
 * or a port nobody listens on ends the command at once (a scenario without --target once ran its whole 35 s
 * against api.example.com). Returns undefined when the target accepts a connection.
 */
export async function probeTarget(target: string, timeoutMs = 5000): Promise<ProbeFailure | undefined> {
  const url = new URL(target)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
  let address: string
  try {
    address = (await lookup(host)).address
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'ENOTFOUND'
    return { code, host, port, message: `cannot resolve ${host} (${code})` }
  }
  return new Promise((resolve) => {
    const socket = connect({ host: address, port })
    const timer = setTimeout(() => {
      socket.destroy()
      resolve({ code: 'ETIMEDOUT', host, port, message: `no answer from ${host}:${port} within ${timeoutMs / 1000} s` })
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.destroy()
      resolve(undefined)
    })
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      resolve({ code: e.code ?? 'ECONNREFUSED', host, port, message: `cannot connect to ${host}:${port} (${e.code ?? e.message})` })
    })
  })
}
