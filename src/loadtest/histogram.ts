import * as hdr from 'hdr-histogram-js'

/**
 * Latency histograms: HdrHistogram (hdr-histogram-js), values in microseconds (the library keeps integers only, so
 * milliseconds would lose everything under 1 ms, as autocannon's do), 3 significant digits (<= 0.1% value error),
 * auto-resizing. Results carry them encoded (compressed V2, base64) so workers and runs merge exactly.
 */
export type Histogram = hdr.Histogram

let wasm = false
/** Use the WebAssembly implementation (about 3x faster per record) when it loads; falls back to JS silently. */
export async function initHistograms(): Promise<void> {
  if (wasm) return
  try {
    await hdr.initWebAssembly()
    wasm = true
  } catch {
    wasm = false
  }
}

export function newHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: wasm,
  })
}

export function encode(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h)
}

/** Decodes into a plain JS histogram (no WebAssembly memory to free). */
function decode(s: string): Histogram {
  const h = hdr.decodeFromCompressedBase64(s, 32, false)
  return h
}

/** Sum of encoded histograms, as a new JS histogram. */
export function mergeEncoded(parts: readonly string[]): Histogram {
  const out = hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  })
  for (const p of parts) out.add(decode(p))
  return out
}

export interface LatencySummary {
  count: number
  min: number
  mean: number
  p50: number
  p75: number
  p90: number
  p95: number
  p99: number
  p999: number
  max: number
}

/** Milliseconds, 3 decimals (microsecond resolution). */
export function summarize(h: Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us) / 1000
  if (h.totalCount === 0) return { count: 0, min: 0, mean: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 }
  return {
    count: h.totalCount,
    min: ms(h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue),
    mean: ms(h.mean),
    p50: ms(h.getValueAtPercentile(50)),
    p75: ms(h.getValueAtPercentile(75)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
  }
}

export function free(h: Histogram): void {
  h.destroy()
}
