import { parentPort, workerData } from 'node:worker_threads'
import { initHistograms } from './histogram.js'
import { runShare, type ShareConfig } from './run-share.js'

/** Worker-thread entry: runs one share and posts progress, then the result. 'stop' from the parent ends it early. */
const stop = { requested: false }
parentPort!.on('message', (m: unknown) => {
  if (m === 'stop') stop.requested = true
})
await initHistograms()
const result = await runShare(workerData as ShareConfig, (p) => parentPort!.postMessage({ type: 'progress', progress: p }), stop)
parentPort!.postMessage({ type: 'result', result })
