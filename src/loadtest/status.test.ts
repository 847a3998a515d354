import { describe, expect, it } from 'vitest'
import { parseExpect, summarizeStatuses } from './status.js'

describe('expected statuses', () => {
  it('classes, codes and ranges; anything else names the bad part', () => {
    const { expected, matches } = parseExpect(' 2XX, 404 ,300-302')
    expect(expected).toBe('2xx,404,300-302')
    expect([200, 299, 404, 301, 302].every(matches)).toBe(true)
    expect([199, 303, 403, 405, 500].some(matches)).toBe(false)
    expect(() => parseExpect('2xx,banana')).toThrow("'banana' is not a status, a class (2xx) or a range (200-299)")
    expect(() => parseExpect('299-200')).toThrow("'299-200'")
    expect(() => parseExpect(' , ')).toThrow('names no status')
  })

  it('counts responses outside the set from Artillery-named counters (2xx and 3xx by default)', () => {
    const counters = { 'http.codes.200': 90, 'http.codes.304': 3, 'http.codes.404': 5, 'http.codes.503': 2, 'http.requests': 100, 'errors.ETIMEDOUT': 1 }
    expect(summarizeStatuses(counters)).toEqual({ expected: '2xx,3xx', unexpected: 7, byCode: { '404': 5, '503': 2 } })
    expect(summarizeStatuses(counters, '2xx,404')).toEqual({ expected: '2xx,404', unexpected: 5, byCode: { '304': 3, '503': 2 } })
  })
})
