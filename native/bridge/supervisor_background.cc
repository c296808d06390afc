// SupervisorCore's background: noticing a stopped runtime, the worker thread (restarts within the
// budget, on_fresh_runtime) and the keeper thread (deadlines of parked calls, retired runtimes).
#include <algorithm>

#include "supervisor_core.h"
#include "supervisor_slot.h"

namespace mesos_policy::bridge {

// On the stopped runtime's thread: quick, and never into the runtime.
void SupervisorCore::RuntimeStopped(uint64_t generation, const std::string& reason) {
  if (ignore_stops_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (IsCurrentLocked(generation)) {
      if (current_->down) return;
      MarkDownLocked(current_.get(), reason);
    } else if (!current_ || generation > current_->generation) {
      early_stops_[generation] = reason;  // still starting: Install sees it
      return;
    } else {
      return;  // a retired runtime: nothing to restart
    }
  }
  worker_wake_.notify_one();
}

void SupervisorCore::MarkDownLocked(Slot* slot, const std::string& reason) {
  slot->down = true;
  down_reason_ = reason;
  restart_ = RestartRequest{slot->generation, reason};
}

bool SupervisorCore::IsCurrentLocked(uint64_t generation) const {
  return current_ && current_->generation == generation;
}

std::string SupervisorCore::RestartingLocked() const {
  return "the policy runtime is restarting after: " + down_reason_;
}

void SupervisorCore::WorkerLoop() {
  worker_of_ = this;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    worker_wake_.wait(lock, [this] { return stopping_ || restart_ || !notices_.empty(); });
    if (stopping_) return;
    if (!notices_.empty()) {
      FreshRuntime notice = std::move(notices_.front());
      notices_.erase(notices_.begin());
      lock.unlock();
      if (options_.on_fresh_runtime) {
        try {
          options_.on_fresh_runtime(notice);
        } catch (...) {
          Log(LogLevel::kError, "the host's on_fresh_runtime callback threw");
        }
      }
      lock.lock();
      continue;
    }
    RestartRequest request = std::move(*restart_);
    restart_.reset();
    lock.unlock();
    Restart(request);
    lock.lock();
  }
}

void SupervisorCore::Restart(const RestartRequest& request) {
  RestartBudget::Decision decision;
  std::vector<std::shared_ptr<PendingCall>> refused;
  std::string message;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (stopping_ || !IsCurrentLocked(request.generation)) return;
    decision = budget_.Next(Clock::now());
    if (decision.give_up) {
      gave_up_ = true;
      give_up_message_ = message = budget_.GiveUpMessage(request.reason);
      refused.swap(parked_);
    } else if (decision.delay.count() > 0) {
      // Cut short by shutdown, or by a Reload that makes this restart moot (checked below).
      worker_wake_.wait_for(lock, decision.delay,
                            [&] { return stopping_ || !IsCurrentLocked(request.generation); });
    }
  }
  if (decision.give_up) {
    Log(LogLevel::kError, message);
    for (const auto& call : refused) Complete(call, Result::Unavailable(message));
    return;
  }
  std::lock_guard<std::mutex> starting(start_mutex_);
  std::string bundle;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || !IsCurrentLocked(request.generation)) return;
    bundle = bundle_;
  }
  Log(LogLevel::kWarning, "restarting the policy runtime (restart " + std::to_string(decision.recent + 1) +
                              " within the window) after: " + request.reason);
  std::string error;
  std::unique_ptr<Slot> slot = StartSlot(bundle, &error);
  if (!slot) {
    stats_.RestartFailed();
    Log(LogLevel::kError, "restarting the policy runtime failed: " + error);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_ || !IsCurrentLocked(request.generation)) return;
      down_reason_ = request.reason + "; restarting failed: " + error;
      restart_ = RestartRequest{request.generation, down_reason_};  // again, within the budget
    }
    return;
  }
  stats_.Restarted();
  FreshRuntime notice{FreshRuntime::Why::kRestart, request.reason, bundle, slot->generation};
  Install(std::move(slot), std::move(notice));
}

void SupervisorCore::KeeperLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    const auto now = Clock::now();
    std::vector<std::shared_ptr<PendingCall>> expired;
    std::vector<std::unique_ptr<Slot>> idle;
    std::optional<Clock::time_point> next;
    for (auto it = parked_.begin(); it != parked_.end();) {
      if ((*it)->until <= now) {
        expired.push_back(std::move(*it));
        it = parked_.erase(it);
      } else {
        next = next ? std::min(*next, (*it)->until) : (*it)->until;
        ++it;
      }
    }
    for (auto it = retired_.begin(); it != retired_.end();) {
      if ((*it)->idle()) {
        idle.push_back(std::move(*it));
        it = retired_.erase(it);
      } else {
        ++it;
      }
    }
    if (expired.empty() && idle.empty()) {
      if (next) {
        keeper_wake_.wait_until(lock, *next);
      } else {
        keeper_wake_.wait(lock);
      }
      continue;
    }
    const std::string restarting = RestartingLocked();
    lock.unlock();
    for (const auto& call : expired) {
      Complete(call, Result::Unavailable("call '" + call->method + "' waited its whole deadline of " +
                                     std::to_string(call->deadline.count()) + " ms for a serving runtime; " + restarting));
    }
    idle.clear();  // destroys the runtimes (a down one fails what it still holds with kUnavailable)
    lock.lock();
  }
}

}  // namespace mesos_policy::bridge
