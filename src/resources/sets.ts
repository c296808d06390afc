/**
 * Mesos `Value::Set` on sorted arrays of unique items. Mesos compares sets without regard
 * to order, so keeping them sorted makes equality and containment linear.
 */

export function setUnion(a: readonly string[], b: readonly string[]): string[] {
  const result: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      result.push(x);
      i++;
      j++;
    } else if (x < y) {
      result.push(x);
      i++;
    } else {
      result.push(y);
      j++;
    }
  }
  while (i < a.length) result.push(a[i++]!);
  while (j < b.length) result.push(b[j++]!);
  return result;
}

export function setDifference(a: readonly string[], b: readonly string[]): string[] {
  const result: string[] = [];
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]! < x) j++;
    if (j >= b.length || b[j] !== x) result.push(x);
  }
  return result;
}

export function setContains(sup: readonly string[], sub: readonly string[]): boolean {
  let j = 0;
  for (const x of sub) {
    while (j < sup.length && sup[j]! < x) j++;
    if (j >= sup.length || sup[j] !== x) return false;
  }
  return true;
}

export function setEqual(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Sorted copy, or the duplicated item when there is one. */
export function sortedUnique(items: readonly string[]): { items: string[]; duplicate?: string } {
  const sorted = items.slice().sort();
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) return { items: sorted, duplicate: sorted[i]! };
  }
  return { items: sorted };
}
