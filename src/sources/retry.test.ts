import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backoffMs, RetriesExhausted, runPool, withRetry } from './retry.js'

const noWait = { sleep: () => Promise.resolve() }

describe('backoff', () => {
  it('full jitter: every wait is in [0, min(cap, base x 2^n)), and the ceiling doubles until the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (n, base, cap, r) => {
          const d = backoffMs(n, { baseDelayMs: base, maxDelayMs: cap }, () => r)
          return d >= 0 && d < Math.min(cap, base * 2 ** n) + 1e-9
        },
      ),
    )
    // base 200 ms, cap 10 s (the GetMetricData defaults), random() = 0.5: 200, 400, 800, ..., then 5,000 (half the cap).
    expect([1, 2, 3, 6, 7].map((n) => backoffMs(n, { baseDelayMs: 200, maxDelayMs: 10_000 }, () => 0.5))).toEqual([200, 400, 800, 5000, 5000])
  })
})

describe('withRetry', () => {
  const flaky = (failures: number, err: Error) => {
    let calls = 0
    return { fn: async () => (++calls <= failures ? Promise.reject(err) : `ok after ${calls}`), calls: () => calls }
  }

  it('retries what is retryable, counting each retry, and succeeds', async () => {
    const f = flaky(2, new Error('throttled'))
    const retries: number[] = []
    await expect(
      withRetry(f.fn, { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 1, retryable: () => true, onRetry: (n) => retries.push(n), ...noWait }),
    ).resolves.toBe('ok after 3')
    expect(retries).toEqual([1, 2])
  })

  it('after maxRetries the last error comes out as RetriesExhausted with the attempt count', async () => {
    const last = new Error('still throttled')
    const f = flaky(99, last)
    const err = await withRetry(f.fn, { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1, retryable: () => true, ...noWait }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RetriesExhausted)
    expect(err).toMatchObject({ attempts: 3, last })
    expect(f.calls()).toBe(3)
  })

  it('an error that is not retryable is thrown at once, unchanged', async () => {
    const denied = Object.assign(new Error('denied'), { name: 'AccessDenied' })
    const f = flaky(99, denied)
    await expect(
      withRetry(f.fn, { maxRetries: 5, baseDelayMs: 1, maxDelayMs: 1, retryable: (e) => (e as Error).name !== 'AccessDenied', ...noWait }),
    ).rejects.toBe(denied)
    expect(f.calls()).toBe(1)
  })
})

describe('runPool', () => {
  const tick = () => new Promise((r) => setTimeout(r, 1))

  it('never has more than n in flight, keeps results in task order, reports each one done', async () => {
    let inFlight = 0
    let peak = 0
    const tasks = Array.from({ length: 20 }, (_, i) => async () => {
      peak = Math.max(peak, ++inFlight)
      await tick()
      inFlight--
      return i * i
    })
    const done: number[] = []
    expect(await runPool(tasks, 3, (d) => done.push(d))).toEqual(tasks.map((_, i) => i * i))
    expect(peak).toBe(3)
    expect(done).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
  })

  it('the first failure stops new tasks; the ones in flight finish before the error is thrown', async () => {
    const started: number[] = []
    const finished: number[] = []
    const boom = new Error('fatal')
    const tasks = Array.from({ length: 10 }, (_, i) => async () => {
      started.push(i)
      await tick()
      if (i === 1) throw boom
      await tick()
      finished.push(i)
    })
    await expect(runPool(tasks, 2)).rejects.toBe(boom)
    // Tasks 0 and 1 start; 1 fails; 0 (in flight) still finishes; no task after 2 ever starts.
    expect(finished).toContain(0)
    expect(Math.max(...started)).toBeLessThanOrEqual(2)
  })
})
