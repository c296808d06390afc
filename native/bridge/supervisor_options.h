// How to start a PolicySupervisor: the bundle, the runtime's options, the restart budget and the
// host's notification that a fresh runtime (with an empty engine) now serves.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "runtime_options.h"

namespace mesos_policy::bridge {

// A runtime that stops on its own is restarted at once; another stop within `window` waits
// `first_backoff`, then twice that, ... up to `max_backoff`. A stop when `max_restarts` restarts were
// already made within `window` gives up: calls then fail with kUnavailable until Reload() succeeds.
struct RestartPolicy {
  int max_restarts = 5;
  std::chrono::milliseconds window{60000};
  std::chrono::milliseconds first_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
};

// Why a fresh runtime serves. Its engine starts empty: the host re-sends what the engine must know
// (for the allocator: initialize, agents, frameworks).
struct FreshRuntime {
  enum class Why { kRestart, kReload };
  Why why = Why::kRestart;
  std::string reason;       // kRestart: why the previous runtime stopped; kReload: "reloaded <bundle>"
  std::string bundle;       // the bundle the fresh runtime serves
  uint64_t generation = 0;  // a number per runtime started, 1 for the first
};

struct SupervisorOptions {
  // The first policy bundle (later ones come through Reload); empty: `runtime.bundle`.
  std::string bundle;
  // For every runtime the supervisor starts. `runtime.log` also gets the supervisor's messages;
  // `runtime.on_stop` is still called (on the stopped runtime's thread) before the supervisor reacts.
  RuntimeOptions runtime;
  RestartPolicy restart;
  // Called after a fresh runtime took over, on the supervisor's own thread, one call at a time, in
  // order; never for the first runtime. Calls made meanwhile already go to the fresh runtime. It may
  // use the supervisor's Call/CallAsync (a blocking Call from it does not wait for a restart: it fails
  // at once if no runtime serves); it must not destroy the supervisor. A long callback delays restarts.
  std::function<void(const FreshRuntime&)> on_fresh_runtime;
};

const char* FreshRuntimeWhyName(FreshRuntime::Why why);

}  // namespace mesos_policy::bridge
