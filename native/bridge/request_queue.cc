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
  resume_pending_ = false;
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
  if (was_empty && !polling_ && !resume_pending_) {
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

void RequestQueue::ResumeSoon() {
  std::lock_guard<std::mutex> lock(mutex_);
  resume_pending_ = true;
}

void RequestQueue::EndPolling() {
  std::lock_guard<std::mutex> lock(mutex_);
  polling_ = false;
  // Pushed after the last poll looked: nobody woke the loop for these (unless it resumes soon).
  if (!queue_.empty() && wake_ && !resume_pending_) {
    counters_.wakeups++;
    wake_();
  }
}

std::chrono::microseconds RequestQueue::spin_now() const {
  if (spin_wait_ == std::chrono::microseconds::zero()) return spin_wait_;
  const int64_t now = Clock::now().time_since_epoch().count();
  if (now < calm_from_ns_.load(std::memory_order_relaxed)) return std::chrono::microseconds::zero();
  if (now < wake_up_spin_until_.load(std::memory_order_relaxed)) {
    return std::max(spin_wait_, std::chrono::duration_cast<std::chrono::microseconds>(
                                    std::chrono::nanoseconds(wake_up_spin_ns_.load(std::memory_order_relaxed))));
  }
  return spin_wait_;
}

std::chrono::microseconds RequestQueue::poll_now(bool answered_a_sleeper) const {
  const auto spin = spin_now();
  return answered_a_sleeper ? spin : std::min(spin, spin_wait_);
}

void RequestQueue::NoteWakeUp(std::chrono::nanoseconds latency) {
  if (spin_wait_ == std::chrono::microseconds::zero() || 2 * latency <= spin_wait_) return;
  slow_wakeups_.fetch_add(1, std::memory_order_relaxed);
  const int64_t now = Clock::now().time_since_epoch().count();
  int64_t window = std::min<int64_t>(2 * latency.count(), std::chrono::nanoseconds(kMaxWakeUpSpin).count());
  // Within a spell the widest window stays: one quick wake-up among slow ones is no sign it ended.
  if (now < wake_up_spin_until_.load(std::memory_order_relaxed)) window = std::max(window, wake_up_spin_ns_.load(std::memory_order_relaxed));
  wake_up_spin_ns_.store(window, std::memory_order_relaxed);
  wake_up_spin_until_.store(now + std::chrono::nanoseconds(kWakeUpSpinFor).count(), std::memory_order_relaxed);
}

void RequestQueue::NoteSpin(bool contended) {
  if (contended) contended_.fetch_add(1, std::memory_order_relaxed);
  if (spin_on_busy_machine_) return;
  if (!contended) {
    if (calm_in_a_row_.fetch_add(1, std::memory_order_relaxed) + 1 >= kCalmSpinsInARow) busy_since_ns_.store(0, std::memory_order_relaxed);
    return;
  }
  calm_in_a_row_.store(0, std::memory_order_relaxed);
  const int64_t now = Clock::now().time_since_epoch().count();
  int64_t since = busy_since_ns_.load(std::memory_order_relaxed);
  if (since == 0) {
    busy_since_ns_.store(now, std::memory_order_relaxed);
    return;
  }
  if (now - since < std::chrono::nanoseconds(kBusyFor).count()) return;
  busy_since_ns_.store(0, std::memory_order_relaxed);
  // Busy again soon after the last calm-down: twice as long this time (a machine that stays busy
  // soon has spinning off for kMaxCalmDown at a time); otherwise the shortest.
  const int64_t last_end = calm_from_ns_.load(std::memory_order_relaxed);
  int64_t calm_down = std::chrono::nanoseconds(kMinCalmDown).count();
  if (last_end != 0 && now - last_end < std::chrono::nanoseconds(kBusyAgainWithin).count()) {
    calm_down = std::min<int64_t>(2 * calm_down_ns_.load(std::memory_order_relaxed), std::chrono::nanoseconds(kMaxCalmDown).count());
  }
  calm_down_ns_.store(calm_down, std::memory_order_relaxed);
  calm_from_ns_.store(now + calm_down, std::memory_order_relaxed);
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
  counters.slow_wakeups = slow_wakeups_.load(std::memory_order_relaxed);
  return counters;
}

}  // namespace mesos_policy::bridge
