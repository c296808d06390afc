#include "blocking_call.h"

#include <algorithm>

namespace mesos_policy::bridge {

std::string DeadlineMessage(const std::string& method, std::chrono::milliseconds deadline,
                            Request::State left, bool interrupted) {
  std::string what = "call '" + method + "' passed its deadline of " + std::to_string(deadline.count()) + " ms";
  if (interrupted) return what + " and was interrupted";
  if (left == Request::State::kQueued) return what + " while queued";
  if (left == Request::State::kPending) return what + " waiting for its promise";
  return what;
}

Result BlockingCall(RequestQueue& queue, const std::shared_ptr<Request>& request,
                    std::chrono::milliseconds deadline, const Interrupt& interrupt,
                    const std::function<std::string()>& not_serving) {
  const auto until = Request::Clock::now() + deadline;
  if (!queue.Push(request)) return Result::Unavailable(not_serving());
  // Spin first (bounded by the deadline too, so a time-out still comes on time), then sleep.
  const auto spin = queue.spin_now();
  if (spin > std::chrono::microseconds::zero() && queue.TakeSpinSlot()) {
    bool contended = false;
    bool* contention = queue.spin_on_busy_machine() ? nullptr : &contended;
    bool answered = request->SpinUntilAnswered(std::min(Request::Clock::now() + spin, until), contention);
    // The loop is running this very request: its answer is on the way, and sleeping now would add a
    // thread wake-up (tens to hundreds of µs on a VM) to a call that is nearly done. A request still
    // queued (the loop asleep or busy with others) has no such promise: sleep.
    if (!answered && !contended && request->begun()) {
      answered = request->SpinUntilAnswered(std::min(Request::Clock::now() + kSpinWhileRunning * spin, until), contention);
    }
    queue.ReturnSpinSlot();
    if (answered) queue.CountAnsweredWhileSpinning();
    queue.NoteSpin(contended);
  }
  Request::State left = Request::State::kQueued;
  if (auto result = request->Await(until, &left)) {
    if (request->wake_up_latency() > Request::Clock::duration::zero()) queue.NoteWakeUp(request->wake_up_latency());
    return std::move(*result);
  }
  const bool interrupted = left == Request::State::kRunning && interrupt && interrupt(request.get());
  return Result::Timeout(DeadlineMessage(request->method(), deadline, left, interrupted));
}

}  // namespace mesos_policy::bridge
