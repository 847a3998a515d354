import type { MetricName } from '../core/metrics.js'
import type { PriceTable, PublishedPrice } from './unit-prices.js'

/**
 * S3 storage classes as headroom stores and prices them (us-east-1, first pricing tier: the cheaper tiers start at 50
 * TB a month). Facts beside the prices (S3 user guide, "Storage classes" and "Lifecycle transitions"): Standard-IA and
 * One Zone-IA bill at least 30 days and 128 KB per object, Glacier Instant Retrieval and Flexible Retrieval at least
 * 90 days, Deep Archive 180 days; Flexible Retrieval and Deep Archive add 40 KB per object (8 KB at the Standard
 * price, 32 KB at theirs); Intelligent-Tiering does not monitor or move objects under 128 KB; lifecycle rules by
 * default do not transition objects under 128 KB (since September 2024).
 */
export const S3_CLASSES = [
  { id: 'STANDARD', metric: 's3.storage.standard.bytes', storageType: 'StandardStorage', label: 'Standard', minDays: 0 },
  { id: 'STANDARD_IA', metric: 's3.storage.standard_ia.bytes', storageType: 'StandardIAStorage', label: 'Standard-IA', minDays: 30 },
  { id: 'ONEZONE_IA', metric: 's3.storage.onezone_ia.bytes', storageType: 'OneZoneIAStorage', label: 'One Zone-IA', minDays: 30 },
  {
    id: 'INTELLIGENT_TIERING',
    metric: 's3.storage.it_frequent.bytes',
    storageType: 'IntelligentTieringFAStorage',
    label: 'Intelligent-Tiering (frequent)',
    minDays: 0,
  },
  {
    id: 'INTELLIGENT_TIERING_IA',
    metric: 's3.storage.it_infrequent.bytes',
    storageType: 'IntelligentTieringIAStorage',
    label: 'Intelligent-Tiering (infrequent)',
    minDays: 0,
  },
  {
    id: 'INTELLIGENT_TIERING_AIA',
    metric: 's3.storage.it_archive_instant.bytes',
    storageType: 'IntelligentTieringAIAStorage',
    label: 'Intelligent-Tiering (archive instant)',
    minDays: 0,
  },
  { id: 'GLACIER_IR', metric: 's3.storage.glacier_ir.bytes', storageType: 'GlacierInstantRetrievalStorage', label: 'Glacier Instant Retrieval', minDays: 90 },
  { id: 'GLACIER', metric: 's3.storage.glacier.bytes', storageType: 'GlacierStorage', label: 'Glacier Flexible Retrieval', minDays: 90 },
  { id: 'DEEP_ARCHIVE', metric: 's3.storage.deep_archive.bytes', storageType: 'DeepArchiveStorage', label: 'Glacier Deep Archive', minDays: 180 },
] as const satisfies readonly { id: string; metric: MetricName; storageType: string; label: string; minDays: number }[]
type S3ClassId = (typeof S3_CLASSES)[number]['id']

/** S3 bills storage per GB-month with GB = 2^30 bytes. */
export const S3_GB = 2 ** 30
/** The smallest object a lifecycle rule transitions by default, and the smallest Intelligent-Tiering monitors. */
export const S3_MIN_TRANSITION_BYTES = 128 * 1024

/** Prices of the classes a lifecycle rule proposes (USD), and every class's storage price. */
export interface S3Prices {
  storageGbMonth: Record<S3ClassId, number>
  getPer1000: { STANDARD: number; STANDARD_IA: number; GLACIER_IR: number }
  retrievalPerGb: { STANDARD_IA: number; GLACIER_IR: number }
  transitionPer1000: { STANDARD_IA: number; GLACIER_IR: number; INTELLIGENT_TIERING: number }
  itMonitoringPer1000Objects: number
  sources: PublishedPrice[]
}

export function s3Prices(t: PriceTable): S3Prices {
  const used: PublishedPrice[] = []
  const p = (item: string) => {
    const r = t.published('S3', item)
    used.push(r)
    return r.usd
  }
  return {
    storageGbMonth: {
      STANDARD: p('Standard storage'),
      STANDARD_IA: p('Standard-IA storage'),
      ONEZONE_IA: p('One Zone-IA storage'),
      INTELLIGENT_TIERING: p('Intelligent-Tiering frequent access storage'),
      INTELLIGENT_TIERING_IA: p('Intelligent-Tiering infrequent access storage'),
      INTELLIGENT_TIERING_AIA: p('Intelligent-Tiering archive instant access storage'),
      GLACIER_IR: p('Glacier Instant Retrieval storage'),
      GLACIER: p('Glacier Flexible Retrieval storage'),
      DEEP_ARCHIVE: p('Glacier Deep Archive storage'),
    },
    getPer1000: { STANDARD: p('Standard GET requests'), STANDARD_IA: p('Standard-IA GET requests'), GLACIER_IR: p('Glacier Instant Retrieval GET requests') },
    retrievalPerGb: { STANDARD_IA: p('Standard-IA retrieval'), GLACIER_IR: p('Glacier Instant Retrieval retrieval') },
    transitionPer1000: {
      STANDARD_IA: p('Standard-IA lifecycle transition'),
      GLACIER_IR: p('Glacier Instant Retrieval lifecycle transition'),
      INTELLIGENT_TIERING: p('Intelligent-Tiering lifecycle transition'),
    },
    itMonitoringPer1000Objects: p('Intelligent-Tiering monitoring and automation'),
    sources: used,
  }
}

/** Age bands of an S3 Inventory summary, in days since LastModifiedDate: [0, 30), [30, 90), [90, 180), [180, ...). */
export const AGE_BANDS_DAYS = [0, 30, 90, 180] as const

/**
 * One storage class of an S3 Inventory report, summarised: objects of at least 128 KB by age band (bytes and
 * counts, AGE_BANDS_DAYS), and the objects under 128 KB apart (lifecycle rules leave them where they are).
 */
export interface InventoryClass {
  bytes: number[]
  objects: number[]
  smallBytes: number
  smallObjects: number
}

/** What `collect s3-inventory` keeps per bucket (s3_inventories.summary), keyed by the inventory's storage class names. */
export interface InventorySummary {
  takenAt: number
  classes: Record<string, InventoryClass>
}
