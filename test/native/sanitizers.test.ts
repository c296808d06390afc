// The bridge's host tests (bridge_host_test, bridge_supervisor_test) and native/wire's (wire_copy_test) under AddressSanitizer +
// UndefinedBehaviorSanitizer + LeakSanitizer.
// Builds build/native-asan (MESOS_POLICY_SANITIZE=ON; only the bridge and its host tests, the
// .node addon cannot load into an uninstrumented node) on first use — a few minutes on 2 cores,
// incremental afterwards — then runs every check of test/native/bridge/host_test.cc with leak
// detection at exit. test/native/lsan.supp suppresses libnode/V8/ICU frames only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const buildDir = join(root, 'build', 'native-asan');
const suppressions = join(root, 'test', 'native', 'lsan.supp');

function run(command: string, args: string[], timeout: number) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  assert.equal(result.error, undefined, `${command} ${args.join(' ')}: ${result.error?.message}`);
  return result;
}

for (const program of ['bridge_host_test', 'bridge_supervisor_test', 'wire_copy_test']) {
  test(`${program} passes under ASan/UBSan with no leaks (LSan)`, { timeout: 50 * 60_000 }, (t) => {
    const binary = join(buildDir, program);
    if (!existsSync(join(buildDir, 'CMakeCache.txt'))) {
      const configure = run('cmake', ['-S', '.', '-B', buildDir, '-DCMAKE_BUILD_TYPE=RelWithDebInfo', '-DMESOS_POLICY_SANITIZE=ON'], 5 * 60_000);
      assert.equal(configure.status, 0, `configuring ${buildDir} failed:\n${configure.stdout}\n${configure.stderr}`);
    }
    // Incremental: a no-op when nothing changed.
    const build = run('cmake', ['--build', buildDir, '-j2', '--target', program], 40 * 60_000);
    assert.equal(build.status, 0, `building the sanitizer host test failed:\n${build.stdout.slice(-4000)}\n${build.stderr.slice(-4000)}`);
    assert.ok(existsSync(binary), `${binary} was not built`);

    const env = {
      ...process.env,
      ASAN_OPTIONS: 'detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=0',
      LSAN_OPTIONS: `suppressions=${suppressions}:print_suppressions=0`,
      UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
    };
    const sanitized = spawnSync(binary, [join(root, 'test', 'native', 'fixtures')], { env, encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 64 << 20 });
    assert.equal(sanitized.error, undefined, `could not run ${binary}: ${sanitized.error?.message}`);
    const stderr = sanitized.stderr;
    // LSan stops the world with ptrace; where that is forbidden it reports a fatal error instead of leaks.
    const lsanUnusable = /LeakSanitizer has encountered a fatal error|LeakSanitizer does not work under ptrace/.exec(stderr);
    if (lsanUnusable) {
      t.skip(`leak detection unavailable here: "${lsanUnusable[0]}" (LSan needs ptrace to stop the process's threads); ASan/UBSan checks ran`);
    }
    const lines = sanitized.stdout.split('\n');
    for (const line of lines.filter((l) => l.startsWith('figure - '))) t.diagnostic(`(sanitized) ${line.slice('figure - '.length)}`);
    const reports = stderr.split('\n').filter((l) => /ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: /.test(l));
    const failures = lines.filter((l) => l.startsWith('FAIL - '));
    assert.equal(reports.length, 0, `sanitizer reports:\n${stderr.slice(0, 20000)}`);
    if (!lsanUnusable) assert.equal(sanitized.status, 0, `${program} exited with ${sanitized.status ?? sanitized.signal}\n${[...failures, stderr.trim()].join('\n')}`);
    assert.ok(lines.some((l) => /^[1-9]\d* passed, 0 failed$/.test(l)), `no "N passed, 0 failed" line:\n${failures.join('\n')}\n${sanitized.stdout.slice(-3000)}`);
  });
}
