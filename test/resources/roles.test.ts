// Role names and the role tree (src/common/roles.cpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidRole, roleProblem, isStrictSubroleOf, roleAncestors, assertValidRole, ResourceError } from '../../src/resources/index.ts';

test('valid roles', () => {
  for (const role of ['*', 'eng', 'eng/backend', 'a/b/c', 'kafka-prod', 'a.b', 'x_y', 'a/-'.replace('-', 'b')]) {
    assert.ok(isValidRole(role), role);
  }
});

test('invalid roles say why', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /empty/],
    ['.', /'\.'/],
    ['..', /'\.\.'/],
    ['a/./b', /'\.'/],
    ['-a', /dash/],
    ['a/-b', /dash/],
    ['a//b', /adjacent slashes/],
    ['/a', /start with a slash/],
    ['a/', /end with a slash/],
    ['a b', /whitespace/],
    ['a\tb', /whitespace/],
    ['a\x7fb', /backspace/],
    ['*/a', /'\*'/],
    ['a/*', /'\*'/],
  ];
  for (const [role, reason] of cases) {
    assert.match(roleProblem(role) ?? 'valid', reason, JSON.stringify(role));
  }
  assert.throws(() => assertValidRole('a//b'), ResourceError);
});

test('strict subroles and ancestors', () => {
  assert.ok(isStrictSubroleOf('eng/backend', 'eng'));
  assert.ok(isStrictSubroleOf('eng/backend/db', 'eng'));
  assert.ok(!isStrictSubroleOf('eng', 'eng'));
  assert.ok(!isStrictSubroleOf('engineering', 'eng'));
  assert.ok(!isStrictSubroleOf('eng', 'eng/backend'));
  assert.deepEqual(roleAncestors('a/b/c'), ['a/b', 'a']);
  assert.deepEqual(roleAncestors('a'), []);
});
