import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * S3 for the AWS-shaped test server (fake-aws.ts), in S3's REST-XML protocol, path-style (the client addresses a
 * non-AWS endpoint so): ListBuckets (GET /, BucketRegion filter, MaxBuckets pages with a ContinuationToken) and
 * GetBucketLifecycleConfiguration (GET /BUCKET?lifecycle; 404 NoSuchLifecycleConfiguration when there is none), and
 * the bucket's CloudWatch series (BucketSizeBytes by StorageType, NumberOfObjects, request metrics under FilterId).
 */
export interface FakeBucket {
  name: string
  region?: string
  /** GiB per CloudWatch StorageType, e.g. { StandardStorage: 1001 } */
  storage: Record<string, number>
  objects: number
  /** Lifecycle rules as the XML would carry them: one expiring rule, or one that transitions. */
  lifecycle?: 'expire-tmp' | 'to-ia'
  /** Request metrics on a whole-bucket filter (EntireBucket): GETs and bytes downloaded per day. */
  requests?: { getsPerDay: number; bytesPerDay: number }
}

const GIB = 2 ** 30

export function fakeS3(buckets: readonly FakeBucket[], count: (action: string) => void, denied: (action: string) => boolean) {
  const xml = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/xml' })
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`)
  }
  const error = (res: ServerResponse, status: number, code: string, message: string) =>
    xml(res, status, `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fake</RequestId></Error>`)
  return {
    /** Answers an S3 request (signed for the s3 service); false when the request is not S3's. */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      if (!/\/s3\/aws4_request/.test(String(req.headers.authorization ?? ''))) return false
      const url = new URL(req.url ?? '/', 'http://x')
      const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '')
      if (req.method === 'GET' && path === '') {
        count('s3:ListBuckets')
        if (denied('s3:ListBuckets')) {
          error(res, 403, 'AccessDenied', 'Access Denied')
          return true
        }
        const region = url.searchParams.get('bucket-region')
        const max = Number(url.searchParams.get('max-buckets') ?? 10_000)
        const all = buckets.filter((b) => !region || (b.region ?? 'us-east-1') === region)
        const from = Number(url.searchParams.get('continuation-token') ?? 0)
        const items = all.slice(from, from + max)
        const next = from + max < all.length ? `<ContinuationToken>${from + max}</ContinuationToken>` : ''
        xml(
          res,
          200,
          `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>owner</ID></Owner><Buckets>${items
            .map(
              (b) =>
                `<Bucket><Name>${b.name}</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate><BucketRegion>${b.region ?? 'us-east-1'}</BucketRegion></Bucket>`,
            )
            .join('')}</Buckets>${next}</ListAllMyBucketsResult>`,
        )
        return true
      }
      if (req.method === 'GET' && url.searchParams.has('lifecycle')) {
        count('s3:GetBucketLifecycleConfiguration')
        if (denied('s3:GetBucketLifecycleConfiguration')) {
          error(res, 403, 'AccessDenied', 'Access Denied')
          return true
        }
        const b = buckets.find((x) => x.name === path)
        if (!b) {
          error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist')
          return true
        }
        if (!b.lifecycle) {
          error(res, 404, 'NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist')
          return true
        }
        const rule =
          b.lifecycle === 'expire-tmp'
            ? '<Rule><ID>expire-tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule>'
            : '<Rule><ID>to-ia</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule>'
        xml(res, 200, `<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rule}</LifecycleConfiguration>`)
        return true
      }
      error(res, 400, 'NotImplemented', `fake S3 does not implement ${req.method} ${req.url}`)
      return true
    },
    /** ListMetrics of AWS/S3 BucketSizeBytes or GetRequests. */
    metrics(metricName: string) {
      if (metricName === 'BucketSizeBytes')
        return buckets.flatMap((b) =>
          Object.keys(b.storage).map((t) => ({
            Namespace: 'AWS/S3',
            MetricName: 'BucketSizeBytes',
            Dimensions: [
              { Name: 'BucketName', Value: b.name },
              { Name: 'StorageType', Value: t },
            ],
          })),
        )
      if (metricName === 'GetRequests')
        return buckets
          .filter((b) => b.requests)
          .map((b) => ({
            Namespace: 'AWS/S3',
            MetricName: 'GetRequests',
            Dimensions: [
              { Name: 'BucketName', Value: b.name },
              { Name: 'FilterId', Value: 'EntireBucket' },
            ],
          }))
      return []
    },
    /**
     * A GetMetricData query on a bucket: storage metrics one point a day (at 00:00, as S3 publishes them), request
     * metrics every period with the day's total spread evenly. Undefined when the query is not a bucket's.
     */
    points(namespace: string, metric: string, dims: { Name: string; Value: string }[], start: number, end: number, period: number) {
      if (namespace !== 'AWS/S3') return undefined
      const b = buckets.find((x) => dims.some((d) => d.Name === 'BucketName' && d.Value === x.name))
      if (!b) return undefined
      const dim = (n: string) => dims.find((d) => d.Name === n)?.Value
      // Times in epoch seconds, as CloudWatch's JSON protocol carries them.
      const days = Array.from({ length: Math.ceil((end - start) / 86_400) + 1 }, (_, i) => Math.ceil(start / 86_400) * 86_400 + i * 86_400).filter(
        (t) => t >= start && t < end,
      )
      const every = Array.from({ length: Math.floor((end - start) / period) }, (_, i) => start + i * period)
      if (metric === 'BucketSizeBytes') {
        const gib = b.storage[dim('StorageType') ?? '']
        return gib === undefined ? { ts: [], values: [] } : { ts: days, values: days.map(() => gib * GIB) }
      }
      if (metric === 'NumberOfObjects') return { ts: days, values: days.map(() => b.objects) }
      if (!b.requests || dim('FilterId') !== 'EntireBucket') return { ts: [], values: [] }
      const perPeriod = (metric === 'GetRequests' ? b.requests.getsPerDay : b.requests.bytesPerDay) * (period / 86_400)
      return { ts: every, values: every.map(() => perPeriod) }
    },
  }
}
