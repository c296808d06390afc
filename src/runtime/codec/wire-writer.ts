/**
 * A minimal protobuf writer for the hot path (allocation replies): one growable byte array and
 * no object per field (protobufjs's writer makes one per write, which at 10k offers costs more
 * than the allocation cycle itself). A length-delimited field is written either with its size
 * known up front (`lenHeader`), or opened and closed around its body (`beginLen` / `endLen`),
 * which moves the body by the one or two bytes the length prefix did not need.
 */
const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;

const scratch = new Float64Array(1);
const scratchBytes = new Uint8Array(scratch.buffer);
// protobuf doubles are little-endian; so is every platform Node runs the bridge on, checked once.
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
const textEncoder = new TextEncoder();


/** Bytes of a varint holding `n`, a non-negative integer up to 2^53. */
export function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  let size = 5;
  for (n = Math.floor(n / 0x800000000); n > 0; n = Math.floor(n / 0x80)) size++;
  return size;
}

export function tagSize(field: number): number {
  return varintSize(field << 3);
}

/** Bytes of a length-delimited field holding `length` bytes. */
export function lenFieldSize(field: number, length: number): number {
  return tagSize(field) + varintSize(length) + length;
}

/** UTF-8 length of a string (what protobuf writes). */
export function utf8Length(s: string): number {
  let length = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}

export class WireWriter {
  private buf: Uint8Array;
  private pos: number;

  /**
   * `size`: the bytes that will be written; a little more is kept so a last varint's headroom check
   * does not grow the buffer. `headroom`: bytes left free before the message, for an enclosing
   * message's header to be written there later instead of copying the message into another buffer.
   */
  constructor(size: number, private readonly headroom = 0) {
    this.buf = new Uint8Array(headroom + size + 10);
    this.pos = headroom;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos - this.headroom;
  }

  /** Where the next byte goes: for a hot loop that writes bytes itself into `room(n)`, then `advanceTo`s past them. */
  mark(): number {
    return this.pos;
  }

  /** The buffer, with at least `n` bytes free from `mark()` on; valid until the next write through the writer. */
  room(n: number): Uint8Array {
    this.ensure(n);
    return this.buf;
  }

  /** Takes the bytes written into `room()` up to `pos` as written. */
  advanceTo(pos: number): this {
    if (pos < this.pos || pos > this.buf.length) throw new RangeError(`WireWriter.advanceTo(${pos}): outside ${this.pos}…${this.buf.length}`);
    this.pos = pos;
    return this;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  varint(n: number): this {
    this.ensure(10);
    const buf = this.buf;
    if (n < 0x80000000) {
      // Small enough for 32-bit operations (ids, lengths, ports).
      while (n > 0x7f) {
        buf[this.pos++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      buf[this.pos++] = n;
      return this;
    }
    while (n >= 0x80) {
      buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buf[this.pos++] = n;
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint((field << 3) | wireType);
  }

  /** A varint field (uint32/uint64/bool/enum, non-negative). */
  uintField(field: number, n: number): this {
    return this.tag(field, WIRE_VARINT).varint(n);
  }

  doubleField(field: number, value: number): this {
    this.tag(field, WIRE_I64);
    this.ensure(8);
    scratch[0] = value;
    const buf = this.buf;
    const at = this.pos;
    if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) buf[at + i] = scratchBytes[i]!;
    else for (let i = 0; i < 8; i++) buf[at + i] = scratchBytes[7 - i]!;
    this.pos = at + 8;
    return this;
  }

  /** The header of a length-delimited field whose `length` bytes follow. */
  lenHeader(field: number, length: number): this {
    return this.tag(field, WIRE_LEN).varint(length);
  }

  /** `length`: the string's UTF-8 length when the caller knows it; else an ASCII string is measured as it is copied. */
  stringField(field: number, s: string, length?: number): this {
    this.tag(field, WIRE_LEN);
    if (length === undefined) {
      if (s.length < 0x80 && this.shortAscii(s)) return this;
      length = utf8Length(s);
    }
    this.varint(length);
    this.ensure(length);
    if (length === s.length) {
      const buf = this.buf;
      const at = this.pos;
      for (let i = 0; i < length; i++) buf[at + i] = s.charCodeAt(i); // ASCII
      this.pos = at + length;
    } else {
      this.pos += textEncoder.encodeInto(s, this.buf.subarray(this.pos, this.pos + length)).written;
    }
    return this;
  }

  /**
   * The length prefix (one byte) and bytes of `s` (under 128 chars) when it is ASCII, in one pass
   * (ids, roles, names: most strings on the hot paths); false, with nothing written, otherwise.
   */
  private shortAscii(s: string): boolean {
    const n = s.length;
    this.ensure(n + 1);
    const buf = this.buf;
    let at = this.pos;
    buf[at++] = n;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return false;
      buf[at++] = c;
    }
    this.pos = at;
    return true;
  }

  /**
   * Opens a length-delimited field of unknown size, keeping `reserved` bytes for its length prefix
   * (2 fits bodies of 128 B to 16 KB without a move: an offer entry); returns where the body
   * starts, for endLen.
   */
  beginLen(field: number, reserved = 2): number {
    this.tag(field, WIRE_LEN);
    this.ensure(reserved);
    this.pos += reserved;
    return this.pos;
  }

  /** Closes the field opened at `start`: writes its length prefix, canonical (minimal) as protobuf writes it. */
  endLen(start: number, reserved = 2): this {
    const length = this.pos - start;
    const size = varintSize(length);
    const prefixAt = start - reserved;
    if (size !== reserved) {
      this.ensure(Math.max(0, size - reserved));
      this.buf.copyWithin(prefixAt + size, start, this.pos);
      this.pos += size - reserved;
    }
    const end = this.pos;
    this.pos = prefixAt;
    this.varint(length);
    this.pos = end;
    return this;
  }

  bytesField(field: number, bytes: Uint8Array): this {
    return this.lenHeader(field, bytes.length).raw(bytes);
  }

  raw(bytes: Uint8Array): this {
    const n = bytes.length;
    this.ensure(n);
    const buf = this.buf;
    const at = this.pos;
    if (n > 64) buf.set(bytes, at);
    else for (let i = 0; i < n; i++) buf[at + i] = bytes[i]!; // set() costs more than it copies, this small
    this.pos = at + n;
    return this;
  }

  /** The message: a view of the buffer, after the headroom. */
  finish(): Uint8Array {
    return this.buf.subarray(this.headroom, this.pos);
  }
}

export const WireType = { VARINT: WIRE_VARINT, I64: WIRE_I64, LEN: WIRE_LEN } as const;

export function doubleFieldSize(field: number): number {
  return tagSize(field) + 8;
}

export function uintFieldSize(field: number, n: number): number {
  return tagSize(field) + varintSize(n);
}
