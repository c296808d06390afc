#include "request_queue.h"

#include <algorithm>
#include <thread>

#include "spin.h"

namespace mesos_policy::bridge {

void RequestQueue::Open(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(mutex_);
  wake_ = std::move(wake);
}

RequestQueue::Batch RequestQueue::TakeLocked() {
  Batch batch;
  batch.swap(queue_);
  queued_.store(false, std::memory_order_relaxed);
  return batch;
}

RequestQueue::Batch RequestQueue::Close() {
  std::lock_guard<std::mutex> lock(mutex_);
  wake_ = nullptr;
  return TakeLocked();
}

bool RequestQueue::Push(std::shared_ptr<Request> request) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!wake_) return false;
  bool was_empty = queue_.empty();
  queue_.push_back(std::move(request));
  queued_.store(true, std::memory_order_release);
  // The loop drains everything per wake-up (or poll), so one wake-up per non-empty period is enough.
  if (was_empty && !polling_) {
    counters_.wakeups++;
    wake_();
  }
  return true;
}

bool RequestQueue::open() {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<bool>(wake_);
}

RequestQueue::Batch RequestQueue::TakeAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  return TakeLocked();
}

RequestQueue::Batch RequestQueue::BeginPolling() {
  std::lock_guard<std::mutex> lock(mutex_);
  polling_ = true;
  return TakeLocked();
}

RequestQueue::Batch RequestQueue::Poll(Clock::time_point until) {
  bool contended = false;
  const bool queued = SpinUntil(until, [this] { return queued_.load(std::memory_order_acquire); },
                                spin_on_busy_machine_ ? nullptr : &contended);
  NoteSpin(contended);
  if (!queued) return {};
  std::lock_guard<std::mutex> lock(mutex_);
  Batch batch = TakeLocked();
  counters_.polled += batch.size();
  return batch;
}

void RequestQueue::EndPolling() {
  std::lock_guard<std::mutex> lock(mutex_);
  polling_ = false;
  // Pushed after the last poll looked: nobody woke the loop for these.
  if (!queue_.empty() && wake_) {
    counters_.wakeups++;
    wake_();
  }
}

std::chrono::microseconds RequestQueue::spin_now() const {
  if (spin_wait_ == std::chrono::microseconds::zero()) return spin_wait_;
  const int64_t now = Clock::now().time_since_epoch().count();
  return now < calm_from_ns_.load(std::memory_order_relaxed) ? std::chrono::microseconds::zero() : spin_wait_;
}

void RequestQueue::NoteContention() {
  contended_.fetch_add(1, std::memory_order_relaxed);
  if (spin_on_busy_machine_) return;
  if (contended_in_a_row_.fetch_add(1, std::memory_order_relaxed) + 1 < kContendedInARow) return;
  contended_in_a_row_.store(0, std::memory_order_relaxed);
  const auto calm_from = Clock::now() + kCalmDown;
  calm_from_ns_.store(calm_from.time_since_epoch().count(), std::memory_order_relaxed);
}

int RequestQueue::SpinSlots() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2)); }

bool RequestQueue::TakeSpinSlot() {
  int free = spin_slots_free_.load(std::memory_order_relaxed);
  while (free > 0) {
    if (spin_slots_free_.compare_exchange_weak(free, free - 1, std::memory_order_acq_rel)) return true;
  }
  return false;
}

void RequestQueue::ReturnSpinSlot() { spin_slots_free_.fetch_add(1, std::memory_order_acq_rel); }

RequestQueue::Counters RequestQueue::counters() {
  std::lock_guard<std::mutex> lock(mutex_);
  Counters counters = counters_;
  counters.answered_while_spinning = answered_while_spinning_.load(std::memory_order_relaxed);
  counters.contended = contended_.load(std::memory_order_relaxed);
  return counters;
}

}  // namespace mesos_policy::bridge
