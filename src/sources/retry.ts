/**
 * The one retry, backoff and pool helper every collector uses (AWS GetMetricData, Prometheus queries).
 *
 * Backoff is "full jitter": the wait before retry n (1-based) is random() x min(cap, base x 2^n). Of the schemes the
 * AWS Architecture Blog compared ("Exponential Backoff And Jitter", 2015), it did the least work and finished soonest
 * under contention, and it is what the AWS SDKs use; a fixed or un-jittered backoff makes throttled workers retry in
 * lockstep.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number
  baseDelayMs: number
  maxDelayMs: number
  /** Whether an error is worth another attempt (throttling, 5xx, timeouts, resets); others are thrown at once. */
  retryable: (err: unknown) => boolean
  /** Called before each retry's wait, e.g. to count retries. */
  onRetry?: (attempt: number, err: unknown) => void
  random?: () => number
  sleep?: (ms: number) => Promise<void>
}

export const sleepMs = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** The wait before retry `attempt` (1-based): full jitter over min(cap, base x 2^attempt). */
export const backoffMs = (attempt: number, p: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number =>
  random() * Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** attempt)

/** An error that outlived its retries: the last error, and how many attempts were made. */
export class RetriesExhausted extends Error {
  constructor(
    readonly last: unknown,
    readonly attempts: number,
  ) {
    super(`failed after ${attempts} attempt(s): ${(last as Error)?.message ?? String(last)}`, { cause: last })
    this.name = 'RetriesExhausted'
  }
}

/**
 * Runs `attempt` until it succeeds, retrying what `retryable` accepts up to `maxRetries` times with full-jitter
 * backoff. A non-retryable error is rethrown as it is; a retryable one that outlives the retries is thrown as
 * RetriesExhausted (its `last` is the final error).
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, p: RetryPolicy): Promise<T> {
  const sleep = p.sleep ?? sleepMs
  for (let n = 0; ; n++) {
    try {
      return await attempt(n)
    } catch (err) {
      if (!p.retryable(err)) throw err
      if (n >= p.maxRetries) throw new RetriesExhausted(err, n + 1)
      p.onRetry?.(n + 1, err)
      await sleep(backoffMs(n + 1, p, p.random))
    }
  }
}

/**
 * Runs `tasks` with at most `n` in flight, in order of the list, calling `onDone` after each. The first task that
 * throws stops the pool from starting more; the ones in flight finish, then that error is thrown (nothing is left
 * running behind the caller's back).
 */
export async function runPool<T>(tasks: readonly (() => Promise<T>)[], n: number, onDone?: (done: number) => void): Promise<T[]> {
  const results = new Array<T>(tasks.length)
  let next = 0
  let done = 0
  let failed: { err: unknown } | undefined
  const worker = async () => {
    while (next < tasks.length && !failed) {
      const i = next++
      try {
        results[i] = await tasks[i]!()
      } catch (err) {
        failed ??= { err }
        return
      }
      onDone?.(++done)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, tasks.length)) }, worker))
  if (failed) throw failed.err
  return results
}
