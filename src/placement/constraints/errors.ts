/** Typed errors of the constraints module: bad input is reported with where and why, never guessed at. */

/** A constraint that does not parse or validate; names the constraint as written and the problem. */
export class ConstraintParseError extends Error {
  override readonly name: string = 'ConstraintParseError';
  /** The offending constraint as written (JSON text of a triple, or the `field=op` entry). */
  readonly constraint: string;
  /** Where it is: `[2]` / `[0].and[1]` in the JSON form, `entry 3` in the string form. */
  readonly path: string;
  readonly problem: string;

  constructor(constraint: string, path: string, problem: string) {
    const shown = constraint.length === 0 ? '""' : constraint.length > 120 ? `${constraint.slice(0, 117)}...` : constraint;
    super(`invalid constraint ${shown} at ${path}: ${problem}`);
    this.constraint = shown;
    this.path = path;
    this.problem = problem;
  }
}

/** A call that cannot be answered, e.g. killing more instances than run. Nothing is changed. */
export class ConstraintUsageError extends Error {
  override readonly name: string = 'ConstraintUsageError';
}
