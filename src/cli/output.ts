import { writeFileSync } from 'node:fs'
import { ToolError } from '../core/errors.js'

/** Writes a command's output file; a path that cannot be written is a usage error naming it (exit 2). */
export function writeOutput(path: string, content: string): void {
  try {
    writeFileSync(path, content)
  } catch (cause) {
    throw new ToolError('USAGE', `Cannot write ${path}: ${(cause as Error).message}`, { cause, hint: 'Check the folder exists and is writable.' })
  }
}
