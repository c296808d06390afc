// PolicySupervisor's end-to-end test: runs build/native/bridge_supervisor_test
// (test/native/bridge/supervisor_test.cc), which checks calls, counters and latency, reloads (also under
// load), restarts after a policy runs out of heap, the restart budget and shutdown.
import { test } from 'node:test';
import { runHostProgram } from './host-program.ts';

test('bridge_supervisor_test: every check of the policy supervisor passes', (t) => {
  runHostProgram(t, 'bridge_supervisor_test');
});
