/**
 * Mesos role names (src/common/roles.cpp): `*`, or a `/`-separated path whose components are
 * not empty, `.`, `..` or `*`, do not start with `-`, and contain no whitespace or DEL.
 */
import { ResourceError } from './errors.ts';

export const UNRESERVED_ROLE = '*';

const INVALID_CHARACTERS = /[\t\n\v\f\r \x7f]/;

/** Why `role` is not a valid role name, or undefined when it is. */
export function roleProblem(role: string): string | undefined {
  if (role === UNRESERVED_ROLE) return undefined;
  if (role.length === 0) return 'role names cannot be the empty string';
  if (role.startsWith('/')) return `role '${role}' cannot start with a slash`;
  if (role.endsWith('/')) return `role '${role}' cannot end with a slash`;
  if (role.includes('//')) return `role '${role}' cannot contain two adjacent slashes`;
  for (const component of role.split('/')) {
    if (component === '.') return `role '${role}' cannot include '.' as a component`;
    if (component === '..') return `role '${role}' cannot include '..' as a component`;
    if (component === '*') return `role '${role}' cannot include '*' as a component`;
    if (component.startsWith('-')) return `role component '${component}' is invalid because it starts with a dash`;
    if (INVALID_CHARACTERS.test(component)) {
      return `role component '${component}' is invalid because it contains backspace or whitespace`;
    }
  }
  return undefined;
}

export function isValidRole(role: string): boolean {
  return roleProblem(role) === undefined;
}

export function assertValidRole(role: string): void {
  const problem = roleProblem(role);
  if (problem !== undefined) throw new ResourceError(problem);
}

/** `eng/backend` is a strict subrole of `eng`; `eng` is not a strict subrole of itself. */
export function isStrictSubroleOf(role: string, ancestor: string): boolean {
  return role.length > ancestor.length && role.charCodeAt(ancestor.length) === 47 /* '/' */ && role.startsWith(ancestor);
}

/** `a/b/c` → [`a/b`, `a`], nearest first, as Mesos's roles::ancestors. */
export function roleAncestors(role: string): string[] {
  const result: string[] = [];
  for (let i = role.length - 1; i >= 0; i--) {
    if (role.charCodeAt(i) === 47) result.push(role.slice(0, i));
  }
  return result;
}
