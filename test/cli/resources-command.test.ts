// The `mesos-policy resources` command: output on good input, a clear error and exit 1 on bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourcesCommand } from '../../src/cli/resources-command.ts';

const SEED = 'cpus(prod):8; cpus(stage):2; mem(*):15360; disk(*):710534; ports(*):[31000-32000]';

test('prints each resource, totals per name and per role, and the attributes', () => {
  const result = resourcesCommand([`--resources=${SEED}`, '--attributes=disks:sata;raid:jbod;dc:1;rack:3']);
  assert.equal(result.exitCode, 0);
  assert.match(result.stdout, /cpus\s+SCALAR\s+prod \(STATIC\)\s+8/);
  assert.match(result.stdout, /cpus\s+10\s+0\s+10/);
  assert.match(result.stdout, /ports\s+1001\s+1001\s+0/);
  assert.match(result.stdout, /prod: cpus\(prod\):8/);
  assert.match(result.stdout, /rack\s+SCALAR\s+3/);
  assert.match(result.stdout, /--resources as Mesos reads it: cpus\(prod\):8; cpus\(stage\):2; mem:15360; disk:710534; ports:\[31000-32000\]/);
});

test('--json prints the parsed resources and totals', () => {
  const result = resourcesCommand(['--resources', 'cpus:2;ports:[1-3]', '--json']);
  assert.equal(result.exitCode, 0);
  const parsed = JSON.parse(result.stdout);
  assert.deepEqual(parsed.totals, { cpus: 2, ports: 3 });
});

test('bad input: the error names the token and position, exit code 1, nothing on stdout', () => {
  const result = resourcesCommand(['--resources=cpus(prod):8; cpus(stage):2 mem(*):15360']);
  assert.equal(result.exitCode, 1);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /missing or extra ':' in 'cpus\(stage\):2 mem\(\*\):15360' at position 14/);
  const attrs = resourcesCommand(['--resources=cpus:1', '--attributes=a:{x,y}']);
  assert.equal(attrs.exitCode, 1);
  assert.match(attrs.stderr, /sets are not allowed for attributes/);
});

test('usage errors exit 2', () => {
  assert.equal(resourcesCommand([]).exitCode, 2);
  assert.equal(resourcesCommand(['--nope=1']).exitCode, 2);
  assert.equal(resourcesCommand(['--resources']).exitCode, 2);
  assert.equal(resourcesCommand(['--resources=file:///nonexistent/x']).exitCode, 2);
});

test('the installed command runs end to end, reading file:// values like Mesos flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mesos-policy-'));
  writeFileSync(join(dir, 'resources'), SEED);
  const cli = new URL("../../src/cli/main.ts", import.meta.url).pathname;
  const ok = spawnSync(process.execPath, ['--import', 'tsx', cli, 'resources', `--resources=file://${join(dir, 'resources')}`], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /Resources \(5 objects\)/);
  const bad = spawnSync(process.execPath, ['--import', 'tsx', cli, 'resources', '--resources=cpus:-1'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /type TEXT/);
  const unknown = spawnSync(process.execPath, ['--import', 'tsx', cli, 'frobnicate'], { encoding: 'utf8' });
  assert.equal(unknown.status, 2);
});
