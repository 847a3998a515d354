import { DescribeInstanceTypeOfferingsCommand, paginateDescribeInstanceTypes, type EC2Client, type InstanceTypeInfo } from '@aws-sdk/client-ec2'
import { paginateGetProducts, type PricingClient } from '@aws-sdk/client-pricing'
import type { Catalog } from '../../catalog/catalog.js'
import type { CatalogFile, InstanceType } from '../../catalog/types.js'

type TypeEntry = Omit<InstanceType, 'regions' | 'pricePerHour'> & { pricePerHour: Record<string, { amount: number; currency: 'USD' | 'CNY' }> }

/**
 * DescribeInstanceTypes records -> catalog entries. Fields the API does not carry (the burst baseline, the processor
 * name) are kept from the bundled catalog when it knows the type; prices come separately from the Pricing API.
 */
export function typeFromApi(t: InstanceTypeInfo, known?: InstanceType): TypeEntry | undefined {
  const name = t.InstanceType
  const vcpus = t.VCpuInfo?.DefaultVCpus
  const mib = t.MemoryInfo?.SizeInMiB
  if (!name || !vcpus || !mib) return undefined
  const family = name.split('.')[0] ?? name
  const size = name.slice(family.length + 1)
  const card = t.NetworkInfo?.NetworkCards?.[0]
  const ebs = t.EbsInfo?.EbsOptimizedInfo
  return {
    name,
    family,
    generation: Number(/\d+/.exec(family)?.[0] ?? 0),
    size,
    familyGroup: /^[a-z]+/.exec(family)?.[0] ?? family,
    vcpus,
    memoryGiB: mib / 1024,
    architectures: t.ProcessorInfo?.SupportedArchitectures ?? known?.architectures ?? [],
    processorManufacturer: t.ProcessorInfo?.Manufacturer ?? known?.processorManufacturer ?? '',
    physicalProcessor: known?.physicalProcessor ?? '',
    sustainedClockGhz: t.ProcessorInfo?.SustainedClockSpeedInGhz ?? known?.sustainedClockGhz ?? null,
    burstable: t.BurstablePerformanceSupported ?? known?.burstable ?? false,
    burstBaselinePct: known?.burstBaselinePct ?? null,
    currentGeneration: t.CurrentGeneration ?? known?.currentGeneration ?? true,
    bareMetal: t.BareMetal ?? false,
    hypervisor: t.Hypervisor ?? known?.hypervisor ?? '',
    networkBaselineGbps: card?.BaselineBandwidthInGbps ?? known?.networkBaselineGbps ?? null,
    networkPeakGbps: card?.PeakBandwidthInGbps ?? known?.networkPeakGbps ?? null,
    networkLabel: t.NetworkInfo?.NetworkPerformance ?? known?.networkLabel ?? '',
    ebsBaselineMbps: ebs?.BaselineBandwidthInMbps ?? known?.ebsBaselineMbps ?? null,
    ebsMaxMbps: ebs?.MaximumBandwidthInMbps ?? known?.ebsMaxMbps ?? null,
    ebsBaselineIops: ebs?.BaselineIops ?? known?.ebsBaselineIops ?? null,
    ebsMaxIops: ebs?.MaximumIops ?? known?.ebsMaxIops ?? null,
    instanceStorageGb: t.InstanceStorageInfo?.TotalSizeInGB ?? null,
    gpuCount: (t.GpuInfo?.Gpus ?? []).reduce((a, g) => a + (g.Count ?? 0), 0),
    gpuManufacturer: t.GpuInfo?.Gpus?.[0]?.Manufacturer ?? null,
    gpuModel: t.GpuInfo?.Gpus?.[0]?.Name ?? null,
    gpuMemoryMiB: t.GpuInfo?.Gpus?.[0]?.MemoryInfo?.SizeInMiB ?? null,
    neuronDevice: t.NeuronInfo?.NeuronDevices?.[0]?.Name ?? t.InferenceAcceleratorInfo?.Accelerators?.[0]?.Name ?? null,
    pricePerHour: {},
  }
}

/**
 * Pricing GetProducts price-list items (JSON strings) -> on-demand USD per hour by instance type, keeping Linux,
 * shared tenancy, no pre-installed software, capacity status Used, no licence: the rows Compute Optimizer's
 * on-demand comparisons use. Items of other kinds are skipped.
 */
export function pricesFromProducts(items: readonly string[]): Map<string, number> {
  const out = new Map<string, number>()
  for (const raw of items) {
    let p: {
      product?: { attributes?: Record<string, string> }
      terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, { unit?: string; pricePerUnit?: { USD?: string } }> }> }
    }
    try {
      p = JSON.parse(raw) as typeof p
    } catch {
      continue
    }
    const a = p.product?.attributes ?? {}
    if (!a.instanceType || a.operatingSystem !== 'Linux' || a.tenancy !== 'Shared' || a.preInstalledSw !== 'NA' || a.capacitystatus !== 'Used') continue
    if (a.licenseModel && a.licenseModel !== 'No License required') continue
    for (const offer of Object.values(p.terms?.OnDemand ?? {}))
      for (const d of Object.values(offer.priceDimensions ?? {})) {
        const usd = Number(d.pricePerUnit?.USD)
        if (d.unit === 'Hrs' && Number.isFinite(usd) && usd > 0) out.set(a.instanceType, usd)
      }
  }
  return out
}

/** Refreshes specs, regional offerings and on-demand prices from the live APIs into a catalog overlay file. */
export async function fetchCatalog(
  ec2For: (region: string) => EC2Client,
  pricing: PricingClient,
  regions: readonly string[],
  bundled: Catalog,
  now: number,
  onProgress?: (s: string) => void,
): Promise<CatalogFile> {
  const types = new Map<string, TypeEntry>()
  for await (const page of paginateDescribeInstanceTypes({ client: ec2For(regions[0]!) }, {}))
    for (const t of page.InstanceTypes ?? []) {
      const e = typeFromApi(t, t.InstanceType ? bundled.get(t.InstanceType) : undefined)
      if (e) types.set(e.name, e)
    }
  onProgress?.(`${types.size} instance types from DescribeInstanceTypes`)
  const offered = new Map<string, number[]>()
  for (const [ri, region] of regions.entries()) {
    let token: string | undefined
    do {
      const r = await ec2For(region).send(new DescribeInstanceTypeOfferingsCommand({ LocationType: 'region', ...(token ? { NextToken: token } : {}) }))
      for (const o of r.InstanceTypeOfferings ?? []) if (o.InstanceType) offered.set(o.InstanceType, [...(offered.get(o.InstanceType) ?? []), ri])
      token = r.NextToken
    } while (token)
    let priced = 0
    const items: string[] = []
    for await (const page of paginateGetProducts(
      { client: pricing },
      {
        ServiceCode: 'AmazonEC2',
        FormatVersion: 'aws_v1',
        Filters: [
          ['regionCode', region],
          ['operatingSystem', 'Linux'],
          ['tenancy', 'Shared'],
          ['preInstalledSw', 'NA'],
          ['capacitystatus', 'Used'],
        ].map(([Field, Value]) => ({ Type: 'TERM_MATCH', Field, Value })),
      },
    ))
      for (const item of page.PriceList ?? []) items.push(String(item))
    for (const [name, usd] of pricesFromProducts(items)) {
      const t = types.get(name)
      if (t) {
        t.pricePerHour[region] = { amount: usd, currency: 'USD' }
        priced++
      }
    }
    onProgress?.(`${region}: ${offered.size} types offered, ${priced} priced`)
  }
  const date = new Date(now).toISOString().slice(0, 10)
  return {
    schemaVersion: 1,
    generatedBy: 'headroom catalog update',
    sources: [
      {
        name: 'AWS EC2 DescribeInstanceTypes, DescribeInstanceTypeOfferings and Pricing GetProducts (on-demand Linux, shared tenancy)',
        licence: 'AWS API data',
        origin: `live APIs, regions ${regions.join(', ')}`,
        date,
      },
    ],
    regions: [...regions],
    types: [...types.values()].filter((t) => offered.has(t.name)).map((t) => ({ ...t, regions: offered.get(t.name)! })),
  }
}
