import { describe, expect, it } from 'vitest'
import { choose, restoreCommands, splitEvenly } from './lambda.js'

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
