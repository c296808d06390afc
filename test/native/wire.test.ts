// native/wire's copy into the protocol's types through their bytes: runs build/native/wire_copy_test
// (test/native/wire/wire_copy_test.cc), which checks it against libprotobuf's parse and
// DiscardUnknownFields on random bytes of every protocol type and on what a hook call's arguments carry.
import { test } from 'node:test';
import { runHostProgram } from './host-program.ts';

test('wire_copy_test: the byte-level copy equals parse + DiscardUnknownFields', (t) => {
  runHostProgram(t, 'wire_copy_test', []);
});
