/**
 * Mesos scalars are fixed point with three decimals: every comparison and sum goes through
 * `llround(value * 1000)` (src/common/values.cpp). We keep the integer ("milli") form, so
 * 1.5123 and 1.512 are the same value and sums are exact.
 */
export const SCALAR_SCALE = 1000;

/**
 * Largest fixed-point value: 2^50 thousandths, well inside exact JavaScript integers and small
 * enough that milli → decimal text → milli always comes back exactly (at 2^53 it can be off by one).
 */
export const MAX_MILLI = 2 ** 50;
export const MAX_SCALAR = MAX_MILLI / SCALAR_SCALE;

/** Mesos's convertToFixed for non-negative values (Math.round == llround there). */
export function toMilli(value: number): number {
  return Math.round(value * SCALAR_SCALE);
}

export function fromMilli(milli: number): number {
  return milli / SCALAR_SCALE;
}

/** Printed as Mesos prints it: at most three decimals, no trailing zeros. */
export function formatMilli(milli: number): string {
  return String(milli / SCALAR_SCALE);
}

/**
 * Why a scalar is not acceptable as a resource value, or undefined when it is.
 * Zero is acceptable (the resource is then empty and vanishes).
 */
export function scalarProblem(value: number): string | undefined {
  if (!Number.isFinite(value)) return 'scalar value must be a finite number';
  if (value < 0) return 'invalid scalar, value < 0';
  if (value !== 0 && toMilli(value) === 0) return 'invalid scalar, value <= 0 (rounds to zero at three decimals)';
  if (toMilli(value) > MAX_MILLI) return `scalar value too large (maximum ${MAX_SCALAR})`;
  return undefined;
}
