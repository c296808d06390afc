/**
 * Mesos `Value::Ranges` on normalised arrays: sorted by begin, disjoint and never adjacent
 * (Mesos coalesces `[1-10,11-20]` into `[1-20]`). Every function takes and returns that form,
 * in linear time.
 */

export interface Range {
  readonly begin: number;
  readonly end: number;
}

/** Sorts and coalesces overlapping or adjacent ranges. Each input range must have begin <= end. */
export function coalesceRanges(ranges: readonly Range[]): Range[] {
  if (ranges.length === 0) return [];
  const sorted = ranges.slice().sort((a, b) => a.begin - b.begin);
  const result: Range[] = [];
  let begin = sorted[0]!.begin;
  let end = sorted[0]!.end;
  for (let i = 1; i < sorted.length; i++) {
    const r = sorted[i]!;
    if (r.begin <= end + 1) {
      if (r.end > end) end = r.end;
    } else {
      result.push({ begin, end });
      begin = r.begin;
      end = r.end;
    }
  }
  result.push({ begin, end });
  return result;
}

export function isNormalized(ranges: readonly Range[]): boolean {
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i]!;
    if (r.begin > r.end) return false;
    if (i > 0 && r.begin <= ranges[i - 1]!.end + 1) return false;
  }
  return true;
}

export function rangesUnion(a: readonly Range[], b: readonly Range[]): Range[] {
  if (b.length === 0) return a.slice();
  if (a.length === 0) return b.slice();
  const result: Range[] = [];
  let i = 0;
  let j = 0;
  let current: { begin: number; end: number } | undefined;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]!.begin <= b[j]!.begin) ? a[i++]! : b[j++]!;
    if (current === undefined) {
      current = { begin: next.begin, end: next.end };
    } else if (next.begin <= current.end + 1) {
      if (next.end > current.end) current.end = next.end;
    } else {
      result.push(current);
      current = { begin: next.begin, end: next.end };
    }
  }
  if (current !== undefined) result.push(current);
  return result;
}

/** a minus b: the elements of a not in b. */
export function rangesDifference(a: readonly Range[], b: readonly Range[]): Range[] {
  if (a.length === 0 || b.length === 0) return a.slice();
  const result: Range[] = [];
  let j = 0;
  for (const r of a) {
    let begin = r.begin;
    const end = r.end;
    while (j < b.length && b[j]!.end < begin) j++;
    let k = j;
    while (k < b.length && b[k]!.begin <= end && begin <= end) {
      const cut = b[k]!;
      if (cut.begin > begin) result.push({ begin, end: cut.begin - 1 });
      begin = cut.end + 1;
      if (cut.end > end) break;
      k++;
    }
    if (begin <= end) result.push(begin === r.begin ? r : { begin, end });
  }
  return result;
}

/** True when every element of sub is in sup. */
export function rangesContain(sup: readonly Range[], sub: readonly Range[]): boolean {
  let j = 0;
  for (const r of sub) {
    while (j < sup.length && sup[j]!.end < r.begin) j++;
    const s = sup[j];
    if (s === undefined || s.begin > r.begin || s.end < r.end) return false;
  }
  return true;
}

export function rangesEqual(a: readonly Range[], b: readonly Range[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.begin !== b[i]!.begin || a[i]!.end !== b[i]!.end) return false;
  }
  return true;
}

/** Number of elements, as Mesos's ResourceQuantities counts ranges. */
export function rangesCount(ranges: readonly Range[]): number {
  let n = 0;
  for (const r of ranges) n += r.end - r.begin + 1;
  return n;
}

/** `[1-4, 7-20]` as Mesos prints it; `separator` ',' gives the compact --resources form. */
export function formatRanges(ranges: readonly Range[], separator = ', '): string {
  return `[${ranges.map((r) => `${r.begin}-${r.end}`).join(separator)}]`;
}
