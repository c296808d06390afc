// One call from a host thread to the policy runtime. Shared (reference-counted) between the caller
// and the loop thread so that a caller whose deadline passes returns at once and the loop simply
// drops the stale request when it reaches it (or when its late answer arrives).
//
// A request is answered in one of two ways: a blocking caller waits in Await(); an asynchronous one
// (CallAsync) gives a callback, which runs exactly once — with the answer (Finish) or with the
// time-out (Expire, from the runtime's watchdog) — whichever comes first.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
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
  using Callback = std::function<void(Result)>;

  // `done` empty: a blocking caller will Await() the answer.
  Request(std::string method, std::string payload, Callback done = nullptr)
      : method_(std::move(method)), payload_(std::move(payload)), done_(std::move(done)) {}
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;

  const std::string& method() const { return method_; }
  const std::string& payload() const { return payload_; }
  // For a JavaScript view over the payload that keeps this request alive (no copy). JavaScript may
  // write to it; nothing reads the payload after it was handed over.
  char* payload_data() { return payload_.data(); }

  // Loop thread. Begin: queued → running, false if the caller gave up. Suspend: running → pending,
  // false if the caller gave up (or it is already answered). Finish: → done and wake the caller (or
  // run its callback, on this thread); ignored if the caller gave up. Returns whether it woke a
  // blocking caller that slept for its answer.
  bool Begin();
  bool Suspend();
  bool Finish(Result result);
  bool abandoned();

  // Blocking caller: spins (politely, spin.h) until answered or `until`; true if answered. An
  // answer that comes meanwhile costs no wake-up. Await takes the answer either way. `*contended`
  // set: the spin ended early because the thread was descheduled (a busy machine); null: no such end.
  bool SpinUntilAnswered(Clock::time_point until, bool* contended);
  // Whether the loop thread has begun running it: a caller still spinning then has its answer on
  // the way, and a wake-up later costs more than spinning on (BlockingCall).
  bool begun() const { return begun_flag_.load(std::memory_order_acquire); }
  // Blocking caller: waits until answered or `deadline`. On time-out the request is abandoned and
  // nullopt returned; `*left` says which state it was abandoned in (kRunning: JS may be stuck in it).
  std::optional<Result> Await(Clock::time_point deadline, State* left);
  // After Await answered: how long the caller took to run again once the answer came, if it was
  // asleep for it (a thread wake-up: tens of µs on a calm VM, hundreds on a busy host); else zero.
  Clock::duration wake_up_latency() const { return wake_up_latency_; }

  // Asynchronous caller's deadline: abandons the request if it is still unanswered and hands back
  // its callback, which the caller must run once with the time-out; empty if it was answered.
  Callback Expire(State* left);

 private:
  const std::string method_;
  std::string payload_;
  std::mutex mutex_;
  std::condition_variable answered_;
  State state_ = State::kQueued;
  std::atomic<bool> done_flag_{false};  // state_ == kDone, for a spinning caller (set under mutex_)
  std::atomic<bool> begun_flag_{false};  // state_ has reached kRunning, for a spinning caller (set under mutex_)
  Callback done_;
  Result result_;
  bool waiting_ = false;                // a blocking caller sleeps in Await (under mutex_)
  Clock::time_point finished_at_{};     // when Finish answered a sleeping caller
  Clock::duration wake_up_latency_{};   // Await's caller only
};

// Runs a host callback with `result`. The callback is host code called from the runtime's threads
// (and possibly from under JavaScript): an exception from it is reported on stderr, not propagated.
void RunCallback(const Request::Callback& done, Result result);

}  // namespace mesos_policy::bridge
