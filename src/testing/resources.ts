/** Assertions on Resources with messages in Mesos's own rendering. */
import { AssertionError } from 'node:assert';
import { Resources, parseResources, type ResourceInput } from '../resources/index.ts';

type ResourcesLike = Resources | string | Iterable<ResourceInput>;

function toResources(value: ResourcesLike): Resources {
  return typeof value === 'string' ? parseResources(value, { commandLine: false }) : Resources.of(value);
}

/** Mesos equality (each contains the other); `expected` may be a `--resources` string. */
export function assertResourcesEqual(actual: ResourcesLike, expected: ResourcesLike, message?: string): void {
  const a = toResources(actual);
  const e = toResources(expected);
  if (!a.equals(e)) {
    throw new AssertionError({
      message: `${message ?? 'resources differ'}\n  actual:   ${a}\n  expected: ${e}\n  missing:  ${e.minus(a)}\n  extra:    ${a.minus(e)}`,
      actual: a.toString(),
      expected: e.toString(),
      operator: 'equals',
    });
  }
}

export function assertResourcesContain(container: ResourcesLike, contained: ResourcesLike, message?: string): void {
  const a = toResources(container);
  const b = toResources(contained);
  if (!a.contains(b)) {
    throw new AssertionError({
      message: `${message ?? 'resources do not contain the expected ones'}\n  resources: ${a}\n  expected within: ${b}\n  missing: ${b.minus(a)}`,
      actual: a.toString(),
      expected: b.toString(),
      operator: 'contains',
    });
  }
}
