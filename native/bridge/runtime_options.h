// How to start a policy runtime.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "log.h"

namespace mesos_policy::bridge {

struct RuntimeOptions {
  // The policy bundle: one JavaScript file (CommonJS) whose exports have handle(method, payload)
  // — payload a Buffer (a Uint8Array) over the request's bytes — returning the answer's bytes as a
  // Uint8Array, or a string (sent as UTF-8), or a Promise of either.
  std::string bundle;
  // The host's logger for the policy's console output, uncaught errors and the runtime's own
  // messages. Empty: stderr.
  LogFn log;
  // Loading the bundle is interrupted after this long and start-up fails.
  std::chrono::milliseconds start_timeout{30000};
  // Node/V8 options for the whole process (e.g. --v8-pool-size=2). Node is initialised once per
  // process: only the first runtime's options take effect. (--max-old-space-size would override
  // every runtime's heap_mb: prefer heap_mb.)
  std::vector<std::string> node_args;
  // The policy's V8 heap budget in MiB (0: V8's default). A policy that exceeds it is stopped and
  // the runtime stops serving with a reason (a supervisor then starts a fresh one).
  size_t heap_mb = 0;
  // JavaScript that runs longer than this with no call waiting for it (a loop started from a timer,
  // an I/O callback or a promise job) is interrupted and logged; the runtime keeps serving.
  // Zero: never. Calls are bounded by their own deadlines instead.
  std::chrono::milliseconds runaway_budget{5000};
  // Spin-then-block, on both sides of a call: a blocking caller spins this long for its answer
  // before sleeping, and the loop thread polls the queue this long after serving before it goes
  // back to libuv (a request that comes meanwhile needs no wake-up). Each wake-up of a sleeping
  // thread costs ~30-60 µs on an idle VM; the price is up to this much CPU per call on each side.
  // Zero: no spinning (every call wakes the loop, every answer wakes its caller). At most
  // kMaxSpinWait. While wake-ups are slower than this (a busy host), both sides spin longer, up to
  // 1 ms (RequestQueue::NoteWakeUp).
  std::chrono::microseconds spin_wait{kDefaultSpinWait};
  // A spinner that finds itself descheduled (the machine is busy: there a wake-up is cheap and a
  // spinner only takes CPU from others) turns spinning off for 200 ms. True: spin regardless (a
  // host with cores of its own).
  bool spin_on_busy_machine = false;
  static constexpr std::chrono::microseconds kDefaultSpinWait{100};
  static constexpr std::chrono::microseconds kMaxSpinWait{100000};
  // Called once, on the runtime's thread, when the runtime stops serving on its own (out of heap,
  // exit, event loop ended), with the reason; not called for a stop the host asked for.
  std::function<void(const std::string& reason)> on_stop;
};

}  // namespace mesos_policy::bridge
