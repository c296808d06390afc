#include "watchdog.h"

#include <algorithm>

namespace mesos_policy::bridge {

Watchdog::Watchdog(Expire expire, Tick tick, Clock::duration tick_period)
    : expire_(std::move(expire)), tick_(std::move(tick)), tick_period_(tick_period), thread_([this] { Run(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_one();
  thread_.join();
}

void Watchdog::Watch(const std::shared_ptr<Request>& request, std::chrono::milliseconds deadline) {
  bool earliest;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Entry entry{Clock::now() + deadline, deadline, request};
    earliest = entries_.empty() || entry.at < entries_.top().at;
    entries_.push(std::move(entry));
    if (entries_.size() >= compact_at_) CompactLocked();
  }
  if (earliest) changed_.notify_one();
}

// Entries of answered requests stay until their deadline; with many fast calls and long deadlines
// they pile up. Dropping them whenever the queue has doubled keeps it near the live calls' count.
void Watchdog::CompactLocked() {
  std::vector<Entry> live;
  live.reserve(entries_.size());
  while (!entries_.empty()) {
    if (!entries_.top().request.expired()) live.push_back(entries_.top());
    entries_.pop();
  }
  entries_ = decltype(entries_)(std::greater<Entry>(), std::move(live));
  compact_at_ = std::max<size_t>(1024, 2 * entries_.size());
}

void Watchdog::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  Clock::time_point next_tick = Clock::now() + tick_period_;
  while (!stop_) {
    Clock::time_point wake = next_tick;
    if (!entries_.empty()) wake = std::min(wake, entries_.top().at);
    changed_.wait_until(lock, wake);
    if (stop_) break;
    const Clock::time_point now = Clock::now();
    std::vector<std::pair<std::shared_ptr<Request>, std::chrono::milliseconds>> due;
    while (!entries_.empty() && entries_.top().at <= now) {
      if (auto request = entries_.top().request.lock()) due.emplace_back(std::move(request), entries_.top().deadline);
      entries_.pop();
    }
    const bool tick = now >= next_tick;
    if (tick) next_tick = now + tick_period_;
    lock.unlock();  // the callbacks take other locks (the request's, the runtime's)
    for (const auto& [request, deadline] : due) expire_(request, deadline);
    if (tick && tick_) tick_();
    lock.lock();
  }
}

}  // namespace mesos_policy::bridge
