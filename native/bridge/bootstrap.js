// Runs once in a new policy runtime, before any policy code, as the body of a function of
// (process, require) where `require` loads Node's built-in modules. Embedded into the C++ library
// at build time. process.argv[1] is the bundle's absolute path.
// Registers its request handler with the Node-API binding (native/addon/binding.h) and returns {}
// when the bundle is ready, or returns { error } saying why it cannot serve.
'use strict';

const binding = process._linkedBinding('mesos_policy_bridge');
const { format, inspect } = require('util');
const { Writable } = require('stream');
const { Console } = require('console');

const LEVEL = { debug: 0, info: 1, warn: 2, error: 3 }; // = LogLevel in log.h

function describe(thrown) {
  if (thrown !== null && typeof thrown === 'object' && typeof thrown.stack === 'string') return thrown.stack;
  try {
    return `non-Error thrown: ${typeof thrown === 'string' ? thrown : inspect(thrown, { depth: 2 })}`;
  } catch {
    return 'non-Error thrown (unprintable)';
  }
}

// The host's stdout/stderr are not ours: touching process.stdout/stderr would make libuv switch the
// host's fd 1/2 to non-blocking or install a SIGWINCH handler. Replace them (before anything reads
// them) and the console with writers to the host's log.
function logStream(level) {
  return new Writable({
    decodeStrings: false,
    write(chunk, _encoding, done) {
      binding.log(level, String(chunk).replace(/\n$/, ''));
      done();
    },
  });
}
for (const [name, level] of [['stdout', LEVEL.info], ['stderr', LEVEL.warn]]) {
  const stream = logStream(level);
  Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => stream });
}
const hostConsole = new Console({ stdout: process.stdout, stderr: process.stderr });
const toLog = (level) => (...args) => binding.log(level, format(...args));
hostConsole.debug = toLog(LEVEL.debug);
hostConsole.log = hostConsole.info = toLog(LEVEL.info);
hostConsole.warn = toLog(LEVEL.warn);
hostConsole.error = toLog(LEVEL.error);
Object.defineProperty(globalThis, 'console', { configurable: true, writable: true, enumerable: false, value: hostConsole });

// A policy must not end the host process.
for (const name of ['exit', 'reallyExit', 'abort']) {
  process[name] = function refused() {
    throw new Error(`process.${name}() is not allowed in a policy: it runs inside the host process`);
  };
}

// Errors nobody waits for are logged; the runtime keeps serving.
process.on('uncaughtException', (err, origin) => {
  binding.log(LEVEL.error, `policy ${origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception'}: ${describe(err)}`);
});
process.on('unhandledRejection', (reason) => {
  binding.log(LEVEL.error, `policy unhandled rejection: ${describe(reason)}`);
});

const entry = process.argv[1];
let bundle;
try {
  bundle = require('module').createRequire(entry)(entry);
} catch (err) {
  return { error: `loading the policy bundle ${entry} failed: ${describe(err)}` };
}
// CommonJS `exports.handle`, or an ES module bundled to CommonJS with a default export.
const target = typeof bundle?.handle === 'function' ? bundle : bundle?.default;
if (typeof target?.handle !== 'function') {
  return { error: `the policy bundle ${entry} does not export a handle(method, payload) function` };
}

// An answer is bytes: a Uint8Array (a Buffer is one), or a string the binding sends as UTF-8.
const isAnswer = (value) => typeof value === 'string' || value instanceof Uint8Array;
const wrongType = (method, value, how = 'returned') =>
  `handle('${method}') ${how} ${value === null ? 'null' : typeof value}; expected a Uint8Array or a string, or a Promise of one`;

// Called by the binding for each request; `payload` is a Buffer over the request's bytes. Returns
// the answer when handle() returns one; otherwise returns undefined and answers through
// binding.complete(id, ok, answer) — now or when the promise settles.
function dispatch(id, method, payload) {
  let answer;
  try {
    answer = target.handle(method, payload);
  } catch (err) {
    binding.complete(id, false, describe(err));
    return undefined;
  }
  if (isAnswer(answer)) return answer;
  if (answer !== null && typeof answer?.then === 'function') {
    // Attached here, inside the binding's callback scope, before Node could report the rejection as unhandled.
    Promise.resolve(answer).then(
      (value) =>
        isAnswer(value)
          ? binding.complete(id, true, value)
          : binding.complete(id, false, wrongType(method, value, 'resolved to')),
      (err) => binding.complete(id, false, describe(err)),
    );
    return undefined;
  }
  binding.complete(id, false, wrongType(method, answer));
  return undefined;
}

// A run interrupted at its deadline (or as a runaway) never pops the async contexts it pushed, and
// Node aborts the process when its callback scopes find the stack unbalanced. The binding empties
// the stack right before each interruption, as Node does after an uncaught exception; it needs
// Node's async-context fields for that. (process.binding would print a deprecation warning: this
// access is deliberate.)
let asyncStack;
const warn = process.noDeprecation;
process.noDeprecation = true;
try {
  const asyncWrap = process.binding('async_wrap');
  asyncStack = { fields: asyncWrap.async_hook_fields, ids: asyncWrap.async_id_fields, constants: asyncWrap.constants };
} catch {
  asyncStack = undefined; // not in this Node: then only --no-force-async-hooks-checks helps
} finally {
  process.noDeprecation = warn;
}

binding.serve(dispatch, asyncStack);
return {};
