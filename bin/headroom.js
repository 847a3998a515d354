#!/usr/bin/env node
import { main } from '../dist/cli/main.js'

// A reader that stops early (`headroom analyze --format md | head`) closes the pipe. That is the reader's choice, not
// an error: stop quietly, as git and grep do, instead of crashing on the unhandled EPIPE.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err
    process.exit(process.exitCode ?? 0)
  })

process.exitCode = await main(process.argv.slice(2))
