import { describe, expect, it } from 'vitest'
import { centsToFirstDigit } from './collect-aws.js'

describe('centsToFirstDigit (dry-run cost)', () => {
  it('shows cents, and below a cent the first significant digit instead of $0.00', () => {
    expect(centsToFirstDigit(0.16)).toBe('0.16')
    expect(centsToFirstDigit(0)).toBe('0.00')
    expect(centsToFirstDigit(0.00024)).toBe('0.0002')
    expect(centsToFirstDigit(0.0042)).toBe('0.004')
    expect(centsToFirstDigit(0.01)).toBe('0.01')
  })
})
