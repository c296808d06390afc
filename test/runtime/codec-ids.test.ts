// Decoded agent and framework ids go to the engine as one string object each (codec/ids.ts): the
// same characters always come back, also once the bounded table has started over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CANONICAL_IDS, canonicalId } from '../../src/runtime/codec/ids.ts';

test('canonicalId answers the same characters, for every id and after the table starts over', () => {
  const ids = Array.from({ length: CANONICAL_IDS + 10 }, (_, i) => `agent-${i}-${'x'.repeat(i % 7)}`);
  for (const id of ids) assert.equal(canonicalId(id), id);
  // Copies built anew (other string objects, the same characters), before and after the start-over.
  for (const i of [0, 1, CANONICAL_IDS - 1, CANONICAL_IDS, CANONICAL_IDS + 9]) {
    const copy = ['agent', String(i), 'x'.repeat(i % 7)].join('-');
    assert.equal(canonicalId(copy), ids[i]);
  }
  assert.equal(canonicalId('ümlaut-😀'), 'ümlaut-😀');
});
