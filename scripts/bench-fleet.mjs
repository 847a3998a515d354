// The synthetic fleet the benchmarks share: instance ids i-00000000.. and a manifest cycling through common types.
import { writeFileSync } from 'node:fs'

const TYPES = ['m5.large', 'm5.xlarge', 'm5.2xlarge', 'c5.xlarge', 'r5.large', 'm6i.xlarge', 'c6i.2xlarge', 'r6i.xlarge']

/** Writes the resources manifest of N instances (ids as the generators' SQL makes them: 'i-' || lpad(i, 8, '0')). */
export function writeFleetManifest(path, n) {
  writeFileSync(
    path,
    JSON.stringify(
      Array.from({ length: n }, (_, i) => ({
        id: `i-${String(i).padStart(8, '0')}`,
        kind: 'ec2-instance',
        region: 'us-east-1',
        instanceType: TYPES[i % TYPES.length],
      })),
    ),
  )
}
