import { describe, expect, it } from 'vitest'
import { repeat, usage } from '../test-utils.js'
import { K8sOptionsSchema, k8sRightsize } from './index.js'
import { loadServiceCatalogs } from '../../catalog/load.js'

const services = loadServiceCatalogs()

const MiB = 2 ** 20
/** A workload: CPU cores (5-minute averages) cycling 0.1, 0.2, 0.3, 0.4; memory working set (maxima) 200 and 300 MiB. */
const workload = (attributes: Record<string, string | number>) => {
  const u = usage('shop/deploy/api', undefined)
    .series('cpu.cores', 'avg', repeat([0.1, 0.2, 0.3, 0.4]))
    .series('mem.used.bytes', 'max', repeat([200 * MiB, 300 * MiB]))
    .build()
  return { ...u, resource: { ...u.resource, provider: 'prometheus', kind: 'k8s-workload' as const, attributes } }
}
const analyze = (attributes: Record<string, string | number>, o = {}) =>
  k8sRightsize.analyze({ usage: workload(attributes), catalog: undefined as never, services }, K8sOptionsSchema.parse(o)).recommendations[0]!

describe('k8s.rightsize worked examples (krr "simple" strategy)', () => {
  it('over-requested: 1 core and 1 GiB for a workload using 0.4 cores at p95 and 300 MiB at peak', () => {
    // 4,032 samples, 1,008 of each CPU value; p95 sits at position 4031 x 0.95 = 3829.45, inside the 0.4 block
    // (positions 3024..4031): CPU request 400m. Memory limit = request = 300 MiB x 1.15 = 345 MiB.
    // 1 core > 0.4 x 1.1 and 1024 MiB > 345 x 1.1 (10% tolerance): both over-provisioned.
    const rec = analyze({ cpuRequestCores: 1, memRequestBytes: 1024 * MiB, memLimitBytes: 1024 * MiB })
    expect(rec.analyzer).toBe('k8s.rightsize')
    expect(rec.finding).toBe('Overprovisioned')
    expect(rec.reasons).toEqual(['CPUOverprovisioned', 'MemoryOverprovisioned'])
    expect(rec.options[0]!.change).toEqual({ cpuRequest: '400m', cpuLimit: 'none', memoryRequest: '345Mi', memoryLimit: '345Mi' })
    expect(rec.summary).toBe('CPU request 1000m -> 400m, memory 1024Mi -> 345Mi (limit 1024Mi -> 345Mi).')
    expect(rec.options[0]!.notes[0]).toMatch(/CPU request = p95, no CPU limit, memory request = limit = peak \+ 15%/)
  })

  it('a memory limit below the peak is an OOM risk: Underprovisioned, current risk High', () => {
    const rec = analyze({ cpuRequestCores: 0.4, memRequestBytes: 256 * MiB, memLimitBytes: 256 * MiB })
    expect([rec.finding, rec.reasons, rec.currentPerformanceRisk]).toEqual(['Underprovisioned', ['MemoryUnderprovisioned'], 'High'])
  })

  it('options change the sizing and the note says which were used; HPA-scaled workloads are flagged, not sized', () => {
    // p90 is also inside the 0.4 block (position 3627.9); no buffer: the limit is the 300 MiB peak.
    const rec = analyze({}, { cpuPercentile: 'p90', memoryBufferPct: 0 })
    expect(rec.finding).toBe('Sized')
    expect(rec.options[0]!.change).toMatchObject({ cpuRequest: '400m', memoryLimit: '300Mi' })
    expect(rec.options[0]!.notes[0]).toMatch(/CPU request = p90, no CPU limit, memory request = limit = peak \+ 0%/)
    expect(analyze({ hpa: 'api-hpa' })).toMatchObject({ finding: 'Flagged', reasons: ['HPAControlled'] })
  })
})
