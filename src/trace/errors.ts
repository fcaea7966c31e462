// Errors in trace files are values naming file:line:column, never thrown stack traces.

export interface TraceError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export function formatTraceError(e: TraceError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message}`;
}
