// Requests from host threads to the loop thread: a locked queue plus a wake-up (uv_async_send),
// sent only when the queue goes from empty to non-empty.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "request.h"

namespace mesos_policy::bridge {

class RequestQueue {
 public:
  using Batch = std::deque<std::shared_ptr<Request>>;

  // Starts accepting requests; `wake` is called under the queue's lock, so it is never called
  // after Close() returns (the loop can then close the handle `wake` uses).
  void Open(std::function<void()> wake);
  // Stops accepting requests and returns those still queued.
  Batch Close();

  // False when the queue is not open (the runtime is not serving).
  bool Push(std::shared_ptr<Request> request);
  Batch TakeAll();
  bool open();

 private:
  std::mutex mutex_;
  Batch queue_;
  std::function<void()> wake_;  // empty while closed
};

}  // namespace mesos_policy::bridge
