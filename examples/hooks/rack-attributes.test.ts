// rack-attributes: rack from the map by hostname (or short name); the operator's rack wins; an
// unknown host is left as it is; directly and through serve() (agentAttributesDecorator).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAttributes, Resources, type AgentInfoView } from '../../src/index.ts';
import { decodeResponse, encodeRequest, toWire } from '../../src/runtime/requests.ts';
import { serve } from '../../src/runtime/serve.ts';
import policy, { rackAttributes, rackOf } from './rack-attributes.ts';

const agent = (hostname: string, attributes = ''): AgentInfoView => ({ hostname, resources: Resources.EMPTY, attributes: attributes === '' ? [] : parseAttributes(attributes) });

test('rackOf: the full hostname, else its short name', () => {
  assert.equal(rackOf('node-03.dc1'), 'r2');
  assert.equal(rackOf('node-05'), 'r3');
  assert.equal(rackOf('elsewhere'), undefined);
});

test('adds rack to the attributes it has; keeps an explicit rack; leaves an unknown host alone', () => {
  assert.deepEqual(rackAttributes(agent('node-01.dc1', 'ssd:true')), [...parseAttributes('ssd:true'), { name: 'rack', type: 'TEXT', text: 'r1' }]);
  assert.equal(rackAttributes(agent('node-01.dc1', 'rack:r9')), undefined);
  const warn = console.warn;
  const warned: unknown[] = [];
  console.warn = (...args: unknown[]) => warned.push(args.join(' '));
  try {
    assert.equal(rackAttributes(agent('new-box')), undefined);
  } finally {
    console.warn = warn;
  }
  assert.match(String(warned[0]), /new-box is not in the rack map/);
});

test('through serve(): has_attributes and the rack in the HookReply', async () => {
  const bundle = serve(policy);
  const request = encodeRequest({ hook: { agentAttributesDecorator: { agentInfo: { hostname: 'node-04.dc1', attributes: toWire.attributes('dc:1') } } } });
  const reply = decodeResponse(await bundle.handle('hook', request)).hook!;
  assert.equal(reply.hasAttributes, true);
  assert.deepEqual(reply.attributes.map((a) => [a.name, a.scalar?.value ?? a.text?.value]), [['dc', 1], ['rack', 'r2']]);
});
