#include "request_queue.h"

namespace mesos_policy::bridge {

void RequestQueue::Open(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(mutex_);
  wake_ = std::move(wake);
}

RequestQueue::Batch RequestQueue::Close() {
  std::lock_guard<std::mutex> lock(mutex_);
  wake_ = nullptr;
  Batch left;
  left.swap(queue_);
  return left;
}

bool RequestQueue::Push(std::shared_ptr<Request> request) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!wake_) return false;
  bool was_empty = queue_.empty();
  queue_.push_back(std::move(request));
  // The loop drains everything per wake-up, so one wake-up per non-empty period is enough.
  if (was_empty) wake_();
  return true;
}

bool RequestQueue::open() {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<bool>(wake_);
}

RequestQueue::Batch RequestQueue::TakeAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  Batch batch;
  batch.swap(queue_);
  return batch;
}

}  // namespace mesos_policy::bridge
