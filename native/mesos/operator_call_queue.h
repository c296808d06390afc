// OperatorCallQueue: the policy's operator calls (AllocatorReply.operator_calls) waiting to be made,
// made one at a time in the order the replies gave them — a later call may depend on an earlier
// (RESERVE, then CREATE on the reservation). Owned by the allocator actor and used only on it.
//
// Never waits: `make` returns a future (OperatorClient::Make) and the queue goes on through
// `onActor` when it completes. This matters: the master answers a RESERVE only after the allocator
// actor handled the updateAvailable it causes, so an actor waiting on the call would deadlock.
//
// A call whose runtime generation is no longer the one serving (the runtime was restarted or
// reloaded after asking) is dropped, not made: the successor was resynced from the master's state,
// which includes what earlier calls changed, and decides afresh; making the old calls as well could
// reserve twice. A call already out finishes; its result goes to whichever runtime serves then.
//
// Bounded: a policy that asks faster than the master answers must not grow the master's memory
// without end. Past kMaxWaiting queued calls a new one is not queued: it ends at once, failed (HTTP
// status 0, a message saying why), and the policy hears so like any failure.
#pragma once

#include <process/future.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "bridge.pb.h"

namespace mesos_policy::adapter {

namespace protocol = ::mesos_policy::protocol;

class OperatorCallQueue {
 public:
  struct Hooks {
    // Makes one call; the future carries its result (OperatorClient::Make never fails it).
    std::function<process::Future<protocol::OperatorCallResult>(const protocol::OperatorCall&)> make;
    // Runs a continuation on the owner's actor (dispatch); dropped once the actor is gone.
    std::function<void(std::function<void()>)> onActor;
    // The runtime generation serving now (PolicyHost::generation).
    std::function<uint64_t()> generation;
    // A call ended: its result, for the policy (an operator_call_result call).
    std::function<void(const protocol::OperatorCall&, const protocol::OperatorCallResult&)> ended;
    // Counts "operator_calls/made|succeeded|failed|dropped".
    std::function<void(const std::string& counter)> count;
  };

  static constexpr size_t kMaxWaiting = 1000;

  explicit OperatorCallQueue(Hooks hooks);

  // Queues a call asked for by the runtime of `generation` and makes it when its turn comes.
  void Add(const protocol::OperatorCall& call, uint64_t generation);

  size_t waiting() const { return waiting_.size(); }
  bool busy() const { return out_; }

 private:
  struct Waiting {
    protocol::OperatorCall call;
    uint64_t generation;
  };

  void MakeNext();
  void Ended(const protocol::OperatorCall& call, const process::Future<protocol::OperatorCallResult>& ended);

  Hooks hooks_;
  std::deque<Waiting> waiting_;
  bool out_ = false;
};

}  // namespace mesos_policy::adapter
