// One call from a host thread to the policy runtime. Shared (reference-counted) between the caller
// and the loop thread so that a caller whose deadline passes returns at once and the loop simply
// drops the stale request when it reaches it (or when its late answer arrives).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>

#include "result.h"

namespace mesos_policy::bridge {

class Request {
 public:
  enum class State {
    kQueued,     // waiting for the loop thread
    kRunning,    // the loop thread is in the policy's handle() for it
    kPending,    // handle() returned a promise; the answer comes later
    kDone,       // answered; the caller takes the result
    kAbandoned,  // the caller's deadline passed; any later answer is dropped
  };
  using Clock = std::chrono::steady_clock;

  Request(std::string method, std::string payload)
      : method_(std::move(method)), payload_(std::move(payload)) {}
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;

  const std::string& method() const { return method_; }
  const std::string& payload() const { return payload_; }

  // Loop thread. Begin: queued → running, false if the caller gave up. Suspend: running → pending,
  // false if the caller gave up (or it is already answered). Finish: → done and wake the caller;
  // ignored if the caller gave up.
  bool Begin();
  bool Suspend();
  void Finish(Result result);
  bool abandoned();

  // Caller thread: waits until answered or `deadline`. On time-out the request is abandoned and
  // nullopt returned; `*left` says which state it was abandoned in (kRunning: JS may be stuck in it).
  std::optional<Result> Await(Clock::time_point deadline, State* left);

 private:
  const std::string method_;
  const std::string payload_;
  std::mutex mutex_;
  std::condition_variable answered_;
  State state_ = State::kQueued;
  Result result_;
};

}  // namespace mesos_policy::bridge
