// Parsing and formatting: Marathon's JSON triples (validated as SchedulingValidation does), the
// mesos/kafka string form, the extension objects, and typed errors that name the constraint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConstraintParseError, ConstraintUsageError, formatConstraintsJson, formatConstraintsString, parseConstraints,
  type Constraint,
} from '../../../src/placement/constraints/index.ts';

test('Marathon JSON triples, as text or decoded, values as strings or numbers', () => {
  const expected: Constraint[] = [
    { type: 'UNIQUE', field: 'hostname' },
    { type: 'GROUP_BY', field: 'rack', groups: 3 },
    { type: 'MAX_PER', field: 'rack', max: 2 },
    { type: 'CLUSTER', field: 'rack_id' },
    { type: 'CLUSTER', field: 'rack_id', value: 'rack-1' },
    { type: 'LIKE', field: 'rack_id', pattern: 'rack-[1-3]' },
    { type: 'UNLIKE', field: 'rack_id', pattern: 'rack-[7-9]' },
    { type: 'IS', field: 'level', value: '0.8' },
    { type: 'GROUP_BY', field: '@zone' },
  ];
  const text = '[["hostname","UNIQUE"],["rack","GROUP_BY","3"],["rack","MAX_PER",2],["rack_id","CLUSTER"],["rack_id","CLUSTER","rack-1"],'
    + '["rack_id","LIKE","rack-[1-3]"],["rack_id","UNLIKE","rack-[7-9]"],["level","IS",0.8],["@zone","GROUP_BY"]]';
  assert.deepEqual(parseConstraints(text), expected);
  assert.deepEqual(parseConstraints(JSON.parse(text)), expected);
});

test("Marathon's pod form {fieldName, operator, value}", () => {
  assert.deepEqual(parseConstraints([{ fieldName: 'rack', operator: 'GROUP_BY', value: '3' }, { fieldName: 'hostname', operator: 'UNIQUE' }]), [
    { type: 'GROUP_BY', field: 'rack', groups: 3 },
    { type: 'UNIQUE', field: 'hostname' },
  ]);
  assert.throws(() => parseConstraints([{ fieldName: 'rack', operator: 'MAX_PER' }]), /MAX_PER requires an integer value/);
});

test('operator names are case-insensitive and `_` is optional; CLUSTER "" is no value', () => {
  assert.deepEqual(parseConstraints([['rack', 'group_by', '2'], ['rack', 'maxPer', '1'], ['rack', 'Cluster', '']]), [
    { type: 'GROUP_BY', field: 'rack', groups: 2 },
    { type: 'MAX_PER', field: 'rack', max: 1 },
    { type: 'CLUSTER', field: 'rack' },
  ]);
});

test('integers as Java parses them: sign allowed, 32-bit', () => {
  assert.deepEqual(parseConstraints([['rack', 'MAX_PER', '+2']]), [{ type: 'MAX_PER', field: 'rack', max: 2 }]);
  assert.deepEqual(parseConstraints([['rack', 'MAX_PER', '-1']]), [{ type: 'MAX_PER', field: 'rack', max: -1 }]);
  assert.throws(() => parseConstraints([['rack', 'MAX_PER', '2147483648']]), ConstraintParseError);
  assert.throws(() => parseConstraints([['rack', 'MAX_PER', ' 2']]), ConstraintParseError);
  assert.throws(() => parseConstraints([['rack', 'MAX_PER', 2.5]]), ConstraintParseError);
});

test('the mesos/kafka string form', () => {
  assert.deepEqual(parseConstraints('hostname=unique,rack=like:1.*'), [
    { type: 'UNIQUE', field: 'hostname' },
    { type: 'LIKE', field: 'rack', pattern: '1.*' },
  ]);
  assert.deepEqual(
    parseConstraints('rack=groupBy:3, rack=cluster:a,rack=cluster,rack=groupBy,rack=maxPer:2,rack=unlike:x,rack=is:x,@zone=spread:1,rack=GROUP_BY:2'),
    [
      { type: 'GROUP_BY', field: 'rack', groups: 3 },
      { type: 'CLUSTER', field: 'rack', value: 'a' },
      { type: 'CLUSTER', field: 'rack' },
      { type: 'GROUP_BY', field: 'rack' },
      { type: 'MAX_PER', field: 'rack', max: 2 },
      { type: 'UNLIKE', field: 'rack', pattern: 'x' },
      { type: 'IS', field: 'rack', value: 'x' },
      { type: 'SPREAD', field: '@zone', maxSkew: 1 },
      { type: 'GROUP_BY', field: 'rack', groups: 2 },
    ],
  );
  assert.deepEqual(parseConstraints(''), []);
  assert.deepEqual(parseConstraints('hostname=unique,'), [{ type: 'UNIQUE', field: 'hostname' }], 'one trailing comma, as kafka');
});

test('string form escapes: \\, \\= \\\\ ; other backslashes reach the regex as written', () => {
  assert.deepEqual(parseConstraints('rack=like:a\\,b|c\\=d,host=like:r\\d+\\.x'), [
    { type: 'LIKE', field: 'rack', pattern: 'a,b|c=d' },
    { type: 'LIKE', field: 'host', pattern: 'r\\d+\\.x' },
  ]);
  assert.deepEqual(parseConstraints('rack=like:a\\\\d'), [{ type: 'LIKE', field: 'rack', pattern: 'a\\d' }], '\\\\ is one backslash');
});

test('extension objects: and / or / not / soft, and the plain data itself', () => {
  const parsed = parseConstraints([
    { and: [['rack', 'LIKE', 'r.*'], { not: ['rack', 'IS', 'r9'] }] },
    { or: [['@zone', 'IS', 'a'], ['@zone', 'IS', 'b']] },
    { soft: ['@zone', 'SPREAD', '1'], weight: 2 },
    { soft: ['ssd', 'IS', 'true'] },
    { type: 'MAX_PER', field: 'rack', max: 2 },
    { type: 'SOFT', weight: 0.5, constraint: { type: 'UNIQUE', field: 'hostname' } },
  ]);
  assert.deepEqual(parsed, [
    { type: 'AND', all: [{ type: 'LIKE', field: 'rack', pattern: 'r.*' }, { type: 'NOT', not: { type: 'IS', field: 'rack', value: 'r9' } }] },
    { type: 'OR', any: [{ type: 'IS', field: '@zone', value: 'a' }, { type: 'IS', field: '@zone', value: 'b' }] },
    { type: 'SOFT', weight: 2, constraint: { type: 'SPREAD', field: '@zone', maxSkew: 1 } },
    { type: 'SOFT', weight: 1, constraint: { type: 'IS', field: 'ssd', value: 'true' } },
    { type: 'MAX_PER', field: 'rack', max: 2 },
    { type: 'SOFT', weight: 0.5, constraint: { type: 'UNIQUE', field: 'hostname' } },
  ]);
});

/** Each row: input, the path reported, and a fragment of the problem. */
const ERRORS: ReadonlyArray<readonly [unknown, string, RegExp]> = [
  [[['hostname', 'UNIQUE', 'x']], '[0]', /UNIQUE does not accept a value/],
  [[['hostname', 'UNIQUE', '']], '[0]', /UNIQUE does not accept a value/],
  [[['rack', 'MAX_PER']], '[0]', /MAX_PER requires an integer value/],
  [[['rack', 'MAX_PER', 'two']], '[0]', /MAX_PER requires an integer value/],
  [[['rack', 'GROUP_BY', 'AbcDZ']], '[0]', /GROUP_BY must define an integer value or else no value at all/],
  [[['rack', 'GROUP_BY', '']], '[0]', /GROUP_BY must define an integer value/],
  [[['rack', 'GROUP_BY', '0']], '[0]', /at least one group/],
  [[['rack', 'LIKE']], '[0]', /LIKE requires a non-empty regular expression/],
  [[['rack', 'UNLIKE', '']], '[0]', /UNLIKE requires a non-empty regular expression/],
  [[['ok', 'UNIQUE'], ['rack', 'LIKE', 'r[1-']], '[1]', /not a valid regular expression/],
  [[['rack', 'LIKE', 'a)|(b']], '[0]', /not a valid regular expression/],
  [[['rack', 'LIKE', '\\Aabc\\z']], '[0]', /escape \\A is not supported/],
  [[['rack', 'LIKE', 'a*+']], '[0]', /not a valid regular expression/],
  [[['rack', 'IS']], '[0]', /IS requires a value/],
  [[['rack', 'IS', '{a,b}']], '[0]', /IS only supports Mesos text and scalar values/],
  [[['rack', 'SPREAD', '0']], '[0]', /maximum skew/],
  [[['rack', 'NEAR', 'x']], '[0]', /operator must be one of/],
  [[['rack']], '[0]', /either 2 or 3 fields/],
  [[['rack', 'IS', 'a', 'b']], '[0]', /either 2 or 3 fields/],
  [[['', 'UNIQUE']], '[0]', /missing field/],
  [[['rack', 'IS', true]], '[0]', /string or a number/],
  [['hostname', 'UNIQUE'], '$', /not a single triple/],
  [{ and: [] }, '$', /must be an array/],
  [[{ and: [] }], '[0]', /non-empty array/],
  [[{ or: [['rack', 'UNIQUE'], ['rack', 'LIKE', '(']] }], '[0].or[1]', /regular expression/],
  [[{ and: [{ soft: ['rack', 'UNIQUE'] }] }], '[0].and[0]', /only appear at the top level/],
  [[{ soft: ['rack', 'UNIQUE'], weight: 0 }], '[0]', /weight/],
  [[{ soft: ['rack', 'UNIQUE'], wieght: 2 }], '[0]', /unknown key "wieght"/],
  [[{ type: 'MAX_PER', field: 'rack', max: '2' }], '[0]', /max must be a number/],
  [[{ type: 'CLUSTER', field: 'rack', value: '' }], '[0]', /normal form/],
  [[{ type: 'max_per', field: 'rack', max: 2 }], '[0]', /unknown constraint type/],
  [[42], '[0]', /expected a \[field, operator, value\?\] triple/],
  ['[["hostname","UNIQUE"]', '$', /not valid JSON/],
  ['hostname=unique,,rack=unique', 'entry 2', /empty constraint/],
  ['hostname', 'entry 1', /expected field=operator/],
  ['rack=near:x', 'entry 1', /unknown operator "near"/],
  ['rack=unique:x', 'entry 1', /UNIQUE does not accept a value/],
  ['hostname=unique,rack=like:[', 'entry 2', /regular expression/],
  ['rack=groupBy:', 'entry 1', /GROUP_BY must define an integer/],
];

test('bad constraints throw ConstraintParseError naming the constraint, where it is and why', () => {
  for (const [input, path, problem] of ERRORS) {
    assert.throws(
      () => parseConstraints(input),
      (e: unknown) => {
        assert.ok(e instanceof ConstraintParseError, `${JSON.stringify(input)} threw ${String(e)}`);
        assert.equal(e.path, path, JSON.stringify(input));
        assert.match(e.problem, problem, JSON.stringify(input));
        assert.match(e.message, /^invalid constraint .+ at .+: /);
        return true;
      },
    );
  }
});

test('formatting: Marathon triples with extension objects, and the string form', () => {
  const cs = parseConstraints('hostname=unique,rack=groupBy:3,rack=like:a\\,b,@zone=spread:1,rack=cluster');
  assert.equal(
    formatConstraintsJson(cs),
    '[["hostname","UNIQUE"],["rack","GROUP_BY","3"],["rack","LIKE","a,b"],["@zone","SPREAD","1"],["rack","CLUSTER"]]',
  );
  assert.equal(formatConstraintsString(cs), 'hostname=unique,rack=groupBy:3,rack=like:a\\,b,@zone=spread:1,rack=cluster');
  const composed = parseConstraints([{ soft: { not: ['rack', 'IS', 'r1'] }, weight: 2 }]);
  assert.equal(formatConstraintsJson(composed), '[{"soft":{"not":["rack","IS","r1"]},"weight":2}]');
  assert.throws(() => formatConstraintsString(composed), ConstraintUsageError);
  assert.throws(() => formatConstraintsString([{ type: 'IS', field: 'rack', value: ' x' }]), ConstraintUsageError);
});
