import type { PriceTable, PublishedPrice } from './unit-prices.js'

/**
 * DynamoDB throughput prices (us-east-1, Standard table class) and the break-even utilization they imply.
 * Units: one RCU/RRU = one strongly consistent read of up to 4 KB (an eventually consistent read is half a unit);
 * one WCU/WRU = one write of up to 1 KB. CloudWatch's ConsumedRead/WriteCapacityUnits count the same units in both
 * modes, so consumed units price directly as request units (aws-facts.md §7).
 */
export interface DynamoDbPrices {
  /** USD per provisioned unit-hour */
  provisionedHour: { read: number; write: number }
  /** USD per request unit (not per million) */
  onDemandUnit: { read: number; write: number }
  sources: PublishedPrice[]
}

export function dynamoDbPrices(t: PriceTable): DynamoDbPrices {
  const pr = t.published('DynamoDB', 'provisioned read capacity (Standard table class)')
  const pw = t.published('DynamoDB', 'provisioned write capacity (Standard table class)')
  const or = t.published('DynamoDB', 'on-demand read request units (Standard table class)')
  const ow = t.published('DynamoDB', 'on-demand write request units (Standard table class)')
  return { provisionedHour: { read: pr.usd, write: pw.usd }, onDemandUnit: { read: or.usd / 1e6, write: ow.usd / 1e6 }, sources: [pr, pw, or, ow] }
}

/**
 * Break-even utilization: provisioned capacity costs less than on-demand when consumed / provisioned (time-averaged)
 * exceeds hourly price / (3,600 s x on-demand price per unit). With $0.00065 per WCU-hour and $0.625 per million WRU
 * that is 0.00065 / (3,600 x 0.000000625) = 28.9%; reads give the same 28.9% ($0.00013 / (3,600 x $0.000000125)).
 */
export function breakEvenUtilization(kind: 'read' | 'write', p: DynamoDbPrices): number {
  return p.provisionedHour[kind] / (3600 * p.onDemandUnit[kind])
}
