/**
 * RE2-compatible regular expressions in JavaScript, for offer constraints: Mesos compiles
 * `text_matches` patterns with RE2 (full match, size limits); this translates the RE2 syntax
 * that JavaScript reads differently, refuses what RE2 does not support, and approximates RE2's
 * program-size limit from below, so a pattern accepted here is one Mesos accepts.
 */
import { OfferConstraintsError, type OfferConstraintsLimits, DEFAULT_RE2_MAX_PROGRAM_SIZE, DEFAULT_MAX_PATTERN_LENGTH } from './offer-constraints.ts';

// ---- RE2 regexes in JavaScript -----------------------------------------------------------------

const RE2_MAX_REPEAT = 1000;
/** RE2's smallest program (`^$`) has 2 instructions. */
const RE2_BASE_PROGRAM_SIZE = 2;
const RE2_SPACE = '\\t\\n\\f\\r ';
/** `.`, `\D`, `\S`, `\W` span most of Unicode: 7+ UTF-8 instructions each (any character is 7). */
const RE2_BROAD_CLASS_SIZE = 6;

interface Frame {
  readonly capture: boolean;
  /** Largest finished alternative, current alternative, last atom (lower bounds of RE2 instructions). */
  best: number;
  seq: number;
  last: number;
}

/**
 * A RegExp (`^(?:…)$`, flag `u`) that full-matches what RE2 full-matches. Checked against RE2
 * 2020-07-06 (Mesos's bundled version) on random patterns: no pattern accepted here was refused by
 * RE2's parser, and accepted patterns matched alike. The pattern is rewritten where the engines
 * disagree on meaning (RE2's `.` and `\s` are narrower) or syntax (`\x{…}`, octal, `\A`, `\z`,
 * `(?P<name>`, escaped punctuation, literal `{` `}` `]`), and refused where RE2 would refuse it or
 * read it otherwise (lookaround, backreferences, `(?<name>`, `[[:alpha:]]`, `[]`, `[\b]`, counts
 * above 1000). Some RE2-only syntax is refused too: inline flags `(?i)`, `\p`, `\Q…\E`, `\C`.
 */
export function compileRe2(pattern: string, path: string, limits: OfferConstraintsLimits): RegExp {
  const fail = (problem: string): never => {
    throw new OfferConstraintsError(path, `invalid regex ${JSON.stringify(pattern)}: ${problem}`);
  };
  const maxLength = limits.maxPatternLength ?? DEFAULT_MAX_PATTERN_LENGTH;
  if (pattern.length > maxLength) fail(`too complex: longer than ${maxLength} characters`);
  const stack: Frame[] = [{ capture: false, best: 0, seq: 0, last: 0 }];
  const names = new Set<string>();
  let out = '';
  const atom = (js: string, size: number): void => {
    const frame = stack[stack.length - 1]!;
    out += js;
    frame.seq += size;
    frame.last = size;
  };
  const escape = (at: number, inClass: boolean): [js: string, length: number] => {
    const e = pattern[at + 1];
    if (e === undefined) return fail('trailing backslash');
    if (e === 'k') return fail('named backreferences (\\k<name>) are not supported by RE2');
    if (e === 'p' || e === 'P') return fail(`Unicode classes (\\${e}) are not supported here (most exceed Mesos's RE2 memory limit)`);
    if (e === 'c' || e === 'u') return fail(`\\${e} escapes are not supported by RE2`);
    if (e === 'b' && inClass) return fail('\\b inside a class (backspace) is not supported by RE2');
    if (e === 's' && inClass && (pattern[at - 1] === '-' || pattern[at + 2] === '-')) return fail("\\s next to '-' in a class is not supported here");
    if (e === 's') return [inClass ? RE2_SPACE : `[${RE2_SPACE}]`, 2];
    if (e === 'S') return inClass ? fail('\\S inside a class is not supported here; use [^...] with \\t\\n\\f\\r and space') : [`[^${RE2_SPACE}]`, 2];
    if (e === 'x' && pattern[at + 2] === '{') {
      const close = pattern.indexOf('}', at);
      const hex = pattern.slice(at + 3, close);
      if (close < 0 || !/^[0-9A-Fa-f]{1,6}$/.test(hex)) return fail('bad \\x{...} escape');
      return [`\\u{${hex}}`, close - at + 1];
    }
    if (e === 'x') return /^[0-9A-Fa-f]{2}$/.test(pattern.slice(at + 2, at + 4)) ? [pattern.slice(at, at + 4), 4] : fail('bad \\x escape (two hex digits or \\x{...})');
    const octal = /^(?:0[0-7]{0,2}|[1-7][0-7]{1,2})/.exec(pattern.slice(at + 1));
    if (octal !== null) return [`\\u{${parseInt(octal[0], 8).toString(16)}}`, octal[0].length + 1];
    if (e >= '8' && e <= '9') return fail(`bad escape \\${e}`);
    if (e >= '1' && e <= '7') return fail(`backreferences (\\${e}) are not supported by RE2`);
    if (!inClass && (e === 'A' || e === 'z')) return [e === 'A' ? '^' : '$', 2]; // begin / end of text
    // RE2 takes any escaped ASCII non-alphanumeric literally; JavaScript ('u') only its syntax characters.
    if (e < '\x80' && !/[A-Za-z0-9]/.test(e)) return [/[\^$\\.*+?()[\]{}|/]/.test(e) ? `\\${e}` : `\\x${e.charCodeAt(0).toString(16).padStart(2, '0')}`, 2];
    return [`\\${e}`, 2];
  };

  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const [js, length] = escape(i, false);
      const e = pattern[i + 1]!;
      atom(js, /^[bBAz]$/.test(e) ? 0 : /^[DSW]$/.test(e) ? RE2_BROAD_CLASS_SIZE : 1);
      i += length;
    } else if (c === '[') {
      let j = i + 1;
      let js = '[';
      if (pattern[j] === '^') { js += '^'; j++; }
      if (pattern[j] === ']') fail("a class cannot start with ']' here (RE2 reads it as a literal, JavaScript as an empty class); write \\]");
      for (;;) {
        const d = pattern[j];
        if (d === undefined) fail('missing ] in character class');
        if (d === ']') break;
        if (d === '[' && pattern[j + 1] === ':') fail("'[:' in a class (RE2 reads [:alpha:] as a POSIX class, JavaScript does not); write \\[");
        if (d === '\\') {
          const [ejs, length] = escape(j, true);
          js += ejs;
          j += length;
        } else {
          js += d;
          j++;
        }
      }
      atom(`${js}]`, 1);
      i = j + 1;
    } else if (c === '(') {
      let capture = true;
      if (pattern.startsWith('(?:', i)) {
        capture = false;
        out += '(?:';
        i += 3;
      } else if (pattern.startsWith('(?P<', i)) {
        const close = pattern.indexOf('>', i);
        const name = pattern.slice(i + 4, close);
        if (close < 0 || !/^\w+$/.test(name)) fail('bad (?P<name> group name');
        if (names.has(name)) fail(`duplicate group name ${name}`);
        names.add(name);
        out += '(';
        i = close + 1;
      } else if (pattern[i + 1] === '?') {
        if (/^\(\?<?[=!]/.test(pattern.slice(i, i + 4))) fail('lookaround ((?=, (?!, (?<=, (?<!) is not supported by RE2');
        if (pattern[i + 2] === '<') fail("named groups (?<name>...) are not supported by Mesos's RE2; write (?P<name>...)");
        fail('inline flags and other (?...) groups are not supported here');
      } else {
        out += '(';
        i += 1;
      }
      stack.push({ capture, best: 0, seq: 0, last: 0 });
    } else if (c === ')') {
      const frame = stack.pop()!;
      if (stack.length === 0) fail('unmatched )');
      atom(')', Math.max(frame.best, frame.seq) + (frame.capture ? 2 : 0));
      i += 1;
    } else if (c === '|') {
      const frame = stack[stack.length - 1]!;
      frame.best = Math.max(frame.best, frame.seq);
      frame.seq = 0;
      frame.last = 0;
      out += '|';
      i += 1;
    } else if (c === '{') {
      const count = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (count === null) {
        atom('\\{', 1); // a literal '{' for RE2, an error for JavaScript ('u')
        i += 1;
        continue;
      }
      const min = Number(count[1]);
      const max = count[2] === undefined ? min : count[3] === '' ? Math.max(min, 1) : Number(count[3]);
      if (min > RE2_MAX_REPEAT || max > RE2_MAX_REPEAT) fail(`repetition count above ${RE2_MAX_REPEAT} (RE2's limit)`);
      // RE2 expands x{n,m} into m copies of x (x{n,} into n, the last one x+).
      const frame = stack[stack.length - 1]!;
      frame.seq += frame.last * (max - 1);
      frame.last *= max;
      out += count[0];
      i += count[0].length;
    } else if (c === '}' || c === ']') {
      atom(`\\${c}`, 1);
      i += 1;
    } else if (c === '.') {
      atom('[^\\n]', RE2_BROAD_CLASS_SIZE); // RE2's '.' excludes only \n; JavaScript's also \r, U+2028, U+2029
      i += 1;
    } else if (c === '*' || c === '+' || c === '?' || c === '^' || c === '$') {
      out += c;
      if (c === '^' || c === '$') stack[stack.length - 1]!.last = 0;
      i += 1;
    } else {
      const char = String.fromCodePoint(pattern.codePointAt(i)!);
      atom(char, 1);
      i += char.length;
    }
  }
  if (stack.length !== 1) fail('missing )');
  const top = stack[0]!;
  const size = RE2_BASE_PROGRAM_SIZE + Math.max(top.best, top.seq);
  const maxProgramSize = limits.maxProgramSize ?? DEFAULT_RE2_MAX_PROGRAM_SIZE;
  if (size > maxProgramSize) fail(`too complex: RE2 program size of at least ${size} is larger than maximum of ${maxProgramSize} allowed`);
  try {
    return new RegExp(`^(?:${out})$`, 'u');
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
}
