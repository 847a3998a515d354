/**
 * What a failed AWS call tells a user: which API, which endpoint, and what came back. The SDK's own text for an answer
 * that is not AWS's (a proxy's HTML error page, an emulator without the service) is a parser's complaint
 * ("SyntaxError: Unexpected token '<'", "inspect the hidden field {error}.$response"); the response it failed on is
 * kept on the error ($response, $metadata), and the call it belongs to is tagged here by a middleware.
 */

interface Call {
  /** The SDK command without its suffix: 'GetMetricData'. */
  api: string
  /** Where the request went: 'https://monitoring.us-east-1.amazonaws.com' or an AWS_ENDPOINT_URL. */
  endpoint: string
}
const calls = new WeakMap<object, Call>()
/** The text of responses that were not XML or JSON, kept for describeAwsError (the SDK's parser consumes the stream). */
const foreignBodies = new WeakMap<object, string>()
/** Enough of a foreign body to quote its first words; an error page is small. */
const FOREIGN_BODY_BYTES = 16_384

interface Request {
  protocol?: string
  hostname?: string
  port?: number
}
type Handler = (args: { request?: unknown }) => Promise<unknown>
type AddMiddleware = (
  mw: (next: Handler, context: { commandName?: string }) => Handler,
  options: { step: 'finalizeRequest' | 'deserialize'; name: string; override: boolean; priority?: 'low' },
) => void
interface RawResponse {
  headers?: Record<string, string>
  body?: unknown
}

/** Tags every error `client` throws with the call it came from (describeAwsError reads it). Returns the client. */
export function tagCalls<C extends { middlewareStack: { add: unknown } }>(client: C): C {
  // The SDK's add() is overloaded per step; these are its finalizeRequest form (args.request is the HttpRequest sent)
  // and its deserialize form at low priority, which sees the raw response before the SDK's parser does.
  const add = (client.middlewareStack.add as AddMiddleware).bind(client.middlewareStack)
  add(
    (next) => async (args) => {
      const out = (await next(args)) as { response?: RawResponse }
      const r = out.response
      const type = headerOf(r?.headers, 'content-type')
      if (r && type && !/xml|json/i.test(type) && isAsyncIterable(r.body)) {
        const chunks: Buffer[] = []
        let size = 0
        for await (const c of r.body) {
          chunks.push(Buffer.from(c as Uint8Array))
          if ((size += (c as Uint8Array).length) >= FOREIGN_BODY_BYTES) break
        }
        const bytes = Buffer.concat(chunks)
        r.body = new Uint8Array(bytes) // what the SDK's parser reads next, in place of the consumed stream
        foreignBodies.set(r, bytes.toString('utf8'))
      }
      return out
    },
    { step: 'deserialize', name: 'headroomForeignBody', override: true, priority: 'low' },
  )
  add(
    (next, context) => async (args) => {
      try {
        return await next(args)
      } catch (err) {
        if (err && typeof err === 'object' && !calls.has(err)) {
          const r = (args.request ?? {}) as Request
          calls.set(err, {
            api: (context.commandName ?? 'the request').replace(/Command$/, ''),
            endpoint: r.hostname ? `${r.protocol ?? 'https:'}//${r.hostname}${r.port ? `:${r.port}` : ''}` : '',
          })
        }
        throw err
      }
    },
    { step: 'finalizeRequest', name: 'headroomCallInfo', override: true },
  )
  return client
}

interface SdkError {
  name?: string
  message?: string
  $metadata?: { httpStatusCode?: number }
  $response?: { statusCode?: number; headers?: Record<string, string>; body?: unknown }
  $responseBodyText?: string
}

/** The answer was not an AWS API's: not XML or JSON, or the SDK could not parse it as such. */
export function isForeignAnswer(err: unknown): boolean {
  const e = (err ?? {}) as SdkError
  const type = contentType(e)
  if (type && !/xml|json/i.test(type)) return true
  return /^(SyntaxError|Unknown)$/.test(e.name ?? '') || /XML parse error|Deserialization error/.test(e.message ?? '')
}

const headerOf = (h: Record<string, string> | undefined, name: string): string => {
  const k = Object.keys(h ?? {}).find((x) => x.toLowerCase() === name)
  return k ? String(h![k]).split(';')[0]!.trim() : ''
}
const contentType = (e: SdkError): string => headerOf(e.$response?.headers, 'content-type')
const isAsyncIterable = (x: unknown): x is AsyncIterable<unknown> => typeof (x as { [Symbol.asyncIterator]?: unknown })?.[Symbol.asyncIterator] === 'function'

/** The first words of a body a person would recognise: an HTML page's title (or text), or the text itself. */
function snippet(e: SdkError): string {
  const kept = e.$response ? foreignBodies.get(e.$response) : undefined
  const raw = kept ?? (typeof e.$responseBodyText === 'string' ? e.$responseBodyText : typeof e.$response?.body === 'string' ? e.$response.body : '')
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(raw)?.[1]
  const text = (title ?? raw.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim()
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/**
 * One line: '<API> at <endpoint> answered HTTP 502 (text/html): "502 Bad Gateway", which is not an AWS API response',
 * or '<API> at <endpoint>: <error name>: <first line of its message>' for AWS's own errors and network failures.
 */
export function describeAwsError(err: unknown): string {
  const e = (err ?? {}) as SdkError
  const call = err && typeof err === 'object' ? calls.get(err) : undefined
  const where = call ? `${call.api}${call.endpoint ? ` at ${call.endpoint}` : ''}` : ''
  if (isForeignAnswer(err)) {
    const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode
    const type = contentType(e)
    const text = snippet(e)
    return `${where || 'the endpoint'} answered${status ? ` HTTP ${status}` : ''}${type ? ` (${type})` : ''}${text ? `: "${text}"` : ''}, which is not an AWS API response`
  }
  const message = (e.message ?? String(err)).split('\n')[0]!.trim()
  return `${where ? `${where}: ` : ''}${e.name ?? 'Error'}: ${message}`
}

/** The fix for a foreign answer. */
export const FOREIGN_ANSWER_HINT =
  'The endpoint did not answer as AWS does: check AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>); an emulator may not implement this API, or a proxy answered instead. Unset them to talk to AWS itself.'
