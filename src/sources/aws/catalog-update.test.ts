import { readFileSync } from 'node:fs'
import type { InstanceTypeInfo } from '@aws-sdk/client-ec2'
import { describe, expect, it } from 'vitest'
import { loadCatalog } from '../../catalog/load.js'
import { pricesFromProducts, typeFromApi } from './catalog-update.js'

/** Parsers on real API answers captured by amazon-ec2-instance-selector (copied to test/fixtures/aws-api-samples, Apache-2.0; NOTICE). */
const SAMPLES = new URL('../../../test/fixtures/aws-api-samples/', import.meta.url)
const sample = (f: string) => JSON.parse(readFileSync(new URL(f, SAMPLES), 'utf8')) as Record<string, unknown>

describe('catalog update parsers (real samples)', () => {
  it('DescribeInstanceTypes: t3.micro specs, with the burst baseline kept from the bundled catalog', () => {
    const [t3] = sample('instance-selector_DescribeInstanceTypes_t3_micro.json').InstanceTypes as InstanceTypeInfo[]
    const e = typeFromApi(t3!, loadCatalog().get('t3.micro'))!
    expect(e).toMatchObject({
      name: 't3.micro',
      family: 't3',
      generation: 3,
      size: 'micro',
      familyGroup: 't',
      vcpus: 2,
      memoryGiB: 1,
      architectures: ['x86_64'],
      burstable: true,
      hypervisor: 'nitro',
      sustainedClockGhz: 2.5,
      networkLabel: 'Up to 5 Gigabit',
    })
    expect(e.burstBaselinePct).toBe(loadCatalog().get('t3.micro')!.burstBaselinePct)
  })
  it('DescribeInstanceTypes: 25 types parse, GPUs counted', () => {
    const list = sample('instance-selector_DescribeInstanceTypes_25_instances.json').InstanceTypes as InstanceTypeInfo[]
    const parsed = list.map((t) => typeFromApi(t)).filter(Boolean)
    expect(parsed).toHaveLength(list.length)
    const p3 = (sample('instance-selector_DescribeInstanceTypes_t3_micro_and_p3_16xl.json').InstanceTypes as InstanceTypeInfo[])
      .map((t) => typeFromApi(t)!)
      .find((t) => t.name === 'p3.16xlarge')!
    expect([p3.vcpus, p3.memoryGiB, p3.gpuCount]).toEqual([64, 488, 8])
  })
  it('Pricing GetProducts: m5.large Linux on-demand per hour', () => {
    const item = readFileSync(new URL('instance-selector_GetProducts_m5_large.json', SAMPLES), 'utf8')
    const prices = pricesFromProducts([item, 'not json'])
    expect(prices.get('m5.large')).toBe(0.096)
  })
})
