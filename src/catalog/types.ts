/** One EC2 instance type as headroom reasons about it. Units are in the field names. */
export interface InstanceType {
  name: string
  family: string
  /** Generation digit(s) of the family (m5 -> 5, m7g -> 7); NaN-free: 0 when the name has none. */
  generation: number
  size: string
  familyGroup: string
  vcpus: number
  memoryGiB: number
  architectures: readonly string[]
  processorManufacturer: string
  physicalProcessor: string
  sustainedClockGhz: number | null
  burstable: boolean
  /** Per-vCPU baseline utilization in percent for burstable types (EC2 User Guide credit table). */
  burstBaselinePct: number | null
  currentGeneration: boolean
  bareMetal: boolean
  hypervisor: string
  networkBaselineGbps: number | null
  networkPeakGbps: number | null
  networkLabel: string
  ebsBaselineMbps: number | null
  ebsMaxMbps: number | null
  ebsBaselineIops: number | null
  ebsMaxIops: number | null
  instanceStorageGb: number | null
  gpuCount: number
  /** The GPU (DescribeInstanceTypes GpuInfo): maker, model and memory of one GPU; null without GPUs. */
  gpuManufacturer: string | null
  gpuModel: string | null
  gpuMemoryMiB: number | null
  /** An AWS Neuron accelerator (Inferentia, Trainium: NeuronInfo / InferenceAcceleratorInfo) by name; null without one. */
  neuronDevice: string | null
  /** Regions that offer the type (DescribeInstanceTypeOfferings snapshot). */
  regions: readonly string[]
  /** On-demand Linux shared-tenancy price per hour, by region. Absent region = unknown price. */
  pricePerHour: Readonly<Record<string, { amount: number; currency: 'USD' | 'CNY' }>>
}

export interface CatalogSource {
  name: string
  licence: string
  origin: string
  date: string
}

/** The serialised catalog file (data/catalog/ec2.json and workspace overlays share this shape). */
export interface CatalogFile {
  schemaVersion: 1
  generatedBy: string
  sources: readonly CatalogSource[]
  regions: readonly string[]
  /** Types with region lists as indices into `regions` to keep the shipped file small. */
  types: readonly (Omit<InstanceType, 'regions'> & { regions: readonly number[] })[]
}
