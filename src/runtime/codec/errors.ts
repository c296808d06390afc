/**
 * A request whose content cannot be turned into engine or policy inputs: answered with
 * `Error{INVALID_REQUEST}` naming the field, before anything changes.
 */
export class CodecError extends Error {
  override readonly name: string = 'CodecError';

  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** Runs `decode`, turning any error it throws (the resource model's, the constraint parser's) into a CodecError at `field`. */
export function decoding<T>(field: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    if (e instanceof CodecError) throw e;
    throw new CodecError(field, e instanceof Error ? e.message : String(e));
  }
}
