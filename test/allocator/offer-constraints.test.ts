// Offer constraints (offer_constraints_filter.cpp). The first block re-expresses Mesos's own
// src/tests/master/offer_constraints_filter_tests.cpp, one test per Mesos test, from the same JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createOfferConstraintsFilter, NO_OFFER_CONSTRAINTS_FILTER, OfferConstraintsError, parseOfferConstraints,
  validateOfferConstraintsRoles, type AttributeConstraint, type OfferConstraintsAgent, type OfferConstraintsLimits,
} from '../../src/allocator/offer-constraints.ts';
import { parseAttributes } from '../../src/resources/index.ts';

/** Mesos's `slaveInfoWithAttributes`. */
const agent = (attributes: string, more: Partial<OfferConstraintsAgent> = {}): OfferConstraintsAgent =>
  ({ hostname: 'agent.example', attributes: parseAttributes(attributes), ...more });

/** Mesos's `createFilter(OfferConstraintsFromJSON(json))`. */
const filterFromJson = (json: string, limits?: OfferConstraintsLimits) => createOfferConstraintsFilter(parseOfferConstraints(JSON.parse(json), limits), limits);

/** One role, one group, one constraint, in the protobuf-JSON form of the Mesos tests. */
const oneConstraint = (selector: object, predicate: object, role = 'roleA') =>
  JSON.stringify({ role_constraints: { [role]: { groups: [{ attribute_constraints: [{ selector, predicate }] }] } } });

const bar = { attribute_name: 'bar' };

/** `filter.isAgentExcluded('roleA', agent(a))` for each attribute string. */
const excluded = (json: string, ...attributes: string[]) => {
  const filter = filterFromJson(json);
  return attributes.map((a) => filter.isAgentExcluded('roleA', agent(a)));
};

test('NamedAttributeExists: excluded iff the attribute is absent', () => {
  assert.deepEqual(excluded(oneConstraint(bar, { exists: {} }), 'bar:123', 'foo:123', 'foo:123;bar:456'), [false, true, false]);
});

test('NamedAttributeNotExists: excluded iff the attribute is present', () => {
  assert.deepEqual(excluded(oneConstraint(bar, { not_exists: {} }), 'bar:123', 'foo:123', 'foo:123;bar:456'), [true, false, true]);
});

test('NamedAttributeTextEquals: equal TEXT and non-TEXT pass; other TEXT and absent are excluded', () => {
  assert.deepEqual(excluded(oneConstraint(bar, { text_equals: { value: 'baz' } }), 'bar:baz', 'bar:123', 'bar:[1-17]', 'bar:zab', 'foo:baz'),
    [false, false, false, true, true]);
});

test('NamedAttributeTextNotEquals: only an equal TEXT is excluded (absent passes)', () => {
  assert.deepEqual(excluded(oneConstraint(bar, { text_not_equals: { value: 'baz' } }), 'bar:baz', 'bar:123', 'bar:[1-17]', 'bar:zab', 'foo:baz'),
    [true, false, false, false, false]);
});

test('TwoAttributesWithTheSameName: only the first attribute of the name is looked at', () => {
  assert.deepEqual(excluded(oneConstraint(bar, { text_equals: { value: 'baz' } }), 'bar:baz;bar:foo', 'bar:123;bar:foo', 'bar:foo;bar:baz', 'bar:foo;bar:123'),
    [false, false, true, true]);
});

test('NamedAttributeTextMatches: full RE2 match; non-TEXT passes; absent is excluded', () => {
  assert.deepEqual(excluded(oneConstraint(bar, { text_matches: { regex: '[a-d]+' } }), 'bar:abcd', 'bar:123', 'bar:[1-17]', 'bar:bcde', 'foo:abcd'),
    [false, false, false, true, true]);
});

test('NamedAttributeTextNotMatches: only a matching TEXT is excluded (non-TEXT and absent pass)', () => {
  assert.deepEqual(excluded(oneConstraint(bar, { text_not_matches: { regex: '[a-d]+' } }), 'bar:abcd', 'bar:123', 'bar:[1-17]', 'bar:bcde', 'foo:abcd'),
    [true, false, false, false, false]);
});

test('InvalidTextMatches and InvalidTextNotMatches: a regex that does not compile makes the constraints invalid', () => {
  for (const predicate of [{ text_matches: { regex: '[a-d' } }, { text_not_matches: { regex: '[a-d' } }]) {
    assert.throws(() => filterFromJson(oneConstraint(bar, predicate)), OfferConstraintsError);
  }
});

test('RegexTooComplex: (a+){10} is accepted, (a+){50} and (a+){500} are too complex', () => {
  const regex = (r: string) => oneConstraint(bar, { text_not_matches: { regex: r } });
  assert.doesNotThrow(() => filterFromJson(regex('(a+){10}')));
  assert.throws(() => filterFromJson(regex('(a+){50}')), /too complex/);
  // Mesos fails this one on RE2's memory limit ("pattern too large - compile failed"); here it is too complex.
  assert.throws(() => filterFromJson(regex('(a+){500}')), /too complex/);
});

const twoConstraintsInGroup = JSON.stringify({
  role_constraints: { roleA: { groups: [{ attribute_constraints: [
    { selector: { attribute_name: 'foo' }, predicate: { exists: {} } },
    { selector: { attribute_name: 'bar' }, predicate: { not_exists: {} } },
  ] }] } },
});

test('TwoConstraintsInGroup: constraints of a group are ANDed', () => {
  assert.deepEqual(excluded(twoConstraintsInGroup, '', 'foo:123', 'bar:456', 'bar:123;foo:456', 'baz:123;foo:456'), [true, false, true, true, false]);
});

test('TwoGroups: groups are ORed', () => {
  const json = JSON.stringify({ role_constraints: { roleA: { groups: [
    { attribute_constraints: [{ selector: { attribute_name: 'foo' }, predicate: { exists: {} } }] },
    { attribute_constraints: [{ selector: { attribute_name: 'bar' }, predicate: { not_exists: {} } }] },
  ] } } });
  assert.deepEqual(excluded(json, '', 'baz:123', 'bar:123', 'bar:123;foo:456'), [false, false, true, false]);
});

test('TwoRoles: each role is filtered by its own constraints', () => {
  const exists = (name: string) => ({ groups: [{ attribute_constraints: [{ selector: { attribute_name: name }, predicate: { exists: {} } }] }] });
  const filter = filterFromJson(JSON.stringify({ role_constraints: { roleA: exists('foo'), roleB: exists('bar') } }));
  assert.equal(filter.isAgentExcluded('roleA', agent('bar:123')), true);
  assert.equal(filter.isAgentExcluded('roleA', agent('foo:123')), false);
  assert.equal(filter.isAgentExcluded('roleB', agent('bar:123')), false);
  assert.equal(filter.isAgentExcluded('roleB', agent('foo:123')), true);
});

test('DefaultOfferConstraints: empty constraints give a no-op filter, not an error', () => {
  const filter = filterFromJson('{}');
  assert.equal(filter.isAgentExcluded('role', { hostname: '' }), false);
  assert.deepEqual(filter.roles, []);
  assert.equal(NO_OFFER_CONSTRAINTS_FILTER.isAgentExcluded('role', { hostname: '' }), false);
});

// ---- beyond Mesos's tests ---------------------------------------------------------------------

const constraint = (attributeName: string, predicate: AttributeConstraint['predicate']): AttributeConstraint => ({ selector: { attributeName }, predicate });

test('OR of ANDs: (rack = r1 AND ssd exists) OR (rack != r1 AND gpu not_exists)', () => {
  const filter = createOfferConstraintsFilter({ roleConstraints: { db: { groups: [
    { attributeConstraints: [constraint('rack', { textEquals: { value: 'r1' } }), constraint('ssd', { exists: {} })] },
    { attributeConstraints: [constraint('rack', { textNotEquals: { value: 'r1' } }), constraint('gpu', { notExists: {} })] },
  ] } } });
  const cases: [string, boolean][] = [
    ['rack:r1;ssd:true', false], ['rack:r1', true], ['rack:r1;gpu:1', true], ['rack:r2', false],
    ['rack:r2;gpu:1', true], ['rack:r2;gpu:1;ssd:true', true], ['', false], ['gpu:1;ssd:true', true],
  ];
  for (const [attributes, expected] of cases) assert.equal(filter.isAgentExcluded('db', agent(attributes)), expected, attributes);
});

test('first attribute only, for regexes and exists alike', () => {
  const filter = createOfferConstraintsFilter({ roleConstraints: { r: { groups: [{ attributeConstraints: [constraint('bar', { textMatches: { regex: 'b.*' } })] }] } } });
  assert.equal(filter.isAgentExcluded('r', agent('bar:foo;bar:baz')), true);
  assert.equal(filter.isAgentExcluded('r', agent('bar:baz;bar:foo')), false);
});

test('SCALAR and RANGES attributes satisfy every text predicate, positive and negated, even together', () => {
  const predicates: AttributeConstraint['predicate'][] = [
    { textEquals: { value: 'x' } }, { textNotEquals: { value: 'x' } }, { textMatches: { regex: 'x' } }, { textNotMatches: { regex: '.*' } },
  ];
  for (const attributes of ['bar:123', 'bar:1.5', 'bar:[1-17]', 'bar:[1-2,5-9]']) {
    for (const predicate of predicates) {
      const filter = createOfferConstraintsFilter({ roleConstraints: { r: { groups: [{ attributeConstraints: [constraint('bar', predicate)] }] } } });
      assert.equal(filter.isAgentExcluded('r', agent(attributes)), false, `${attributes} ${JSON.stringify(predicate)}`);
    }
    const contradiction = createOfferConstraintsFilter({ roleConstraints: { r: { groups: [{
      attributeConstraints: [constraint('bar', { textEquals: { value: 'x' } }), constraint('bar', { textNotEquals: { value: 'x' } })],
    }] } } });
    assert.equal(contradiction.isAgentExcluded('r', agent(attributes)), false, attributes);
  }
  const notExists = createOfferConstraintsFilter({ roleConstraints: { r: { groups: [{ attributeConstraints: [constraint('bar', { notExists: {} })] }] } } });
  assert.equal(notExists.isAgentExcluded('r', agent('bar:123')), true, 'a non-TEXT attribute still exists');
});

test('a missing attribute fails exists and the positive text predicates, passes not_exists and the negated ones', () => {
  const expected: [AttributeConstraint['predicate'], boolean][] = [
    [{ exists: {} }, true], [{ notExists: {} }, false], [{ textEquals: { value: '' } }, true], [{ textNotEquals: { value: '' } }, false],
    [{ textMatches: { regex: '.*' } }, true], [{ textNotMatches: { regex: '.*' } }, false],
  ];
  for (const [predicate, isExcluded] of expected) {
    const filter = createOfferConstraintsFilter({ roleConstraints: { r: { groups: [{ attributeConstraints: [constraint('bar', predicate)] }] } } });
    assert.equal(filter.isAgentExcluded('r', agent('foo:1')), isExcluded, JSON.stringify(predicate));
    assert.equal(filter.isAgentExcluded('r', { hostname: 'h' }), isExcluded, 'an agent without attributes');
  }
});

test('HOSTNAME, REGION and ZONE pseudoattributes; no fault domain means REGION and ZONE do not exist', () => {
  const pseudo = (type: 'HOSTNAME' | 'REGION' | 'ZONE', predicate: AttributeConstraint['predicate']) =>
    createOfferConstraintsFilter({ roleConstraints: { r: { groups: [{ attributeConstraints: [{ selector: { pseudoattributeType: type }, predicate }] }] } } });
  const east = agent('', { hostname: 'db-1.example', domain: { region: 'us-east', zone: 'us-east-1a' } });
  const nowhere = agent('', { hostname: 'web-2.example' });
  const host = pseudo('HOSTNAME', { textMatches: { regex: 'db-[0-9]+\\.example' } });
  assert.equal(host.isAgentExcluded('r', east), false);
  assert.equal(host.isAgentExcluded('r', nowhere), true);
  assert.equal(pseudo('REGION', { textEquals: { value: 'us-east' } }).isAgentExcluded('r', east), false);
  assert.equal(pseudo('ZONE', { textNotMatches: { regex: 'us-east-1[ab]' } }).isAgentExcluded('r', east), true);
  assert.equal(pseudo('ZONE', { textEquals: { value: 'us-east-1a' } }).isAgentExcluded('r', east), false);
  for (const type of ['REGION', 'ZONE'] as const) {
    assert.equal(pseudo(type, { exists: {} }).isAgentExcluded('r', nowhere), true);
    assert.equal(pseudo(type, { notExists: {} }).isAgentExcluded('r', nowhere), false);
    assert.equal(pseudo(type, { textEquals: { value: 'us-east' } }).isAgentExcluded('r', nowhere), true);
    assert.equal(pseudo(type, { textNotEquals: { value: 'us-east' } }).isAgentExcluded('r', nowhere), false);
    assert.equal(pseudo(type, { textNotMatches: { regex: '.*' } }).isAgentExcluded('r', nowhere), false);
  }
  assert.equal(pseudo('HOSTNAME', { notExists: {} }).isAgentExcluded('r', nowhere), true, 'an agent always has a hostname');
});

test('roles without constraints are never excluded', () => {
  const filter = filterFromJson(oneConstraint(bar, { exists: {} }, 'eng/db'));
  assert.deepEqual(filter.roles, ['eng/db']);
  assert.equal(filter.isAgentExcluded('eng/db', agent('')), true);
  for (const role of ['eng', 'eng/db/replica', '*', 'other']) {
    assert.equal(filter.isAgentExcluded(role, agent('')), false, role);
    assert.equal(filter.excludedBecause(role, agent('')), undefined, role);
  }
});

test('excludedBecause names the first failing constraint of every group, and is undefined when included', () => {
  const filter = createOfferConstraintsFilter({ roleConstraints: { db: { groups: [
    { attributeConstraints: [constraint('rack', { exists: {} }), constraint('disk', { textEquals: { value: 'ssd' } })] },
    { attributeConstraints: [{ selector: { pseudoattributeType: 'HOSTNAME' }, predicate: { textMatches: { regex: 'db-.*' } } }] },
  ] } } });
  assert.equal(filter.excludedBecause('db', agent('rack:r1;disk:hdd', { hostname: 'web-1' })),
    'offer constraints of role "db" not met: group 0: attribute "disk" ("hdd") fails text_equals "ssd"; group 1: hostname ("web-1") fails text_matches "db-.*"');
  assert.equal(filter.excludedBecause('db', agent('disk:ssd', { hostname: 'web-1' })),
    'offer constraints of role "db" not met: group 0: attribute "rack" (absent) fails exists; group 1: hostname ("web-1") fails text_matches "db-.*"');
  assert.equal(filter.excludedBecause('db', agent('', { hostname: 'db-7' })), undefined);
  assert.equal(filter.isAgentExcluded('db', agent('', { hostname: 'db-7' })), false);
});

test('camelCase and protobuf-JSON snake_case read the same; pseudoattribute types also by enum number', () => {
  const camel = { roleConstraints: { r: { groups: [{ attributeConstraints: [
    { selector: { pseudoattributeType: 'ZONE' }, predicate: { textNotMatches: { regex: 'a' } } },
    { selector: { attributeName: 'x' }, predicate: { notExists: {} } },
  ] }] } } };
  const snake = { role_constraints: { r: { groups: [{ attribute_constraints: [
    { selector: { pseudoattribute_type: 3 }, predicate: { text_not_matches: { regex: 'a' } } },
    { selector: { attribute_name: 'x' }, predicate: { not_exists: {} } },
  ] }] } } };
  assert.deepEqual(parseOfferConstraints(snake), camel);
  assert.deepEqual(parseOfferConstraints(camel), camel);
});

/** The OfferConstraintsError thrown for `json`, for its field and message. */
function errorOf(json: unknown, limits?: OfferConstraintsLimits): OfferConstraintsError {
  try {
    parseOfferConstraints(json, limits);
  } catch (e) {
    assert.ok(e instanceof OfferConstraintsError, String(e));
    return e;
  }
  return assert.fail(`accepted ${JSON.stringify(json)}`);
}

test('invalid structure: each error names the bad field', () => {
  const group = (attribute_constraints: unknown) => ({ role_constraints: { r: { groups: [{ attribute_constraints }] } } });
  const one = (c: unknown) => group([c]);
  const cases: [unknown, string, RegExp][] = [
    [{ role_constraints: { r: { groups: [] } } }, 'roleConstraints["r"].groups', /cannot be empty/],
    [{ role_constraints: { r: {} } }, 'roleConstraints["r"].groups', /missing/],
    [group([]), 'roleConstraints["r"].groups[0].attributeConstraints', /cannot be empty/],
    [{ role_constraints: { '-bad': { groups: [] } } }, 'roleConstraints["-bad"]', /invalid role: .*starts with a dash/],
    [{ role_constraints: { 'a//b': { groups: [] } } }, 'roleConstraints["a//b"]', /invalid role/],
    [{ role_constraints: { '': { groups: [] } } }, 'roleConstraints[""]', /invalid role/],
    [{ role_constraints: [] }, 'roleConstraints', /must be an object/],
    [{ role_constraint: {} }, 'offerConstraints.role_constraint', /unknown field/],
    [{ role_constraints: {}, roleConstraints: {} }, 'offerConstraints.roleConstraints', /given twice/],
    [one({ selector: { attribute_name: 'a' } }), 'roleConstraints["r"].groups[0].attributeConstraints[0].predicate', /missing/],
    [one({ predicate: { exists: {} } }), 'roleConstraints["r"].groups[0].attributeConstraints[0].selector', /missing/],
    [one({ selector: {}, predicate: { exists: {} } }), 'roleConstraints["r"].groups[0].attributeConstraints[0].selector', /exactly one of/],
    [one({ selector: { attribute_name: 'a', pseudoattribute_type: 'ZONE' }, predicate: { exists: {} } }),
      'roleConstraints["r"].groups[0].attributeConstraints[0].selector', /exactly one of .*got/],
    [one({ selector: { pseudoattribute_type: 'UNKNOWN' }, predicate: { exists: {} } }),
      'roleConstraints["r"].groups[0].attributeConstraints[0].selector.pseudoattributeType', /unknown pseudoattribute type/],
    [one({ selector: { attribute_name: 'a' }, predicate: {} }), 'roleConstraints["r"].groups[0].attributeConstraints[0].predicate', /exactly one of/],
    [one({ selector: { attribute_name: 'a' }, predicate: { exists: {}, not_exists: {} } }),
      'roleConstraints["r"].groups[0].attributeConstraints[0].predicate', /exactly one of/],
    [one({ selector: { attribute_name: 'a' }, predicate: { text_equals: {} } }),
      'roleConstraints["r"].groups[0].attributeConstraints[0].predicate.textEquals.value', /missing/],
    [one({ selector: { attribute_name: 'a' }, predicate: { text_equals: { value: 3 } } }),
      'roleConstraints["r"].groups[0].attributeConstraints[0].predicate.textEquals.value', /must be a string/],
    [one({ selector: { attribute_name: 'a' }, predicate: { exists: { value: 'x' } } }),
      'roleConstraints["r"].groups[0].attributeConstraints[0].predicate.exists.value', /unknown field/],
    [one({ selector: { attribute_name: 'a' }, predicate: { text_equal: { value: 'x' } } }),
      'roleConstraints["r"].groups[0].attributeConstraints[0].predicate.text_equal', /unknown field/],
    [null, 'offerConstraints', /must be an object/],
  ];
  for (const [json, field, message] of cases) {
    const error = errorOf(json);
    assert.equal(error.field, field, JSON.stringify(json));
    assert.match(error.message, message, JSON.stringify(json));
    assert.ok(error.message.startsWith(`${field}: `));
  }
});

test('createOfferConstraintsFilter validates typed input too', () => {
  assert.throws(() => createOfferConstraintsFilter({ roleConstraints: { r: { groups: [] } } }), OfferConstraintsError);
  assert.throws(() => createOfferConstraintsFilter({ roleConstraints: { r: { groups: [{ attributeConstraints: [] }] } } }), OfferConstraintsError);
});

const regexError = (regex: string, limits?: OfferConstraintsLimits) =>
  errorOf({ role_constraints: { r: { groups: [{ attribute_constraints: [{ selector: bar, predicate: { text_matches: { regex } } }] }] } } }, limits);

test('regex features RE2 lacks are refused with a clear error on the regex field', () => {
  const cases: [string, RegExp][] = [
    ['(a)\\1', /backreferences/], ['(?=a)a', /lookaround/], ['(?!a)b', /lookaround/], ['(?<=a)b', /lookaround/], ['(?<!a)b', /lookaround/],
    ['(?<n>a)\\k<n>', /named groups|named backreferences/], ['\\k<n>', /named backreferences/], ['(?<n>a)', /\(\?P<name>/],
    ['[[:alpha:]]', /POSIX/], ['[]a]', /cannot start with '\]'/], ['[^]', /cannot start with '\]'/], ['[\\b]', /backspace/],
    ['a{1001}', /above 1000/], ['\\p{L}', /Unicode classes/], ['\\u0041', /\\u escapes/], ['\\cA', /\\c escapes/],
    ['(?i)abc', /inline flags/], ['a)', /unmatched \)/], ['(a', /missing \)/], ['\\', /trailing backslash/],
  ];
  for (const [regex, message] of cases) {
    const error = regexError(regex);
    assert.equal(error.field, 'roleConstraints["r"].groups[0].attributeConstraints[0].predicate.textMatches.regex', regex);
    assert.match(error.message, message, regex);
    assert.ok(error.message.includes(JSON.stringify(regex)), 'the message quotes the regex');
  }
});

test('limits: maxPatternLength caps the text, maxProgramSize a lower bound of RE2 program size', () => {
  assert.match(regexError('a'.repeat(1001), { maxProgramSize: 1e9 }).message, /longer than 1000 characters/);
  assert.match(regexError('abcdef', { maxPatternLength: 5 }).message, /longer than 5 characters/);
  // RE2 program sizes measured with Mesos's RE2: 96 literal characters make 100 instructions, 97 make 101.
  assert.doesNotThrow(() => filterFromJson(oneConstraint(bar, { text_matches: { regex: 'a'.repeat(90) } })));
  assert.match(regexError('a'.repeat(120)).message, /too complex: RE2 program size of at least/);
  assert.doesNotThrow(() => filterFromJson(oneConstraint(bar, { text_matches: { regex: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' } })));
  assert.doesNotThrow(() => parseOfferConstraints(JSON.parse(oneConstraint(bar, { text_matches: { regex: '(a+){50}' } })), { maxProgramSize: 1000 }));
});

test('RE2 semantics: full match, "." and \\s as RE2 reads them, RE2-only escapes translated', () => {
  const matches = (regex: string, text: string) =>
    !createOfferConstraintsFilter({ roleConstraints: { r: { groups: [{ attributeConstraints: [{ selector: { pseudoattributeType: 'HOSTNAME' }, predicate: { textMatches: { regex } } }] }] } } })
      .isAgentExcluded('r', { hostname: text });
  assert.equal(matches('db', 'db-1'), false, 'a full match, not a search');
  assert.equal(matches('db|web', 'web'), true, 'alternation stays inside the anchors');
  assert.equal(matches('a.b', 'a\rb'), true, "RE2's . matches \\r");
  assert.equal(matches('a.b', 'a\u2028b'), true, "RE2's . matches U+2028");
  assert.equal(matches('a.b', 'a\nb'), false, "RE2's . does not match \\n");
  assert.equal(matches('a\\sb', 'a\tb'), true);
  assert.equal(matches('a\\sb', 'a\vb'), false, "RE2's \\s excludes \\v");
  assert.equal(matches('a\\sb', 'a\u00a0b'), false, "RE2's \\s is ASCII");
  assert.equal(matches('a\\Sb', 'a\u00a0b'), true);
  assert.equal(matches('[\\s]', '\u2003'), false);
  assert.equal(matches('\\x{41}\\101\\x42', 'AAB'), true, '\\x{...} and octal escapes');
  assert.equal(matches('\\Aab\\z', 'ab'), true);
  assert.equal(matches('a\\-b\\_c\\#', 'a-b_c#'), true, 'escaped punctuation is literal');
  assert.equal(matches('a{,2}', 'a{,2}'), true, 'a { that is not a repetition is literal');
  assert.equal(matches('(?P<rack>r[0-9])-x', 'r1-x'), true);
  assert.equal(matches('\\w+', 'é'), false, '\\w is ASCII');
  assert.equal(matches('é+', 'éé'), true, 'UTF-8 literals');
});

test('validateOfferConstraintsRoles: constraints only for the framework\'s roles (Mesos master validation)', () => {
  const constraints = parseOfferConstraints(JSON.parse(oneConstraint(bar, { exists: {} }, 'eng')));
  assert.doesNotThrow(() => validateOfferConstraintsRoles(['eng', 'ops'], constraints));
  assert.throws(() => validateOfferConstraintsRoles(['ops'], constraints), /not one of the framework's roles/);
});
