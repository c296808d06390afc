// The runtime's one timer thread: expires asynchronous calls at their deadlines (nobody waits on
// them) and ticks the runaway watch. Callbacks run on this thread and must be quick.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

#include "request.h"

namespace mesos_policy::bridge {

class Watchdog {
 public:
  using Clock = Request::Clock;
  using Expire = std::function<void(const std::shared_ptr<Request>&, std::chrono::milliseconds deadline)>;
  using Tick = std::function<void()>;

  // `expire` runs for each watched request still alive at its deadline; `tick` every `tick_period`.
  Watchdog(Expire expire, Tick tick, Clock::duration tick_period);
  ~Watchdog();  // stops the thread; deadlines not reached yet are dropped
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  void Watch(const std::shared_ptr<Request>& request, std::chrono::milliseconds deadline);

 private:
  struct Entry {
    Clock::time_point at;
    std::chrono::milliseconds deadline;
    std::weak_ptr<Request> request;  // answered requests go away; their entries are skipped
    bool operator>(const Entry& other) const { return at > other.at; }
  };
  void Run();
  void CompactLocked();

  const Expire expire_;
  const Tick tick_;
  const Clock::duration tick_period_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> entries_;
  size_t compact_at_ = 1024;
  bool stop_ = false;
  std::thread thread_;  // last: started once the rest exists
};

}  // namespace mesos_policy::bridge
