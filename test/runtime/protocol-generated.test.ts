// The generated protocol code (src/runtime/generated) must match proto/bridge.proto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('src/runtime/generated is up to date with proto/bridge.proto (scripts/generate-protocol.mjs --check)', () => {
  const result = spawnSync(process.execPath, ['scripts/generate-protocol.mjs', '--check'], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
});
