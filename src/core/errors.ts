import { EXIT, type ExitCode } from './exit-codes.js'

export type ErrorCode =
  | 'USAGE'
  | 'INPUT_INVALID'
  | 'CONFIG_INVALID'
  | 'SOURCE_UNAVAILABLE'
  | 'STORE_LOCKED'
  | 'STORE_MIGRATION'
  | 'STORE_IO'
  | 'CATALOG_INVALID'
  | 'GATE_TRIPPED'
  | 'INTERNAL'

const EXIT_BY_CODE: Record<ErrorCode, ExitCode> = {
  USAGE: EXIT.USAGE,
  INPUT_INVALID: EXIT.USAGE,
  CONFIG_INVALID: EXIT.USAGE,
  CATALOG_INVALID: EXIT.USAGE,
  SOURCE_UNAVAILABLE: EXIT.SOURCE,
  STORE_LOCKED: EXIT.SOURCE,
  STORE_MIGRATION: EXIT.SOURCE,
  STORE_IO: EXIT.SOURCE,
  GATE_TRIPPED: EXIT.GATE,
  INTERNAL: EXIT.INTERNAL,
}

/** Every error a user can act on. `hint` says what to do next; only the CLI maps it to an exit code. */
export class ToolError extends Error {
  readonly code: ErrorCode
  readonly hint?: string
  constructor(code: ErrorCode, message: string, options?: ErrorOptions & { hint?: string }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.hint = options?.hint
  }
  get exitCode(): ExitCode {
    return EXIT_BY_CODE[this.code]
  }
}

/** Where in an input file a problem is: file, 1-based row (data row; the header is row 0) and column. */
export interface InputLocation {
  file: string
  row?: number
  column?: string
  value?: string
}

/** Bad input data: names the file, row, column and value, and what to do. Nothing was written. */
export class InputError extends ToolError {
  readonly location: InputLocation
  constructor(location: InputLocation, problem: string, hint: string) {
    super('INPUT_INVALID', `${formatLocation(location)}: ${problem}`, { hint })
    this.location = location
  }
}

function formatLocation(l: InputLocation): string {
  const parts = [l.file]
  if (l.row !== undefined) parts.push(`row ${l.row}`)
  if (l.column !== undefined) parts.push(`column '${l.column}'`)
  return parts.join(', ')
}

export class UsageError extends ToolError {
  constructor(message: string, hint?: string) {
    super('USAGE', message, { hint })
  }
}
