// PolicyRuntime: an embedded Node runtime, on its own thread, serving one policy bundle.
//
//   auto started = PolicyRuntime::Start({.bundle = "/etc/mesos/policy.js", .log = my_log});
//   if (!started.runtime) fail(started.error);
//   Result r = started.runtime->Call("allocate", payload, std::chrono::milliseconds(50));
//
// Call() and CallAsync() may be used from any number of host threads at once; Call blocks until
// the answer or its deadline, CallAsync completes through a callback. A call still running at its
// deadline is interrupted (TerminateExecution) and the runtime keeps serving. Payloads and answers
// are bytes (protobuf messages). Destroying the runtime stops it; calls still waiting get
// kUnavailable. Calls must not race with the destructor (the host stops calling first).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "execution_control.h"
#include "request_queue.h"
#include "result.h"
#include "runaway_watch.h"
#include "runtime_options.h"
#include "watchdog.h"

namespace mesos_policy::bridge {

class PolicyRuntime {
  struct Key {};  // only Start() constructs

 public:
  struct Started {
    std::unique_ptr<PolicyRuntime> runtime;  // null when start-up failed
    std::string error;                       // why it failed
  };

  // Starts the runtime and loads the bundle; returns once it serves or has failed.
  static Started Start(RuntimeOptions options);

  PolicyRuntime(Key, RuntimeOptions options);
  ~PolicyRuntime();
  PolicyRuntime(const PolicyRuntime&) = delete;
  PolicyRuntime& operator=(const PolicyRuntime&) = delete;

  // Calls the bundle's handle(method, payload). Blocks the calling thread.
  Result Call(std::string method, std::string payload, std::chrono::milliseconds deadline);

  // The same call without blocking: `done` runs exactly once, with the answer or the failure
  // (kTimeout at the deadline, kUnavailable when the runtime stops), on a thread of the runtime's —
  // the loop thread (answers), its watchdog thread (deadlines) — or, when the runtime is not serving
  // or is being destroyed, on the calling/destroying thread. It must be quick and must not call back
  // into this runtime synchronously.
  using Callback = std::function<void(Result)>;
  void CallAsync(std::string method, std::string payload, std::chrono::milliseconds deadline, Callback done);

  // False once the runtime has stopped serving (it will not start again by itself).
  bool serving() { return queue_.open(); }

  // Wake-ups the loop needed, and requests its polling took without one (RuntimeOptions::spin_wait).
  RequestQueue::Counters queue_counters() { return queue_.counters(); }

  // Why it stopped serving on its own, "" while it serves (e.g. "the policy ran out of heap (limit
  // 256 MB)", "the policy runtime exited with code 3").
  std::string stop_reason();

 private:
  std::string NotServing();
  void Expire(const std::shared_ptr<Request>& request, std::chrono::milliseconds deadline);

  const RuntimeOptions options_;
  RequestQueue queue_;
  ExecutionControl control_;
  RunawayWatch runaway_;
  std::unique_ptr<Watchdog> watchdog_;  // deadlines of CallAsync, runaway ticks
  std::thread thread_;  // the loop thread; last, so it is joined before the rest goes
};

}  // namespace mesos_policy::bridge
