// The native bridge's end-to-end test: runs build/native/bridge_host_test (test/native/bridge/host_test.cc),
// which starts an embedded Node runtime from libnode and checks calls, failures, deadlines and shutdown.
// It is built by `npm run build:native` (scripts/install.sh runs it); a missing binary is a failure,
// not a skip: libnode installs on a fresh machine with scripts/install-libnode.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const binary = join(root, 'build', 'native', 'bridge_host_test');

test('bridge_host_test: every check of the embedded policy runtime passes', (t) => {
  assert.ok(
    existsSync(binary),
    `${binary} is missing: run \`npm run build:native\` (after scripts/install-libnode.sh; scripts/install.sh does both)`,
  );
  const run = spawnSync(binary, [join(root, 'test', 'native', 'fixtures')], { encoding: 'utf8', timeout: 180_000 });
  assert.equal(run.error, undefined, `could not run ${binary}: ${run.error?.message}`);
  const lines = run.stdout.split('\n');
  for (const line of lines.filter((l) => l.startsWith('figure - '))) t.diagnostic(line.slice('figure - '.length));
  const failures = lines.filter((l) => l.startsWith('FAIL - '));
  const details = [...failures, run.stderr.trim()].filter(Boolean).join('\n');
  assert.equal(run.status, 0, `bridge_host_test exited with ${run.status ?? run.signal}\n${details}`);
  assert.ok(
    lines.some((l) => /^[1-9]\d* passed, 0 failed$/.test(l)),
    `no "N passed, 0 failed" line in the output:\n${run.stdout}`,
  );
});
