// `mesos-policy build`: a loadable bundle and its size; a broken policy is a clear error, exit 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCommand } from '../../src/cli/build-command.ts';

const SMOKE = 'test/native/mesos/fixtures/smoke-policy.ts';

test('bundles a policy into one file, prints its path, size and what it serves', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mesos-policy-build-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'smoke.js');
  const result = await buildCommand([SMOKE, '-o', out]);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`^${out} \\(\\d+\\.\\d KiB\\)\\n`));
  assert.match(result.stdout, /policy 'mesos-smoke' \(mesos-policy [\d.]+\): hooks, isolator/);
  const minified = join(dir, 'smoke.min.js');
  assert.equal((await buildCommand([SMOKE, `-o=${minified}`, '--minify'])).exitCode, 0);
  assert.ok(statSync(minified).size < statSync(out).size, 'minified is smaller');
});

test('a policy that does not bundle or does not load: exit 1 with the reason; usage errors exit 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mesos-policy-build-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const syntax = join(dir, 'syntax.ts');
  writeFileSync(syntax, 'export default {');
  const r1 = await buildCommand([syntax, '-o', join(dir, 'a.js')]);
  assert.equal(r1.exitCode, 1);
  assert.match(r1.stderr, /cannot bundle policy .*syntax\.ts/);
  assert.equal(r1.stdout, '');
  const notPolicy = join(dir, 'number.ts');
  writeFileSync(notPolicy, 'export default 42;');
  const r2 = await buildCommand([notPolicy, '-o', join(dir, 'b.js')]);
  assert.equal(r2.exitCode, 1);
  assert.match(r2.stderr, /does not load: .*the policy must be an object/);
  const r3 = await buildCommand([join(dir, 'missing.ts'), '-o', join(dir, 'c.js')]);
  assert.equal(r3.exitCode, 1);
  assert.equal(existsSync(join(dir, 'c.js')), false);
  assert.equal((await buildCommand([])).exitCode, 2);
  assert.equal((await buildCommand([SMOKE, '--nope'])).exitCode, 2);
});

test('the installed command builds a bundle end to end', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mesos-policy-build-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cli = new URL('../../src/cli/main.ts', import.meta.url).pathname;
  const ok = spawnSync(process.execPath, ['--import', 'tsx', cli, 'build', SMOKE, '-o', join(dir, 'p.js')], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(existsSync(join(dir, 'p.js')));
});
