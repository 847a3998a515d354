/**
 * The bundled traces carry no instance sizes, so the demo assigns each VM a current type by a documented,
 * reproducible rule: FNV-1a (32-bit) of the resource id, modulo the length of DEMO_EC2_TYPES.
 * The list is a plausible x86 fleet mix, all priced in us-east-1 in the bundled catalog.
 */
export const DEMO_EC2_TYPES = [
  'm5.large',
  'm5.xlarge',
  'm5.2xlarge',
  'm5.4xlarge',
  'c5.xlarge',
  'c5.2xlarge',
  'r5.large',
  'r5.xlarge',
  'm6i.large',
  'm6i.xlarge',
] as const
export const DEMO_RDS_CLASSES = ['db.m5.large', 'db.r5.large'] as const
/**
 * NAB's `cpu_utilization_asg_misconfiguration` is a real Auto Scaling group's average CPUUtilization (5-minute,
 * 2014-05-14..07-15). The group's size and type are not in the data; the demo assumes the average was measured
 * over 2 m5.large (the DesiredCapacity of data/demo/asg-policy.json), so load = average x 2 x 2 vCPU.
 */
export const DEMO_ASG_ID = 'nab-asg-misconfiguration'
export const DEMO_ASG_ATTRIBUTES = { minSize: 1, maxSize: 5, desiredCapacity: 2, recordedInstances: 2 }

/** The Azure trace has offsets only; offset 0 is placed here (any anchor gives the same analysis). */
export const AZURE_ANCHOR_ISO = '2026-01-01T00:00:00Z'

function fnv1a32(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

export function assignType<T extends string>(id: string, list: readonly T[]): T {
  return list[fnv1a32(id) % list.length]!
}
