import { describe, expect, it } from 'vitest'
import { errorCode, Recorder } from './recorder.js'

describe('the recorder', () => {
  it('undici and socket errors are counted by the codes users know', () => {
    expect(errorCode({ code: 'UND_ERR_HEADERS_TIMEOUT' })).toBe('ETIMEDOUT')
    expect(errorCode({ code: 'UND_ERR_CONNECT_TIMEOUT' })).toBe('ETIMEDOUT')
    expect(errorCode({ code: 'UND_ERR_SOCKET', cause: { code: 'EPIPE' } })).toBe('EPIPE')
    expect(errorCode({ code: 'UND_ERR_SOCKET' })).toBe('ECONNRESET')
    expect(errorCode({ name: 'TypeError', cause: { code: 'ECONNREFUSED' } })).toBe('ECONNREFUSED')
    expect(errorCode({ code: 'UND_ERR_CLOSED' })).toBe('UND_ERR_CLOSED')
  })

  it('counts a response and an error once each, with corrected latency from the intended start', () => {
    const rec = new Recorder(true, false)
    rec.sent()
    rec.sent()
    // Intended at 10 ms, sent at 30 ms (20 ms late), ended at 35 ms: corrected 25 ms, uncorrected 5 ms.
    rec.response(200, 'GET /', 10, 30, 35)
    rec.error({ code: 'UND_ERR_SOCKET' }, 'GET /', 40)
    expect([rec.requests, rec.responses, rec.errors, rec.inFlight, rec.lastEnd]).toEqual([2, 1, 1, 0, 40])
    expect(rec.corrected.maxValue).toBe(25_000)
    expect(rec.uncorrected.maxValue).toBe(5_000)
    expect(rec.endpoints.get('GET /')).toMatchObject({ requests: 2, codes: { 200: 1 }, errors: { ECONNRESET: 1 } })
    expect(rec.finalCounters()).toEqual({ 'http.requests': 2, 'http.responses': 1, 'http.codes.200': 1, 'errors.ECONNRESET': 1 })
    rec.free()
  })
})
