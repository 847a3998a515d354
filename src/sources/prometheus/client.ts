import { z } from 'zod'
import { ToolError } from '../../core/errors.js'
import { RetriesExhausted, withRetry } from '../retry.js'

/**
 * A small Prometheus HTTP API client on Node's global fetch (undici): /api/v1/status/buildinfo, /api/v1/query and
 * /api/v1/query_range, with a timeout per request, retries with exponential backoff and jitter on 429, 5xx,
 * timeouts and connection errors, and errors that say what to do. Hand-written because the official JS clients
 * are for exposing metrics, not querying them.
 */
export interface PromClientOptions {
  url: string
  headers?: Record<string, string>
  timeoutMs?: number
  retries?: number
  /** For tests: a shorter backoff base. */
  backoffMs?: number
}

const Sample = z.tuple([z.number(), z.string()])
const Matrix = z.object({
  status: z.literal('success'),
  data: z.object({ resultType: z.literal('matrix'), result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(Sample) })) }),
  warnings: z.array(z.string()).optional(),
})
const Vector = z.object({
  status: z.literal('success'),
  data: z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: Sample })) }),
  warnings: z.array(z.string()).optional(),
})
const BuildInfo = z.object({ status: z.literal('success'), data: z.object({ version: z.string() }) })
const ErrorBody = z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() })

export type MatrixResult = z.infer<typeof Matrix>['data']['result']
export type VectorResult = z.infer<typeof Vector>['data']['result']

export class SourceError extends ToolError {
  constructor(
    message: string,
    hint: string,
    readonly retryable = false,
    cause?: unknown,
  ) {
    super('SOURCE_UNAVAILABLE', message, { hint, cause })
  }
}

export class PromClient {
  readonly base: string
  requests = 0
  constructor(private readonly o: PromClientOptions) {
    let u: URL
    try {
      u = new URL(o.url)
    } catch {
      throw new ToolError('USAGE', `--url '${o.url}' is not a URL`, { hint: 'Write it like http://127.0.0.1:9090.' })
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new ToolError('USAGE', `--url '${o.url}' is not http(s)`, { hint: 'Write it like http://127.0.0.1:9090.' })
    this.base = u.href.replace(/\/$/, '')
  }

  /** Confirms the URL is a Prometheus server; returns its version. */
  async buildInfo(): Promise<string> {
    const body = await this.get('/api/v1/status/buildinfo', {})
    const p = BuildInfo.safeParse(body)
    if (!p.success)
      throw new SourceError(
        `${this.base} answered /api/v1/status/buildinfo, but not as Prometheus does`,
        'Check --url points at the Prometheus server itself (port 9090 by default), not a dashboard or exporter.',
      )
    return p.data.data.version
  }

  async queryRange(query: string, start: number, end: number, stepSec: number): Promise<MatrixResult> {
    const body = await this.get('/api/v1/query_range', { query, start: String(start / 1000), end: String(end / 1000), step: String(stepSec) })
    const p = Matrix.safeParse(body)
    if (!p.success) throw this.shapeError(body, query)
    return p.data.data.result
  }

  async query(query: string, at: number): Promise<VectorResult> {
    const body = await this.get('/api/v1/query', { query, time: String(at / 1000) })
    const p = Vector.safeParse(body)
    if (!p.success) throw this.shapeError(body, query)
    return p.data.data.result
  }

  private shapeError(body: unknown, query: string): SourceError {
    const e = ErrorBody.safeParse(body)
    if (e.success)
      return new SourceError(
        `Prometheus rejected the query (${e.data.errorType}: ${e.data.error}): ${query}`,
        e.data.errorType === 'bad_data' ? 'Check --selector: it must be a PromQL label matcher like {job="node"}.' : 'See the Prometheus error above.',
      )
    return new SourceError(
      `${this.base} returned JSON that is not a Prometheus query result`,
      'Check --url points at Prometheus (or a compatible API such as Thanos or VictoriaMetrics).',
    )
  }

  private async get(path: string, params: Record<string, string>): Promise<unknown> {
    const url = `${this.base}${path}?${new URLSearchParams(params).toString()}`
    const timeoutMs = this.o.timeoutMs ?? 30_000
    // Refused connections, timeouts, 429 and 5xx are retried (SourceError.retryable); the rest is thrown at once.
    const once = async (): Promise<unknown> => {
      this.requests++
      let res: Response
      try {
        res = await fetch(url, { headers: { Accept: 'application/json', ...(this.o.headers ?? {}) }, signal: AbortSignal.timeout(timeoutMs) })
      } catch (cause) {
        const code = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).name
        throw code === 'TimeoutError' || code === 'AbortError'
          ? new SourceError(
              `${this.base} did not answer within ${timeoutMs / 1000} s (${path})`,
              'Raise --timeout, shorten --days, or query a less loaded Prometheus.',
              true,
              cause,
            )
          : new SourceError(`Cannot reach ${this.base} (${code})`, 'Check --url, that Prometheus is running, and that this machine can reach it.', true, cause)
      }
      if (res.status === 401 || res.status === 403)
        throw new SourceError(
          `${this.base} refused the request: HTTP ${res.status} ${res.status === 401 ? 'Unauthorized' : 'Forbidden'}`,
          'Pass credentials: --header "Authorization: Bearer TOKEN" or --basic-auth user:password.',
        )
      const text = await res.text()
      if (res.status === 429 || res.status >= 500)
        throw new SourceError(
          `${this.base} answered HTTP ${res.status} (${path})`,
          'Prometheus is overloaded or failing: try again later, or lower --concurrency.',
          true,
        )
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        throw new SourceError(
          `${this.base}${path} answered HTTP ${res.status} with something that is not JSON (${text.slice(0, 60).replace(/\s+/g, ' ')}...)`,
          'Check --url points at the Prometheus server (e.g. http://host:9090), not a web page or proxy login.',
        )
      }
      if (res.status >= 400 && !ErrorBody.safeParse(body).success)
        throw new SourceError(`${this.base}${path} answered HTTP ${res.status}`, 'Check --url points at the Prometheus server.')
      return body
    }
    try {
      return await withRetry(once, {
        maxRetries: this.o.retries ?? 3,
        baseDelayMs: this.o.backoffMs ?? 250,
        maxDelayMs: 10_000,
        retryable: (e) => e instanceof SourceError && e.retryable,
      })
    } catch (e) {
      // After the retries, the last error as it was: its message and hint say what to fix.
      throw e instanceof RetriesExhausted ? e.last : e
    }
  }
}
