import { performance } from 'node:perf_hooks'
import type { Dispatcher } from 'undici'
import type { Recorder } from './recorder.js'

/** A request as the request builder makes it and undici dispatches it. */
export interface RequestSpec {
  path: string
  method: string
  headers: Record<string, string>
  body: string | null
}

/**
 * One request and its response, as an undici dispatch handler. A class (methods on the prototype, no closures per
 * request) and reusable: the closed loops keep one per loop, which keeps the hot path allocation-light.
 */
export class Exchange {
  status = 0
  headers: Record<string, string | string[] | undefined> = {}
  chunks: Buffer[] = []
  sentAt = 0
  intended = 0
  opts: RequestSpec = { path: '/', method: 'GET', headers: {}, body: null }
  /** Where to send: a fixed connection (closed model) or the origin's pool. */
  dispatcher: Dispatcher
  wantBody = false
  ep: string | null = null
  done: (err: unknown, x: Exchange) => void = () => undefined

  constructor(
    private readonly rec: Recorder,
    dispatcher: Dispatcher,
  ) {
    this.dispatcher = dispatcher
  }

  /** Sends the request; `intended` is the perf time it should have started (corrected latency is measured from it). */
  start(intended: number): void {
    this.rec.sent()
    this.status = 0
    this.intended = intended
    this.sentAt = performance.now()
    if (this.wantBody) this.chunks = []
    try {
      this.dispatcher.dispatch(this.opts, this)
    } catch (err) {
      this.finish(err)
    }
  }
  onRequestStart(): void {
    this.sentAt = performance.now()
  }
  onResponseStart(_c: unknown, statusCode: number, h: Record<string, string | string[]>): void {
    this.status = statusCode
    this.headers = h
  }
  onResponseData(_c: unknown, chunk: Buffer): void {
    this.rec.bytes += chunk.length
    if (this.wantBody) this.chunks.push(chunk)
  }
  onResponseEnd(): void {
    this.finish(null)
  }
  onResponseError(_c: unknown, err: Error): void {
    this.finish(err)
  }
  body(): string {
    return Buffer.concat(this.chunks).toString('utf8')
  }
  finish(err: unknown): void {
    const endAt = performance.now()
    if (err) {
      this.rec.error(err, this.ep, endAt)
      // Never dispatch again from inside undici's error path: a connect error fails every queued request in a loop
      // that asserts the queue stays empty (found by the unreachable-target test). Errors are rare; defer.
      setImmediate(() => this.done(err, this))
      return
    }
    this.rec.response(this.status, this.ep, this.intended, this.sentAt, endAt)
    this.done(null, this)
  }
}
