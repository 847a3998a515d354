import { describe, expect, it } from 'vitest'
import { checkEndpointEnv } from './clients.js'

describe('checkEndpointEnv', () => {
  it('lets http(s) endpoints and unrelated variables through', () => {
    expect(() =>
      checkEndpointEnv({ AWS_ENDPOINT_URL: 'http://localhost:4566', AWS_ENDPOINT_URL_PRICING: 'https://api.pricing.us-east-1.amazonaws.com' }),
    ).not.toThrow()
    expect(() => checkEndpointEnv({ AWS_ENDPOINT_URL_OTHER_THING: undefined, AWS_REGION: '' })).not.toThrow()
  })

  it('refuses by name what the SDK would fail every call on with a bare "Invalid URL"', () => {
    expect(() => checkEndpointEnv({ AWS_ENDPOINT_URL: '' })).toThrow("AWS_ENDPOINT_URL='' is not an http(s) URL")
    // A host without a scheme parses as the scheme 'localhost:' and would not reach it either.
    expect(() => checkEndpointEnv({ AWS_ENDPOINT_URL: 'localhost:4566' })).toThrow("AWS_ENDPOINT_URL='localhost:4566' is not an http(s) URL")
    expect(() => checkEndpointEnv({ AWS_ENDPOINT_URL_CLOUDWATCH: 'ftp://x' })).toThrow(/^AWS_ENDPOINT_URL_CLOUDWATCH='ftp:\/\/x'/)
  })
})
