// PolicySupervisor's machinery (internal; hosts include supervisor.h).
//
// Runtimes live in slots. Calls go to the current slot through PolicyRuntime::CallAsync only, so a
// runtime can be destroyed whenever no host thread is inside CallAsync (its destructor then fails
// what it still holds with kUnavailable). A slot that stops serving is marked down and restarted by
// the worker thread; a slot replaced by Reload or a restart is retired and destroyed by the keeper
// thread once its calls have finished (a down one at once). Calls that find no serving runtime are
// parked until a fresh one serves or their deadline passes (the keeper fails them then).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "result.h"
#include "runtime.h"
#include "stats.h"
#include "supervisor_options.h"
#include "supervisor_restart_budget.h"

namespace mesos_policy::bridge {

class SupervisorCore {
 public:
  using Callback = std::function<void(Result)>;
  using Clock = std::chrono::steady_clock;

  explicit SupervisorCore(SupervisorOptions options);
  ~SupervisorCore();
  SupervisorCore(const SupervisorCore&) = delete;
  SupervisorCore& operator=(const SupervisorCore&) = delete;

  // Starts the first runtime and the supervisor's threads; "" or the runtime's start error.
  std::string Start();

  Result Call(std::string method, std::string payload, std::chrono::milliseconds deadline);
  void CallAsync(std::string method, std::string payload, std::chrono::milliseconds deadline, Callback done,
                 bool may_wait = true);
  Result Reload(std::string bundle);
  StatsSnapshot Snapshot();
  std::string bundle();

  // Test hooks (SupervisorForTest).
  void IgnoreStops(bool ignore) { ignore_stops_ = ignore; }
  int RuntimesAlive();

 private:
  struct Slot;
  struct PendingCall;
  struct RestartRequest {
    uint64_t generation;
    std::string reason;
  };

  std::unique_ptr<Slot> StartSlot(const std::string& bundle, std::string* error);
  bool Install(std::unique_ptr<Slot> slot, std::optional<FreshRuntime> notice);
  void Dispatch(std::shared_ptr<PendingCall> call);
  void Leave(Slot* slot, bool dispatched, const std::string& stop_reason);
  void Finished(Slot* slot, const std::shared_ptr<PendingCall>& call, Result result);
  void Complete(const std::shared_ptr<PendingCall>& call, Result result);
  void RuntimeStopped(uint64_t generation, const std::string& reason);
  void MarkDownLocked(Slot* slot, const std::string& reason);
  bool IsCurrentLocked(uint64_t generation) const;
  std::string RestartingLocked() const;
  void WorkerLoop();
  void Restart(const RestartRequest& request);
  void KeeperLoop();
  void Log(LogLevel level, const std::string& text);

  const SupervisorOptions options_;
  Stats stats_;
  std::atomic<bool> ignore_stops_{false};

  // One runtime start at a time (Reload or restart); never taken while holding mutex_.
  std::mutex start_mutex_;

  std::mutex mutex_;  // everything below
  std::condition_variable worker_wake_;  // restart_, notices_, stopping_
  std::condition_variable keeper_wake_;  // parked_, retired slots going idle, stopping_
  std::unique_ptr<Slot> current_;
  std::vector<std::unique_ptr<Slot>> retired_;
  std::vector<std::shared_ptr<PendingCall>> parked_;
  std::optional<RestartRequest> restart_;
  std::vector<FreshRuntime> notices_;
  std::map<uint64_t, std::string> early_stops_;  // runtimes that stopped before they were installed
  RestartBudget budget_;
  std::string bundle_;
  std::string down_reason_;
  std::string give_up_message_;
  uint64_t last_generation_ = 0;
  bool gave_up_ = false;
  bool stopping_ = false;

  // Which supervisor's worker thread this is, if any: a blocking Call made there (from
  // on_fresh_runtime) must not wait for a restart, which that very thread would have to make.
  static thread_local const SupervisorCore* worker_of_;

  std::thread worker_;  // restarts and on_fresh_runtime
  std::thread keeper_;  // parked calls' deadlines, destroying retired runtimes
};

}  // namespace mesos_policy::bridge
