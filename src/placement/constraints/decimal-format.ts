/**
 * Java's `new DecimalFormat("0.###").format(double)`, which Marathon uses to turn SCALAR
 * attributes and IS values into text: at most three decimals, no trailing zeros, no grouping,
 * rounding HALF_EVEN on the double's exact binary value (so 1.0005, which is 1.000499… as a
 * double, gives "1", and 1.1005, which is 1.100500…03, gives "1.101").
 */

/**
 * `toFixed(3)` already rounds the exact value; it only differs from HALF_EVEN on exact ties.
 * x·1000 is an exact tie (k + 0.5) only when 16·x is an odd integer (x = j/16, j odd), because
 * 2000·x must be an odd integer and a double's denominator is a power of two.
 */
export function formatDecimal(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '\u221e';
  if (x === -Infinity) return '-\u221e';
  // Java prints the sign of any negative double, even when it rounds to zero ("-0").
  const negative = x < 0 || Object.is(x, -0);
  const abs = Math.abs(x);
  let text: string;
  if (abs >= 1e21) {
    text = BigInt(abs).toString(); // toFixed switches to exponent notation here; doubles this big are integers
  } else if (Number.isInteger(abs)) {
    text = abs.toFixed(0);
  } else {
    const sixteenths = abs * 16; // exact: scaling by a power of two
    if (Number.isInteger(sixteenths) && sixteenths % 2 === 1) {
      // exact tie at the fourth decimal: abs·1000 = 125·j/2 with j odd
      const twiceMilli = 125n * BigInt(sixteenths); // odd
      const down = (twiceMilli - 1n) / 2n;
      const milli = down % 2n === 0n ? down : down + 1n;
      text = `${milli / 1000n}.${String(milli % 1000n).padStart(3, '0')}`;
    } else {
      text = abs.toFixed(3);
    }
    text = text.replace(/\.?0+$/, '');
  }
  return negative ? `-${text}` : text;
}

/** Mesos's scalar syntax as Marathon's IS reads it (`[0-9]+(\.[0-9]+)?`, whole value). */
const SCALAR_TEXT = /^[0-9]+(?:\.[0-9]+)?$/;

/**
 * The text an IS value is compared with: a scalar-looking value goes through the same
 * DecimalFormat as SCALAR attributes (`0.80` → `0.8`), anything else stays as written.
 */
export function normalizeIsValue(value: string): string {
  return SCALAR_TEXT.test(value) ? formatDecimal(Number(value)) : value;
}
