import { ec2Rightsize } from './ec2-rightsize/index.js'
import { taEc2 } from './ta-ec2/index.js'
import { hostSizing } from './host-sizing/index.js'
import { k8sRightsize } from './k8s-rightsize/index.js'
import { ebsRightsize } from './ebs-rightsize/index.js'
import { taIdle } from './ta-idle/index.js'
import { lambdaMemory } from './lambda-memory/index.js'
import { lambdaColdStarts } from './lambda-cold-starts/index.js'
import { gpuRightsize } from './gpu-rightsize/index.js'
import { ecsRightsize } from './ecs-rightsize/index.js'
import { s3StorageClass } from './s3-storage-class/index.js'
import { rdsRightsize } from './rds-rightsize/index.js'
import { dynamoDbCapacity } from './dynamodb-capacity/index.js'
import { elastiCacheRightsize } from './elasticache-rightsize/index.js'
import { cacheOpportunity } from './cache-opportunity/index.js'

/** Built-in analyzers by id (one typed map, HOUSE-STYLE §7.1.3). */
export const ANALYZERS = {
  'ec2.rightsize': ec2Rightsize,
  'ta.ec2-utilization': taEc2,
  'host.ec2-sizing': hostSizing,
  'k8s.rightsize': k8sRightsize,
  'ebs.rightsize': ebsRightsize,
  'ta.idle': taIdle,
  'lambda.memory': lambdaMemory,
  'lambda.cold-starts': lambdaColdStarts,
  'gpu.rightsize': gpuRightsize,
  'ecs.rightsize': ecsRightsize,
  's3.storage-class': s3StorageClass,
  'rds.rightsize': rdsRightsize,
  'dynamodb.capacity': dynamoDbCapacity,
  'elasticache.rightsize': elastiCacheRightsize,
  'cache.opportunity': cacheOpportunity,
} as const
export type AnalyzerId = keyof typeof ANALYZERS
