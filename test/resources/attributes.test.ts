// parseAttributes against the --attributes rows of resources-facts.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAttributes, formatAttributes, formatAttributeValue, attributesEqual, ResourceParseError } from '../../src/resources/index.ts';

test('rack:3;dc:1 are two SCALAR attributes', () => {
  assert.deepEqual(parseAttributes('rack:3;dc:1'), [
    { name: 'rack', type: 'SCALAR', scalar: 3 },
    { name: 'dc', type: 'SCALAR', scalar: 1 },
  ]);
});

test('keys:[1000-1500];zone:west are RANGES and TEXT', () => {
  assert.deepEqual(parseAttributes('keys:[1000-1500];zone:west'), [
    { name: 'keys', type: 'RANGES', ranges: [{ begin: 1000, end: 1500 }] },
    { name: 'zone', type: 'TEXT', text: 'west' },
  ]);
});

test('rack:inf is TEXT (Mesos master; numbers that are not finite and non-negative fall back to TEXT)', () => {
  assert.deepEqual(parseAttributes('rack:inf;level:-1'), [
    { name: 'rack', type: 'TEXT', text: 'inf' },
    { name: 'level', type: 'TEXT', text: '-1' },
  ]);
});

test('duplicate names are kept, not merged', () => {
  assert.equal(parseAttributes('r:1;r:2').length, 2);
});

test('newlines separate attributes too, and values split at the first colon', () => {
  assert.deepEqual(parseAttributes('a:1\nurl:http://x:80'), [
    { name: 'a', type: 'SCALAR', scalar: 1 },
    { name: 'url', type: 'TEXT', text: 'http://x:80' },
  ]);
});

test('the seed agent: disks:sata;raid:jbod;dc:1;rack:3', () => {
  const attributes = parseAttributes('disks:sata;raid:jbod;dc:1;rack:3');
  assert.deepEqual(attributes.map(formatAttributeValue), ['sata', 'jbod', '1', '3']);
});

test('scalars compare at three decimals', () => {
  const [a] = parseAttributes('w:1.5123');
  const [b] = parseAttributes('w:1.512');
  assert.ok(attributesEqual(a!, b!));
});

test('sets and tokens without a colon are rejected with a typed error (Mesos aborts the agent)', () => {
  const cases: Array<[string, RegExp, number]> = [
    ['a:{x,y}', /sets are not allowed/, 0],
    ['rack:1;x', /expecting 'name:value'/, 7],
    [':v', /expecting 'name:value'/, 0],
    ['k:', /expecting 'name:value'/, 0],
    ['k:[1-', /mismatched brackets/, 0],
    ['k:[5-1]', /begin > end/, 0],
  ];
  for (const [input, reason, position] of cases) {
    assert.throws(
      () => parseAttributes(input),
      (e: unknown) => e instanceof ResourceParseError && reason.test(e.message) && e.position === position,
      input,
    );
  }
  assert.throws(() => parseAttributes(undefined as unknown as string), ResourceParseError);
});

test('formatAttributes round-trips', () => {
  const text = 'disks:sata;raid:jbod;dc:1;rack:3;keys:[1000-1500,2000-2001];w:0.5';
  assert.equal(formatAttributes(parseAttributes(text)), text);
});
