import { describe, expect, it } from 'vitest'
import { loadCatalog, loadServiceCatalogs } from '../../catalog/load.js'
import type { UsageSummary } from '../../store/types.js'
import { Ec2RightsizeOptionsSchema, ec2Rightsize } from '../ec2-rightsize/index.js'
import { repeat, usage } from '../test-utils.js'
import { catalogGpuModel, GpuOptionsSchema, gpuRightsize } from './index.js'

const catalog = loadCatalog()
const services = loadServiceCatalogs()
const run = (u: UsageSummary) => gpuRightsize.analyze({ usage: u, catalog, services }, GpuOptionsSchema.parse({})).recommendations
const N = 14 * 288
const MIB = 1048576

describe('gpu.rightsize worked examples (bundled us-east-1 prices)', () => {
  it('g5.12xlarge (4 x A10G) at 15%: g5.4xlarge, the cheapest one-GPU g5 whose vCPUs, memory and GPU memory still fit', () => {
    const u = usage('i-g5', 'g5.12xlarge')
      .series('gpu.utilization', 'max', repeat([15], N))
      .series('gpu.memory.used.bytes', 'max', repeat([0.2 * 22888 * MIB], N))
      .series('cpu.utilization', 'max', repeat([10], N))
      .series('mem.utilization', 'max', repeat([20], N))
      .build()
    const [rec] = run(u)
    // Busy GPUs: 15% x 4 = 0.6; at most 80% busy: 0.6 / 0.8 = 0.75 GPU -> one A10G is enough.
    // vCPUs: 10% x 48 = 4.8 / 0.8 = 6 (g5.xlarge's 4 are too few); memory: 20% x 192 GiB x 1.2 = 46.1 GiB (g5.2xlarge's
    // 32 too little); GPU memory: 20% of 22,888 MiB on every one of 4 GPUs = 18,310 MiB <= one A10G's 22,888.
    expect(rec!.finding).toBe('Overprovisioned')
    expect(rec!.options.map((o) => o.change.instanceType)).toEqual(['g5.4xlarge', 'g5.8xlarge', 'g5.16xlarge'])
    // ($5.672 - $1.624) x 730 h = $2,955.04 a month.
    expect(rec!.options[0]!.monthlySavings).toBe(2955.04)
    expect(rec!.estimatedMonthlySavings).toBe(2955.04)
    // 0.6 busy GPUs on one: 60%, within three quarters of the 80% limit.
    expect(rec!.options[0]!.performanceRisk).toBe('VeryLow')
    expect(rec!.options[0]!.notes[0]).toBe('1 x A10G: the p99.5 GPU load (0.6 GPUs busy) would keep them 60% busy.')
    expect(rec!.summary).toBe('4 x A10G 15% busy (p99.5): g5.4xlarge (1 GPU) saves $2955.04/month.')
  })

  it('a model that fills its GPUs’ memory keeps them all, and unmeasured GPU memory makes fewer GPUs a Medium risk', () => {
    const full = usage('i-g5', 'g5.12xlarge')
      .series('gpu.utilization', 'max', repeat([15], N))
      .series('gpu.memory.used.bytes', 'max', repeat([0.6 * 22888 * MIB], N))
      .build()
    // 60% of 22,888 MiB x 4 = 54,931 MiB: more than one A10G; the other g5 with 4 GPUs cost more.
    const [a] = run(full)
    expect(a!.finding).toBe('Optimized')
    expect(a!.summary).toBe('4 x A10G 15% busy (p99.5): no smaller g5 holds it.')
    const blind = usage('i-g5', 'g5.12xlarge')
      .series('gpu.utilization', 'max', repeat([15], N))
      .build()
    const [b] = run(blind)
    expect(b!.memoryBlind).toBe(true)
    expect(b!.options[0]!.change.instanceType).toBe('g5.xlarge')
    expect(b!.options[0]!.performanceRisk).toBe('Medium')
  })

  it('idle GPUs: flagged with the whole instance’s cost', () => {
    const [rec] = run(
      usage('i-p4', 'p4d.24xlarge')
        .series('gpu.utilization', 'max', repeat([0, 2, 1], N))
        .build(),
    )
    expect(rec!.finding).toBe('Flagged')
    expect(rec!.check).toBe('idle-gpu')
    expect(rec!.reasons).toEqual(['GpuIdle'])
    // $21.957642 x 730 = $16,029.08 a month.
    expect(rec!.estimatedMonthlySavings).toBe(16029.08)
    expect(rec!.summary).toBe('8 x A100 never above 2% busy in 336 h ($16029.08/month): stop it, or run its CPU work on an instance without GPUs.')
  })

  it('over the limit: a g5 with more GPUs, never another model', () => {
    const [rec] = run(
      usage('i-g4', 'g4dn.xlarge')
        .series('gpu.utilization', 'max', repeat([95], N))
        .build(),
    )
    // 0.95 busy / 0.8 = 1.19 GPUs: the next g4dn with more T4s is the 4-GPU g4dn.12xlarge.
    expect(rec!.finding).toBe('Underprovisioned')
    expect(rec!.options.map((o) => o.change.instanceType)).toEqual(['g4dn.12xlarge'])
    expect(rec!.currentPerformanceRisk).toBe('Medium')
  })

  it('Neuron instances are flagged, not sized; no GPU data is InsufficientData; CPU-only types are not this analyzer’s', () => {
    const [n] = run(
      usage('i-inf', 'inf2.xlarge')
        .series('cpu.utilization', 'max', repeat([50], N))
        .build(),
    )
    expect(n!.reasons).toEqual(['NeuronAccelerator'])
    expect(n!.summary).toMatch(/^inf2\.xlarge runs on AWS Inferentia2, not a GPU/)
    const [d] = run(
      usage('i-g5', 'g5.xlarge')
        .series('cpu.utilization', 'max', repeat([50], N))
        .build(),
    )
    expect(d!.finding).toBe('InsufficientData')
    expect(d!.reasons).toEqual(['GpuUnmeasured'])
    expect(
      run(
        usage('i-m5', 'm5.large')
          .series('gpu.utilization', 'max', repeat([50], N))
          .build(),
      ),
    ).toEqual([])
    const [short] = run(
      usage('i-g5', 'g5.xlarge')
        .series('gpu.utilization', 'max', repeat([50], 100))
        .build(),
    )
    expect(short!.summary).toBe('8.3 h of GPU data; at least 30 h are needed.')
  })

  it('ec2.rightsize never swaps the accelerator: a g5.xlarge (A10G) is not offered the cheaper g6.xlarge (L4) of the same GPU count', () => {
    // The trap: one GPU each, at least as much instance storage, 20% cheaper; the GPU count alone allowed it.
    expect([catalog.get('g6.xlarge')!.gpuModel, catalog.get('g6.xlarge')!.gpuCount]).toEqual(['L4', 1])
    expect(catalog.priceUsd('g6.xlarge', 'us-east-1')!).toBeLessThan(catalog.priceUsd('g5.xlarge', 'us-east-1')!)
    const u = usage('i-g5', 'g5.xlarge')
      .series('cpu.utilization', 'max', repeat([5], N))
      .series('mem.utilization', 'max', repeat([10], N))
      .build()
    const options = ec2Rightsize.analyze({ usage: u, catalog, services }, Ec2RightsizeOptionsSchema.parse({})).recommendations.flatMap((r) => r.options)
    for (const o of options) expect(catalog.get(String(o.change.instanceType))!.gpuModel).toBe('A10G')
  })

  it('a host measured by node_exporter and DCGM: sized onto EC2 types with its GPU model, any family', () => {
    const u = usage('10.0.0.7:9100', undefined)
      .series('gpu.utilization', 'max', repeat([40], N))
      .series('cpu.utilization', 'max', repeat([20], N))
      .build()
    const host = {
      ...u,
      resource: { ...u.resource, kind: 'host' as const, attributes: { vcpus: 16, memoryGiB: 64, gpuCount: 1, gpuModelName: 'NVIDIA A10G' } },
    }
    const [rec] = run(host)
    // 0.4 busy / 0.8 = 0.5 GPU; 20% x 16 vCPUs / 0.8 = 4 vCPUs: g5.xlarge (1 A10G, 4 vCPUs, $1.006/h = $734.38/month).
    expect(rec!.finding).toBe('Sized')
    // A host has no EC2 price: its current state carries no monthlyCost (the totals would count it as unpriced).
    expect(rec!.current).toEqual({ vcpus: 16, memoryGiB: 64, gpus: 1, gpuModel: 'A10G' })
    expect(rec!.options[0]!.change).toEqual({ instanceType: 'g5.xlarge', gpus: 1 })
    expect(rec!.options[0]!.monthlyCost).toBe(734.38)
    expect(rec!.summary).toBe('1 x A10G 40% busy (p99.5): on EC2, g5.xlarge (1 GPU, $734.38/month) holds it.')
    const odd = { ...host, resource: { ...host.resource, attributes: { ...host.resource.attributes, gpuModelName: 'Imaginary X1' } } }
    expect(run(odd)[0]!.reasons).toEqual(['GpuModelUnknown'])
  })

  it('DCGM model names map to the catalog’s GPU models, the longest whole word first, with the memory their name says', () => {
    expect(catalogGpuModel(catalog, 'Tesla T4')).toEqual({ model: 'T4', memoryMiB: 16384 })
    expect(catalogGpuModel(catalog, 'NVIDIA L40S')?.model).toBe('L40S')
    // A whole L4 (the g6f types' shares of one are not GPUs of their own).
    expect(catalogGpuModel(catalog, 'NVIDIA L4')).toEqual({ model: 'L4', memoryMiB: 22888 })
    expect(catalogGpuModel(catalog, 'NVIDIA A100-SXM4-80GB')).toEqual({ model: 'A100', memoryMiB: 81920 })
    expect(catalogGpuModel(catalog, 'NVIDIA A100-SXM4-40GB')).toEqual({ model: 'A100', memoryMiB: 40960 })
    expect(catalogGpuModel(catalog, 'Imaginary X1')).toBeUndefined()
  })
})
