/**
 * Typed errors of the resource model. Every malformed input ends in one of these,
 * never in a bare TypeError, so callers (the CLI, the bridge) can report it and change nothing.
 */

/** A resource value or operation that Mesos would reject. */
export class ResourceError extends Error {
  override readonly name: string = 'ResourceError';
}

/** Text (`--resources`, `--attributes`, JSON) that does not parse; names the token and its position. */
export class ResourceParseError extends ResourceError {
  override readonly name: string = 'ResourceParseError';
  /** The offending token, as written (possibly shortened for very long input). */
  readonly token: string;
  /** Zero-based character offset of the token in the input, or the array index in the JSON form. */
  readonly position: number;

  constructor(reason: string, token: string, position: number) {
    const shown = token.length > 80 ? `${token.slice(0, 77)}...` : token;
    super(`${reason} in '${shown}' at position ${position}`);
    this.token = shown;
    this.position = position;
  }
}

/** An offer operation (RESERVE, CREATE, ...) that does not apply; the resources are unchanged. */
export class OperationError extends ResourceError {
  override readonly name: string = 'OperationError';
  readonly operation: string;

  constructor(operation: string, message: string) {
    super(`${operation}: ${message}`);
    this.operation = operation;
  }
}
