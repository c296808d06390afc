/** A spec that does not validate: every problem with its path (`pods[1].volumes[0].sizeMb`). */

export interface SpecIssue {
  /** Where, in JavaScript accessor syntax from the spec's root: `role`, `pods[1].volumes[0].sizeMb`. */
  readonly path: string;
  readonly problem: string;
}

export class ServiceSpecError extends Error {
  override readonly name: string = 'ServiceSpecError';
  /** All problems found, in document order; the message shows the first. */
  readonly issues: readonly SpecIssue[];

  constructor(issues: readonly SpecIssue[]) {
    const first = issues[0]!;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more: ${issues.slice(1, 4).map((i) => i.path).join(', ')}${issues.length > 4 ? ', …' : ''})` : '';
    super(`${first.path}: ${first.problem}${more}`);
    this.issues = issues;
  }

  get path(): string {
    return this.issues[0]!.path;
  }
}
