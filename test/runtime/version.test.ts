// Hello answers mesos-policy's version from a constant (bundles carry no package.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RUNTIME_VERSION } from '../../src/runtime/version.ts';

test('RUNTIME_VERSION is package.json\'s version (update src/runtime/version.ts when releasing)', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(RUNTIME_VERSION, pkg.version);
});
