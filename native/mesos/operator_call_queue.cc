#include "operator_call_queue.h"

#include <glog/logging.h>

#include <utility>

namespace mesos_policy::adapter {

OperatorCallQueue::OperatorCallQueue(Hooks hooks) : hooks_(std::move(hooks)) {}

void OperatorCallQueue::Add(const protocol::OperatorCall& call, uint64_t generation) {
  if (waiting_.size() >= kMaxWaiting) {
    protocol::OperatorCallResult full;
    full.set_id(call.id());
    full.set_ok(false);
    full.set_applied(0);
    full.set_http_status(0);
    full.set_message("not made: " + std::to_string(kMaxWaiting) +
                     " operator calls are already waiting (the policy asks faster than the master answers)");
    Ended(call, full);
    return;
  }
  waiting_.push_back(Waiting{call, generation});
  MakeNext();
}

void OperatorCallQueue::MakeNext() {
  while (!out_ && !waiting_.empty()) {
    Waiting next = std::move(waiting_.front());
    waiting_.pop_front();
    if (next.generation != hooks_.generation()) {
      hooks_.count("operator_calls/dropped");
      LOG(WARNING) << "mesos-policy allocator: not making operator call '" << next.call.id() << "' on agent "
                   << next.call.agent_id() << ": the policy runtime that asked for it was replaced since";
      continue;
    }
    hooks_.count("operator_calls/made");
    out_ = true;
    const protocol::OperatorCall call = std::move(next.call);
    // The callback runs on whichever thread completes the request, perhaps after the owner is
    // gone: it touches nothing of `this` until `onActor` has brought it back to the live actor.
    auto onActor = hooks_.onActor;
    hooks_.make(call).onAny([this, call, onActor](const process::Future<protocol::OperatorCallResult>& result) {
      onActor([this, call, result]() {
        out_ = false;
        Ended(call, result);
        MakeNext();
      });
    });
  }
}

void OperatorCallQueue::Ended(const protocol::OperatorCall& call,
                              const process::Future<protocol::OperatorCallResult>& ended) {
  protocol::OperatorCallResult result;
  if (ended.isReady()) {
    result = ended.get();
  } else {  // OperatorClient::Make repairs its failures; this is a safety net
    result.set_id(call.id());
    result.set_ok(false);
    result.set_applied(0);
    result.set_http_status(0);
    result.set_message(ended.isFailed() ? ended.failure() : "the request was abandoned");
  }
  if (result.ok()) {
    hooks_.count("operator_calls/succeeded");
    LOG(INFO) << "mesos-policy allocator: operator call '" << call.id() << "' on agent " << call.agent_id() << ": "
              << result.applied() << " operation(s) applied";
  } else {
    hooks_.count("operator_calls/failed");
    LOG(WARNING) << "mesos-policy allocator: operator call '" << call.id() << "' on agent " << call.agent_id()
                 << " failed after " << result.applied() << " of " << call.operations_size() << " operation(s)"
                 << (result.http_status() != 0 ? " (HTTP " + std::to_string(result.http_status()) + ")" : "")
                 << ": " << result.message();
  }
  hooks_.ended(call, result);
}

}  // namespace mesos_policy::adapter
