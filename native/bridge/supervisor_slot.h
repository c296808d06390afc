// SupervisorCore's internal records (shared by supervisor_core.cc and supervisor_background.cc).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "runtime.h"
#include "supervisor_core.h"

namespace mesos_policy::bridge {

struct SupervisorCore::Slot {
  uint64_t generation = 0;
  std::string bundle;
  // Guarded by the core's mutex_.
  int inside = 0;        // host threads inside runtime->CallAsync
  int pending = 0;       // calls handed to the runtime whose completion has not finished
  bool down = false;     // stopped serving (on_stop, or a call found it not serving)
  bool retired = false;  // replaced: destroyed by the keeper once idle
  std::unique_ptr<PolicyRuntime> runtime;  // last: destroyed first, while the counters still exist

  bool idle() const { return inside == 0 && (pending == 0 || down); }
};

struct SupervisorCore::PendingCall {
  std::string method;
  std::string payload;
  std::chrono::milliseconds deadline;
  Clock::time_point start;
  Clock::time_point until;
  Callback done;
  bool may_wait = true;
  bool parked = false;
};

}  // namespace mesos_policy::bridge
