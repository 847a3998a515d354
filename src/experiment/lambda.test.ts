import { describe, expect, it } from 'vitest'
import { choose, parseReport, restoreCommands, splitEvenly } from './lambda.js'

describe('parseReport', () => {
  it('reads a warm REPORT line (tab-separated, as Lambda writes it)', () => {
    const log =
      'START RequestId: a0537bcb Version: 3\nEND RequestId: a0537bcb\nREPORT RequestId: a0537bcb\tDuration: 718.65 ms\tBilled Duration: 719 ms\tMemory Size: 128 MB\tMax Memory Used: 14 MB\t\n'
    expect(parseReport(log)).toEqual({ durationMs: 718.65, billedMs: 719, memoryMB: 128, maxMemoryUsedMB: 14, initMs: null })
  })
  it('reads a cold start: Init Duration apart from Duration, and a billed duration that includes the init phase', () => {
    // The line of open-telemetry/opentelemetry-lambda#2011 (2025): billed 662 = ceil(395.99 + 265.72).
    const line = 'REPORT RequestId: bf5f58db Duration: 395.99 ms Billed Duration: 662 ms Memory Size: 512 MB Max Memory Used: 301 MB Init Duration: 265.72 ms'
    expect(parseReport(line)).toEqual({ durationMs: 395.99, billedMs: 662, memoryMB: 512, maxMemoryUsedMB: 301, initMs: 265.72 })
  })
  it('is undefined when the tail lost the REPORT line (not 0 ms)', () => {
    expect(parseReport('START RequestId: x\nsome log\n')).toBeUndefined()
    expect(parseReport('REPORT RequestId: x\tMemory Size: 128 MB')).toBeUndefined()
  })
})

describe('choose (Lambda Power Tuning strategies)', () => {
  const cs = [
    { name: 'x86_64/256', cost: 3.7e-6, duration: 840 },
    { name: 'arm64/256', cost: 3.3e-6, duration: 930 },
    { name: 'arm64/1024', cost: 3.45e-6, duration: 243 },
    { name: 'x86_64/2048', cost: 4.7e-6, duration: 135 },
  ]
  it('cost: the lowest mean cost; speed: the lowest mean duration', () => {
    expect(choose(cs, 'cost')!.name).toBe('arm64/256')
    expect(choose(cs, 'speed')!.name).toBe('x86_64/2048')
  })
  it('balanced: the lowest w x cost/max + (1 - w) x duration/max (worked at w = 0.5)', () => {
    // max cost 4.7e-6, max duration 930:
    // x86_64/256: 0.5 x 0.787 + 0.5 x 0.903 = 0.845; arm64/256: 0.5 x 0.702 + 0.5 x 1 = 0.851;
    // arm64/1024: 0.5 x 0.734 + 0.5 x 0.261 = 0.498; x86_64/2048: 0.5 x 1 + 0.5 x 0.145 = 0.573.
    expect(choose(cs, 'balanced', 0.5)!.name).toBe('arm64/1024')
    // All weight on cost is the cost strategy; none on cost is the speed strategy.
    expect(choose(cs, 'balanced', 1)!.name).toBe('arm64/256')
    expect(choose(cs, 'balanced', 0)!.name).toBe('x86_64/2048')
  })
  it('breaks ties as Power Tuning does: equal cost goes to the faster, equal duration to the cheaper', () => {
    const tie = [
      { name: 'a', cost: 1, duration: 20 },
      { name: 'b', cost: 1, duration: 10 },
      { name: 'c', cost: 2, duration: 10 },
    ]
    expect(choose(tie, 'cost')!.name).toBe('b')
    expect(choose(tie, 'speed')!.name).toBe('b')
    expect(choose([], 'cost')).toBeUndefined()
  })
})

describe('splitEvenly', () => {
  it('spreads invocations over rounds, the first rounds taking the remainder', () => {
    expect(splitEvenly(20, 5)).toEqual([4, 4, 4, 4, 4])
    expect(splitEvenly(22, 5)).toEqual([5, 5, 4, 4, 4])
    expect(splitEvenly(3, 5)).toEqual([1, 1, 1, 0, 0])
  })
})

describe('restoreCommands', () => {
  it('names the memory, the architecture and whatever was left behind', () => {
    const cmds = restoreCommands({ name: 'fn', memoryMB: 1024, arch: 'x86_64', packageType: 'Zip' }, 'eu-west-1', {
      alias: 'headroom-experiment-x',
      versions: ['7'],
    })
    expect(cmds[0]).toBe('aws lambda update-function-configuration --region eu-west-1 --function-name fn --memory-size 1024')
    expect(cmds).toContain('aws lambda delete-alias --region eu-west-1 --function-name fn --name headroom-experiment-x')
    expect(cmds).toContain('aws lambda delete-function --region eu-west-1 --function-name fn --qualifier 7')
  })
})
