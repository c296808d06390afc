// The native bridge's end-to-end test: runs build/native/bridge_host_test (test/native/bridge/host_test.cc),
// which starts an embedded Node runtime from libnode and checks calls, failures, deadlines, the
// watchdog, the heap cap and shutdown. libnode installs on a fresh machine with scripts/install-libnode.sh.
import { test } from 'node:test';
import { runHostProgram } from './host-program.ts';

test('bridge_host_test: every check of the embedded policy runtime passes', (t) => {
  runHostProgram(t, 'bridge_host_test');
});
