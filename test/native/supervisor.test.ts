// PolicySupervisor's end-to-end test: runs build/native/bridge_supervisor_test
// (test/native/bridge/supervisor_test.cc), which checks calls, counters and latency, reloads (also under
// load), restarts after a policy runs out of heap, the restart budget and shutdown.
// It is built by `npm run build:native`; a missing binary is a failure, not a skip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const binary = join(root, 'build', 'native', 'bridge_supervisor_test');

test('bridge_supervisor_test: every check of the policy supervisor passes', (t) => {
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
  assert.equal(run.status, 0, `bridge_supervisor_test exited with ${run.status ?? run.signal}\n${details}`);
  assert.ok(
    lines.some((l) => /^[1-9]\d* passed, 0 failed$/.test(l)),
    `no "N passed, 0 failed" line in the output:\n${run.stdout}`,
  );
});
