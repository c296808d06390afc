// The Mesos adapters' unit checks: runs build/native/mesos_adapter_test (test/native/mesos/adapter_test.cc),
// which is built only when the native build is configured against an installed Mesos
// (cmake -S . -B build/native -DMESOS_ROOT=/opt/mesos). Without it the test is skipped with that reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { nativeBinary } from '../build-dir.ts';

const binary = nativeBinary('mesos_adapter_test');
const skip = existsSync(binary)
  ? false
  : `${binary} is not built: configure the native build with -DMESOS_ROOT=<installed Mesos prefix> (e.g. cmake -S . -B build/native -DMESOS_ROOT=/opt/mesos)`;

test('mesos_adapter_test: parameters, conversions, allocator calls, allocation decoding, resync mirror', { skip }, () => {
  const run = spawnSync(binary, [], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.error, undefined, `could not run ${binary}: ${run.error?.message}`);
  const lines = run.stdout.split('\n');
  const failures = lines.filter((l) => l.startsWith('FAIL - '));
  const details = [...failures, run.stderr.trim()].filter(Boolean).join('\n');
  assert.equal(run.status, 0, `mesos_adapter_test exited with ${run.status ?? run.signal}\n${details}`);
  assert.ok(lines.some((l) => /^[1-9]\d* passed, 0 failed$/.test(l)), `no "N passed, 0 failed" line:\n${run.stdout}`);
});
