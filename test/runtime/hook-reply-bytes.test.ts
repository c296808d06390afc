// A hook's reply of labels only is written without protobufjs (response-bytes.ts): the same bytes
// protobufjs writes, for any labels; replies with anything else, or non-ASCII text, still go
// through protobufjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { protocol, type wire } from '../../src/runtime/protocol.ts';
import { encodeResponse } from '../../src/runtime/response-bytes.ts';

// Any text: ASCII (the direct path), non-ASCII and lone surrogates (protobufjs's), empty strings.
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('', 'team', 'róle', '\ud800'));
// Labels as labelsToWire makes them (a value or none), and with an explicit null or undefined value.
const label: fc.Arbitrary<wire.ILabel> = fc.oneof(
  fc.record({ key: text, value: text }),
  fc.record({ key: text }),
  fc.record({ key: text, value: fc.constantFrom(null, undefined) }),
);
const labels = fc.array(label, { maxLength: 200 });

const protobufjs = (response: wire.IResponse): Uint8Array => protocol.Response.encode(response).finish();

test('property: a labels-only hook reply encodes to the bytes protobufjs writes', () => {
  fc.assert(
    fc.property(labels, (list) => {
      const response = { hook: { labels: { labels: list } } };
      assert.deepEqual(Buffer.from(encodeResponse(response)), Buffer.from(protobufjs(response)));
    }),
    { numRuns: 500 },
  );
});

test('property: a hook reply with more than labels encodes as protobufjs does', () => {
  const resources: wire.IResource[] = [{ name: 'cpus', type: protocol.Value.Type.SCALAR, scalar: { value: 1 } }];
  const reply = fc.oneof(
    labels.map((list): wire.IHookReply => ({ labels: { labels: list }, hasResources: false })),
    labels.map((list): wire.IHookReply => ({ labels: { labels: list }, hasResources: true, resources })),
    fc.constant<wire.IHookReply>({ hasAttributes: true, attributes: [] }),
    fc.constant<wire.IHookReply>({}),
    fc.constant<wire.IHookReply>({ labels: {} }),
  );
  fc.assert(
    fc.property(reply, (hook) => {
      assert.deepEqual(Buffer.from(encodeResponse({ hook })), Buffer.from(protobufjs({ hook })));
    }),
  );
});

test('a label decorator reply decodes to its labels', () => {
  const list = [{ key: 'team', value: 'kafka' }, { key: 'cost_center', value: 'data-services' }, { key: 'flag' }];
  const decoded = protocol.Response.decode(encodeResponse({ hook: { labels: { labels: list } } }));
  assert.deepEqual(decoded.hook?.labels?.labels?.map((l) => (l.value === '' && !Object.hasOwn(l, 'value') ? { key: l.key } : { key: l.key, value: l.value })), list);
});
