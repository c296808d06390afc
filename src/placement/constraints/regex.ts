/**
 * LIKE / UNLIKE patterns: Marathon calls Java's `String.matches`, i.e. the whole value must
 * match. JavaScript reads most Java patterns alike; the Java-only escapes that JavaScript would
 * silently take as plain letters (`\A`, `\z`, `\Q…\E`, `\p{…}`, …) are refused rather than
 * misread, and a leading `(?i)` (the usual Java way to ignore case) becomes the `i` flag.
 */

/** Letter escapes that mean the same in both engines (JavaScript without the `u` flag). */
const SHARED_LETTER_ESCAPES = new Set(['t', 'n', 'r', 'f', 'd', 'D', 's', 'S', 'w', 'W', 'b', 'B', 'c', 'x', 'u']);

/** Why the pattern is not acceptable, or the anchored RegExp. Never throws. */
export function compileWholeMatch(pattern: string): RegExp | string {
  let source = pattern;
  let flags = '';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags = 'i';
  }
  for (let i = 0; i < source.length; i++) {
    if (source[i] !== '\\') continue;
    const next = source[i + 1];
    if (next === undefined) return 'trailing backslash';
    if (/[A-Za-z]/.test(next) && !SHARED_LETTER_ESCAPES.has(next)) {
      return `escape \\${next} is not supported (Java-only or invalid)`;
    }
    i++;
  }
  try {
    new RegExp(source, flags); // alone first: `a)|(b` must fail, not turn into a valid wrapped pattern
    return new RegExp(`^(?:${source})$`, flags);
  } catch (e) {
    return `not a valid regular expression (${(e as Error).message})`;
  }
}
