// Field values as Marathon turns them into text (Constraints.getValueString, readerForField).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeText, fieldValue, formatDecimal } from '../../../src/placement/constraints/index.ts';
import { agent, agentWith } from './helpers.ts';

test('DecimalFormat("0.###"): thousandths, half-even on the exact double, no trailing zeros', () => {
  const rows: Array<[number, string]> = [
    [1, '1'], [1.0, '1'], [0.8, '0.8'], [2.5, '2.5'], [3.14159, '3.142'], [100, '100'],
    [1.0005, '1'], // the double is 1.000499999…: down (Marathon's comment)
    [1.00051, '1.001'],
    [1.1005, '1.101'], // the double is 1.100500000…03: up (Marathon's comment)
    [0.0625, '0.062'], [0.1875, '0.188'], [2.0625, '2.062'], // exact ties: to even
    [0.0005, '0.001'], // the double is 0.000500000…01
    [1e-7, '0'], [1000.0004, '1000'], [123456.7896, '123456.79'],
    [1e21, '1000000000000000000000'], // never exponent notation
    [-1.5, '-1.5'], [-0.0001, '-0'],
  ];
  for (const [x, text] of rows) assert.equal(formatDecimal(x), text, String(x));
});

test('attribute text: TEXT as is, SCALAR through DecimalFormat, RANGES [b-e,…] by begin, SET {a,b} sorted', () => {
  assert.equal(attributeText({ name: 'a', type: 'TEXT', text: 'rack-1' }), 'rack-1');
  assert.equal(attributeText({ name: 'a', type: 'SCALAR', scalar: 0.80001 }), '0.8');
  assert.equal(attributeText({ name: 'a', type: 'SCALAR', scalar: 4 }), '4');
  assert.equal(attributeText({ name: 'a', type: 'RANGES', ranges: [{ begin: 31000, end: 32000 }, { begin: 100, end: 200 }] }), '[100-200,31000-32000]');
  assert.equal(attributeText({ name: 'a', type: 'SET', items: ['b', 'a', 'c'] }), '{a,b,c}');
  assert.equal(attributeText({ name: 'a', type: 'SET', items: ['B', 'a', '10', '9'] }), '{10,9,B,a}', 'code-unit order, as Scala sorts strings');
});

test('fields: hostname and @hostname, @region and @zone from the fault domain, otherwise the first attribute of that name', () => {
  const a = agent('h1.example', 'rack:r1;rack:r2;level:0.5;ports:[1-2]', { region: 'us-east', zone: 'us-east-1a' });
  assert.equal(fieldValue(a, 'hostname'), 'h1.example');
  assert.equal(fieldValue(a, '@hostname'), 'h1.example');
  assert.equal(fieldValue(a, '@region'), 'us-east');
  assert.equal(fieldValue(a, '@zone'), 'us-east-1a');
  assert.equal(fieldValue(a, 'rack'), 'r1');
  assert.equal(fieldValue(a, 'level'), '0.5');
  assert.equal(fieldValue(a, 'ports'), '[1-2]');
  assert.equal(fieldValue(a, 'gpu'), undefined);
  assert.equal(fieldValue(a, 'region'), undefined, 'a plain "region" is an attribute, not the fault domain');
  const bare = agentWith('h2', []);
  assert.equal(fieldValue(bare, '@zone'), undefined);
  assert.equal(fieldValue(bare, '@region'), undefined);
});
