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
