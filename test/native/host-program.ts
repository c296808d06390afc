// Runs one of the native host test programs (built into build/native by `npm run build:native`) and
// turns its output into a test result: "ok - …" / "FAIL - …" lines, "figure - …" lines shown as
// diagnostics, and a final "N passed, 0 failed" line. A missing binary is a failure, not a skip.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { nativeBinary } from './build-dir.ts';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export function runHostProgram(t: TestContext, program: string, args: readonly string[] = [join(root, 'test', 'native', 'fixtures')]): void {
  const binary = nativeBinary(program);
  assert.ok(
    existsSync(binary),
    `${binary} is missing: run \`npm run build:native\` (after scripts/install-libnode.sh; scripts/install.sh does both)`,
  );
  const run = spawnSync(binary, args, { encoding: 'utf8', timeout: 180_000 });
  assert.equal(run.error, undefined, `could not run ${binary}: ${run.error?.message}`);
  const lines = run.stdout.split('\n');
  for (const line of lines.filter((l) => l.startsWith('figure - '))) t.diagnostic(line.slice('figure - '.length));
  const failures = lines.filter((l) => l.startsWith('FAIL - '));
  const details = [...failures, run.stderr.trim()].filter(Boolean).join('\n');
  assert.equal(run.status, 0, `${program} exited with ${run.status ?? run.signal}\n${details}`);
  assert.ok(lines.some((l) => /^[1-9]\d* passed, 0 failed$/.test(l)), `no "N passed, 0 failed" line in the output:\n${run.stdout}`);
}
