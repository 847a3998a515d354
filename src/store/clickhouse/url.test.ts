import { describe, expect, it } from 'vitest'
import { UsageError } from '../../core/errors.js'
import { isStoreUrl, parseStoreUrl, redact } from './url.js'

describe('--store URL', () => {
  it('reads host, port, database, shards and cluster; credentials are kept apart and left out of the display form', () => {
    expect(parseStoreUrl('clickhouse://alice:p%40ss@ch1:8124/metrics?shards=ch1:8124,ch2:8123&cluster=prod')).toEqual({
      http: 'http://ch1:8124',
      database: 'metrics',
      username: 'alice',
      password: 'p@ss',
      cluster: 'prod',
      shards: ['http://ch1:8124', 'http://ch2:8123'],
      display: 'clickhouse://ch1:8124/metrics?shards=ch1:8124,ch2:8123',
    })
  })

  it('defaults to port 8123, cluster headroom and a single node', () => {
    expect(parseStoreUrl('clickhouse://localhost/headroom')).toEqual({
      http: 'http://localhost:8123',
      database: 'headroom',
      cluster: 'headroom',
      shards: [],
      display: 'clickhouse://localhost:8123/headroom',
    })
  })

  it.each([
    ['clickhouse://u:secret@host:8123/', /names database ''/],
    ['clickhouse://u:secret@host:8123/my-db', /names database 'my-db', which is not a plain name/],
    ['clickhouse://u:secret@host:8123/db?shards=host', /shard 'host' is not host:port/],
    ['clickhouse://u:secret@host:8123/db?replicas=2', /unknown parameter 'replicas'/],
    ['http://u:secret@host:8123/db', /is not a clickhouse:\/\/ URL/],
  ])('%s is refused with the fix, and without the password', (url, problem) => {
    let err: unknown
    try {
      parseStoreUrl(url)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(UsageError)
    expect((err as UsageError).message).toMatch(problem)
    expect((err as UsageError).message).not.toContain('secret')
    expect((err as UsageError).hint).toBeTruthy()
  })

  it('tells store URLs from folders and strips credentials', () => {
    expect(isStoreUrl('clickhouse://h/db')).toBe(true)
    expect(isStoreUrl('.headroom')).toBe(false)
    expect(isStoreUrl(undefined)).toBe(false)
    expect(redact('clickhouse://user:pw@h:1/db')).toBe('clickhouse://h:1/db')
  })
})
