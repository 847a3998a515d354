/**
 * Builds data/catalog/ec2.json from ../shared/data/aws-catalog (Apache-2.0 sources: moto, Karpenter, ManageIQ).
 * Run: npx tsx scripts/build-catalog.ts [SHARED_DATA_DIR] [OUT_FILE]. Never edit the output by hand.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { join, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { burstBaselinePct } from '../src/catalog/burstable.js'
import type { CatalogFile } from '../src/catalog/types.js'
import { parseCsvLine } from '../src/core/csv.js'

const shared = resolve(process.argv[2] ?? join(import.meta.dirname, '../../shared/data'))
const dir = join(shared, 'aws-catalog')

function readCsv(path: string): Record<string, string>[] {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
  const header = parseCsvLine(lines[0] ?? '')
  return lines.slice(1).map((line) => {
    const cells = parseCsvLine(line)
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']))
  })
}
const num = (s: string | undefined): number | null => (s === undefined || s === '' ? null : Number(s))

const merged = readCsv(join(dir, 'ec2-instance-catalog-merged.csv'))
const offerings = readCsv(join(dir, 'moto-ec2-instance-type-offerings-by-region.csv'))
const prices = readCsv(join(dir, 'karpenter-ec2-ondemand-prices.csv'))
const manageiq = parseYaml(gunzipSync(readFileSync(join(dir, 'manageiq-aws-instance-types.yml.gz'))).toString('utf8')) as Record<
  string,
  Record<string, unknown>
>

/** moto's DescribeInstanceTypes answers, for the accelerator details the merged CSV does not carry. */
interface MotoType {
  GpuInfo?: { Gpus?: { Manufacturer?: string; Name?: string; MemoryInfo?: { SizeInMiB?: number } }[] }
  NeuronInfo?: { NeuronDevices?: { Name?: string }[] }
  InferenceAcceleratorInfo?: { Accelerators?: { Name?: string }[] }
}
const moto = JSON.parse(gunzipSync(readFileSync(join(dir, 'moto-ec2-instance-types.json.gz'))).toString('utf8')) as Record<string, MotoType>
const gpuOf = (name: string) => moto[name]?.GpuInfo?.Gpus?.[0]

const regions = [...new Set(offerings.map((o) => o.region ?? ''))].sort()
const regionIndex = new Map(regions.map((r, i) => [r, i]))
const regionsByType = new Map<string, number[]>()
for (const o of offerings) {
  const list = regionsByType.get(o.instance_type ?? '') ?? []
  list.push(regionIndex.get(o.region ?? '') ?? -1)
  regionsByType.set(o.instance_type ?? '', list)
}
const pricesByType = new Map<string, Record<string, { amount: number; currency: 'USD' | 'CNY' }>>()
for (const p of prices) {
  const entry = pricesByType.get(p.instance_type ?? '') ?? {}
  entry[p.region ?? ''] = { amount: Number(p.ondemand_price_per_hour), currency: p.currency === 'CNY' ? 'CNY' : 'USD' }
  pricesByType.set(p.instance_type ?? '', entry)
}

let skipped = 0
const types: CatalogFile['types'][number][] = []
for (const r of merged) {
  const name = r.instance_type ?? ''
  const vcpus = num(r.vcpus)
  const memoryGiB = num(r.memory_gib)
  if (vcpus === null || memoryGiB === null || !r.architectures) {
    skipped++ // priced in Karpenter but no specs in moto (mostly u-* high-memory types)
    continue
  }
  const [family = '', size = ''] = name.split('.')
  const generation = Number(/^[a-z]+(\d+)/.exec(family)?.[1] ?? 0)
  const miq = manageiq[name]
  const miqCurrent = miq?.[':current_generation']
  types.push({
    name,
    family,
    generation,
    size,
    familyGroup: r.family_group ?? '',
    vcpus,
    memoryGiB,
    architectures: (r.architectures ?? '').split('|'),
    processorManufacturer: r.processor_manufacturer ?? '',
    physicalProcessor: r.physical_processor ?? '',
    sustainedClockGhz: num(r.sustained_clock_ghz),
    burstable: r.burstable === 'true',
    burstBaselinePct: r.burstable === 'true' ? burstBaselinePct(family, size, vcpus) : null,
    // moto marks m5/c5/r5 as previous generation; ManageIQ's flag matches AWS's docs, so it wins when present.
    currentGeneration: typeof miqCurrent === 'boolean' ? miqCurrent : r.current_generation === 'true',
    bareMetal: r.bare_metal === 'true',
    hypervisor: r.hypervisor ?? '',
    networkBaselineGbps: num(r.network_baseline_gbps),
    networkPeakGbps: num(r.network_peak_gbps),
    networkLabel: r.network_performance ?? '',
    ebsBaselineMbps: num(r.ebs_baseline_mbps),
    ebsMaxMbps: num(r.ebs_max_mbps),
    ebsBaselineIops: num(r.ebs_baseline_iops),
    ebsMaxIops: num(r.ebs_max_iops),
    instanceStorageGb: num(r.instance_storage_gb),
    gpuCount: num(r.gpu_count) ?? 0,
    gpuManufacturer: gpuOf(name)?.Manufacturer ?? null,
    gpuModel: gpuOf(name)?.Name ?? null,
    gpuMemoryMiB: gpuOf(name)?.MemoryInfo?.SizeInMiB ?? null,
    neuronDevice: moto[name]?.NeuronInfo?.NeuronDevices?.[0]?.Name ?? moto[name]?.InferenceAcceleratorInfo?.Accelerators?.[0]?.Name ?? null,
    regions: (regionsByType.get(name) ?? []).sort((a, b) => a - b),
    pricePerHour: pricesByType.get(name) ?? {},
  })
}
types.sort((a, b) => a.name.localeCompare(b.name))

const file: CatalogFile = {
  schemaVersion: 1,
  generatedBy: 'scripts/build-catalog.ts from shared/data/aws-catalog (read 2026-11-23)',
  sources: [
    { name: 'moto instance_types.json + instance_type_offerings', licence: 'Apache-2.0', origin: 'getmoto/moto@0af643a5', date: '2026-08-02' },
    {
      name: 'Karpenter on-demand price tables',
      licence: 'Apache-2.0',
      origin: 'aws/karpenter-provider-aws@1d927085 (zz_generated.pricing_aws*.go)',
      date: '2026-07-20T13:44:30Z (us-east-1, us-gov); 2024-11-06 (cn-north-1, CNY)',
    },
    { name: 'ManageIQ aws_instance_types.yml', licence: 'Apache-2.0', origin: 'ManageIQ/manageiq-providers-amazon@59fcb986', date: '2026-04-19' },
    {
      name: 'Burstable baseline (credit table)',
      licence: 'CC-BY-SA-4.0 docs; figures only',
      origin: 'awsdocs/amazon-ec2-user-guide burstable-credits-baseline-concepts.md@0147f87',
      date: '2023',
    },
  ],
  regions,
  types,
}
const out = resolve(process.argv[3] ?? join(import.meta.dirname, '../data/catalog/ec2.json'))
writeFileSync(out, JSON.stringify(file) + '\n')
console.log(`wrote ${out}: ${types.length} types, ${regions.length} regions; skipped ${skipped} rows without specs`)
