import { writeFileSync } from 'node:fs'
import type { Effects } from '../core/effects.js'
import { ToolError } from '../core/errors.js'

/** Writes a command's output file; a path that cannot be written is a usage error naming it (exit 2). */
export function writeOutput(path: string, content: string): void {
  try {
    writeFileSync(path, content)
  } catch (cause) {
    throw new ToolError('USAGE', `Cannot write ${path}: ${(cause as Error).message}`, { cause, hint: 'Check the folder exists and is writable.' })
  }
}

/** A rendered document: to `out` (and `wrote`, the line saying so, on stderr) when given, else to stdout. */
export function emitRendered(text: string, out: string | undefined, wrote: string, effects: Effects): void {
  if (out) {
    writeOutput(out, text)
    effects.stderr.write(`${wrote}\n`)
  } else effects.stdout.write(text)
}

/**
 * Ctrl-C asks a run to stop at its next safe point: each signal sets `stop.requested` and writes the next of
 * `messages`; one more signal than there are messages quits at once (exit 130). `signals` adds SIGTERM where a run
 * must clean up after itself (a CI runner sends SIGTERM). Returns the function that removes the handlers.
 */
export function stopOnSignal(
  stop: { requested: boolean },
  effects: Effects,
  messages: readonly string[],
  signals: readonly NodeJS.Signals[] = ['SIGINT'],
): () => void {
  let presses = 0
  const handler = () => {
    stop.requested = true
    const message = messages[presses++]
    if (message === undefined) process.exit(130)
    effects.stderr.write(message)
  }
  for (const s of signals) process.on(s, handler)
  return () => {
    for (const s of signals) process.off(s, handler)
  }
}
