/**
 * Baseline CPU utilization per vCPU of burstable (T) types, in percent.
 * DescribeInstanceTypes does not return it (aws-facts.md §4.1), so it comes from the credit table in the
 * EC2 User Guide, "Key concepts and definitions for burstable performance instances"
 * (awsdocs/amazon-ec2-user-guide doc_source/burstable-credits-baseline-concepts.md @0147f87):
 * baseline % = (credits earned per hour / vCPUs) / 60.
 */
const CREDITS_PER_HOUR: Record<string, number> = {
  nano: 6,
  micro: 12,
  small: 24,
  medium: 24,
  large: 36,
  xlarge: 96,
  '2xlarge': 192,
}
const T2_CREDITS_PER_HOUR: Record<string, number> = {
  nano: 3,
  micro: 6,
  small: 12,
  medium: 24,
  large: 36,
  xlarge: 54,
  '2xlarge': 81.6,
}

export function burstBaselinePct(family: string, size: string, vcpus: number): number | null {
  const table = family === 't2' ? T2_CREDITS_PER_HOUR : ['t3', 't3a', 't4g'].includes(family) ? CREDITS_PER_HOUR : undefined
  const credits = table?.[size]
  if (credits === undefined || vcpus <= 0) return null
  return Math.round((credits / vcpus / 60) * 100 * 1000) / 1000
}
