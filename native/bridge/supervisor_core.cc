#include "supervisor_core.h"

#include "supervisor_slot.h"

#include <algorithm>
#include <exception>

namespace mesos_policy::bridge {
namespace {

// A blocking caller waits this long past its deadline before it stops trusting its callback: the
// runtime's watchdog and the keeper answer by the deadline, so this only bounds a bug.
constexpr std::chrono::milliseconds kAnswerGrace{2000};

// Longer deadlines are cut to this, so that now + deadline cannot overflow the clock.
constexpr std::chrono::milliseconds kLongestDeadline = std::chrono::hours(24 * 365);

constexpr const char* kShuttingDown = "the policy supervisor is shutting down";


// The blocking Call's rendezvous with its callback; shared, so a late callback finds it alive.
class Waiter {
 public:
  void Set(Result result) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      result_ = std::move(result);
    }
    done_.notify_one();
  }
  std::optional<Result> Wait(std::chrono::steady_clock::time_point until) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait_until(lock, until, [this] { return result_.has_value(); });
    return std::move(result_);
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::optional<Result> result_;
};

}  // namespace

thread_local const SupervisorCore* SupervisorCore::worker_of_ = nullptr;

SupervisorCore::SupervisorCore(SupervisorOptions options)
    : options_(std::move(options)), budget_(options_.restart), bundle_(options_.bundle) {}

std::string SupervisorCore::Start() {
  std::string error;
  std::unique_ptr<Slot> slot = StartSlot(options_.bundle, &error);
  if (!slot) return error;
  Install(std::move(slot), std::nullopt);
  worker_ = std::thread([this] { WorkerLoop(); });
  keeper_ = std::thread([this] { KeeperLoop(); });
  return {};
}

SupervisorCore::~SupervisorCore() {
  std::vector<std::shared_ptr<PendingCall>> refused;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;  // from here on, calls are refused and no runtime is installed
    refused.swap(parked_);
  }
  worker_wake_.notify_all();
  keeper_wake_.notify_all();
  for (const auto& call : refused) Complete(call, Result::Unavailable(kShuttingDown));
  if (keeper_.joinable()) keeper_.join();
  // The runtimes go before the worker is joined: a blocking call that on_fresh_runtime is making
  // then fails at once instead of holding shutdown up until its deadline.
  std::vector<std::unique_ptr<Slot>> slots;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (current_) slots.push_back(std::move(current_));
    for (auto& slot : retired_) slots.push_back(std::move(slot));
    retired_.clear();
    // Threads inside CallAsync leave quickly; the runtimes must outlive that.
    keeper_wake_.wait(lock, [&] {
      return std::all_of(slots.begin(), slots.end(), [](const auto& slot) { return slot->inside == 0; });
    });
  }
  slots.clear();  // each runtime fails the calls it still holds with kUnavailable, on this thread
  if (worker_.joinable()) worker_.join();  // a restart still starting a runtime discards it
  std::lock_guard<std::mutex> starting(start_mutex_);  // so does a Reload still starting one
}

std::unique_ptr<SupervisorCore::Slot> SupervisorCore::StartSlot(const std::string& bundle, std::string* error) {
  auto slot = std::make_unique<Slot>();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    slot->generation = ++last_generation_;
  }
  slot->bundle = bundle;
  RuntimeOptions options = options_.runtime;
  options.bundle = bundle;
  options.on_stop = [this, generation = slot->generation, host = options_.runtime.on_stop](const std::string& reason) {
    RuntimeStopped(generation, reason);
    if (host) host(reason);
  };
  PolicyRuntime::Started started = PolicyRuntime::Start(std::move(options));
  if (!started.runtime) {
    *error = started.error;
    return nullptr;
  }
  slot->runtime = std::move(started.runtime);
  return slot;
}

// Makes `slot` current; the one it replaces is retired. Calls parked meanwhile go to it. False (and
// the slot is destroyed) when the supervisor is shutting down.
bool SupervisorCore::Install(std::unique_ptr<Slot> slot, std::optional<FreshRuntime> notice) {
  std::vector<std::shared_ptr<PendingCall>> flush;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_) {
      if (current_) {
        current_->retired = true;
        retired_.push_back(std::move(current_));
      }
      current_ = std::move(slot);
      bundle_ = current_->bundle;
      gave_up_ = false;
      give_up_message_.clear();
      restart_.reset();  // it was for a runtime that no longer serves calls
      if (notice && notice->why == FreshRuntime::Why::kReload) budget_.Reset();
      if (notice) notices_.push_back(std::move(*notice));
      // It may have stopped already, before on_stop could find it current.
      auto early = early_stops_.find(current_->generation);
      if (early != early_stops_.end()) MarkDownLocked(current_.get(), early->second);
      early_stops_.clear();
      flush.swap(parked_);
    }
  }
  if (slot) return false;  // shutting down: destroyed here, outside the lock
  worker_wake_.notify_one();
  keeper_wake_.notify_one();
  for (auto& call : flush) Dispatch(std::move(call));
  return true;
}

Result SupervisorCore::Call(std::string method, std::string payload, std::chrono::milliseconds deadline) {
  auto waiter = std::make_shared<Waiter>();
  deadline = std::clamp(deadline, std::chrono::milliseconds(0), kLongestDeadline);
  const auto until = Clock::now() + deadline + kAnswerGrace;
  // On the worker thread (inside on_fresh_runtime) waiting for a restart would wait for itself.
  const bool may_wait = worker_of_ != this;
  CallAsync(std::move(method), std::move(payload), deadline, [waiter](Result r) { waiter->Set(std::move(r)); },
            may_wait);
  if (auto result = waiter->Wait(until)) return std::move(*result);
  return Result::Timeout("no answer " + std::to_string(kAnswerGrace.count()) + " ms past the deadline of " +
                         std::to_string(deadline.count()) + " ms (a supervisor fault)");
}

void SupervisorCore::CallAsync(std::string method, std::string payload, std::chrono::milliseconds deadline,
                               Callback done, bool may_wait) {
  stats_.CallMade();
  deadline = std::clamp(deadline, std::chrono::milliseconds(0), kLongestDeadline);
  auto call = std::make_shared<PendingCall>();
  call->method = std::move(method);
  call->payload = std::move(payload);
  call->deadline = deadline;
  call->start = Clock::now();
  call->until = call->start + deadline;
  call->done = std::move(done);
  call->may_wait = may_wait;
  Dispatch(std::move(call));
}

void SupervisorCore::Dispatch(std::shared_ptr<PendingCall> call) {
  for (;;) {
    Slot* slot = nullptr;
    std::optional<Result> refused;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) {
        refused = Result::Unavailable(kShuttingDown);
      } else if (current_ && !current_->down) {
        slot = current_.get();
        ++slot->inside;
        ++slot->pending;
      } else if (gave_up_) {
        refused = Result::Unavailable(give_up_message_);
      } else if (!call->may_wait) {
        refused = Result::Unavailable(RestartingLocked());
      } else {
        call->parked = true;
        parked_.push_back(std::move(call));
      }
    }
    if (refused) return Complete(call, std::move(*refused));
    if (!slot) {
      keeper_wake_.notify_one();  // it watches the parked call's deadline
      return;
    }
    // The runtime may have stopped before its on_stop arrived (or with IgnoreStops): restart it.
    if (!slot->runtime->serving()) {
      std::string reason = slot->runtime->stop_reason();
      Leave(slot, false, reason.empty() ? "the policy runtime stopped serving" : reason);
      continue;  // parks the call (or refuses it)
    }
    auto remaining = std::chrono::ceil<std::chrono::milliseconds>(call->until - Clock::now());
    if (call->parked && remaining.count() <= 0) {
      Leave(slot, false, "");
      std::lock_guard<std::mutex> lock(mutex_);
      refused = Result::Unavailable(RestartingLocked());
    }
    if (refused) return Complete(call, std::move(*refused));
    std::string payload = std::move(call->payload);
    slot->runtime->CallAsync(call->method, std::move(payload), std::max(remaining, std::chrono::milliseconds(0)),
                             [this, slot, call](Result r) { Finished(slot, call, std::move(r)); });
    Leave(slot, true, "");
    return;
  }
}

// A host thread is done with `slot`: after CallAsync (`dispatched`), or before it because the runtime
// was found not serving (`stop_reason` non-empty: mark it down) or the call's time was up.
void SupervisorCore::Leave(Slot* slot, bool dispatched, const std::string& stop_reason) {
  bool restart = false;
  bool idle = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --slot->inside;
    if (!dispatched) --slot->pending;
    if (!stop_reason.empty() && !slot->down && slot == current_.get()) {
      MarkDownLocked(slot, stop_reason);
      restart = true;
    }
    // The keeper waits for retired slots to go idle, the destructor for every thread to leave.
    idle = (slot->retired && slot->idle()) || (stopping_ && slot->inside == 0);
  }
  if (restart) worker_wake_.notify_one();
  if (idle) keeper_wake_.notify_all();
}

// On a thread of the runtime's (or the one destroying it): the call is answered or failed.
void SupervisorCore::Finished(Slot* slot, const std::shared_ptr<PendingCall>& call, Result result) {
  Complete(call, std::move(result));
  bool idle = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --slot->pending;
    idle = slot->retired && slot->idle();
  }
  if (idle) keeper_wake_.notify_all();  // `slot` may be destroyed from here on
}

// Counts the call's outcome and runs its callback (host code: an exception is logged, not propagated).
void SupervisorCore::Complete(const std::shared_ptr<PendingCall>& call, Result result) {
  stats_.CallEnded(result.status, Clock::now() - call->start);
  if (!call->done) return;
  try {
    call->done(std::move(result));
  } catch (const std::exception& e) {
    Log(LogLevel::kError, std::string("a host callback of CallAsync threw: ") + e.what());
  } catch (...) {
    Log(LogLevel::kError, "a host callback of CallAsync threw");
  }
}

Result SupervisorCore::Reload(std::string bundle) {
  std::lock_guard<std::mutex> starting(start_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return Result::Unavailable(kShuttingDown);
  }
  std::string error;
  std::unique_ptr<Slot> slot = StartSlot(bundle, &error);
  if (!slot) {
    stats_.ReloadFailed();
    std::string message = "reloading the policy bundle " + bundle + " failed; the current bundle keeps serving: " + error;
    Log(LogLevel::kWarning, message);
    return Result::Error(message);
  }
  FreshRuntime notice{FreshRuntime::Why::kReload, "reloaded " + bundle, bundle, slot->generation};
  if (!Install(std::move(slot), std::move(notice))) return Result::Unavailable(kShuttingDown);
  stats_.Reloaded();
  Log(LogLevel::kInfo, "reloaded the policy bundle " + bundle);
  return Result::Ok("");
}

StatsSnapshot SupervisorCore::Snapshot() {
  StatsSnapshot snapshot = stats_.Snapshot();
  std::lock_guard<std::mutex> lock(mutex_);
  snapshot.serving = current_ && !current_->down && !gave_up_;
  snapshot.gave_up = gave_up_;
  return snapshot;
}

std::string SupervisorCore::bundle() {
  std::lock_guard<std::mutex> lock(mutex_);
  return bundle_;
}

int SupervisorCore::RuntimesAlive() {
  std::lock_guard<std::mutex> lock(mutex_);
  return (current_ ? 1 : 0) + static_cast<int>(retired_.size());
}

void SupervisorCore::Log(LogLevel level, const std::string& text) {
  try {
    if (options_.runtime.log) {
      options_.runtime.log(level, text);
    } else {
      LogToStderr(level, text);
    }
  } catch (...) {
  }
}

}  // namespace mesos_policy::bridge
