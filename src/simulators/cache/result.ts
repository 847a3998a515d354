import { z } from 'zod'
import { POLICIES } from './policies.js'

/** Access log formats `simulate cache` reads (src/sources/file/access-logs.ts). */
export const LOG_FORMATS = ['combined', 'alb', 'cloudfront', 'csv'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]
/** What identifies a cached object. */
export const KEY_MODES = ['path', 'path+query'] as const
export type KeyMode = (typeof KEY_MODES)[number]

export const CACHE_SCHEMA_VERSION = 1

/** `headroom simulate cache`: the exact LRU hit-ratio curves of an access log, and the cache size a target needs. */
export const CacheReportSchema = z.object({
  schemaVersion: z.literal(CACHE_SCHEMA_VERSION),
  tool: z.literal('headroom'),
  version: z.string(),
  kind: z.literal('cache'),
  generatedAt: z.number().describe('epoch ms'),
  input: z.object({
    files: z.array(z.string()),
    format: z.enum(LOG_FORMATS),
    key: z.enum(KEY_MODES).describe('What identifies a cached object'),
    nodePrices: z
      .object({
        file: z.string(),
        engine: z.string(),
        region: z.string(),
        reservedMemoryShare: z.number().describe("Share of each node's memory the engine keeps for backups and failover"),
      })
      .nullable()
      .describe('--node-prices: the AWS Price List file ElastiCache nodes were priced from; null without it'),
  }),
  requests: z.object({
    lines: z.number().int().describe('Request lines read (headers and blank lines aside)'),
    cacheable: z.number().int().describe('GET and HEAD requests below status 400'),
    sampled: z.number().int().describe('The cacheable requests replayed: all of them, or the SHARDS sample'),
    sampleRate: z.number().describe('SHARDS sampling rate; 1 = exact'),
    malformed: z.number().int(),
    malformedExamples: z.array(z.object({ file: z.string(), line: z.number().int(), text: z.string() })).describe('The first few, with line numbers'),
    skippedMethod: z.number().int().describe('Not GET or HEAD'),
    skippedStatus: z.number().int().describe('Status 400 or above'),
    distinctObjects: z.number().int().describe('Estimated from the sample when sampled'),
    distinctBytes: z.number().describe('Sum of the last size seen of each distinct object: the cache that holds everything (estimated when sampled)'),
    reuses: z.number().int().describe('Replayed requests for an object seen before'),
    first: z.number().describe('epoch ms of the first cacheable request'),
    last: z.number().describe('epoch ms of the last'),
    peakPerSecond: z.number().describe('Cacheable requests per second in the busiest minute'),
  }),
  method: z.string().describe('How the curves were computed'),
  byObjects: z.array(z.object({ objects: z.number().int(), hitRatio: z.number() })).describe('LRU cache holding N objects: share of requests that hit'),
  byBytes: z
    .array(z.object({ bytes: z.number(), requestHitRatio: z.number(), byteHitRatio: z.number() }))
    .describe('LRU cache of N bytes of objects: shares of requests and of bytes served from the cache'),
  policies: z
    .array(
      z.object({
        policy: z.enum(POLICIES),
        ttlSec: z.number().nullable().describe('Objects expire this long after they are stored; null: no TTL'),
        points: z.array(z.object({ objects: z.number().int(), hitRatio: z.number(), byteHitRatio: z.number() })),
      }),
    )
    .describe('--policy / --ttl: each policy replayed request by request at the byObjects sizes (on the sample, scaled, when sampled)'),
  target: z.object({
    hitRatio: z.number(),
    reachable: z.boolean().describe('False when even a cache holding every object misses more (first requests always miss)'),
    maxHitRatio: z.number().describe('Share of requests that repeat an earlier one: the most any cache can hit'),
    objects: z.number().int().nullable().describe('Smallest LRU cache, in objects, that reaches the target'),
    bytes: z.number().nullable().describe('Smallest LRU cache, in bytes of objects, that reaches the target'),
    originPerSecondRemovedAtPeak: z.number().nullable().describe('peakPerSecond x the target hit ratio: an estimate (hits spread evenly)'),
    nodes: z
      .array(
        z.object({
          nodeType: z.string(),
          nodes: z.number().int().describe('Primary nodes (shards) that together hold `bytes`; replicas add their price each'),
          memoryGiB: z.number().describe("The Price List's memory per node"),
          usableGiB: z.number().describe('memoryGiB x (1 - reservedMemoryShare)'),
          hourlyUsd: z.number().describe('On-demand, per node'),
          monthlyUsd: z.number().describe('nodes x hourlyUsd x 730'),
        }),
      )
      .describe('With --node-prices: the three cheapest ElastiCache node choices that hold `bytes`, cheapest first; empty otherwise'),
  }),
  summary: z.string(),
})
export type CacheReport = z.infer<typeof CacheReportSchema>
