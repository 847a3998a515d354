import { dynamoDbPrices, type DynamoDbPrices } from './dynamodb.js'
import { ebsPrices, type EbsPrices } from './ebs.js'
import { elastiCachePrices, type ElastiCachePrices } from './elasticache.js'
import { fargatePrices, type FargatePrices } from './fargate.js'
import { lambdaPrices, type LambdaPrices } from './lambda.js'
import { rdsCatalog, type RdsCatalog, type RdsClass } from './rds.js'
import { s3Prices, type S3Prices } from './s3.js'
import { priceTable } from './unit-prices.js'

/**
 * Every service's catalog beside EC2's (`Catalog`): RDS classes and prices, EBS, Lambda, ElastiCache, DynamoDB,
 * Fargate and S3 prices. Read once at the edge (catalog/load.ts loadServiceCatalogs) and handed to the analyzers, which read no files.
 */
export interface ServiceCatalogs {
  rds: RdsCatalog
  ebs: EbsPrices
  lambda: LambdaPrices
  elasticache: ElastiCachePrices
  dynamodb: DynamoDbPrices
  fargate: FargatePrices
  s3: S3Prices
}

/** The bundled data files' text, by role; catalog/load.ts reads them, tests may build variants. */
export interface ServiceCatalogFiles {
  rdsJson: string
  unitPricesCsv: string
  publishedPricesCsv: string
  elastiCachePricesCsv: string
}

export function buildServiceCatalogs(f: ServiceCatalogFiles): ServiceCatalogs {
  const t = priceTable(f.unitPricesCsv, f.publishedPricesCsv)
  return {
    rds: rdsCatalog((JSON.parse(f.rdsJson) as { classes: RdsClass[] }).classes, t),
    ebs: ebsPrices(t),
    lambda: lambdaPrices(t),
    elasticache: elastiCachePrices(f.elastiCachePricesCsv),
    dynamodb: dynamoDbPrices(t),
    fargate: fargatePrices(t),
    s3: s3Prices(t),
  }
}
