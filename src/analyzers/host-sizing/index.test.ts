import { describe, expect, it } from 'vitest'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import { Ec2RightsizeOptionsSchema } from '../ec2-rightsize/index.js'
import type { UsageSummary } from '../../store/types.js'
import { repeat, usage } from '../test-utils.js'
import { hostSizing } from './index.js'

const services = loadServiceCatalogs()

const catalog = loadCatalog()
const host = (vcpus: number, memoryGiB: number, cpuPct: number, memPct?: number) => {
  const b = usage('db1', undefined).series('cpu.utilization', 'max', repeat([cpuPct]))
  if (memPct !== undefined) b.series('mem.utilization', 'max', repeat([memPct]))
  const u = b.build()
  return { ...u, resource: { ...u.resource, kind: 'host' as const, attributes: { vcpus, memoryGiB } as Record<string, string | number> } }
}
const analyze = (u: UsageSummary, o = {}) => hostSizing.analyze({ usage: u, catalog, services }, Ec2RightsizeOptionsSchema.parse(o)).recommendations[0]!

describe('host.ec2-sizing worked examples (us-east-1 prices from the bundled catalog)', () => {
  it('an 8-core, 32 GiB host at 25% CPU and 25% memory fits m5a.xlarge (x86_64, as the host), m6g.xlarge after a migration', () => {
    // CPU demand = 25% x 8 cores = 2 vCPU; need = 2 x 1.2 = 2.4 vCPU -> 4 vCPU. Memory peak = 25% x 32 GiB = 8 GiB;
    // need = 8 x 1.2 = 9.6 GiB -> 16 GiB. The host is taken as x86_64, so x86 options rank first: m5a.xlarge at
    // $0.172/h: 0.172 x 730 = $125.56. The cheapest overall is Graviton: t4g.xlarge ($0.1344/h) is burstable and its
    // 40% baseline (1.6 vCPU) is below the sustained 2 vCPU, so m6g.xlarge at $0.154/h ($112.42), shown third.
    const rec = analyze(host(8, 32, 25, 25))
    expect(rec.analyzer).toBe('host.ec2-sizing')
    expect(rec.finding).toBe('Sized')
    expect(rec.options.map((o) => o.change.instanceType)).toEqual(['m5a.xlarge', 'm6a.xlarge', 'm6g.xlarge'])
    expect(rec.options.map((o) => o.monthlyCost)).toEqual([125.56, 126.14, 112.42])
    expect(rec.summary).toBe('8 cores, 32 GiB: fits m5a.xlarge for $125.56/month (VeryLow risk): needs 2.4 vCPU and 9.6 GiB.')
    const any = analyze(host(8, 32, 25, 25), { preferArchitecture: 'any' })
    expect(any.options.map((o) => o.change.instanceType)).toEqual(['m6g.xlarge', 'm7g.xlarge', 'm5a.xlarge'])
    expect(any.options[0]!.monthlyCost).toBe(112.42)
    expect(rec.options[0]!.monthlySavings).toBeNull() // a host has no EC2 price to save against
  })

  it("without memory data the host's memory is kept; with too little data, InsufficientData", () => {
    // Memory not measured: options keep at least the host's 32 GiB.
    const blind = analyze(host(8, 32, 25))
    for (const o of blind.options) expect(catalog.get(String(o.change.instanceType))!.memoryGiB).toBeGreaterThanOrEqual(32)
    expect(blind.summary).toMatch(/memory not measured, kept at the host’s size/)
    const u = host(8, 32, 25, 25)
    const short = { ...u, metrics: { ...u.metrics, 'cpu.utilization': { max: { ...u.metrics['cpu.utilization']!.max!, hours: 10 } } } }
    expect(analyze(short).finding).toBe('InsufficientData')
    const noCores = { ...u, resource: { ...u.resource, attributes: {} } }
    expect(analyze(noCores).reasons).toEqual(['HostSizeUnknown'])
  })
})
