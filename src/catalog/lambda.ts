import type { PriceTable } from './unit-prices.js'

/**
 * Lambda us-east-1 prices from the bundled infracost-derived CSV (first tiers: the cheaper tiers start at 6 and 7.5
 * billion GB-s a month per account, far above one function), and the facts of aws-facts.md §6: memory 128 MB to
 * 10,240 MB in 1-MB steps; CPU proportional to memory, 1,769 MB = one vCPU; billing per 1 ms.
 */
export const LAMBDA = { minMemoryMB: 128, maxMemoryMB: 10_240, oneVcpuMB: 1769 } as const

export interface LambdaPrices {
  requestUsd: number
  gbSecondUsd: { x86_64: number; arm64: number }
  /**
   * Provisioned concurrency: per GB-second configured (billed whether used or not), and the lower duration price of
   * invocations that run on it (data/pricing/published-prices-us-east-1.csv, with sources).
   */
  provisioned: { gbSecondUsd: { x86_64: number; arm64: number }; durationGbSecondUsd: { x86_64: number; arm64: number } }
}

export function lambdaPrices(t: PriceTable): LambdaPrices {
  const pub = (item: string) => t.published('Lambda', item).usd
  return {
    requestUsd: t.unit('Lambda', 'requests') / 1e6,
    gbSecondUsd: { x86_64: t.unit('Lambda', 'x86_64 duration, first 6B GB-s/month'), arm64: t.unit('Lambda', 'arm64 duration, first 7.5B GB-s/month') },
    provisioned: {
      gbSecondUsd: { x86_64: pub('provisioned concurrency x86_64'), arm64: pub('provisioned concurrency arm64') },
      durationGbSecondUsd: { x86_64: pub('provisioned concurrency duration x86_64'), arm64: pub('provisioned concurrency duration arm64') },
    },
  }
}

/** USD per invocation: GB x seconds (billed per ms) x price + the request price. */
export function costPerInvocation(memoryMB: number, durationMs: number, arch: 'x86_64' | 'arm64', p: LambdaPrices): number {
  return (memoryMB / 1024) * (Math.ceil(durationMs) / 1000) * p.gbSecondUsd[arch] + p.requestUsd
}
