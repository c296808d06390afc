// PolicySupervisor: what the Mesos adapters hold. It keeps a PolicyRuntime serving one bundle:
// restarts it when it stops on its own (out of heap, exit), swaps in a new bundle on Reload without
// dropping calls, and counts calls, failures, restarts, reloads and latency.
//
//   SupervisorOptions options;
//   options.bundle = "/etc/mesos/policy.js";
//   options.runtime.log = host_log;
//   options.on_fresh_runtime = [&](const FreshRuntime& why) { adapter.ResendState(); };
//   auto started = PolicySupervisor::Start(std::move(options));
//   if (!started.supervisor) fail(started.error);            // the first runtime's start error
//   Result r = started.supervisor->Call("allocate", payload, std::chrono::milliseconds(50));
//
// Calls: any number of host threads may call Call, CallAsync, Reload and Snapshot at once.
//  - A call that finds no serving runtime (it stopped and a fresh one is starting) waits for the fresh
//    one until its deadline, then fails with kUnavailable naming why the runtime stopped. Once the
//    restart budget is spent, calls fail with kUnavailable at once, until a Reload succeeds.
//  - A call in flight when its runtime stops is not retried (it may be what killed the runtime): it
//    fails with the runtime's kUnavailable and its reason.
//  - A fresh runtime's engine is empty. on_fresh_runtime tells the host, which re-sends its state;
//    calls made in between reach the fresh runtime before that state does.
// Destroying the supervisor stops everything: calls still waiting get kUnavailable (a restart still
// starting a runtime is waited for). The host stops making new calls first.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "result.h"
#include "stats.h"
#include "supervisor_options.h"

namespace mesos_policy::bridge {

class SupervisorCore;

class PolicySupervisor {
  struct Key {};  // only Start() constructs

 public:
  struct Started {
    std::unique_ptr<PolicySupervisor> supervisor;  // null when the first runtime did not start
    std::string error;                             // the runtime's start error
  };

  // Starts the first runtime with options.bundle; returns once it serves or failed to start.
  static Started Start(SupervisorOptions options);

  explicit PolicySupervisor(Key, SupervisorOptions options);
  ~PolicySupervisor();
  PolicySupervisor(const PolicySupervisor&) = delete;
  PolicySupervisor& operator=(const PolicySupervisor&) = delete;

  // The current runtime's handle(method, payload). Blocks until the answer or the deadline.
  Result Call(std::string method, std::string payload, std::chrono::milliseconds deadline);

  // The same without blocking: `done` runs exactly once, on a runtime's thread (answers, deadlines),
  // the keeper thread (a call that waited in vain for a restart), or the calling / destroying thread
  // (refused at once, shutdown). It must be quick; it may call CallAsync but not the blocking Call.
  using Callback = std::function<void(Result)>;
  void CallAsync(std::string method, std::string payload, std::chrono::milliseconds deadline, Callback done);

  // Starts a runtime with `bundle` while the current one keeps serving. If it fails to start, the
  // current one stays and the result is kError with the start error. If it starts, new calls go to it,
  // calls in flight finish on the old runtime, which is then destroyed on the supervisor's thread;
  // on_fresh_runtime follows (kReload). Blocks for the start (~100-200 ms); reloads run one at a time.
  Result Reload(std::string bundle);

  // Counters and latency so far, plus whether a runtime serves. Cheap; any thread.
  StatsSnapshot Snapshot();

  // The bundle the current runtime serves.
  std::string bundle();

 private:
  friend struct SupervisorForTest;
  std::unique_ptr<SupervisorCore> core_;
};

// Hooks for test/native/bridge/supervisor_test.cc only.
struct SupervisorForTest {
  // While set, the supervisor ignores on_stop: only a call that finds the runtime not serving starts
  // a restart (the other detection path, otherwise hard to reach deterministically).
  static void IgnoreStops(PolicySupervisor& supervisor, bool ignore);
  // The current runtime plus retired ones not destroyed yet.
  static int RuntimesAlive(PolicySupervisor& supervisor);
};

}  // namespace mesos_policy::bridge
